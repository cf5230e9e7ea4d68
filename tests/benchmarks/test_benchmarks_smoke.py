"""The benchmark harness end to end on a tiny generated shop (a few seconds)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from benchmarks.generate import SCALES, DatasetInfo, ensure_dataset
from benchmarks.report import write_json
from benchmarks.runner import run_benchmarks
from benchmarks.scenarios import BenchContext, floor_search, search_queries
from tests.conftest import OFFSCREEN_NOISE

DATA_SCENARIOS = [
    "customer_search_p95_ms",
    "customer_list_first_page_ms",
    "customer_list_row_200000_ms",
    "ticket_list_first_page_ms",
    "ticket_open_ms",
    "ticket_lookup_p95_ms",
    "item_scan_p95_ms",
    "item_on_hand_p95_ms",
    "low_stock_list_ms",
    "item_search_p95_ms",
    "reorder_suggestions_ms",
    "sale_complete_two_payments_p95_ms",
    "customer_account_500_invoices_ms",
    "invoice_list_first_page_ms",
]
TINY = SCALES["tiny"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-data")


@pytest.fixture(scope="module")
def dataset(data_dir: Path) -> tuple[Path, DatasetInfo]:
    return ensure_dataset(TINY, data_dir)


def test_generated_database_is_indexed_for_search(dataset: tuple[Path, DatasetInfo]) -> None:
    db_path, info = dataset
    connection = sqlite3.connect(db_path)
    try:
        counts = connection.execute(
            "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM customer_fts), "
            "(SELECT count(*) FROM devices), (SELECT count(*) FROM device_fts), "
            "(SELECT count(*) FROM users WHERE username = 'owner')"
        ).fetchone()
    finally:
        connection.close()
    assert counts == (info.customers, info.customers, info.devices, info.devices, 1)


def test_cached_dataset_is_reused(data_dir: Path, dataset: tuple[Path, DatasetInfo]) -> None:
    db_path, info = dataset
    modified = db_path.stat().st_mtime_ns
    again_path, again_info = ensure_dataset(TINY, data_dir)
    assert (again_path, again_info) == (db_path, info)
    assert db_path.stat().st_mtime_ns == modified


def test_search_finds_a_generated_customer(dataset: tuple[Path, DatasetInfo]) -> None:
    db_path, info = dataset
    connection = sqlite3.connect(db_path)
    try:
        first, last, digits = connection.execute(
            "SELECT c.first_name, c.last_name, p.digits FROM customers c "
            "JOIN customer_phones p ON p.customer_id = c.id ORDER BY c.rowid LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    ctx = BenchContext(db_path, info)
    try:
        by_name = ctx.services.customers.search(f"{first} {last}", limit=50)
        by_phone = ctx.services.customers.search(digits[-7:], limit=50)
    finally:
        ctx.close()
    assert any(c.name == f"{first} {last}" for c in by_name)
    assert any(c.name == f"{first} {last}" for c in by_phone)


def test_search_floor_returns_what_the_service_returns(
    dataset: tuple[Path, DatasetInfo],
) -> None:
    db_path, info = dataset
    ctx = BenchContext(db_path, info)
    try:
        with ctx.plain_connection() as connection:
            queries = search_queries(connection)
            floor_ids = [[row[0] for row in floor_search(connection, q, 50)] for q in queries]
        service_ids = [[c.id.hex for c in ctx.services.customers.search(q, 50)] for q in queries]
    finally:
        ctx.close()
    assert len(set(queries)) > 150
    assert sum(1 for ids in service_ids if ids) > 150
    assert floor_ids == service_ids


def test_run_writes_one_json_object_per_metric(
    data_dir: Path, dataset: tuple[Path, DatasetInfo], tmp_path: Path
) -> None:
    metrics = run_benchmarks(TINY, DATA_SCENARIOS, data_dir)
    results = tmp_path / "results.json"
    write_json(metrics, results)

    written = json.loads(results.read_text(encoding="utf-8"))
    assert [entry["name"] for entry in written] == DATA_SCENARIOS
    for entry in written:
        assert set(entry) == {"name", "value", "unit", "target", "floor", "ratio"}
        assert isinstance(entry["ratio"], float) and entry["ratio"] > 0
        assert entry["unit"] == "ms"
        assert isinstance(entry["value"], float) and entry["value"] > 0
        assert isinstance(entry["floor"], float) and entry["floor"] > 0
        assert isinstance(entry["target"], float) and entry["target"] > 0


def test_document_scenarios_measure_rendering(
    data_dir: Path, dataset: tuple[Path, DatasetInfo]
) -> None:
    names = [
        "claim_receipt_pdf_ms",
        "claim_receipt_escpos_ms",
        "invoice_pdf_30_lines_ms",
        "sale_receipt_escpos_ms",
    ]
    metrics = run_benchmarks(TINY, names, data_dir)
    assert [m.name for m in metrics] == names
    assert all(m.value is not None and m.value > 0 and m.unit == "ms" for m in metrics)


def test_generated_sales_are_journaled_and_numbered(dataset: tuple[Path, DatasetInfo]) -> None:
    db_path, info = dataset
    ctx = BenchContext(db_path, info)
    try:
        with ctx.plain_connection() as connection:
            counts = connection.execute(
                "SELECT (SELECT count(*) FROM sales_documents WHERE number LIKE 'S-A-%'), "
                "(SELECT count(*) FROM journal_entries WHERE station_code = 'A')"
            ).fetchone()
        report = ctx.services.journal.verify()
    finally:
        ctx.close()
    assert counts[0] >= info.sales == TINY.sales
    assert report.intact, report.summary()


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_the_sale_screen_scenario_scans_onto_a_real_page(
    data_dir: Path, dataset: tuple[Path, DatasetInfo]
) -> None:
    metrics = run_benchmarks(TINY, ["scan_to_sale_line_p95_ms"], data_dir)
    assert metrics[0].value is not None and metrics[0].floor is not None, metrics[0]


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_the_report_scenarios_run_every_report_and_paint_the_dashboard(
    data_dir: Path, dataset: tuple[Path, DatasetInfo]
) -> None:
    names = [
        "dashboard_figures_today_ms",
        "dashboard_figures_12_months_ms",
        "dashboard_now_ms",
        "dashboard_12_months_paint_ms",
        "report_month_worst_ms",
        "report_year_worst_ms",
        "report_ten_years_ms",
        "sales_year_unaggregated_ms",
        "xlsx_export_100k_rows_s",
    ]
    metrics = run_benchmarks(TINY, names, data_dir)
    assert [m.name for m in metrics] == names
    for metric in metrics:
        assert metric.value is not None and metric.value > 0, metric
        assert metric.floor is not None and metric.floor > 0, metric
