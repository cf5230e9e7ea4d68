"""The inventory screen at scale: a scan until its row is selected and on screen, through
the real page on Qt's offscreen platform, and the item list's first page and filters,
each beside the same statements in plain sqlite3."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from benchmarks.inventory_scenarios import _sample
from benchmarks.scenarios import BenchContext, Measurement, measure_each, median_ms, p95

SCANS = 60
SCAN_TIMEOUT_S = 5.0
PAGE = 200
LIST_SQL = (
    "SELECT i.*, coalesce(s.on_hand, 0), s.low FROM items i "
    "LEFT JOIN item_stock s ON s.item_id = i.id WHERE i.active {where} "
    "ORDER BY i.sort_name, i.id LIMIT 200"
)
COUNT_SQL = (
    "SELECT count(*) FROM items i LEFT JOIN item_stock s ON s.item_id = i.id WHERE i.active {where}"
)


def _application() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _wait(app: Any, done: Callable[[], bool]) -> None:
    deadline = time.perf_counter() + SCAN_TIMEOUT_S
    while not done():
        if time.perf_counter() > deadline:
            raise RuntimeError("the inventory page did not show the scanned item in time")
        app.processEvents()


def scan_to_row_visible_p95_ms(ctx: BenchContext) -> Measurement:
    """A scanned barcode, resolved and handed to the inventory page, until its row is
    selected and painted inside the table's viewport (background search included)."""
    app = _application()
    from desktop.views.bus import DataBus
    from desktop.views.inventory.page import InventoryPage
    from desktop.views.tasks import TaskRunner

    codes = [
        row[0]
        for row in _sample(
            ctx,
            "SELECT b.code FROM item_barcodes b JOIN items i "
            "ON i.id = b.item_id WHERE i.rowid IN ({marks})",
        )
    ][:SCANS]
    services = ctx.services
    tasks = TaskRunner()
    page = InventoryPage(services, DataBus(), tasks)
    page.resize(1280, 800)
    page.show()
    table = page.items.table
    _wait(app, lambda: page.items.model.rowCount() > 0)

    def shown(item_id: object) -> bool:
        rows = table.selectionModel().selectedRows()
        if len(rows) != 1 or page.items.model.item_id(rows[0].row()) != item_id:
            return False
        return table.viewport().rect().intersects(table.visualRect(rows[0]))

    def scan(code: str) -> None:
        found = services.scans.resolve(code)
        page.take_scan(found)
        _wait(app, lambda: shown(found.id))

    try:
        value = p95(measure_each(codes, scan))
    finally:
        tasks.wait()
        page.close()
        page.deleteLater()
        app.processEvents()
    with ctx.plain_connection() as connection:

        def floor(code: str) -> object:
            connection.execute(
                "SELECT i.* FROM items i JOIN item_barcodes b ON b.item_id = i.id WHERE b.code = ?",
                (code,),
            ).fetchone()
            match = '"' + code + '"'
            where = (
                "AND i.id IN (SELECT k.entity_id FROM search_keys k WHERE k.rowid IN "
                "(SELECT rowid FROM item_fts WHERE item_fts MATCH ?))"
            )
            connection.execute(COUNT_SQL.format(where=where), (match,)).fetchone()
            return connection.execute(LIST_SQL.format(where=where), (match,)).fetchall()

        floor_value = p95(measure_each(codes, floor))
    return Measurement(value, floor_value)


def item_list_first_page_ms(ctx: BenchContext) -> Measurement:
    """The unfiltered list as it opens: the count and the first block."""
    from desktop.services.item_lists import ItemFilter

    lists = ctx.services.item_lists
    everything = ItemFilter()
    value = median_ms(lambda: (lists.count(everything), lists.page(everything, limit=PAGE)))
    with ctx.plain_connection() as connection:
        floor = median_ms(
            lambda: (
                connection.execute(COUNT_SQL.format(where="")).fetchone(),
                connection.execute(LIST_SQL.format(where="")).fetchall(),
            )
        )
    return Measurement(value, floor)


def item_list_filters_p95_ms(ctx: BenchContext) -> Measurement:
    """Each stock filter of the list (count and first block): low, out of stock,
    negative, one category, and a search word."""
    from desktop.services.item_lists import ItemFilter

    with ctx.plain_connection() as connection:
        category = connection.execute(
            "SELECT category FROM items WHERE category <> '' LIMIT 1"
        ).fetchone()
    category_name = category[0] if category else ""
    filters = [
        (ItemFilter(low_stock=True), "AND s.low = 1", ()),
        (ItemFilter(out_of_stock=True), "AND i.kind = 'stock' AND s.on_hand <= 0", ()),
        (ItemFilter(negative_stock=True), "AND s.on_hand < 0", ()),
        (ItemFilter(category=category_name), "AND i.category = ?", (category_name,)),
        (
            ItemFilter(text="battery"),
            "AND i.id IN (SELECT k.entity_id FROM search_keys k WHERE k.rowid IN "
            "(SELECT rowid FROM item_fts WHERE item_fts MATCH ?))",
            ('"battery"',),
        ),
    ]
    lists = ctx.services.item_lists
    samples = [
        median_ms(lambda f=f: (lists.count(f), lists.page(f, limit=PAGE)), repeats=5)
        for f, _where, _args in filters
    ]
    with ctx.plain_connection() as connection:
        floors = [
            median_ms(
                lambda w=where, a=args: (
                    connection.execute(COUNT_SQL.format(where=w), a).fetchone(),
                    connection.execute(LIST_SQL.format(where=w), a).fetchall(),
                ),
                repeats=5,
            )
            for _f, where, args in filters
        ]
    return Measurement(p95(samples), p95(floors))


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "scan_to_row_visible_p95_ms": scan_to_row_visible_p95_ms,
    "item_list_first_page_ms": item_list_first_page_ms,
    "item_list_filters_p95_ms": item_list_filters_p95_ms,
}
