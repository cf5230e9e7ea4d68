"""Parts used in a repair: taken from stock at once or reserved until the ticket is done.

The shop chooses the mode (``ShopProfile.ticket_parts_mode``). A used part is a
``ticket_part`` movement in the ledger that references the part row; removing it books a
``return`` movement, so the ledger always explains where a unit went. A reserved part
touches no stock: it lowers what is available until the ticket reaches ready, completed
or closed, when it is used, or cancelled, when it is released.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Item, ShopProfile, Ticket, TicketPart
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import NotFound, ValidationError
from desktop.services.items import MAX_QUANTITY
from desktop.services.permissions import Permission
from desktop.services.stock import (
    DEFAULT_LOCATION_ID,
    StockReference,
    record_movement,
    serial_on_hand,
)
from desktop.services.text import FieldChecker
from desktop.services.ticket_types import MAX_MONEY, StatusCategory, chargeable_ticket

PARTS_MODES = ("consume", "reserve")
# Entering one of these uses the parts still reserved; cancelling releases them.
USES_RESERVED = {
    StatusCategory.READY.value,
    StatusCategory.COMPLETED.value,
    StatusCategory.CLOSED.value,
}


@dataclass(frozen=True)
class PartInput:
    item_id: uuid.UUID
    quantity: int = 1
    unit_price: int | None = None  # minor units; None: the item's selling price
    serial: str = ""
    location_id: uuid.UUID | None = None  # None: the store


@dataclass(frozen=True)
class TicketPartView:
    id: uuid.UUID
    ticket_id: uuid.UUID
    item_id: uuid.UUID
    name: str
    sku: str
    quantity: int
    unit_price: int
    serial: str
    status: str  # reserved | used | removed

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


class TicketPartService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, ticket_id: uuid.UUID, data: PartInput) -> TicketPartView:
        """Put a part on a ticket: used (out of stock now) or reserved, per the shop's
        setting. A serialized item is one unit with a serial that is on the shelf. Stock
        may go negative (an offline counter may have sold the last one); it is recorded,
        never refused. Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        serial = check.line("serial", data.serial, 64)
        if not 1 <= data.quantity <= MAX_QUANTITY:
            check.fail("quantity", f"Between 1 and {MAX_QUANTITY:,} units.")
        if data.unit_price is not None and not 0 <= data.unit_price <= MAX_MONEY:
            check.fail("unit_price", "The price cannot be negative or absurdly large.")
        check.raise_if_any()
        location_id = data.location_id or DEFAULT_LOCATION_ID
        with self.ctx.uow() as tx:
            ticket = chargeable_ticket(tx.session, ticket_id, "part")
            item = tx.session.get(Item, data.item_id)
            if item is None:
                raise NotFound("This item no longer exists.")
            self._check_item(tx.session, item, data.quantity, serial, location_id)
            part = TicketPart(
                ticket_id=ticket.id,
                item_id=item.id,
                location_id=location_id,
                quantity=data.quantity,
                unit_price=item.sell_price if data.unit_price is None else data.unit_price,
                serial=serial,
                status="reserved" if parts_mode(tx.session) == "reserve" else "used",
                user_id=actor.user_id,
            )
            tx.session.add(part)
            tx.session.flush()
            if part.status == "used":
                _take(tx.session, self.ctx, actor, part)
            tx.commit()
            return _view(part, item)

    def remove(self, part_id: uuid.UUID) -> None:
        """Take a part off the ticket: a used part goes back on the shelf (a ``return``
        movement), a reserved one is released. Raises ``ValidationError`` (closed ticket),
        ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            part = self._part(tx.session, part_id)
            chargeable_ticket(tx.session, part.ticket_id, "part")
            if part.status == "used":
                record_movement(
                    tx.session,
                    self.ctx,
                    actor,
                    part.item_id,
                    part.location_id,
                    part.quantity,
                    "return",
                    reason="Removed from the ticket",
                    reference=StockReference("ticket_part", part.id),
                    serial=part.serial,
                )
            part.status = "removed"
            tx.commit()

    def use(self, part_id: uuid.UUID) -> None:
        """Take a reserved part out of stock now (the technician fitted it)."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            part = self._part(tx.session, part_id)
            chargeable_ticket(tx.session, part.ticket_id, "part")
            if part.status != "reserved":
                raise ValidationError({"part": "Only a reserved part can be used."})
            _take(tx.session, self.ctx, actor, part)
            part.status = "used"
            tx.commit()

    def parts(self, ticket_id: uuid.UUID, include_removed: bool = False) -> list[TicketPartView]:
        """The ticket's parts in the order they were added."""
        statement = (
            select(TicketPart, Item)
            .join(Item, Item.id == TicketPart.item_id)
            .where(TicketPart.ticket_id == ticket_id)
            .order_by(TicketPart.created_at, TicketPart.id)
        )
        if not include_removed:
            statement = statement.where(TicketPart.status != "removed")
        with self.ctx.uow() as tx:
            return [_view(part, item) for part, item in tx.session.execute(statement)]

    def reserved(self, item_id: uuid.UUID) -> int:
        """Units of the item held for tickets and not yet taken out of stock."""
        statement = select(func.coalesce(func.sum(TicketPart.quantity), 0)).where(
            TicketPart.item_id == item_id, TicketPart.status == "reserved"
        )
        with self.ctx.uow() as tx:
            return int(tx.session.scalar(statement) or 0)

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _check_item(
        session: Session, item: Item, quantity: int, serial: str, location_id: uuid.UUID
    ) -> None:
        check = FieldChecker()
        if item.kind != "stock":
            check.fail("item", f"“{item.name}” is a service: charge it as a labour line.")
        elif not item.active:
            check.fail("item", f"“{item.name}” is archived.")
        elif item.serialized:
            if quantity != 1:
                check.fail("quantity", "A serialized part is added one unit at a time.")
            if not serial:
                check.fail("serial", f"“{item.name}” is serialized: scan or choose its serial.")
            elif serial_on_hand(session, item.id, serial, location_id) <= 0:
                check.fail("serial", f"{serial} is not in stock for “{item.name}”.")
            elif _serial_taken(session, item.id, serial):
                check.fail("serial", f"{serial} is already on a ticket.")
        elif serial:
            check.fail("serial", f"“{item.name}” is not serialized.")
        check.raise_if_any()

    @staticmethod
    def _part(session: Session, part_id: uuid.UUID) -> TicketPart:
        part = session.get(TicketPart, part_id)
        if part is None or part.status == "removed":
            raise NotFound("This part is no longer on the ticket.")
        return part


def parts_mode(session: Session) -> str:
    mode = session.scalar(select(ShopProfile.ticket_parts_mode).limit(1))
    return mode if mode in PARTS_MODES else "consume"


def settle_reserved_parts(
    session: Session, ctx: ServiceContext, actor: Actor, ticket: Ticket, category: str
) -> None:
    """On a status change: a finished repair uses its reserved parts, a cancelled one
    releases them. Runs in the status change's transaction."""
    if category == StatusCategory.CANCELLED.value:
        for part in _reserved(session, ticket.id):
            part.status = "removed"
    elif category in USES_RESERVED:
        use_reserved_parts(session, ctx, actor, ticket)


def use_reserved_parts(session: Session, ctx: ServiceContext, actor: Actor, ticket: Ticket) -> None:
    """Take the ticket's reserved parts out of stock (the repair is done, or the customer
    takes the device away). Runs in the caller's transaction."""
    for part in _reserved(session, ticket.id):
        _take(session, ctx, actor, part)
        part.status = "used"


def _reserved(session: Session, ticket_id: uuid.UUID) -> list[TicketPart]:
    return list(
        session.scalars(
            select(TicketPart).where(
                TicketPart.ticket_id == ticket_id, TicketPart.status == "reserved"
            )
        )
    )


def _take(session: Session, ctx: ServiceContext, actor: Actor, part: TicketPart) -> None:
    """The part leaves the shelf: a ``ticket_part`` movement that references it."""
    record_movement(
        session,
        ctx,
        actor,
        part.item_id,
        part.location_id,
        -part.quantity,
        "ticket_part",
        reference=StockReference("ticket_part", part.id),
        serial=part.serial,
    )


def parts_amount(session: Session, ticket_id: uuid.UUID) -> int | None:
    """What the ticket's parts charge, or None when it has none."""
    total, count = session.execute(
        select(
            func.coalesce(func.sum(TicketPart.quantity * TicketPart.unit_price), 0),
            func.count(TicketPart.id),
        ).where(TicketPart.ticket_id == ticket_id, TicketPart.status != "removed")
    ).one()
    return int(total) if count else None


def _serial_taken(session: Session, item_id: uuid.UUID, serial: str) -> bool:
    return (
        session.scalar(
            select(TicketPart.id).where(
                TicketPart.item_id == item_id,
                TicketPart.serial == serial,
                TicketPart.status == "reserved",
            )
        )
        is not None
    )


def _view(part: TicketPart, item: Item) -> TicketPartView:
    return TicketPartView(
        id=part.id,
        ticket_id=part.ticket_id,
        item_id=part.item_id,
        name=item.name,
        sku=item.sku,
        quantity=part.quantity,
        unit_price=part.unit_price,
        serial=part.serial,
        status=part.status,
    )
