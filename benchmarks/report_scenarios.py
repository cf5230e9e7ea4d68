"""The manager's dashboard and reports at scale: the dashboard's figures for a day and a
year, the dashboard painted for a year, every report for a month and for a year, ten
years, and a 100,000-row spreadsheet export.

The floor of a service measurement is the same statements the service sent, replayed in
plain ``sqlite3`` (captured from SQLAlchemy as it ran them), so the ratio is what the
service layer adds. ``sales_year_unaggregated_ms`` records what a year of sales costs read
from the lines themselves, the work the bucket tables of migration 0015 save.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.scenarios import BenchContext, Measurement, median_ms
from desktop.services.report_periods import Period, PeriodKind, period

log = logging.getLogger(__name__)

REPEATS = 3
EXPORT_ROWS = 100_000
PAINT_TIMEOUT_S = 60.0


def _today(ctx: BenchContext) -> date:
    """The dataset's last day of trading: its "today"."""
    with ctx.plain_connection() as connection:
        last = connection.execute(
            "SELECT max(issued_at) FROM sales_documents WHERE kind = 'sale'"
        ).fetchone()[0]
    return datetime.fromisoformat(last).date() if last else date.today()


def _months(today: date, months: int) -> Period:
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return period(PeriodKind.CUSTOM, today, first, today)


@contextmanager
def _captured(ctx: BenchContext) -> Iterator[list[tuple[str, Any]]]:
    """The statements the services send while inside, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    engine = ctx.services.ctx.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _timed_with_floor(ctx: BenchContext, work: Callable[[], object]) -> Measurement:
    """``work`` and the statements it sent replayed in plain sqlite3, median of both."""
    with _captured(ctx) as statements:
        work()
    reads = [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    value = median_ms(work, repeats=REPEATS)
    with ctx.plain_connection() as connection:

        def floor() -> None:
            for statement, parameters in reads:
                connection.execute(statement, parameters or ()).fetchall()

        floor_value = median_ms(floor, repeats=REPEATS)
    return Measurement(value, floor_value)


# -- the dashboard --------------------------------------------------------------------


def dashboard_figures_today_ms(ctx: BenchContext) -> Measurement:
    """The dashboard's figures and charts for today against yesterday: what picking a
    period reads (where the shop stands now is read when the dashboard opens or data
    changes; ``dashboard_now_ms``)."""
    chosen = period(PeriodKind.TODAY, _today(ctx))
    return _timed_with_floor(ctx, lambda: ctx.services.dashboard.trend(chosen))


def dashboard_now_ms(ctx: BenchContext) -> Measurement:
    """Where the shop stands: pending payments, tickets per status, overdue, low stock,
    the drawers and the technicians' workload (recorded, no target)."""
    return _timed_with_floor(ctx, ctx.services.dashboard.now)


def dashboard_figures_12_months_ms(ctx: BenchContext) -> Measurement:
    """The same for the last twelve months (charted by month) and the year before."""
    chosen = _months(_today(ctx), 12)
    trend = ctx.services.dashboard.trend(chosen)
    log.info(
        "12 months: revenue %d, %d sales, %d tickets opened",
        trend.current.revenue, trend.current.sales, trend.current.tickets_opened,
    )  # fmt: skip
    return _timed_with_floor(ctx, lambda: ctx.services.dashboard.trend(chosen))


def _application() -> Any:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def dashboard_12_months_paint_ms(ctx: BenchContext) -> Measurement:
    """From choosing the last twelve months on the dashboard to its last chart painted:
    the period's figures read on a worker thread, then every tile and chart drawn
    (offscreen)."""
    app = _application()
    from desktop.views.bus import DataBus
    from desktop.views.dashboard import DashboardPage
    from desktop.views.tasks import TaskRunner

    chosen = _months(_today(ctx), 12)
    tasks = TaskRunner()
    page = DashboardPage(ctx.services, DataBus(), tasks)
    page.resize(1280, 1400)
    page.show()

    def wait_loaded(before: object) -> None:
        deadline = time.perf_counter() + PAINT_TIMEOUT_S
        while page.figures is before:
            if time.perf_counter() > deadline:
                raise RuntimeError("the dashboard did not load its figures in time")
            app.processEvents()

    def choose(first: date) -> None:
        before = page.figures
        page.period_bar.set_period(PeriodKind.CUSTOM, first, chosen.last)
        page.reload(period_only=True)
        wait_loaded(before)
        page.grab()  # paints every tile and chart

    try:
        wait_loaded(None)
        samples = []
        for _ in range(REPEATS):
            choose(chosen.last)  # a day, so the year is new to the page
            start = time.perf_counter()
            choose(chosen.first)
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        tasks.wait()
        page.close()
        page.deleteLater()
        app.processEvents()
    floor = dashboard_figures_12_months_ms(ctx).floor
    return Measurement(sorted(samples)[len(samples) // 2], floor)


# -- the reports ----------------------------------------------------------------------


def _every_report(ctx: BenchContext, chosen: Period, label: str) -> Measurement:
    """Each report of the catalog timed on its own; the slowest is the figure, its
    floor beside it."""
    from desktop.services.report_catalog import REPORTS, ReportRequest

    request = ReportRequest(chosen, chosen.last)
    worst = Measurement(0.0, None)
    for report in REPORTS:
        measured = _timed_with_floor(ctx, lambda r=report: r.run(ctx.services, request))
        log.info(
            "%s %-20s %8.1f ms (floor %7.1f ms)", label, report.key, measured.value,
            measured.floor or 0.0,
        )  # fmt: skip
        if measured.value > worst.value:
            worst = measured
    return worst


def report_month_worst_ms(ctx: BenchContext) -> Measurement:
    """Every report for the last month, each on its own; the slowest one."""
    return _every_report(ctx, _months(_today(ctx), 1), "month")


def report_year_worst_ms(ctx: BenchContext) -> Measurement:
    """Every report for the last twelve months, each on its own; the slowest one."""
    return _every_report(ctx, _months(_today(ctx), 12), "year")


def report_ten_years_ms(ctx: BenchContext) -> Measurement:
    """The dashboard and sales by month over ten years (recorded, no target)."""
    today = _today(ctx)
    chosen = period(
        PeriodKind.CUSTOM, today, today.replace(year=today.year - 10) + timedelta(1), today
    )

    def work() -> None:
        ctx.services.dashboard.figures(chosen)
        ctx.services.sales_reports.by_day(chosen)

    return _timed_with_floor(ctx, work)


def sales_year_unaggregated_ms(ctx: BenchContext) -> Measurement:
    """A year of net sales, tax and cost summed from the lines in plain sqlite3: what the
    dashboard would read without the bucket tables (recorded, no target)."""
    start, end = (moment.strftime("%Y-%m-%d %H:%M:%S.%f") for moment in _months(
        _today(ctx), 12
    ).bounds())  # fmt: skip
    with ctx.plain_connection() as connection:

        def lines() -> None:
            connection.execute(
                "SELECT d.kind, sum(l.net), sum(l.tax), sum(l.quantity * "
                "coalesce(l.unit_cost, 0)) FROM sales_documents d JOIN sales_lines l "
                "ON l.document_id = d.id WHERE d.kind IN ('sale', 'invoice', 'credit_note') "
                "AND d.status IN ('completed', 'issued') AND d.issued_at >= ? "
                "AND d.issued_at < ? GROUP BY d.kind",
                (start, end),
            ).fetchall()

        def buckets() -> None:
            connection.execute(
                "SELECT doc_kind, sum(net), sum(tax), sum(cost) FROM sales_buckets "
                "WHERE bucket >= ? AND bucket < ? GROUP BY doc_kind",
                (start[:16], end[:16]),
            ).fetchall()

        return Measurement(median_ms(lines, repeats=REPEATS), median_ms(buckets, repeats=REPEATS))


# -- export ---------------------------------------------------------------------------


def xlsx_export_100k_rows_s(ctx: BenchContext) -> Measurement:
    """100,000 sales lines of the last months streamed from the database into an XLSX
    file with progress reported (what the Export dialog runs); beside it, the same rows
    written as CSV."""
    from desktop.services.spreadsheets import write_table

    headers = ["Number", "Issued", "Item", "Quantity", "Net", "Tax"]
    sql = (
        "SELECT d.number, d.issued_at, l.description, l.quantity, l.net / 100.0, "
        "l.tax / 100.0 FROM sales_documents d JOIN sales_lines l ON l.document_id = d.id "
        "WHERE d.kind = 'sale' ORDER BY d.issued_at DESC LIMIT ?"
    )
    progress: list[int] = []

    def export(suffix: str) -> float:
        with tempfile.TemporaryDirectory() as folder, ctx.plain_connection() as connection:
            rows = connection.execute(sql, (EXPORT_ROWS,))
            start = time.perf_counter()
            write_table(
                Path(folder) / f"sales-lines{suffix}",
                "Sales lines",
                headers,
                rows,
                progress=progress.append,
                cancelled=lambda: False,
            )
            return time.perf_counter() - start

    value = export(".xlsx")
    log.info("xlsx export: %d progress reports, last at row %d", len(progress), progress[-1])
    return Measurement(value, export(".csv"))


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "dashboard_figures_today_ms": dashboard_figures_today_ms,
    "dashboard_figures_12_months_ms": dashboard_figures_12_months_ms,
    "dashboard_now_ms": dashboard_now_ms,
    "dashboard_12_months_paint_ms": dashboard_12_months_paint_ms,
    "report_month_worst_ms": report_month_worst_ms,
    "report_year_worst_ms": report_year_worst_ms,
    "report_ten_years_ms": report_ten_years_ms,
    "sales_year_unaggregated_ms": sales_year_unaggregated_ms,
    "xlsx_export_100k_rows_s": xlsx_export_100k_rows_s,
}
