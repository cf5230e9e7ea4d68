"""Human document numbers per station: T-A-10042, S-A-000311, INV-A-000123, Z-A-00001
(a closed drawer's Z report), and the SKUs given to items entered without one
(ITM-A-000123).

The counter lives in the same transaction as the document that takes the number, so a
rolled-back sale gives its number back and a committed one never hands it out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.models import (
    CashShift,
    DocumentSequence,
    Item,
    PurchaseOrder,
    SalesDocument,
    StockCount,
    Ticket,
)


@dataclass(frozen=True)
class NumberFormat:
    prefix: str
    start: int
    width: int


FORMATS: dict[str, NumberFormat] = {
    "ticket": NumberFormat("T", 10001, 0),
    "sale": NumberFormat("S", 1, 6),
    "invoice": NumberFormat("INV", 1, 6),
    "credit_note": NumberFormat("CN", 1, 6),
    "purchase_order": NumberFormat("PO", 1, 6),
    "item": NumberFormat("ITM", 1, 6),
    "stock_count": NumberFormat("CNT", 1, 5),
    "z_report": NumberFormat("Z", 1, 5),
}


def next_number(session: Session, station_code: str, kind: str, prefix: str | None = None) -> str:
    """Take the next number of ``kind`` for this station inside the caller's transaction.

    ``prefix`` replaces the kind's own (the shop's invoice prefix); the counter stays the
    kind's, so a new prefix continues the series instead of starting it over.
    """
    fmt = FORMATS[kind]
    statement = (
        update(DocumentSequence)
        .where(DocumentSequence.station_code == station_code, DocumentSequence.kind == kind)
        .values(next_value=DocumentSequence.next_value + 1)
        .returning(DocumentSequence.next_value)
    )
    value = session.execute(statement).scalar()
    if value is None:
        session.add(
            DocumentSequence(station_code=station_code, kind=kind, next_value=fmt.start + 1)
        )
        session.flush()
        value = fmt.start + 1
    taken = value - 1
    return f"{prefix or fmt.prefix}-{station_code}-{taken:0{fmt.width}d}"


def continue_series(session: Session, station_code: str) -> None:
    """Set this station's counters past every number it already gave, as found in the
    data: a reinstalled PC that took back its station code from the server goes on
    where it stopped instead of handing out its old numbers again."""
    highest: dict[str, int] = {}
    pattern = f"%-{station_code}-%"
    numbered: list[tuple[str | None, Any, Any]] = [
        ("ticket", Ticket.number, None),
        (None, SalesDocument.number, SalesDocument.kind),
        ("purchase_order", PurchaseOrder.number, None),
        ("item", Item.sku, None),
        ("stock_count", StockCount.number, None),
        ("z_report", CashShift.z_number, None),
    ]
    for kind, column, kind_column in numbered:
        kinds = kind_column if kind_column is not None else column
        for number, row_kind in session.execute(select(column, kinds).where(column.like(pattern))):
            tail = str(number).rsplit("-", 1)[-1]
            name = kind or str(row_kind)
            if tail.isdigit() and name in FORMATS:
                highest[name] = max(highest.get(name, 0), int(tail))
    for name, value in highest.items():
        row = session.get(DocumentSequence, (station_code, name))
        if row is None:
            session.add(
                DocumentSequence(station_code=station_code, kind=name, next_value=value + 1)
            )
        elif row.next_value <= value:
            row.next_value = value + 1
