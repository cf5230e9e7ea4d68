"""Selling at scale (2M sales in the full dataset): completing a sale paid in two tenders,
committed with synchronous=FULL as the app runs, and a scan until its line is on the sale
screen, each beside the same writes or reads in plain sqlite3.

Completing sales writes to the cached dataset like a day at the counter would; the floor's
rows are removed again after it is measured.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import replace

from benchmarks.inventory_gui_scenarios import _application, _wait
from benchmarks.inventory_scenarios import _sample
from benchmarks.scenarios import BenchContext, Measurement, measure_each, p95

SALES = 40
SCANS = 60
FLOOR_STATION = "Z"


def _two_items(ctx: BenchContext) -> list[tuple[uuid.UUID, uuid.UUID]]:
    rows = _sample(ctx, "SELECT id FROM items WHERE kind = 'stock' AND rowid IN ({marks})")
    ids = [uuid.UUID(row[0]) for row in rows]
    return [(ids[n], ids[n + 1]) for n in range(0, min(len(ids) - 1, 2 * SALES), 2)]


def sale_complete_two_payments_p95_ms(ctx: BenchContext) -> Measurement:
    """A two-line sale paid half in cash and half by card: document, lines, stock
    movements, payments and journal entry in one transaction, on disk."""
    from desktop.services.sales_types import PaymentInput

    sales = ctx.services.sales
    carts = []
    for first, second in _two_items(ctx)[:SALES]:
        cart = sales.new_cart()
        lines = (sales.line_for_item(first), sales.line_for_item(second))
        carts.append(replace(cart, lines=lines))
    terms = sales.terms()

    def complete(cart: object) -> object:
        total = sales.totals(cart, terms).total  # type: ignore[arg-type]
        cash = total // 2
        return sales.complete(
            cart,  # type: ignore[arg-type]
            [PaymentInput("cash", cash, tendered=cash), PaymentInput("card", total - cash)],
        )

    value = p95(measure_each(carts, complete))
    return Measurement(value, _floor_sales(ctx, len(carts)))


def _floor_sales(ctx: BenchContext, count: int) -> float:
    """The same rows inserted by hand, one committed transaction per sale."""
    items = [row[0] for row in _sample(ctx, "SELECT id FROM items WHERE rowid IN ({marks})")]
    with ctx.plain_connection() as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        location = connection.execute("SELECT id FROM stock_locations LIMIT 1").fetchone()[0]
        made: list[str] = []
        samples = []
        for n in range(count):
            started = time.perf_counter()
            document = uuid.uuid4().hex
            made.append(document)
            stamp = "2026-11-23 12:00:00.000000"
            connection.execute(
                "INSERT INTO sales_documents (id, kind, number, status, station_code, "
                "issued_at, currency, prices_include_tax, rounding_mode, discount_kind, "
                "discount_value, subtotal, discount_total, tax_total, total, rounding, notes, "
                "hold_label, void_reason, created_at, updated_at) VALUES (?, 'sale', ?, "
                "'completed', ?, ?, 'USD', 1, 'line', '', 0, 2000, 0, 0, 2000, 0, '', '', '', "
                "?, ?)",
                (document, f"S-Z-{n:06d}", FLOOR_STATION, stamp, stamp, stamp),
            )
            for position in range(2):
                item = items[(2 * n + position) % len(items)]
                connection.execute(
                    "INSERT INTO sales_lines (id, document_id, position, item_id, description, "
                    "sku, quantity, unit_price, discount_kind, discount_value, line_discount, "
                    "document_discount, tax_class, tax_rate_bp, net, tax, gross, serial, "
                    "source_kind, restock) VALUES (?, ?, ?, ?, 'x', '', 1, 1000, '', 0, 0, 0, "
                    "'standard', 0, 1000, 0, 1000, '', '', 0)",
                    (uuid.uuid4().hex, document, position, item),
                )
                connection.execute(
                    "INSERT INTO stock_movements (id, item_id, location_id, quantity, kind, "
                    "reason, reference_kind, reference_id, at, station_code, serial) "
                    "VALUES (?, ?, ?, -1, 'sale', '', 'sale', ?, ?, ?, '')",
                    (uuid.uuid4().hex, item, location, document, stamp, FLOOR_STATION),
                )
            for code in ("cash", "card"):
                connection.execute(
                    "INSERT INTO payments (id, document_id, method_code, method_kind, "
                    "method_name, amount, change, tip, reference, at, station_code) "
                    "VALUES (?, ?, ?, ?, ?, 1000, 0, 0, '', ?, ?)",
                    (uuid.uuid4().hex, document, code, code, code, stamp, FLOOR_STATION),
                )
            last = connection.execute(
                "SELECT seq, hash FROM journal_entries WHERE station_code = ? "
                "ORDER BY seq DESC LIMIT 1",
                (FLOOR_STATION,),
            ).fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, "0" * 64)
            digest = hashlib.sha256(f"{prev}{document}".encode()).hexdigest()
            connection.execute(
                "INSERT INTO journal_entries (id, station_code, seq, at, kind, document_id, "
                "payload, prev_hash, hash) VALUES (?, ?, ?, ?, 'sale', ?, '{}', ?, ?)",
                (uuid.uuid4().hex, FLOOR_STATION, seq, stamp, document, prev, digest),
            )
            connection.commit()
            samples.append((time.perf_counter() - started) * 1000)
        _remove_floor_rows(connection, made)
    return p95(samples)


def _remove_floor_rows(connection: object, documents: list[str]) -> None:
    marks = ",".join("?" * len(documents))
    execute = connection.execute  # type: ignore[attr-defined]
    execute(f"DELETE FROM journal_entries WHERE station_code = '{FLOOR_STATION}'")
    execute(f"DELETE FROM payments WHERE document_id IN ({marks})", documents)
    execute(f"DELETE FROM sales_lines WHERE document_id IN ({marks})", documents)
    execute(f"DELETE FROM sales_documents WHERE id IN ({marks})", documents)
    connection.commit()  # type: ignore[attr-defined]
    # The floor's stock movements stay: the ledger is append-only and its triggers keep
    # on-hand; one unit of a few items out of millions of movements changes nothing.


def scan_to_sale_line_p95_ms(ctx: BenchContext) -> Measurement:
    """A scanned barcode, resolved and handed to the sale screen, until its line is
    selected and the total shows it."""
    app = _application()
    from desktop.views.bus import DataBus
    from desktop.views.sales.page import SalesPage
    from desktop.views.tasks import TaskRunner

    codes = [
        row[0]
        for row in _sample(
            ctx,
            "SELECT b.code FROM item_barcodes b JOIN items i "
            "ON i.id = b.item_id WHERE i.active AND i.rowid IN ({marks})",
        )
    ][:SCANS]
    services = ctx.services
    tasks = TaskRunner()
    page = SalesPage(services, DataBus(), tasks)
    page.resize(1280, 800)
    page.show()
    table = page.table

    def scan(code: str) -> None:
        before = page.model.cart
        found = services.scans.resolve(code)
        page.take_scan(found)
        _wait(app, lambda: page.model.cart is not before)
        rows = table.selectionModel().selectedRows()
        if not rows or not table.viewport().rect().intersects(table.visualRect(rows[0])):
            raise RuntimeError("the scanned line is not on screen")

    try:
        value = p95(measure_each(codes, scan))
    finally:
        page.model.set_cart(services.sales.new_cart())
        tasks.wait()
        page.close()
        page.deleteLater()
        app.processEvents()
    with ctx.plain_connection() as connection:

        def floor(code: str) -> object:
            return connection.execute(
                "SELECT i.id, i.name, i.sku, i.sell_price, i.tax_class, i.serialized "
                "FROM items i JOIN item_barcodes b ON b.item_id = i.id WHERE b.code = ?",
                (code,),
            ).fetchone()

        floor_value = p95(measure_each(codes, floor))
    return Measurement(value, floor_value)


SCENARIOS = {
    "sale_complete_two_payments_p95_ms": sale_complete_two_payments_p95_ms,
    "scan_to_sale_line_p95_ms": scan_to_sale_line_p95_ms,
}
