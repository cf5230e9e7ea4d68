"""Inventory scenarios: a scanned barcode to its item, on-hand of one item, the low-stock
list, and item search while typing; each beside the same statements in plain sqlite3."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from benchmarks.scenarios import (
    SEARCH_LIMIT,
    BenchContext,
    Measurement,
    measure_each,
    median_ms,
    p95,
)

SAMPLES = 200


def _sample(ctx: BenchContext, sql: str) -> list[tuple[str, ...]]:
    rng = random.Random(17)
    with ctx.plain_connection() as connection:
        total = int(connection.execute("SELECT max(rowid) FROM items").fetchone()[0] or 0)
        if not total:
            raise RuntimeError("the dataset has no items")
        rowids = [rng.randint(1, total) for _ in range(SAMPLES)]
        return connection.execute(sql.format(marks=", ".join("?" * len(rowids))), rowids).fetchall()


def item_scan_p95_ms(ctx: BenchContext) -> Measurement:
    """A barcode as the scanner types it, to the item, at the service."""
    codes = [
        row[0]
        for row in _sample(
            ctx,
            "SELECT b.code FROM item_barcodes b JOIN items i "
            "ON i.id = b.item_id WHERE i.rowid IN ({marks})",
        )
    ]
    with ctx.plain_connection() as connection:
        floor = measure_each(
            codes,
            lambda c: connection.execute(
                "SELECT i.* FROM items i JOIN item_barcodes b ON b.item_id = i.id WHERE b.code = ?",
                (c,),
            ).fetchone(),
        )
    items = ctx.services.items
    return Measurement(
        p95(measure_each([f" {c} " for c in codes], items.find_by_barcode)), p95(floor)
    )


def item_on_hand_p95_ms(ctx: BenchContext) -> Measurement:
    ids = [row[0] for row in _sample(ctx, "SELECT id FROM items WHERE rowid IN ({marks})")]
    with ctx.plain_connection() as connection:
        floor = measure_each(
            ids,
            lambda i: connection.execute(
                "SELECT coalesce(sum(on_hand), 0) FROM stock_levels WHERE item_id = ?", (i,)
            ).fetchone(),
        )
    stock = ctx.services.stock
    on_hand: Callable[[str], object] = lambda i: stock.on_hand(uuid.UUID(i))  # noqa: E731
    return Measurement(p95(measure_each(ids, on_hand)), p95(floor))


def low_stock_list_ms(ctx: BenchContext) -> Measurement:
    with ctx.plain_connection() as connection:
        floor = median_ms(
            lambda: connection.execute(
                "SELECT i.*, s.on_hand FROM item_stock s JOIN items i ON i.id = s.item_id "
                "WHERE s.low = 1 ORDER BY s.on_hand, i.sort_name LIMIT 200"
            ).fetchall(),
            repeats=5,
        )
    stock = ctx.services.stock
    return Measurement(median_ms(stock.low_stock, repeats=5), floor)


def item_search_p95_ms(ctx: BenchContext) -> Measurement:
    """What people type to find a part: a model, a part name, digits of a barcode."""
    rng = random.Random(23)
    rows = _sample(
        ctx,
        "SELECT i.name, b.code FROM items i JOIN item_barcodes b "
        "ON b.item_id = i.id WHERE i.rowid IN ({marks})",
    )
    queries = []
    for name, code in rows:
        words = [w for w in name.replace("(", "").replace(")", "").split() if len(w) >= 3]
        choice = rng.random()
        if choice < 0.4:
            queries.append(" ".join(rng.sample(words, min(2, len(words)))).lower())
        elif choice < 0.7:
            queries.append(rng.choice(words)[:5].lower())
        else:
            start = rng.randint(0, 6)
            queries.append(code[start : start + 6])
    with ctx.plain_connection() as connection:

        def floor_search(query: str) -> object:
            words = [w for w in query.split() if len(w) >= 3]
            match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
            return connection.execute(
                "SELECT i.* FROM items i WHERE i.id IN (SELECT k.entity_id FROM search_keys k "
                "WHERE k.rowid IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT ?)) AND i.active ORDER BY i.sort_name, i.id LIMIT ?",
                (match, SEARCH_LIMIT * 2, SEARCH_LIMIT),
            ).fetchall()

        floor = measure_each(queries, floor_search)
    items = ctx.services.items
    return Measurement(
        p95(measure_each(queries, lambda q: items.search(q, limit=SEARCH_LIMIT))), p95(floor)
    )


REORDER_SQL = (
    "SELECT i.id, i.name, i.sku, i.reorder_level, i.reorder_quantity, i.cost_price, "
    "coalesce(s.on_hand, 0), p.id, p.name, l.supplier_sku, l.cost_price FROM items i "
    "LEFT JOIN item_stock s ON s.item_id = i.id "
    "LEFT JOIN item_suppliers l ON l.item_id = i.id AND l.preferred = 1 "
    "LEFT JOIN suppliers p ON p.id = l.supplier_id AND p.active = 1 "
    "WHERE i.active = 1 AND i.kind = 'stock' AND i.reorder_level > 0 "
    "AND coalesce(s.on_hand, 0) <= i.reorder_level ORDER BY i.sort_name, i.id"
)
OPEN_LINES_SQL = (
    "SELECT l.id, l.item_id, l.quantity, (SELECT coalesce(sum(m.quantity), 0) "
    "FROM stock_movements m WHERE m.reference_id = l.id AND m.kind = 'receive') "
    "FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.order_id "
    "WHERE o.status IN ('ordered', 'partial')"
)


def reorder_suggestions_ms(ctx: BenchContext) -> Measurement:
    """Every item at or under its reorder level, netting open orders, by supplier."""
    with ctx.plain_connection() as connection:
        floor = median_ms(
            lambda: (
                connection.execute(REORDER_SQL).fetchall(),
                connection.execute(OPEN_LINES_SQL).fetchall(),
            ),
            repeats=3,
        )
    return Measurement(median_ms(ctx.services.purchasing.suggestions, repeats=3), floor)


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "item_scan_p95_ms": item_scan_p95_ms,
    "item_on_hand_p95_ms": item_on_hand_p95_ms,
    "low_stock_list_ms": low_stock_list_ms,
    "item_search_p95_ms": item_search_p95_ms,
    "reorder_suggestions_ms": reorder_suggestions_ms,
}
