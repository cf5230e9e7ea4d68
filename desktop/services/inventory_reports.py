"""The inventory reports: what the stock is worth, how it moved, what does not sell, and
what needs attention (low, expiring, below zero).

Stock figures are the levels the 0008 triggers keep per item and location; there is no
history of valuation, so a valuation is always "now". What each figure means:

- Value at cost: Σ on hand x average cost over the locations that hold a positive
  quantity (a location below zero is a recount to do, not a negative value).
- Units in and out: movements in the period by kind, positive quantities in, negative out.
- Slow movers: items with stock and no units leaving (sold, used, written off, sent
  back, moved out) in the last days.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from desktop.models import StockLevel
from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.permissions import Permission
from desktop.services.reorder import due_quantity, on_order
from desktop.services.report_periods import MAX_DAYS, Period, PeriodKind
from desktop.services.report_sql import db_time, period_params, read_time
from desktop.services.report_types import (
    MAX_ROWS,
    Cell,
    ChartPoint,
    Column,
    ReportTable,
    totals_row,
)
from desktop.services.report_types import ColumnKind as K
from desktop.services.stock import MOVEMENT_KINDS, expiring_lots, levels_where, low_stock_items

# A list report shows at most this many rows and says so when it stops there.
# The valuation chart's bars: the categories worth most.
CHART_CATEGORIES = 10
NO_CATEGORY = "Uncategorised"

KIND_TITLES = {
    "receive": "Received",
    "sale": "Sold",
    "ticket_part": "Used on tickets",
    "return": "Returned",
    "adjustment": "Adjusted",
    "count": "Counted",
    "transfer_in": "Moved in",
    "transfer_out": "Moved out",
    "write_off": "Written off",
    "supplier_return": "Sent back to suppliers",
}


def _kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind)


# Value at cost of the levels that hold stock, per item.
_VALUE = (
    "(SELECT sum(l.on_hand * l.average_cost) FROM stock_levels l "
    "WHERE l.item_id = {item} AND l.on_hand > 0)"
)


class InventoryReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def valuation(self, category: str | None = None) -> ReportTable:
        """What the stock on hand is worth at average cost, per item (of one category).
        Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            return stock_valuation(tx.session, category)

    def movements(
        self, period: Period, item_id: uuid.UUID | None = None, kind: str | None = None
    ) -> ReportTable:
        """Units in and out per movement kind over ``period``; with ``item_id``, that
        item's movements one by one. Raises ``ValidationError`` (unknown kind),
        ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        if kind is not None and kind not in MOVEMENT_KINDS:
            raise ValidationError({"kind": "Choose a kind of stock movement from the list."})
        with self.ctx.uow() as tx:
            if item_id is not None:
                return item_movements(tx.session, period, item_id, kind)
            return movements_by_kind(tx.session, period, kind)

    def slow_movers(self, today: date, days: int = 90) -> ReportTable:
        """Items in stock that nothing took out of stock for ``days`` days up to
        ``today``, most value first. Raises ``ValidationError`` (days), ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError({"days": f"Between 1 and {MAX_DAYS:,} days."})
        with self.ctx.uow() as tx:
            return slow_movers(tx.session, today, days)

    def low_stock(self) -> ReportTable:
        """Items at or under their low-stock threshold, with what to order. Raises
        ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            return low_stock(tx.session)

    def expiring(self, today: date, within_days: int = 30) -> ReportTable:
        """Lots in stock that expire within ``within_days`` days of ``today`` or have
        expired, soonest first. Raises ``ValidationError`` (days), ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        if not 0 <= within_days <= MAX_DAYS:
            raise ValidationError({"within_days": f"Between 0 and {MAX_DAYS:,} days."})
        with self.ctx.uow() as tx:
            return expiring(tx.session, today, within_days)

    def negative_stock(self) -> ReportTable:
        """Items and locations below zero: sold or used more than was booked in, to
        recount. Raises ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            return negative_stock(tx.session)


# -- valuation --------------------------------------------------------------------------

VALUATION_COLUMNS = (
    Column("name", "Item"),
    Column("sku", "SKU"),
    Column("category", "Category"),
    Column("on_hand", "On hand", K.QUANTITY),
    Column("average_cost", "Average cost", K.MONEY),
    Column("value", "Value at cost", K.MONEY),
)


def stock_valuation(session: Session, category: str | None) -> ReportTable:
    params: dict[str, Any] = {"cap": MAX_ROWS}
    only = ""
    if category is not None:
        only = " AND i.category = :category"
        params["category"] = category
    # Each item's levels summed first (from the 0016 index alone), the items looked up
    # after: once an item rather than once a level, and only for the rows shown.
    per_item = (
        "SELECT l.item_id AS item_id, sum(l.on_hand) AS units, "
        "sum(l.on_hand * l.average_cost) AS value FROM stock_levels l "
        "WHERE l.on_hand > 0 GROUP BY l.item_id"
    )
    held = f"FROM ({per_item}) v JOIN items i ON i.id = v.item_id WHERE 1{only}"
    if category is None:
        rows = session.execute(
            text(
                "SELECT i.name, i.sku, i.category, v.units, v.value "
                f"FROM ({per_item} ORDER BY value DESC LIMIT :cap) v "
                "JOIN items i ON i.id = v.item_id ORDER BY v.value DESC, i.sort_name, i.id"
            ),
            params,
        ).all()
        totals_from = f"FROM ({per_item}) v"
    else:
        rows = session.execute(
            text(
                f"SELECT i.name, i.sku, i.category, v.units, v.value {held} "
                "ORDER BY v.value DESC, i.sort_name, i.id LIMIT :cap"
            ),
            params,
        ).all()
        totals_from = held
    total_units, total_value, items = session.execute(
        text(
            f"SELECT coalesce(sum(v.units), 0), coalesce(sum(v.value), 0), count(*) {totals_from}"
        ),
        params,
    ).one()
    by_category = session.execute(
        text(
            f"SELECT i.category, sum(v.value) AS total {held} GROUP BY i.category "
            "ORDER BY total DESC, i.category LIMIT :bars"
        ),
        {**params, "bars": CHART_CATEGORIES},
    ).all()
    table = tuple(
        (name, sku, group, int(units), _average(int(value), int(units)), int(value))
        for name, sku, group, units, value in rows
    )
    notes = [
        "On hand counts the locations that hold stock; a location below zero is in the "
        "negative stock report instead.",
        "Average cost is the moving average of what units were received at, over the "
        "locations; value at cost is on hand × average cost.",
    ]
    if items > len(table):
        notes.append(
            f"Showing the {len(table):,} items worth most of {items:,}; the totals cover them all."
        )
    return ReportTable(
        key="stock_valuation",
        title="Stock valuation" if category is None else f"Stock valuation: {category}",
        columns=VALUATION_COLUMNS,
        rows=table,
        totals=("Total", None, None, int(total_units), None, int(total_value)) if table else None,
        notes=tuple(notes),
        chart=tuple(
            ChartPoint(
                group or NO_CATEGORY, int(value), {"report": "stock_valuation", "category": group}
            )
            for group, value in by_category
        ),
        chart_title="Value at cost by category",
    )


def _average(value: int, units: int) -> int:
    """Value per unit, rounded half up (units > 0)."""
    return (value + units // 2) // units


# -- movements --------------------------------------------------------------------------

KIND_COLUMNS = (
    Column("kind", "Movement"),
    Column("movements", "Movements", K.COUNT),
    Column("units_in", "Units in", K.QUANTITY),
    Column("units_out", "Units out", K.QUANTITY),
)
ITEM_MOVEMENT_COLUMNS = (
    Column("at", "Time", K.TIME),
    Column("kind", "Movement"),
    Column("quantity", "Quantity", K.QUANTITY),
    Column("location", "Location"),
    Column("reference", "Reference"),
    Column("reason", "Reason"),
)


def movements_by_kind(session: Session, period: Period, kind: str | None) -> ReportTable:
    params: dict[str, Any] = period_params(period)
    only = ""
    if kind is not None:
        only = " AND kind = :kind"
        params["kind"] = kind
    # The (at, kind) index finds the period's movements; quantities are read per row.
    found = {
        row[0]: row[1:]
        for row in session.execute(
            text(
                "SELECT kind, count(*), "
                "coalesce(sum(CASE WHEN quantity > 0 THEN quantity END), 0), "
                "coalesce(sum(CASE WHEN quantity < 0 THEN -quantity END), 0) "
                f"FROM stock_movements WHERE at >= :start AND at < :end{only} GROUP BY kind"
            ),
            params,
        )
    }
    order = [k for k in MOVEMENT_KINDS if k in found] + sorted(set(found) - set(MOVEMENT_KINDS))
    rows = tuple(
        (_kind_title(k), int(found[k][0]), int(found[k][1]), int(found[k][2])) for k in order
    )
    return ReportTable(
        key="stock_movements",
        title="Stock movements",
        columns=KIND_COLUMNS,
        rows=rows,
        totals=totals_row(KIND_COLUMNS, rows) if rows else None,
        period=period,
        notes=(
            "Units in are movements that add stock, units out those that take it away; "
            "a transfer shows on both sides.",
        ),
        chart=tuple(
            ChartPoint(_kind_title(k), int(found[k][0]), {"report": "stock_movements", "kind": k})
            for k in order
        ),
        chart_title="Movements by kind",
    )


def item_movements(
    session: Session, period: Period, item_id: uuid.UUID, kind: str | None
) -> ReportTable:
    params: dict[str, Any] = {**period_params(period), "item": item_id.hex, "cap": MAX_ROWS + 1}
    only = ""
    if kind is not None:
        only = " AND m.kind = :kind"
        params["kind"] = kind
    found = session.execute(
        text(
            "SELECT m.at, m.kind, m.quantity, coalesce(loc.name, ''), m.reference_kind, "
            "m.reason FROM stock_movements m "
            "LEFT JOIN stock_locations loc ON loc.id = m.location_id "
            f"WHERE m.item_id = :item AND m.at >= :start AND m.at < :end{only} "
            "ORDER BY m.at, m.rowid LIMIT :cap"
        ),
        params,
    ).all()
    rows = tuple(
        (read_time(at), _kind_title(k), int(quantity), where, reference.replace("_", " "), reason)
        for at, k, quantity, where, reference, reason in found[:MAX_ROWS]
    )
    name = session.execute(
        text("SELECT name FROM items WHERE id = :item"), {"item": item_id.hex}
    ).scalar()
    notes = ["Quantity is positive for units in, negative for units out."]
    if len(found) > MAX_ROWS:
        notes.append(f"Showing the first {MAX_ROWS:,} movements; choose a shorter period.")
    return ReportTable(
        key="stock_movements",
        title=f"Stock movements: {name}" if name else "Stock movements",
        columns=ITEM_MOVEMENT_COLUMNS,
        rows=rows,
        totals=totals_row(ITEM_MOVEMENT_COLUMNS, rows) if rows else None,
        period=period,
        notes=tuple(notes),
    )


# -- slow movers ------------------------------------------------------------------------

SLOW_COLUMNS = (
    Column("name", "Item"),
    Column("sku", "SKU"),
    Column("on_hand", "On hand", K.QUANTITY),
    Column("value", "Value at cost", K.MONEY),
    Column("last_out", "Last out", K.DATE),
)


def slow_movers(session: Session, today: date, days: int) -> ReportTable:
    # The window is the ``days`` local days ending with today.
    cutoff = Period(PeriodKind.CUSTOM, today - timedelta(days=days - 1), today).bounds()[0]
    # ``item_stock.last_out_at`` (migration 0016) holds when units last left each item.
    found = session.execute(
        text(
            "SELECT i.name, i.sku, s.on_hand, coalesce("
            + _VALUE.format(item="s.item_id")
            + ", 0) AS value, s.last_out_at "
            "FROM item_stock s JOIN items i ON i.id = s.item_id "
            "WHERE s.on_hand > 0 AND (s.last_out_at IS NULL OR s.last_out_at < :cutoff) "
            "ORDER BY value DESC, i.sort_name, i.id LIMIT :cap"
        ),
        {"cutoff": db_time(cutoff), "cap": MAX_ROWS + 1},
    ).all()
    rows = tuple(
        (name, sku, int(units), int(value), _local_date(last))
        for name, sku, units, value, last in found[:MAX_ROWS]
    )
    notes = [
        f"Items in stock that nothing took out in the {days} days up to {today:%Y-%m-%d}: "
        "not sold, used on a ticket, written off, sent back or moved.",
        "Last out is blank for an item that never left stock.",
    ]
    if len(found) > MAX_ROWS:
        notes.append(f"Showing the {MAX_ROWS:,} worth most.")
    return ReportTable(
        key="slow_movers",
        title=f"Slow movers ({days} days)",
        columns=SLOW_COLUMNS,
        rows=rows,
        totals=totals_row(SLOW_COLUMNS, rows) if rows else None,
        notes=tuple(notes),
    )


# -- low stock --------------------------------------------------------------------------

LOW_COLUMNS = (
    Column("name", "Item"),
    Column("sku", "SKU"),
    Column("on_hand", "On hand", K.QUANTITY),
    Column("threshold", "Low at", K.QUANTITY),
    Column("reorder_level", "Reorder level", K.QUANTITY),
    Column("on_order", "On order", K.QUANTITY),
    Column("to_order", "To order", K.QUANTITY),
    Column("supplier", "Preferred supplier"),
    Column("unit_cost", "Unit cost", K.MONEY),
)


def low_stock(session: Session) -> ReportTable:
    items = low_stock_items(session, MAX_ROWS + 1)
    shown = items[:MAX_ROWS]
    extra = _ordering(session, [item.item_id for item in shown])
    coming = on_order(session)
    rows: list[tuple[Cell, ...]] = []
    for item in shown:
        level, supplier, cost = extra[item.item_id]
        ordered = coming.get(item.item_id, 0)
        to_order = due_quantity(level, item.reorder_quantity, item.on_hand + ordered)
        rows.append(
            (
                item.name,
                item.sku,
                item.on_hand,
                item.low_stock_threshold,
                level,
                ordered,
                to_order,
                supplier,
                cost,
            )
        )
    notes = [
        "Items at or under their low-stock threshold, over all locations, fewest first.",
        "To order is what the reorder suggestions order: the reorder quantity, or enough "
        "to lift on hand and on order above the reorder level; 0 when the item is above "
        "its reorder level (or has none).",
        "Unit cost is the preferred supplier's price, else the item's cost.",
    ]
    if len(items) > MAX_ROWS:
        notes.append(f"Showing the first {MAX_ROWS:,}.")
    return ReportTable(
        key="low_stock",
        title="Low stock",
        columns=LOW_COLUMNS,
        rows=tuple(rows),
        notes=tuple(notes),
    )


def _ordering(
    session: Session, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, str, int]]:
    """Reorder level, preferred (active) supplier's name and the unit cost per item."""
    if not item_ids:
        return {}
    statement = text(
        "SELECT i.id, i.reorder_level, coalesce(s.name, ''), "
        "CASE WHEN s.id IS NOT NULL AND p.cost_price IS NOT NULL THEN p.cost_price "
        "ELSE i.cost_price END "
        "FROM items i "
        "LEFT JOIN item_suppliers p ON p.item_id = i.id AND p.preferred "
        "LEFT JOIN suppliers s ON s.id = p.supplier_id AND s.active "
        "WHERE i.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    found: dict[uuid.UUID, tuple[int, str, int]] = {}
    for raw, level, supplier, cost in session.execute(
        statement, {"ids": [i.hex for i in item_ids]}
    ):
        key = uuid.UUID(raw)
        # Two preferred links (made offline): keep the one with a live supplier.
        if key not in found or (supplier and not found[key][1]):
            found[key] = (int(level), supplier, int(cost))
    return found


# -- expiring ---------------------------------------------------------------------------

EXPIRING_COLUMNS = (
    Column("name", "Item"),
    Column("sku", "SKU"),
    Column("lot", "Lot"),
    Column("expires_on", "Expires", K.DATE),
    Column("days_left", "Days left", K.DAYS),
    Column("quantity", "Held", K.QUANTITY),
    Column("value", "Value at cost", K.MONEY),
)


def expiring(session: Session, today: date, within_days: int) -> ReportTable:
    lots = expiring_lots(session, today + timedelta(days=within_days))
    shown = lots[:MAX_ROWS]
    costs = _average_costs(session, {lot.item_id for lot in shown})
    rows = tuple(
        (
            lot.name,
            lot.sku,
            lot.code,
            lot.expires_on,
            float((lot.expires_on - today).days),
            lot.on_hand,
            lot.on_hand * costs.get(lot.item_id, 0),
        )
        for lot in shown
    )
    notes = [
        f"Lots still in stock that expire by {today + timedelta(days=within_days):%Y-%m-%d}, "
        "expired ones first (days left below zero).",
        "Value is the units held × the item's average cost.",
    ]
    if len(lots) > MAX_ROWS:
        notes.append(f"Showing the {MAX_ROWS:,} that expire soonest.")
    return ReportTable(
        key="expiring",
        title="Expiring stock",
        columns=EXPIRING_COLUMNS,
        rows=rows,
        totals=totals_row(EXPIRING_COLUMNS, rows) if rows else None,
        notes=tuple(notes),
    )


def _average_costs(session: Session, item_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Average cost per item over the locations holding it (the item's cost when none
    does)."""
    if not item_ids:
        return {}
    statement = text(
        "SELECT i.id, coalesce(" + _VALUE.format(item="i.id") + ", 0), "
        "(SELECT coalesce(sum(l.on_hand), 0) FROM stock_levels l "
        " WHERE l.item_id = i.id AND l.on_hand > 0), i.cost_price "
        "FROM items i WHERE i.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    return {
        uuid.UUID(raw): _average(int(value), int(units)) if units else int(cost)
        for raw, value, units, cost in session.execute(
            statement, {"ids": [i.hex for i in item_ids]}
        )
    }


# -- negative stock ---------------------------------------------------------------------

NEGATIVE_COLUMNS = (
    Column("name", "Item"),
    Column("sku", "SKU"),
    Column("location", "Location"),
    Column("on_hand", "On hand", K.QUANTITY),
)


def negative_stock(session: Session) -> ReportTable:
    levels = levels_where(session, StockLevel.on_hand < 0)
    names = _names(session, {level.item_id for level in levels})
    rows = tuple(
        sorted(
            ((*names[lvl.item_id], lvl.location_name, lvl.on_hand) for lvl in levels),
            key=lambda row: (row[3], str(row[0]).casefold()),
        )
    )
    return ReportTable(
        key="negative_stock",
        title="Negative stock",
        columns=NEGATIVE_COLUMNS,
        rows=rows,
        totals=totals_row(NEGATIVE_COLUMNS, rows) if rows else None,
        notes=(
            "Locations that sold or used more than was booked in (two counters offline "
            "can sell the last unit twice): recount them.",
        ),
    )


def _names(session: Session, item_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    if not item_ids:
        return {}
    statement = text("SELECT id, name, sku FROM items WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    return {
        uuid.UUID(raw): (name, sku)
        for raw, name, sku in session.execute(statement, {"ids": [i.hex for i in item_ids]})
    }


def _local_date(value: object) -> date | None:
    moment = read_time(value)
    return moment.astimezone().date() if moment else None
