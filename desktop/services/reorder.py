"""What to order again: stock items at or under their reorder level, counting what is
already on its way, grouped by the supplier each is bought from."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, select
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


def on_order(session: Session, item_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Units per item still outstanding on orders that were sent (ordered or partial)."""
    lines = session.execute(
        select(PurchaseOrderLine.id, PurchaseOrderLine.item_id, PurchaseOrderLine.quantity)
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.order_id)
        .where(PurchaseOrder.status.in_(OPEN_STATUSES), PurchaseOrderLine.item_id.in_(item_ids))
    ).all()
    received = line_quantities(session, (line.id for line in lines))
    coming: dict[uuid.UUID, int] = defaultdict(int)
    for line_id, item_id, quantity in lines:
        coming[item_id] += max(quantity - received[line_id][0], 0)
    return coming


def reorder_suggestions(session: Session) -> list[SuggestionGroup]:
    """Active stock items whose on hand is at or under their reorder level (above 0) once
    what is on open orders is counted; suppliers by name, the "no supplier" group last."""
    units = func.coalesce(ItemStock.on_hand, 0)
    candidates = session.execute(
        select(Item, units, ItemSupplier, Supplier)
        .outerjoin(ItemStock, ItemStock.item_id == Item.id)
        .outerjoin(
            ItemSupplier, and_(ItemSupplier.item_id == Item.id, ItemSupplier.preferred.is_(True))
        )
        .outerjoin(
            Supplier, and_(Supplier.id == ItemSupplier.supplier_id, Supplier.active.is_(True))
        )
        .where(
            Item.active.is_(True),
            Item.kind == "stock",
            Item.reorder_level > 0,
            units <= Item.reorder_level,
        )
        .order_by(Item.sort_name, Item.id)
    ).all()
    coming = on_order(session, [row[0].id for row in candidates])
    groups: dict[uuid.UUID | None, list[Suggestion]] = defaultdict(list)
    names: dict[uuid.UUID | None, str] = {None: ""}
    for item, held, link, supplier in candidates:
        available = int(held) + coming.get(item.id, 0)
        if available > item.reorder_level:
            continue
        key = supplier.id if supplier is not None else None
        if supplier is not None:
            names[key] = supplier.name
        cost = link.cost_price if supplier is not None and link.cost_price is not None else None
        groups[key].append(
            Suggestion(
                item_id=item.id,
                item_name=item.name,
                sku=item.sku,
                on_hand=int(held),
                on_order=coming.get(item.id, 0),
                reorder_level=item.reorder_level,
                reorder_quantity=item.reorder_quantity,
                quantity=suggested_quantity(item.reorder_level, item.reorder_quantity, available),
                unit_cost=item.cost_price if cost is None else cost,
                supplier_sku=link.supplier_sku if supplier is not None else "",
            )
        )
    order = sorted(groups, key=lambda key: (key is None, names[key].casefold()))
    return [SuggestionGroup(key, names[key], tuple(groups[key])) for key in order]
