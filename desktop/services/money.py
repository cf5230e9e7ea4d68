"""Money is an integer count of the currency's minor units; this is its one formatter."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, parse_decimal


def minor_digits(currency: str) -> int:
    """How many decimal places ``currency`` has (2 for EUR, 0 for JPY)."""
    return int(get_currency_precision(currency))


def to_decimal(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-minor_digits(currency))


def format_money(amount: int, currency: str, locale: str = "en_US") -> str:
    """``1234`` EUR in ``de_DE`` → ``12,34 €``."""
    return str(format_currency(to_decimal(amount, currency), currency, locale=locale))


def parse_money(text: str, currency: str, locale: str = "en_US") -> int:
    """What a person typed (``12.5``, ``1,234.50``) as minor units.

    Raises ``ValueError`` when it is not a number or has more decimals than the currency.
    """
    # Currency signs and spaces are decoration; anything else must be a number.
    cleaned = "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Sc"
    ).removeprefix(currency.upper())
    if not cleaned:
        return 0
    if any(ch.isalpha() for ch in cleaned):
        raise ValueError(f"{text!r} is not an amount")
    try:
        value = parse_decimal(cleaned, locale=locale, strict=False)
    except Exception as error:  # babel raises NumberFormatError, a ValueError subclass
        raise ValueError(f"{text!r} is not an amount") from error
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    try:
        whole = scaled.to_integral_exact()
    except InvalidOperation as error:  # pragma: no cover - Decimal context traps nothing here
        raise ValueError(f"{text!r} is not an amount") from error
    if whole != scaled:
        raise ValueError(f"{text!r} has more than {digits} decimals")
    return int(whole)
