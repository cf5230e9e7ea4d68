"""What a cash shift passes to the screens and the printed X and Z reports, and the JSON
snapshot a closed shift keeps so that a reprinted Z report is the same paper."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class ShiftSummary:
    """A shift as the drawer menu and the list of recent shifts show it. While the shift
    is open, ``expected_cash`` and the sales are running figures."""

    id: uuid.UUID
    station_code: str
    opened_at: datetime
    opened_by: str
    opened_by_id: uuid.UUID | None
    opening_float: int
    expected_cash: int
    sales_count: int
    sales_total: int
    currency: str
    locale: str
    closed_at: datetime | None = None
    closed_by: str = ""
    counted_cash: int | None = None
    z_number: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def over_short(self) -> int | None:
        """Counted minus expected: positive is over, negative is short."""
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash


@dataclass(frozen=True)
class TaxLine:
    """One tax rate's net, tax and gross over the shift, credit notes subtracted."""

    rate_bp: int
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class MethodTakings:
    """What one payment method took in the shift, net of money paid back with it."""

    method_name: str
    method_kind: str
    payments: int
    amount: int


@dataclass(frozen=True)
class CashMovementView:
    at: datetime
    kind: str  # pay_in | pay_out
    amount: int
    reason: str
    username: str


@dataclass(frozen=True)
class CountedDenomination:
    value: int  # minor units; LOOSE (1) with an amount counted as a whole
    count: int

    @property
    def total(self) -> int:
        return self.value * self.count


@dataclass(frozen=True)
class ShiftReport:
    """The X report (an open shift's figures so far) or the Z report (a closed shift).

    Sales are the completed sales and issued invoices of the station within the shift's
    hours; refunds its credit notes; takings the payments the shift took, by method.
    """

    shift_id: uuid.UUID
    shop_name: str
    shop_address: str
    shop_phone: str
    shop_tax_id: str
    station_code: str
    station_name: str
    currency: str
    locale: str
    opened_at: datetime
    opened_by: str
    taken_at: datetime  # when these figures were read
    opening_float: int
    sales_count: int
    sales_total: int
    refunds_count: int
    refunds_total: int
    voids_count: int
    discounts_total: int
    tips_total: int
    taxes: tuple[TaxLine, ...]
    takings: tuple[MethodTakings, ...]
    cash_movements: tuple[CashMovementView, ...]
    cash_takings: int  # cash payments in, less cash paid back
    expected_cash: int
    closed_at: datetime | None = None
    closed_by: str = ""
    z_number: str = ""  # empty for an X report
    counted_cash: int | None = None
    denominations: tuple[CountedDenomination, ...] = ()
    note: str = ""

    @property
    def is_z(self) -> bool:
        return bool(self.z_number)

    @property
    def title(self) -> str:
        return f"Z report {self.z_number}" if self.is_z else "X report (not closed)"

    @property
    def pay_ins(self) -> int:
        return sum(m.amount for m in self.cash_movements if m.kind == "pay_in")

    @property
    def pay_outs(self) -> int:
        return sum(m.amount for m in self.cash_movements if m.kind == "pay_out")

    @property
    def net_sales(self) -> int:
        return self.sales_total - self.refunds_total

    @property
    def over_short(self) -> int | None:
        """Counted minus expected: positive is over, negative is short."""
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash


def report_to_json(report: ShiftReport) -> str:
    """The report as the JSON snapshot a closed shift keeps."""
    return json.dumps(
        {"version": SNAPSHOT_VERSION, "report": asdict(report)},
        sort_keys=True,
        default=_encode,
        ensure_ascii=False,
    )


def report_from_json(stored: str) -> ShiftReport:
    """The report a snapshot holds. Raises ``ValueError`` for a damaged snapshot."""
    try:
        raw: dict[str, Any] = json.loads(stored)["report"]
        return ShiftReport(
            **{
                **raw,
                "shift_id": uuid.UUID(raw["shift_id"]),
                "opened_at": _time(raw["opened_at"]),
                "taken_at": _time(raw["taken_at"]),
                "closed_at": _time(raw["closed_at"]) if raw["closed_at"] else None,
                "taxes": tuple(TaxLine(**t) for t in raw["taxes"]),
                "takings": tuple(MethodTakings(**t) for t in raw["takings"]),
                "cash_movements": tuple(
                    CashMovementView(**{**m, "at": _time(m["at"])}) for m in raw["cash_movements"]
                ),
                "denominations": tuple(CountedDenomination(**d) for d in raw["denominations"]),
            }
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError("the Z report snapshot is damaged") from error


def _encode(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in a Z report")


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a Z report time without its zone")
    return parsed
