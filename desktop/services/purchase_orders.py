"""Purchase orders as the screens and documents see them, read from the database.

What a line has received is the sum of the ``receive`` movements that reference it, and
what went back the sum of its ``supplier_return`` movements: never a counter on the row,
so two stations receiving the same delivery at once both count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from desktop.models import (
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLocation,
    StockMovement,
    Supplier,
)
from desktop.services.errors import NotFound
from desktop.services.shop import shop_profile

if TYPE_CHECKING:
    from desktop.services.documents.purchase_order import PurchaseOrderDocument

LINE_REFERENCE = "purchase_order_line"
STATUSES = ("draft", "ordered", "partial", "received", "closed", "cancelled")
OPEN_STATUSES = ("ordered", "partial")  # sent to the supplier, still expecting goods
STATUS_LABELS = {
    "draft": "Draft",
    "ordered": "Ordered",
    "partial": "Partly received",
    "received": "Received",
    "closed": "Closed",
    "cancelled": "Cancelled",
}


@dataclass(frozen=True)
class OrderLine:
    id: uuid.UUID
    position: int
    item_id: uuid.UUID
    item_name: str
    sku: str
    supplier_sku: str
    quantity: int
    unit_cost: int  # minor units
    received: int
    returned: int  # units sent back to the supplier
    track_expiry: bool
    serialized: bool

    @property
    def outstanding(self) -> int:
        """Units still to come (returns do not make the supplier send more)."""
        return max(self.quantity - self.received, 0)

    @property
    def returnable(self) -> int:
        return self.received - self.returned

    @property
    def total(self) -> int:
        return self.quantity * self.unit_cost


@dataclass(frozen=True)
class OrderDetail:
    id: uuid.UUID
    number: str
    status: str
    supplier_id: uuid.UUID
    supplier_name: str
    supplier_email: str
    supplier_active: bool
    location_id: uuid.UUID
    location_name: str
    notes: str
    ordered_at: datetime | None
    expected_on: date | None
    created_at: datetime
    updated_at: datetime
    lines: tuple[OrderLine, ...]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def line(self, line_id: uuid.UUID) -> OrderLine:
        return next(line for line in self.lines if line.id == line_id)


@dataclass(frozen=True)
class OrderSummary:
    id: uuid.UUID
    number: str
    status: str
    supplier_name: str
    line_count: int
    total: int  # minor units
    created_at: datetime
    ordered_at: datetime | None
    expected_on: date | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def line_quantities(
    session: Session, line_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(received, returned) per line, from the ledger."""
    ids = list(line_ids)
    totals: dict[uuid.UUID, tuple[int, int]] = {line_id: (0, 0) for line_id in ids}
    if not ids:
        return totals
    statement = (
        select(StockMovement.reference_id, StockMovement.kind, func.sum(StockMovement.quantity))
        .where(
            StockMovement.reference_kind == LINE_REFERENCE,
            StockMovement.reference_id.in_(ids),
        )
        .group_by(StockMovement.reference_id, StockMovement.kind)
    )
    for line_id, kind, units in session.execute(statement):
        assert line_id is not None  # the query asks for these lines only
        received, returned = totals[line_id]
        if kind == "supplier_return":
            returned -= int(units)
        else:
            received += int(units)
        totals[line_id] = (received, returned)
    return totals


def existing_order(session: Session, order_id: uuid.UUID) -> PurchaseOrder:
    """The order with its lines, or ``NotFound``."""
    order = session.scalar(
        select(PurchaseOrder)
        .where(PurchaseOrder.id == order_id)
        .options(selectinload(PurchaseOrder.lines))
    )
    if order is None:
        raise NotFound("This purchase order no longer exists.")
    return order


def order_line(order: PurchaseOrder, line_id: uuid.UUID) -> PurchaseOrderLine:
    """The order's line, or ``NotFound``."""
    line = next((x for x in order.lines if x.id == line_id), None)
    if line is None:
        raise NotFound("This line is no longer on the order.")
    return line


def order_detail(session: Session, order: PurchaseOrder) -> OrderDetail:
    session.flush()
    supplier = session.get(Supplier, order.supplier_id)
    location = session.get(StockLocation, order.location_id)
    assert supplier is not None and location is not None  # foreign keys
    items = {
        item.id: item
        for item in session.scalars(
            select(Item).where(Item.id.in_({line.item_id for line in order.lines}))
        )
    }
    quantities = line_quantities(session, (line.id for line in order.lines))
    lines = tuple(
        OrderLine(
            id=line.id,
            position=line.position,
            item_id=line.item_id,
            item_name=items[line.item_id].name,
            sku=items[line.item_id].sku,
            supplier_sku=line.supplier_sku,
            quantity=line.quantity,
            unit_cost=line.unit_cost,
            received=quantities[line.id][0],
            returned=quantities[line.id][1],
            track_expiry=items[line.item_id].track_expiry,
            serialized=items[line.item_id].serialized,
        )
        for line in sorted(order.lines, key=lambda line: line.position)
    )
    return OrderDetail(
        id=order.id,
        number=order.number,
        status=order.status,
        supplier_id=supplier.id,
        supplier_name=supplier.name,
        supplier_email=supplier.email,
        supplier_active=supplier.active,
        location_id=location.id,
        location_name=location.name,
        notes=order.notes,
        ordered_at=order.ordered_at,
        expected_on=order.expected_on,
        created_at=order.created_at,
        updated_at=order.updated_at,
        lines=lines,
    )


def order_summaries(
    session: Session,
    status: str | None = None,
    supplier_id: uuid.UUID | None = None,
    limit: int = 500,
) -> list[OrderSummary]:
    """Orders newest first, with their line count and total."""
    totals = (
        select(
            PurchaseOrderLine.order_id,
            func.count().label("lines"),
            func.sum(PurchaseOrderLine.quantity * PurchaseOrderLine.unit_cost).label("total"),
        )
        .group_by(PurchaseOrderLine.order_id)
        .subquery()
    )
    statement = (
        select(PurchaseOrder, Supplier.name, totals.c.lines, totals.c.total)
        .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
        .outerjoin(totals, totals.c.order_id == PurchaseOrder.id)
        .order_by(PurchaseOrder.created_at.desc(), PurchaseOrder.id.desc())
        .limit(limit)
    )
    if status is not None:
        statement = statement.where(PurchaseOrder.status == status)
    if supplier_id is not None:
        statement = statement.where(PurchaseOrder.supplier_id == supplier_id)
    return [
        OrderSummary(
            order.id,
            order.number,
            order.status,
            name,
            int(lines or 0),
            int(total or 0),
            order.created_at,
            order.ordered_at,
            order.expected_on,
        )
        for order, name, lines, total in session.execute(statement)
    ]


def order_document(session: Session, order_id: uuid.UUID) -> PurchaseOrderDocument:
    """What the printed or emailed order shows. Raises ``NotFound``."""
    from desktop.services.documents.purchase_order import OrderedLine, PurchaseOrderDocument
    from desktop.services.ticket_documents import shop_header

    detail = order_detail(session, existing_order(session, order_id))
    supplier = session.get(Supplier, detail.supplier_id)
    assert supplier is not None  # a foreign key
    profile = shop_profile(session)
    return PurchaseOrderDocument(
        shop=shop_header(profile),
        number=detail.number,
        status=detail.status_label,
        created_at=detail.created_at,
        ordered_at=detail.ordered_at,
        expected_on=detail.expected_on,
        supplier_name=supplier.name,
        supplier_contact=supplier.contact_name,
        supplier_address=supplier.address,
        supplier_phone=supplier.phone,
        supplier_email=supplier.email,
        supplier_terms=supplier.terms,
        deliver_to=detail.location_name,
        notes=detail.notes,
        lines=tuple(
            OrderedLine(line.sku, line.supplier_sku, line.item_name, line.quantity, line.unit_cost)
            for line in detail.lines
        ),
        currency=profile.currency,
        locale=profile.locale,
    )
