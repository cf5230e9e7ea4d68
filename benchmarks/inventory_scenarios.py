"""Inventory scenarios: a scanned barcode to its item, on-hand of one item, the low-stock
list, and item search while typing; each beside the same statements in plain sqlite3.
Posting a stock count and importing items write, so they run on a fresh shop of their own
in a temporary folder: the cached dataset stays as generated and every run starts alike."""

from __future__ import annotations

import csv
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.generate import OWNER_PASSWORD, OWNER_USERNAME, create_schema_and_shop
from benchmarks.scenarios import (
    SEARCH_LIMIT,
    BenchContext,
    Measurement,
    measure_each,
    median_ms,
    p95,
)

if TYPE_CHECKING:
    from desktop.services.container import Services

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
    "s.on_hand, p.id, p.name, l.supplier_sku, l.cost_price FROM item_stock s "
    "JOIN items i ON i.id = s.item_id "
    "LEFT JOIN item_suppliers l ON l.item_id = i.id AND l.preferred = 1 "
    "LEFT JOIN suppliers p ON p.id = l.supplier_id AND p.active = 1 "
    "WHERE s.reorder = 1 ORDER BY i.sort_name, i.id"
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


COUNT_LINES = 500
IMPORT_ROWS = 50_000


def _fresh_shop(folder: Path) -> Services:
    from desktop.services.container import Services

    path = folder / "shop.db"
    create_schema_and_shop(path)
    services = Services.open(path)
    services.accounts.login(OWNER_USERNAME, OWNER_PASSWORD)
    return services


def _floor_movements(path: Path, rows: int) -> float:
    """Plain sqlite3: ``rows`` inserts into stock_movements in one transaction, rolled back."""
    connection = sqlite3.connect(path)
    try:
        item_ids = [r[0] for r in connection.execute("SELECT id FROM items LIMIT ?", (rows,))]
        location = connection.execute("SELECT id FROM stock_locations LIMIT 1").fetchone()[0]
        values = [
            (uuid.uuid4().hex, item_ids[n % len(item_ids)], location, 1, "count", "2026-01-01")
            for n in range(rows)
        ]
        started = time.perf_counter()
        connection.executemany(
            "INSERT INTO stock_movements (id, item_id, location_id, quantity, kind, at, "
            "reason, reference_kind, station_code, serial) "
            "VALUES (?, ?, ?, ?, ?, ?, '', '', 'A', '')",
            values,
        )
        elapsed = (time.perf_counter() - started) * 1000
        connection.rollback()
        return elapsed
    finally:
        connection.close()


def count_post_500_ms(ctx: BenchContext) -> Measurement:
    """Approving a count of 500 items, every one off by a unit: 500 count movements."""
    from desktop.services.items import ItemInput
    from desktop.services.stock_counts import CountScope

    with tempfile.TemporaryDirectory() as folder:
        services = _fresh_shop(Path(folder))
        try:
            ids = [
                services.items.create(ItemInput(f"Part {n}", category="Counted")).item.id
                for n in range(COUNT_LINES)
            ]
            for item_id in ids:
                services.stock.receive(item_id, 3, 100)
            count = services.counts.start(scope=CountScope(category="Counted"))
            for item_id in ids:
                services.counts.set_counted(count.id, item_id, 2)
            started = time.perf_counter()
            services.counts.approve(count.id)
            value = (time.perf_counter() - started) * 1000
        finally:
            services.close()
        floor = _floor_movements(Path(folder) / "shop.db", COUNT_LINES)
    return Measurement(value, floor)


def import_50k_csv_ms(ctx: BenchContext) -> Measurement:
    """Reading and importing a 50,000-row CSV into an empty shop, against the same rows
    inserted by plain sqlite3 (items only, one transaction)."""
    from desktop.services.item_import import suggested_mapping
    from desktop.services.spreadsheets import read_table

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "items.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Name", "SKU", "Barcode", "Category", "Cost", "Price", "Stock"])
            writer.writerows(
                [f"Part {n} screen", f"P-{n}", "", "Screens", "1.00", "2.50", str(n % 3)]
                for n in range(IMPORT_ROWS)
            )
        services = _fresh_shop(Path(folder))
        try:
            started = time.perf_counter()
            table = read_table(path)
            services.item_import.import_items(table, suggested_mapping(table.headers))
            value = (time.perf_counter() - started) * 1000
        finally:
            services.close()
        floor_path = Path(folder) / "floor.db"
        create_schema_and_shop(floor_path)
        connection = sqlite3.connect(floor_path)
        try:
            started = time.perf_counter()
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))[1:]
            connection.executemany(
                "INSERT INTO items (id, name, sku, kind, category, brand, cost_price, "
                "sell_price, tax_class, low_stock_threshold, reorder_level, reorder_quantity, "
                "bin_location, track_expiry, serialized, active, notes, compatible_models, "
                "sort_name, created_at, updated_at) VALUES (?, ?, ?, 'stock', ?, '', 100, 250, "
                "'standard', 0, 0, 0, '', 0, 0, 1, '', '', ?, '2026-01-01', '2026-01-01')",
                [(uuid.uuid4().hex, r[0], r[1], r[3], r[0].casefold()) for r in rows],
            )
            connection.commit()
            floor = (time.perf_counter() - started) * 1000
        finally:
            connection.close()
    return Measurement(value, floor)


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "item_scan_p95_ms": item_scan_p95_ms,
    "item_on_hand_p95_ms": item_on_hand_p95_ms,
    "low_stock_list_ms": low_stock_list_ms,
    "item_search_p95_ms": item_search_p95_ms,
    "reorder_suggestions_ms": reorder_suggestions_ms,
    "count_post_500_ms": count_post_500_ms,
    "import_50k_csv_ms": import_50k_csv_ms,
}
