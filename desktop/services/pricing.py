"""Totals of a sales document, exact to the minor unit: line and whole-document
discounts, tax inclusive or exclusive, tax rounded per line or once per rate, and cash
rounding to the smallest coin. Pure arithmetic on integers and fractions; no floats.

Every sale, invoice and credit note is totalled here, so what the screen shows, what is
stored and what is printed are the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from desktop.services.errors import ValidationError

FULL_BP = 10_000  # 100.00 %
RoundingMode = Literal["line", "document"]
DiscountKind = Literal["percent", "amount"]


@dataclass(frozen=True)
class Discount:
    """A percentage (``value`` in basis points: 1250 == 12.5 %) or an amount (minor units)."""

    kind: DiscountKind
    value: int

    @classmethod
    def stored(cls, kind: str, value: int) -> Discount | None:
        """The discount a document or line row keeps as ``(kind, value)``; none for ''."""
        if kind not in ("percent", "amount"):
            return None
        return cls("percent" if kind == "percent" else "amount", value)

    def amount_of(self, base: int) -> int:
        """What this discount takes off ``base``; raises ``ValueError`` when it cannot."""
        if self.value < 0:
            raise ValueError("A discount cannot be negative.")
        if self.kind == "percent":
            if self.value > FULL_BP:
                raise ValueError("A discount cannot be more than 100 %.")
            return round_half_up(Fraction(base * self.value, FULL_BP))
        if self.value > base:
            raise ValueError("The discount is more than the amount.")
        return self.value

    def share_bp(self, base: int) -> int:
        """The discount as basis points of ``base`` (for the per-role limits)."""
        if self.kind == "percent":
            return self.value
        if base <= 0:
            return FULL_BP if self.value else 0
        return -(-self.value * FULL_BP // base)  # rounded up: 10.001 % is over 10 %


@dataclass(frozen=True)
class LineInput:
    quantity: int
    unit_price: int  # minor units, tax included or not as the document says
    tax_rate_bp: int
    discount: Discount | None = None


@dataclass(frozen=True)
class LineTotals:
    base: int  # quantity times unit price
    line_discount: int
    document_discount: int
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class TaxBand:
    rate_bp: int
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineTotals, ...]
    subtotal: int  # after line discounts, before the document's
    discount_total: int  # the document discount
    net: int
    tax_total: int
    total: int
    bands: tuple[TaxBand, ...]  # one per tax rate, lowest rate first

    @property
    def line_discount_total(self) -> int:
        return sum(line.line_discount for line in self.lines)


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (what shops and tax offices do)."""
    magnitude = abs(value)
    whole = int(magnitude + Fraction(1, 2))
    return whole if value >= 0 else -whole


def cash_rounded(amount: int, increment: int) -> int:
    """``amount`` rounded to the nearest multiple of the smallest coin ``increment``."""
    if increment <= 1:
        return amount
    return round_half_up(Fraction(amount, increment)) * increment


def compute_totals(
    lines: Sequence[LineInput],
    *,
    prices_include_tax: bool,
    rounding_mode: RoundingMode = "line",
    discount: Discount | None = None,
) -> Totals:
    """The totals of a document with ``lines``.

    Raises ``ValidationError`` for a quantity below one, a negative price, a rate outside
    0 to 100 %, or a discount that is negative, over 100 % or more than the amount.
    """
    _check(lines)
    bases = [line.quantity * line.unit_price for line in lines]
    line_discounts = [
        _discount(line.discount, base, f"lines.{i}.discount")
        for i, (line, base) in enumerate(zip(lines, bases, strict=True))
    ]
    after = [base - off for base, off in zip(bases, line_discounts, strict=True)]
    subtotal = sum(after)
    document_discount = _discount(discount, subtotal, "discount")
    shares = allocate(document_discount, after)
    amounts = [a - s for a, s in zip(after, shares, strict=True)]
    exact = [
        _exact_tax(amount, line.tax_rate_bp, prices_include_tax)
        for amount, line in zip(amounts, lines, strict=True)
    ]
    if rounding_mode == "line":
        taxes = [round_half_up(t) for t in exact]
    else:
        taxes = _taxes_rounded_per_rate(exact, [line.tax_rate_bp for line in lines])
    totals: list[LineTotals] = []
    for base, off, share, amount, tax in zip(
        bases, line_discounts, shares, amounts, taxes, strict=True
    ):
        net, gross = (amount - tax, amount) if prices_include_tax else (amount, amount + tax)
        totals.append(LineTotals(base, off, share, net, tax, gross))
    return Totals(
        lines=tuple(totals),
        subtotal=subtotal,
        discount_total=document_discount,
        net=sum(t.net for t in totals),
        tax_total=sum(t.tax for t in totals),
        total=sum(t.gross for t in totals),
        bands=_bands(totals, [line.tax_rate_bp for line in lines]),
    )


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` over ``weights`` in proportion, to the unit, summing exactly
    (largest remainder; ties go to the earlier line)."""
    total = sum(weights)
    if amount == 0 or total == 0:
        return [0] * len(weights)
    exact = [Fraction(amount * w, total) for w in weights]
    floors = [int(e) for e in exact]
    left = amount - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def _check(lines: Sequence[LineInput]) -> None:
    errors: dict[str, str] = {}
    for i, line in enumerate(lines):
        if line.quantity < 1:
            errors[f"lines.{i}.quantity"] = "The quantity must be at least 1."
        if line.unit_price < 0:
            errors[f"lines.{i}.unit_price"] = "A price cannot be negative."
        if not 0 <= line.tax_rate_bp <= FULL_BP:
            errors[f"lines.{i}.tax_rate"] = "A tax rate is between 0 and 100 %."
    if errors:
        raise ValidationError(errors)


def _discount(discount: Discount | None, base: int, field: str) -> int:
    if discount is None:
        return 0
    try:
        return discount.amount_of(base)
    except ValueError as error:
        raise ValidationError({field: str(error)}) from error


def _exact_tax(amount: int, rate_bp: int, included: bool) -> Fraction:
    if included:
        return Fraction(amount * rate_bp, FULL_BP + rate_bp)
    return Fraction(amount * rate_bp, FULL_BP)


def _taxes_rounded_per_rate(exact: Sequence[Fraction], rates: Sequence[int]) -> list[int]:
    """Round each rate's tax once, then spread it back over that rate's lines."""
    taxes = [0] * len(exact)
    for rate in set(rates):
        members = [i for i, r in enumerate(rates) if r == rate]
        band_tax = round_half_up(sum((exact[i] for i in members), Fraction(0)))
        floors = [int(exact[i]) for i in members]
        left = band_tax - sum(floors)
        order = sorted(range(len(members)), key=lambda k: (-(exact[members[k]] - floors[k]), k))
        for k in order[: max(left, 0)]:
            floors[k] += 1
        for k, i in enumerate(members):
            taxes[i] = floors[k]
    return taxes


def _bands(lines: Sequence[LineTotals], rates: Sequence[int]) -> tuple[TaxBand, ...]:
    bands: dict[int, list[LineTotals]] = {}
    for line, rate in zip(lines, rates, strict=True):
        bands.setdefault(rate, []).append(line)
    return tuple(
        TaxBand(
            rate,
            sum(t.net for t in members),
            sum(t.tax for t in members),
            sum(t.gross for t in members),
        )
        for rate, members in sorted(bands.items())
    )
