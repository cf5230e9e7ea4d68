"""A discount as the counter types it: ``10%`` off, or an amount such as ``5.00``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from desktop.services.pricing import Discount
from desktop.views.inventory.money_input import ShopMoney


def parse_discount(typed: str, money: ShopMoney) -> Discount | None:
    """The discount typed (None for an empty field); raises ``ValueError`` for anything
    else than a percentage or an amount."""
    text = typed.strip()[:20]
    if not text:
        return None
    if text.endswith("%"):
        return Discount("percent", _percent_bp(text[:-1]))
    return Discount("amount", money.parse(text))


def discount_text(discount: Discount | None, money: ShopMoney) -> str:
    """How ``parse_discount`` reads it back: ``12.5%`` or an amount."""
    if discount is None:
        return ""
    if discount.kind == "percent":
        return f"{discount.value / 100:g}%"
    return money.show(discount.value).strip()


def _percent_bp(text: str) -> int:
    """``12.5`` → 1250 basis points; raises ``ValueError``."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(text) from error
    bp = value * 100
    if bp != bp.to_integral_value() or bp < 0:
        raise ValueError(text)
    return int(bp)
