"""Receiving a delivery against a purchase order and sending units back, as ledger
movements written in the caller's transaction.

Each movement references its order line (``purchase_order_line``), so what a line has
received is always the sum of its movements, whichever stations wrote them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Item,
    ItemSupplier,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMovement,
)
from desktop.services import audit
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import NotFound, ValidationError
from desktop.services.permissions import Permission
from desktop.services.purchase_orders import (
    LINE_REFERENCE,
    OPEN_STATUSES,
    STATUS_LABELS,
    OrderDetail,
    existing_order,
    line_quantities,
    order_detail,
    order_line,
)
from desktop.services.stock import LotInput, StockReference, receive_units, record_movement
from desktop.services.text import FieldChecker


@dataclass(frozen=True)
class LineReceipt:
    """Units of one line arriving now."""

    line_id: uuid.UUID
    quantity: int
    unit_cost: int | None = None  # the invoiced cost, when it differs from the order's
    lot: LotInput | None = None  # for items that track expiry
    serials: Sequence[str] = ()  # for serialized items, one per unit


class OverReceipt(ValidationError):
    """More units than ordered would be received: accepted only with a reason.

    ``errors`` maps ``lines.<line id>`` to a message naming the item; ``line_ids`` lists
    the lines concerned."""

    def __init__(self, errors: dict[str, str], line_ids: Sequence[uuid.UUID]) -> None:
        super().__init__(errors)
        self.line_ids = tuple(line_ids)


@dataclass
class _Receiving:
    """What a receipt changed, to audit after writing."""

    over: dict[str, dict[str, object]] = field(default_factory=dict)
    costs: list[tuple[Item, int, int]] = field(default_factory=list)  # item, before, after


def receive_lines(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    order_id: uuid.UUID,
    receipts: Sequence[LineReceipt],
    reason: str,
) -> OrderDetail:
    """Book ``receipts`` into stock in the caller's transaction and settle the order's
    status; the caller commits. Raises ``OverReceipt`` (more than ordered without a
    reason), ``ValidationError`` (every bad line at once), ``NotFound``,
    ``PermissionDenied`` (a new cost without the right to edit items)."""
    order = existing_order(session, order_id)
    # A fully received order still takes late extras (as an over-receipt).
    if order.status not in (*OPEN_STATUSES, "received"):
        raise ValidationError(
            {
                "status": f"Order {order.number} is {STATUS_LABELS[order.status].lower()}: "
                "it does not take deliveries."
            }
        )
    lines = {line.id: line for line in order.lines}
    unknown = [r.line_id for r in receipts if r.line_id not in lines]
    if unknown:
        raise NotFound("A line of this order no longer exists. Reopen the order.")
    before = line_quantities(session, lines)
    arriving: dict[uuid.UUID, int] = defaultdict(int)
    for receipt in receipts:
        arriving[receipt.line_id] += receipt.quantity
    changes = _Receiving()
    over_errors: dict[str, str] = {}
    for line_id, units in arriving.items():
        line = lines[line_id]
        total = before[line_id][0] + units
        if total > line.quantity:
            item = session.get(Item, line.item_id)
            assert item is not None  # a foreign key
            over_errors[f"lines.{line_id}"] = (
                f"“{item.name}”: {total} received of {line.quantity} ordered."
            )
            changes.over[str(line_id)] = {
                "item": item.sku,
                "ordered": line.quantity,
                "received": total,
            }
    if over_errors and not reason:
        raise OverReceipt(over_errors, [uuid.UUID(k.split(".", 1)[1]) for k in over_errors])
    if any(r.unit_cost is not None and r.unit_cost != lines[r.line_id].unit_cost for r in receipts):
        ctx.require(Permission.EDIT_ITEMS)
    errors: dict[str, str] = {}
    for receipt in receipts:
        line = lines[receipt.line_id]
        try:
            _receive_line(session, ctx, actor, order, line, receipt, changes)
        except ValidationError as refused:
            for name, message in refused.errors.items():
                errors.setdefault(f"lines.{line.id}.{name}", message)
    if errors:
        raise ValidationError(errors)
    _audit_receipt(session, ctx, order, changes, reason)
    after = line_quantities(session, lines)
    complete = all(after[line.id][0] >= line.quantity for line in order.lines)
    order.status = "received" if complete else "partial"
    return order_detail(session, order)


def _receive_line(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    order: PurchaseOrder,
    line: PurchaseOrderLine,
    receipt: LineReceipt,
    changes: _Receiving,
) -> None:
    if receipt.unit_cost is not None and receipt.unit_cost != line.unit_cost:
        line.unit_cost = receipt.unit_cost
        item = session.get(Item, line.item_id)
        assert item is not None  # a foreign key
        if item.cost_price != receipt.unit_cost:
            changes.costs.append((item, item.cost_price, receipt.unit_cost))
            item.cost_price = receipt.unit_cost
        link = session.scalar(
            select(ItemSupplier).where(
                ItemSupplier.item_id == item.id,
                ItemSupplier.supplier_id == order.supplier_id,
            )
        )
        if link is not None:
            link.cost_price = receipt.unit_cost
    receive_units(
        session,
        ctx,
        actor,
        line.item_id,
        receipt.quantity,
        line.unit_cost,
        order.location_id,
        StockReference(LINE_REFERENCE, line.id),
        receipt.lot,
        receipt.serials,
    )


def _audit_receipt(
    session: Session, ctx: ServiceContext, order: PurchaseOrder, changes: _Receiving, reason: str
) -> None:
    for item, before, after in changes.costs:
        audit.record(
            session,
            ctx,
            "item_price_changed",
            "item",
            str(item.id),
            before={"cost_price": before},
            after={"cost_price": after},
            purchase_order=order.number,
        )
    if changes.over:
        audit.record(
            session,
            ctx,
            "purchase_over_received",
            "purchase_order",
            str(order.id),
            number=order.number,
            lines=changes.over,
            reason=reason,
        )


def _received_on_line(session: Session, line_id: uuid.UUID, serial: str) -> bool:
    return (
        session.scalar(
            select(StockMovement.id).where(
                StockMovement.reference_kind == LINE_REFERENCE,
                StockMovement.reference_id == line_id,
                StockMovement.kind == "receive",
                StockMovement.serial == serial,
            )
        )
        is not None
    )


def return_units(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    order_id: uuid.UUID,
    line_id: uuid.UUID,
    quantity: int,
    reason: str,
    serials: Sequence[str],
) -> OrderDetail:
    """Post ``supplier_return`` movements for received units of a line in the caller's
    transaction, at most what it received and has not returned; the caller commits.
    Raises ``ValidationError``, ``NotFound``."""
    check = FieldChecker()
    order = existing_order(session, order_id)
    line = order_line(order, line_id)
    received, returned = line_quantities(session, [line.id])[line.id]
    item = session.get(Item, line.item_id)
    assert item is not None  # a foreign key
    if quantity > received - returned:
        check.fail(
            "quantity",
            f"Only {received - returned} unit(s) of “{item.name}” received on this "
            "order can go back.",
        )
    cleaned = [s.strip() for s in serials if s.strip()]
    if item.serialized and sorted(set(cleaned)) != sorted(cleaned):
        check.fail("serials", "A serial is listed twice.")
    elif item.serialized and len(cleaned) != quantity:
        check.fail("serials", f"Scan or type the serial of each of the {quantity} units.")
    elif not item.serialized and cleaned:
        check.fail("serials", f"“{item.name}” is not serialized.")
    for serial in cleaned if item.serialized else []:
        if not _received_on_line(session, line.id, serial):
            check.fail("serials", f"{serial} was not received on this order.")
    check.raise_if_any()
    reference = StockReference(LINE_REFERENCE, line.id)
    for serial, units in [(s, -1) for s in cleaned] or [("", -quantity)]:
        record_movement(
            session,
            ctx,
            actor,
            item.id,
            order.location_id,
            units,
            "supplier_return",
            reason=reason,
            reference=reference,
            serial=serial,
        )
    audit.record(
        session,
        ctx,
        "supplier_return",
        "purchase_order",
        str(order.id),
        number=order.number,
        item=item.sku,
        quantity=quantity,
        serials=cleaned,
        reason=reason,
    )
    return order_detail(session, order)
