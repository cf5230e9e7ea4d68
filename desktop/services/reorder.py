"""What to order again: stock items at or under their reorder level, counting what is
already on its way, grouped by the supplier each is bought from."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, select, true
from sqlalchemy.orm import Session

from desktop.models import Item, ItemStock, ItemSupplier, PurchaseOrder, PurchaseOrderLine, Supplier
from desktop.services.purchase_orders import OPEN_STATUSES, line_quantities


@dataclass(frozen=True)
class Suggestion:
    item_id: uuid.UUID
    item_name: str
    sku: str
    on_hand: int  # over all locations
    on_order: int  # still to come on orders sent to suppliers
    reorder_level: int
    reorder_quantity: int
    quantity: int  # what to order
    unit_cost: int  # minor units: the supplier's price, else the item's cost
    supplier_sku: str


@dataclass(frozen=True)
class SuggestionGroup:
    """The suggestions for one supplier; ``supplier_id`` None: items nobody supplies (or
    whose preferred supplier is archived), which need a supplier before ordering."""

    supplier_id: uuid.UUID | None
    supplier_name: str
    lines: tuple[Suggestion, ...]


def suggested_quantity(level: int, reorder_quantity: int, available: int) -> int:
    """The reorder quantity, or more when that would not lift ``available`` (on hand plus
    on order) back above the reorder level."""
    return max(reorder_quantity, level - available + 1)


def due_quantity(level: int, reorder_quantity: int, available: int) -> int:
    """What to order of an item with this reorder level and ``available`` units (on hand
    plus on order): 0 when it has no level or is above it, else ``suggested_quantity``."""
    if level <= 0 or available > level:
        return 0
    return suggested_quantity(level, reorder_quantity, available)


def on_order(session: Session) -> dict[uuid.UUID, int]:
    """Units per item still outstanding on orders that were sent (ordered or partial).

    Reads every open line rather than filtering by item: a shop has a few hundred open
    lines, while the items under their level can be tens of thousands (too many to bind)."""
    lines = session.execute(
        select(PurchaseOrderLine.id, PurchaseOrderLine.item_id, PurchaseOrderLine.quantity)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrder.status.in_(OPEN_STATUSES))
    ).all()
    received = line_quantities(session, (line.id for line in lines))
    coming: dict[uuid.UUID, int] = defaultdict(int)
    for line_id, item_id, quantity in lines:
        coming[item_id] += max(quantity - received[line_id][0], 0)
    return coming


def reorder_suggestions(session: Session) -> list[SuggestionGroup]:
    """Active stock items whose on hand is at or under their reorder level (above 0) once
    what is on open orders is counted; suppliers by name, the "no supplier" group last."""
    # Plain columns, not entities: thousands of rows may qualify, and building an ORM
    # object per row would cost more than the query. The 0011 triggers keep the
    # ``reorder`` flag (active stock item, level above 0, on hand at or under it), read
    # through its partial index ("= 1", the index's own condition).
    candidates = session.execute(
        select(
            Item.id,
            Item.name,
            Item.sku,
            Item.reorder_level,
            Item.reorder_quantity,
            Item.cost_price,
            ItemStock.on_hand,
            Supplier.id,
            Supplier.name,
            ItemSupplier.supplier_sku,
            ItemSupplier.cost_price,
        )
        .select_from(ItemStock)
        .join(Item, Item.id == ItemStock.item_id)
        .outerjoin(
            ItemSupplier, and_(ItemSupplier.item_id == Item.id, ItemSupplier.preferred.is_(True))
        )
        .outerjoin(
            Supplier, and_(Supplier.id == ItemSupplier.supplier_id, Supplier.active.is_(True))
        )
        .where(ItemStock.reorder == true())
        .order_by(Item.sort_name, Item.id)
    ).all()
    coming = on_order(session)
    groups: dict[uuid.UUID | None, list[Suggestion]] = defaultdict(list)
    names: dict[uuid.UUID | None, str] = {None: ""}
    for row in candidates:
        item_id, name, sku, level, reorder_quantity, item_cost, held = row[:7]
        supplier_id, supplier_name, supplier_sku, supplier_cost = row[7:]
        quantity = due_quantity(level, reorder_quantity, int(held) + coming.get(item_id, 0))
        if quantity == 0:
            continue
        if supplier_id is not None:
            names[supplier_id] = supplier_name
        known = supplier_cost if supplier_id is not None else None
        groups[supplier_id].append(
            Suggestion(
                item_id=item_id,
                item_name=name,
                sku=sku,
                on_hand=int(held),
                on_order=coming.get(item_id, 0),
                reorder_level=level,
                reorder_quantity=reorder_quantity,
                quantity=quantity,
                unit_cost=item_cost if known is None else known,
                supplier_sku=supplier_sku if supplier_id is not None else "",
            )
        )
    order = sorted(groups, key=lambda key: (key is None, names[key].casefold()))
    return [SuggestionGroup(key, names[key], tuple(groups[key])) for key in order]
