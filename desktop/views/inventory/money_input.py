"""Amounts on inventory screens in the shop's currency and language: shown through the one
money formatter, and read back from what the user typed."""

from __future__ import annotations

from desktop.services.container import Services
from desktop.services.money import format_money, parse_money


class ShopMoney:
    def __init__(self, services: Services) -> None:
        profile = services.shop.profile()
        self.currency = profile.currency
        self.locale = profile.locale

    def show(self, amount: int | None) -> str:
        return "" if amount is None else format_money(amount, self.currency, self.locale)

    def parse(self, typed: str) -> int:
        """Minor units of ``typed``; raises ``ValueError`` for anything but an amount."""
        return parse_money(typed[:40], self.currency, self.locale)

    def parse_optional(self, typed: str) -> int | None:
        """None for an empty field, else as ``parse``."""
        return self.parse(typed) if typed.strip() else None
