"""The reports screen on a real database: the list of reports, running one for a period,
bad ranges, who may see reports, export, PDF, the audit log and opening a report from
elsewhere."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWidget

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.items import ItemInput
from desktop.services.report_catalog import REPORTS, Asks
from desktop.services.report_periods import PeriodKind, period
from desktop.services.sales_types import PaymentInput
from desktop.views.main_window import MainWindow
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.reports.page import AUDIT_KEY, ReportsPage
from desktop.views.tasks import TaskRunner
from tests.conftest import gui_sign_in_as


def _page(qtbot, services, bus, tasks) -> ReportsPage:
    page = ReportsPage(services, bus, tasks)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def _sell(services: Services, quantity: int, price: int = 1500) -> None:
    """A cash sale of ``quantity`` phone cases at ``price`` (no tax in the test shop)."""
    item = services.items.create(ItemInput("Phone case", sell_price=price, cost_price=400)).item
    services.stock.receive(item.id, quantity, 400)
    cart = replace(
        services.sales.new_cart(), lines=(services.sales.line_for_item(item.id, quantity),)
    )
    services.sales.complete(cart, [PaymentInput("cash", quantity * price)])


def _cells(page: ReportsPage, row: int) -> list[str]:
    model = page.model
    return [model.index(row, column).data() for column in range(model.columnCount())]


def _this_month():
    return period(PeriodKind.THIS_MONTH, date.today())


def test_every_report_of_the_catalog_is_listed_under_its_group(qtbot, shop_services, bus, tasks):
    page = _page(qtbot, shop_services, bus, tasks)
    assert page.keys() == [spec.key for spec in REPORTS] + [AUDIT_KEY]
    groups = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert groups == [*dict.fromkeys(spec.group for spec in REPORTS), "Audit"]


def test_sales_by_day_for_this_month_shows_the_day_and_the_total(qtbot, shop_services, bus, tasks):
    _sell(shop_services, 2)
    _sell(shop_services, 1, price=2500)
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_day", _this_month())
    assert page.current_key() == "sales_by_day"
    assert page.title.text() == "Sales by day"
    assert page.period_bar.current_kind() is PeriodKind.THIS_MONTH
    assert page.model.rowCount() == 2  # today and the totals row
    today = _cells(page, 0)
    assert today[1:3] == ["2", "$55.00"]
    totals = _cells(page, 1)
    assert totals[0] == "Total" and totals[2] == "$55.00"
    assert page.model.is_totals_row(1)
    assert page.model.index(1, 2).data(Qt.ItemDataRole.FontRole).bold()
    assert page.results.currentWidget() is page.table
    assert page.chart.isVisibleTo(page) and page.notes.isVisibleTo(page)
    assert not page.running and page.export_button.isEnabled()


def test_a_period_without_sales_shows_the_empty_state(qtbot, shop_services, bus, tasks):
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_item", _this_month())
    assert page.report is not None and page.report.empty
    assert page.results.currentWidget() is page.empty
    assert page.empty.text() == "Nothing to report for this period."
    assert not page.chart.isVisibleTo(page)


def test_a_custom_range_ending_before_it_starts_says_so_and_runs_nothing(
    qtbot, shop_services, bus, tasks
):
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_day", _this_month())
    bar = page.period_bar
    bar.kind.setCurrentIndex(bar.kind.findData(PeriodKind.CUSTOM))  # this month's days
    assert bar.first.isVisibleTo(page) and bar.last.isVisibleTo(page)
    shown = page.report
    with qtbot.assertNotEmitted(bar.period_changed), qtbot.assertNotEmitted(page.report_shown):
        bar.last.setDate(QDate(2026, 3, 1))
        bar.first.setDate(QDate(2026, 3, 10))
    assert bar.error.isVisibleTo(page)
    assert bar.error.text() == "The last day comes before the first."
    assert bar.period() is None
    page.run_report()  # Refresh with the bad range: still nothing runs
    assert page.report is shown
    assert "valid period" in page.message.text()
    with qtbot.waitSignal(page.report_shown):
        bar.last.setDate(QDate(2026, 3, 31))
    assert not bar.error.isVisibleTo(page)
    assert page.report.period == period(
        PeriodKind.CUSTOM, date.today(), date(2026, 3, 10), date(2026, 3, 31)
    )


def test_a_technician_is_told_reports_are_for_managers(qtbot, shop_services, bus, tasks):
    gui_sign_in_as(shop_services, "tom", "technician")
    page = _page(qtbot, shop_services, bus, tasks)
    assert page.body.currentWidget() is page.no_access
    assert page.no_access.text().startswith("Reports are for managers")
    assert page.keys() == [] and page.report is None


def test_export_writes_the_report_and_its_totals_to_a_workbook(
    qtbot, shop_services, bus, tasks, tmp_path: Path
):
    _sell(shop_services, 2)
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_day", _this_month())
    dialog = page.export()
    assert dialog is not None
    month = _this_month()
    assert Path(dialog.path.text()).name == (
        f"report-sales_by_day-{month.first:%Y-%m-%d}-{month.last:%Y-%m-%d}.xlsx"
    )
    target = tmp_path / "by-day.xlsx"
    dialog.set_path(target)
    with qtbot.waitSignal(dialog.exported):
        dialog.start()
    sheet = openpyxl.load_workbook(target).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Day")
    assert rows[header][:3] == ["Day", "Sales", "Net sales"]
    assert rows[header + 1][1:3] == [1, 30]
    assert rows[header + 2][0] == "Total" and rows[header + 2][2] == 30
    dialog.close()


def test_save_pdf_writes_the_report_as_a_pdf(qtbot, shop_services, bus, tasks, tmp_path: Path):
    _sell(shop_services, 1)
    page = _page(qtbot, shop_services, bus, tasks)
    window = QWidget()
    qtbot.addWidget(window)
    printer = DocumentPrinter(shop_services, tasks, window)
    page.pdf_requested.connect(printer.save_pdf)  # as the main window connects it
    page.open_report("sales_by_day", _this_month())
    target = tmp_path / "by-day.pdf"
    with qtbot.waitSignal(printer.printed):
        page.save_pdf(target)
    assert target.read_bytes().startswith(b"%PDF")


def test_the_audit_log_lists_events_and_loads_more_a_page_at_a_time(
    qtbot, shop_services, bus, tasks
):
    for name in ("amy", "ben", "cara"):
        shop_services.accounts.add_user(name, name.title(), "front_desk", "staff-pass-1")
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report(AUDIT_KEY)
    audit = page.audit
    assert audit is not None and page.views.currentWidget() is audit
    everything = len(shop_services.audit.page().entries)  # shop made, login, three staff
    assert everything == 5
    audit.page_size = 2
    audit.reload()
    assert audit.model.rowCount() == 2 and audit.more_button.isEnabled()
    assert audit.model.index(0, 3).data() == "user added"
    assert "role: front_desk" in audit.model.index(0, 6).data()
    audit.load_more()
    audit.load_more()
    assert audit.model.rowCount() == everything and not audit.more_button.isEnabled()
    actions = [audit.model.index(row, 3).data() for row in range(everything)]
    assert actions == ["user added"] * 3 + ["login", "shop created"]  # newest first
    audit.action.setCurrentIndex(audit.action.findData("login"))
    assert [e.action for e in audit.model.entries] == ["login"]
    audit.action.setCurrentIndex(0)
    cara = next(u.id for u in shop_services.accounts.list_users() if u.username == "cara")
    audit.search.setText(str(cara))
    audit.reload()
    assert [e.entity_id for e in audit.model.entries] == [str(cara)]
    assert audit.count_label.text() == "1 event(s) shown"


def test_open_report_selects_sets_the_filters_and_runs_it(qtbot, shop_services, bus, tasks):
    _sell(shop_services, 3)
    page = _page(qtbot, shop_services, bus, tasks)
    assert page.current_key() == REPORTS[0].key  # the first report opens with the page
    last_week = period(
        PeriodKind.CUSTOM, date.today(), date.today() - timedelta(days=6), date.today()
    )
    with qtbot.waitSignal(page.report_shown) as shown:
        page.open_report("sales_by_method", last_week)
    assert page.current_key() == "sales_by_method"
    assert page.tree.currentItem().text(0) == "Sales by payment method"
    assert shown.args[0].key == "sales_by_method" and shown.args[0].period == last_week
    assert page.period_bar.current_kind() is PeriodKind.CUSTOM
    assert page.period_bar.first.date().toPython() == last_week.first
    cash = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert cash[0] == "Cash" and "$45.00" in cash


def test_the_main_window_opens_the_reports_screen(qtbot, shop_services, bus, tasks, gui_paths):
    window = MainWindow(shop_services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    page = window.show_page("reports")
    assert isinstance(page, ReportsPage)


def test_every_report_runs_on_the_screen_with_its_own_filters(qtbot, shop_services, bus, tasks):
    _sell(shop_services, 1)
    page = _page(qtbot, shop_services, bus, tasks)
    for spec in REPORTS:
        with qtbot.waitSignal(page.report_shown):
            page.open_report(spec.key, _this_month())
        assert not page.message.isVisibleTo(page), (spec.key, page.message.text())
        assert page.period_bar.isVisibleTo(page) == (spec.asks is Asks.PERIOD)
        assert page.days.isVisibleTo(page) == bool(spec.days_label)
        if spec.days_label:
            assert page.days.value() == spec.default_days
            assert page.days_label.text() == spec.days_label


def test_print_renders_the_report_for_the_main_windows_printer(qtbot, shop_services, bus, tasks):
    _sell(shop_services, 1)
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_day", _this_month())
    with qtbot.waitSignal(page.print_requested) as printed:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    job = printed.args[0]
    assert job.stem.startswith("report-sales-by-day-") and job.pdf.startswith(b"%PDF")


def test_a_sale_elsewhere_brings_the_shown_report_up_to_date(qtbot, shop_services, bus, tasks):
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_day", _this_month())
    assert page.report is not None and page.report.empty
    _sell(shop_services, 2)
    with qtbot.waitSignal(page.report_shown):
        bus.publish(Changes(documents=frozenset({uuid.uuid4()})))
    assert _cells(page, 0)[1:3] == ["1", "$30.00"]


def test_a_technician_switching_in_loses_the_reports(qtbot, shop_services, bus, tasks):
    page = _page(qtbot, shop_services, bus, tasks)
    assert page.body.currentWidget() is page.splitter
    gui_sign_in_as(shop_services, "tom", "technician")
    bus.publish(Changes(everything=True))
    assert page.body.currentWidget() is page.no_access
    assert page.keys() == [] and page.report is None and page.model.rowCount() == 0


def test_a_report_runs_off_the_gui_thread_and_shows_it_is_busy(qtbot, shop_services, bus):
    _sell(shop_services, 1)
    threaded = TaskRunner()
    page = _page(qtbot, shop_services, bus, threaded)
    qtbot.waitUntil(lambda: not page.running)
    page.open_report("sales_by_item", _this_month())
    assert page.running and page.busy.isVisibleTo(page)
    assert not page.export_button.isEnabled()
    assert page.message.text() == "Working out Sales by item…"
    qtbot.waitUntil(lambda: not page.running)
    assert page.report is not None and page.report.key == "sales_by_item"
    assert not page.busy.isVisibleTo(page) and page.export_button.isEnabled()
    threaded.wait()


def test_typing_a_custom_range_runs_the_report_once_the_typing_stops(
    qtbot, shop_services, bus, tasks
):
    page = _page(qtbot, shop_services, bus, tasks)
    page.open_report("sales_by_day", _this_month())
    bar = page.period_bar
    bar.kind.setCurrentIndex(bar.kind.findData(PeriodKind.CUSTOM))
    shown: list[object] = []
    page.report_shown.connect(shown.append)
    with qtbot.assertNotEmitted(page.report_shown):
        for day in (1, 12, 19):  # each key a valid range
            bar.first.setDate(QDate(2026, 3, day))
    qtbot.waitUntil(lambda: len(shown) == 1)
    qtbot.wait(600)
    assert len(shown) == 1
    assert page.report is not None and page.report.period is not None
    assert page.report.period.first == date(2026, 3, 19)
