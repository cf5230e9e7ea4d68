"""The inventory screen's item list: search and filters, counted and read a page at a time,
and where an item was used, for its panel.

Every query is ordered by ``(sort_name, id)`` so the list pages by keyset on
``ix_items_sort_name_id``; each filter is an indexed lookup (``item_stock`` for stock
figures, ``item_suppliers.supplier_id``, ``stock_lots.expires_on``, the item FTS index).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, select, true

from desktop.models import (
    Item,
    ItemStock,
    ItemSupplier,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLot,
    StockMovement,
    Supplier,
    Ticket,
    TicketPart,
)
from desktop.services.context import ServiceContext
from desktop.services.items import ACTIVE_AFTER_MATCHING, matching_items
from desktop.services.text import clean_line

MAX_EXPIRY_DAYS = 3650
MAX_PAGE = 1000


@dataclass(frozen=True)
class ItemFilter:
    """What the list shows: ``text`` as the item search reads it, and every other field
    narrows it further (all of them at once)."""

    text: str = ""
    category: str = ""
    supplier_id: uuid.UUID | None = None
    low_stock: bool = False
    out_of_stock: bool = False  # on hand 0 or less
    negative_stock: bool = False
    expiring_within_days: int | None = None  # lots in stock expiring within N days
    include_archived: bool = False


@dataclass(frozen=True)
class ItemRow:
    id: uuid.UUID
    name: str
    sku: str
    kind: str
    category: str
    on_hand: int  # over all locations
    sell_price: int  # minor units
    bin_location: str
    active: bool
    low: bool
    sort_name: str


@dataclass(frozen=True)
class TicketUse:
    ticket_id: uuid.UUID
    ticket_number: str
    quantity: int
    status: str  # reserved | used | removed
    at: datetime


@dataclass(frozen=True)
class OrderUse:
    order_id: uuid.UUID
    order_number: str
    supplier_name: str
    quantity: int
    unit_cost: int
    status: str


@dataclass(frozen=True)
class LotHeld:
    lot_id: uuid.UUID
    code: str
    expires_on: date | None
    on_hand: int


@dataclass(frozen=True)
class SupplierChoice:
    id: uuid.UUID
    name: str


def _narrows(chosen: ItemFilter) -> bool:
    """Whether ``chosen`` has a condition with an index of its own to start from."""
    return bool(
        clean_line(chosen.text)
        or chosen.supplier_id is not None
        or chosen.low_stock
        or chosen.out_of_stock
        or chosen.negative_stock
        or chosen.expiring_within_days is not None
    )


def _conditions(chosen: ItemFilter) -> list[ColumnElement[bool]]:
    """What ``chosen`` asks of an item, over ``items`` outer-joined to ``item_stock``."""
    conditions: list[ColumnElement[bool]] = []
    if not chosen.include_archived:
        if _narrows(chosen):
            conditions.append(ACTIVE_AFTER_MATCHING)
        else:
            conditions.append(Item.active == true())  # the (active, name) index
    text = matching_items(chosen.text)
    if text is not None:
        conditions.append(text)
    category = clean_line(chosen.category)
    if category:
        conditions.append(Item.category == category)
    if chosen.supplier_id is not None:
        conditions.append(
            exists().where(
                ItemSupplier.item_id == Item.id, ItemSupplier.supplier_id == chosen.supplier_id
            )
        )
    if chosen.low_stock:
        conditions.append(ItemStock.low == true())  # the partial index's own condition
    if chosen.out_of_stock:
        conditions.extend((Item.kind == "stock", ItemStock.on_hand <= 0))
    if chosen.negative_stock:
        conditions.append(ItemStock.on_hand < 0)
    if chosen.expiring_within_days is not None:
        days = max(0, min(chosen.expiring_within_days, MAX_EXPIRY_DAYS))
        last_day = date.today() + timedelta(days=days)
        held = func.sum(StockMovement.quantity)
        expiring = (
            select(StockLot.item_id)
            .join(StockMovement, StockMovement.lot_id == StockLot.id)
            .where(StockLot.expires_on <= last_day)
            .group_by(StockLot.id)
            .having(held > 0)
        )
        conditions.append(Item.id.in_(expiring))
    return conditions


class ItemListService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def count(self, chosen: ItemFilter) -> int:
        """How many items the list shows under ``chosen``."""
        if chosen.low_stock or chosen.out_of_stock or chosen.negative_stock:
            # From the stock totals (their low and on-hand indexes) to the items.
            statement = (
                select(func.count()).select_from(ItemStock).join(Item, Item.id == ItemStock.item_id)
            )
        else:
            statement = select(func.count()).select_from(Item)
        statement = statement.where(*_conditions(chosen))
        with self.ctx.uow() as tx:
            return int(tx.session.scalar(statement) or 0)

    def page(
        self,
        chosen: ItemFilter,
        *,
        after: tuple[str, uuid.UUID] | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ItemRow]:
        """One page of the list by name: after ``(sort_name, id)`` of the last row shown
        (keyset, constant time) or, to jump far ahead, at ``offset``."""
        statement = (
            select(Item, func.coalesce(ItemStock.on_hand, 0), ItemStock.low)
            .join(ItemStock, ItemStock.item_id == Item.id, isouter=True)
            .where(*_conditions(chosen))
        )
        if after is not None:
            statement = statement.where(
                (Item.sort_name > after[0]) | ((Item.sort_name == after[0]) & (Item.id > after[1]))
            )
        elif offset > 0:
            statement = statement.offset(offset)
        statement = statement.order_by(Item.sort_name, Item.id).limit(max(1, min(limit, MAX_PAGE)))
        with self.ctx.uow() as tx:
            return [
                ItemRow(
                    item.id,
                    item.name,
                    item.sku,
                    item.kind,
                    item.category,
                    int(on_hand),
                    item.sell_price,
                    item.bin_location,
                    item.active,
                    bool(low),
                    item.sort_name,
                )
                for item, on_hand, low in tx.session.execute(statement)
            ]

    def categories(self) -> list[str]:
        """The categories items use, for the filter's pick list."""
        statement = (
            select(Item.category).where(Item.category != "").distinct().order_by(Item.category)
        )
        with self.ctx.uow() as tx:
            return list(tx.session.scalars(statement))

    def suppliers(self) -> list[SupplierChoice]:
        statement = (
            select(Supplier.id, Supplier.name)
            .where(Supplier.active.is_(True))
            .order_by(Supplier.sort_name)
        )
        with self.ctx.uow() as tx:
            return [SupplierChoice(i, n) for i, n in tx.session.execute(statement)]

    def ticket_uses(self, item_id: uuid.UUID, limit: int = 200) -> list[TicketUse]:
        """The tickets this part went into (or is reserved for), newest first."""
        statement = (
            select(TicketPart, Ticket.number)
            .join(Ticket, Ticket.id == TicketPart.ticket_id)
            .where(TicketPart.item_id == item_id)
            .order_by(TicketPart.created_at.desc())
            .limit(limit)
        )
        with self.ctx.uow() as tx:
            return [
                TicketUse(part.ticket_id, number, part.quantity, part.status, part.created_at)
                for part, number in tx.session.execute(statement)
            ]

    def order_uses(self, item_id: uuid.UUID, limit: int = 200) -> list[OrderUse]:
        """The purchase orders with a line for this item, newest first."""
        statement = (
            select(PurchaseOrderLine, PurchaseOrder.number, PurchaseOrder.status, Supplier.name)
            .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
            .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
            .where(PurchaseOrderLine.item_id == item_id)
            .order_by(PurchaseOrder.created_at.desc())
            .limit(limit)
        )
        with self.ctx.uow() as tx:
            return [
                OrderUse(line.order_id, number, supplier, line.quantity, line.unit_cost, status)
                for line, number, status, supplier in tx.session.execute(statement)
            ]

    def lots(self, item_id: uuid.UUID) -> list[LotHeld]:
        """The item's lots that still hold units, soonest expiry first."""
        held = func.sum(StockMovement.quantity)
        statement = (
            select(StockLot, held)
            .join(StockMovement, StockMovement.lot_id == StockLot.id)
            .where(StockLot.item_id == item_id)
            .group_by(StockLot.id)
            .having(held > 0)
            .order_by(StockLot.expires_on, StockLot.code)
        )
        with self.ctx.uow() as tx:
            return [
                LotHeld(lot.id, lot.code, lot.expires_on, int(units))
                for lot, units in tx.session.execute(statement)
            ]


__all__ = [
    "ItemFilter",
    "ItemListService",
    "ItemRow",
    "LotHeld",
    "OrderUse",
    "SupplierChoice",
    "TicketUse",
]
