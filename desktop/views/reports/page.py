"""The reports screen: the reports by group on the left; on the right the chosen report's
filters, its table with the totals row, its chart and notes, and print, PDF and export.

Every report of ``report_catalog.REPORTS`` is listed, so a report added there appears
here. Reports are worked out off the GUI thread; a newer run makes an older one's answer
moot. The audit log is listed too, under its own group, for whoever may read it.

``print_requested(PrintJob)`` and ``pdf_requested(PrintJob, Path | None)`` go to the main
window's document printer (``print_job`` and ``save_pdf``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.money import to_decimal
from desktop.services.permissions import Permission
from desktop.services.report_catalog import (
    REPORTS,
    Asks,
    ReportRequest,
    ReportSpec,
    run_report,
)
from desktop.services.report_format import export_rows, headers, period_text
from desktop.services.report_periods import Period, PeriodKind, period
from desktop.services.report_types import ColumnKind, ReportTable
from desktop.views.bus import DataBus
from desktop.views.export_dialog import ExportDialog
from desktop.views.forms import ERROR_STYLE, read_only_rows
from desktop.views.period_bar import PeriodBar
from desktop.views.reports.audit import AuditLogView
from desktop.views.reports.models import ReportTableModel
from desktop.views.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtCharts import QValueAxis

AUDIT_KEY = "audit_log"
KEY_ROLE = Qt.ItemDataRole.UserRole
# A days field waits this long after the last change before the report runs again.
DAYS_DEBOUNCE_MS = 400
MUTED_STYLE = "color: palette(mid);"


class ReportsPage(QWidget):
    print_requested = Signal(object)  # PrintJob
    pdf_requested = Signal(object, object)  # PrintJob, Path or None (ask where)
    report_shown = Signal(object)  # ReportTable

    def __init__(
        self, services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        profile = services.shop.profile()
        self.shop_currency, self.shop_locale = profile.currency, profile.locale
        self.spec: ReportSpec | None = None
        self.report: ReportTable | None = None
        self.export_dialog: ExportDialog | None = None
        self.audit: AuditLogView | None = None
        self._run = 0  # the newest run; answers of older ones are dropped
        self._running = False
        self._stale = False
        self.model = ReportTableModel(self)
        self._build()
        bus.data_changed.connect(self._on_bus_data_changed)
        self._apply_access()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setMinimumWidth(200)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.views = QStackedWidget(self)
        self.report_view = self._build_report_view()
        self.views.addWidget(self.report_view)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.views)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 900])
        self.no_access = QLabel(
            self.tr("Reports are for managers and owners. Ask one of them to open them."),
            self,
        )
        self.no_access.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_access.setWordWrap(True)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.splitter)
        self.body.addWidget(self.no_access)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body)

    def _build_report_view(self) -> QWidget:
        view = QWidget(self)
        self.period_bar = PeriodBar(view, locale=self.shop_locale)
        self.period_bar.period_changed.connect(self._on_period_bar_period_changed)
        self.days_label = QLabel(view)
        self.days = QSpinBox(view)
        self.days.setRange(1, 3650)
        # Typing a custom range changes it at each key: run once the typing stops.
        self._range_timer = QTimer(self, singleShot=True, interval=DAYS_DEBOUNCE_MS)
        self._range_timer.timeout.connect(self.run_report)
        self._days_timer = QTimer(self, singleShot=True, interval=DAYS_DEBOUNCE_MS)
        self._days_timer.timeout.connect(self.run_report)
        self.days.valueChanged.connect(lambda _value: self._days_timer.start())
        self.refresh_button = QPushButton(self.tr("Refresh"), view)
        self.refresh_button.clicked.connect(self.run_report)
        self.print_button = QPushButton(self.tr("Print"), view)
        self.print_button.clicked.connect(lambda: self.print_report())
        self.pdf_button = QPushButton(self.tr("Save PDF"), view)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.export_button = QPushButton(self.tr("Export…"), view)
        self.export_button.clicked.connect(lambda: self.export())
        filters = QHBoxLayout()
        filters.addWidget(self.period_bar)
        filters.addWidget(self.days_label)
        filters.addWidget(self.days)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        for button in (self.print_button, self.pdf_button, self.export_button):
            filters.addWidget(button)

        self.title = QLabel(view)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.period_line = QLabel(view)
        self.period_line.setStyleSheet(MUTED_STYLE)
        self.busy = QProgressBar(view)
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.message = QLabel(view)  # working, or why the report could not be shown
        self.message.setWordWrap(True)
        self.message.hide()

        self.table = read_only_rows(QTableView(view))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        # Every column as wide as its widest value: a name squeezed to make room for
        # the figures would wrap or be cut.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(self.tr("Nothing to report for this period."), view)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(MUTED_STYLE)
        self.results = QStackedWidget(view)
        self.results.addWidget(self.table)
        self.results.addWidget(self.empty)
        self.chart = ReportChart(view)
        self.chart.hide()
        self.notes = QLabel(view)
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(MUTED_STYLE)
        self.notes.hide()

        layout = QVBoxLayout(view)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.title)
        layout.addWidget(self.period_line)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 3)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.notes)
        self._show_running(False)
        return view

    # -- who may see what -------------------------------------------------------------

    def _apply_access(self) -> None:
        """List the reports (and the audit log) the signed-in user may open, or say that
        reports are for managers."""
        can = self._services.ctx.can
        reports, audit = can(Permission.VIEW_REPORTS), can(Permission.VIEW_AUDIT)
        current = self.current_key()
        self.tree.blockSignals(True)
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        if reports:
            for spec in REPORTS:
                group = groups.get(spec.group)
                if group is None:
                    group = groups[spec.group] = self._group_item(self.tr(spec.group))
                QTreeWidgetItem(group, [self.tr(spec.title)]).setData(0, KEY_ROLE, spec.key)
        if audit:
            group = self._group_item(self.tr("Audit"))
            QTreeWidgetItem(group, [self.tr("Audit log")]).setData(0, KEY_ROLE, AUDIT_KEY)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self.body.setCurrentWidget(self.splitter if reports or audit else self.no_access)
        if not (reports or audit):
            self.spec, self.report = None, None
            self.model.set_report(None, self.shop_currency, self.shop_locale)
            return
        keys = self.keys()
        self._select(current if current in keys else keys[0])

    def _group_item(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not a report to choose
        font = QFont(item.font(0))
        font.setBold(True)
        item.setFont(0, font)
        return item

    def _report_items(self) -> list[QTreeWidgetItem]:
        """The items that open something, top to bottom (the group headings left out)."""
        found = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            assert group is not None
            found += [group.child(c) for c in range(group.childCount())]
        return [item for item in found if item is not None]

    def keys(self) -> list[str]:
        """The keys listed, top to bottom (the audit log's is ``AUDIT_KEY``)."""
        return [item.data(0, KEY_ROLE) for item in self._report_items()]

    def current_key(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def _item(self, key: str) -> QTreeWidgetItem | None:
        return next((i for i in self._report_items() if i.data(0, KEY_ROLE) == key), None)

    def _select(self, key: str) -> None:
        item = self._item(key)
        if item is not None and item is not self.tree.currentItem():
            self.tree.setCurrentItem(item)  # shows it and runs it
        elif item is not None:
            self._show_key(key)

    # -- choosing a report ------------------------------------------------------------

    def open_report(self, key: str, period: Period | None = None, days: int | None = None) -> None:
        """Show the report ``key`` for ``period`` (default: the period chosen now) and
        ``days`` (default: the report's own), and run it. For the dashboard's drill-down."""
        item = self._item(key)
        if item is None:
            self._say_error(self.tr("That report is not available to you."))
            return
        if period is not None:
            self.period_bar.set_period(period.kind, period.first, period.last)
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self._show_key(key, days)

    def _on_tree_current_item_changed(self, item: QTreeWidgetItem | None, _old: object) -> None:
        key = item.data(0, KEY_ROLE) if item is not None else None
        if key:
            self._show_key(key)

    def _show_key(self, key: str, days: int | None = None) -> None:
        if key == AUDIT_KEY:
            self.spec = None
            self.views.setCurrentWidget(self._audit_view())
            return
        self.views.setCurrentWidget(self.report_view)
        spec = next(s for s in REPORTS if s.key == key)
        if spec is not self.spec or days is not None:
            self.days.blockSignals(True)
            self.days.setValue(days if days is not None else spec.default_days or 1)
            self.days.blockSignals(False)
        self.spec = spec
        self.period_bar.setVisible(spec.asks is Asks.PERIOD)
        self.days_label.setText(self.tr(spec.days_label))
        for widget in (self.days_label, self.days):
            widget.setVisible(bool(spec.days_label))
        self.title.setText(self.tr(spec.title))
        self.run_report()

    def _audit_view(self) -> AuditLogView:
        if self.audit is None:
            self.audit = AuditLogView(self._services, self._tasks, self, locale=self.shop_locale)
            self.views.addWidget(self.audit)
        else:
            self.audit.reload()
        return self.audit

    # -- running ----------------------------------------------------------------------

    def request(self) -> ReportRequest | None:
        """What the filters ask for, or None while the custom range is bad."""
        today = date.today()
        if self.spec is not None and self.spec.asks is Asks.PERIOD:
            chosen = self.period_bar.period()
            if chosen is None:
                return None
        else:
            chosen = period(PeriodKind.TODAY, today)
        days = self.days.value() if self.spec is not None and self.spec.days_label else None
        return ReportRequest(chosen, today, days)

    def run_report(self) -> None:
        """Work the chosen report out again, off the GUI thread."""
        self._days_timer.stop()
        self._range_timer.stop()
        spec, request = self.spec, self.request()
        if spec is None:
            return
        if request is None:
            self._say_error(self.tr("Choose a valid period to see this report."))
            return
        self._stale = False
        self._run += 1
        run = self._run
        services = self._services
        self._show_running(True)
        self._say(self.tr("Working out {title}…").format(title=self.tr(spec.title)))
        self._tasks.run(
            lambda: run_report(services, spec.key, request),
            lambda report: self._on_report_done(run, report),
            lambda error: self._on_report_failed(run, error),
            owner=self,
        )

    def _on_report_done(self, run: int, report: ReportTable) -> None:
        if run != self._run:
            return  # a newer run is on its way
        self._show_running(False)
        self._say("")
        self.show_report(report)

    def _on_report_failed(self, run: int, error: Exception) -> None:
        if run != self._run:
            return
        self._show_running(False)
        if not isinstance(error, BenchsideError):
            raise error
        if isinstance(error, ValidationError):
            self._say_error("\n".join(error.errors.values()))
        else:
            self._say_error(str(error))

    def show_report(self, report: ReportTable) -> None:
        """Show a worked-out report: table (or the empty state), chart and notes."""
        self.report = report
        self.title.setText(report.title)
        self.period_line.setText(
            period_text(report.period, self.shop_locale)
            or self.tr("As things stand on {day}").format(
                day=period_text(period(PeriodKind.TODAY, date.today()), self.shop_locale)
            )
        )
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the report's own order
        self.model.set_report(report, self.shop_currency, self.shop_locale)
        self.results.setCurrentWidget(self.empty if report.empty else self.table)
        self.empty.setText(
            self.tr("Nothing to report for this period.")
            if report.period is not None
            else self.tr("Nothing to report.")
        )
        self.chart.show_points(report, self.shop_currency)
        self.chart.setVisible(bool(report.chart) and not report.empty)
        self.notes.setText("\n".join(report.notes))
        self.notes.setVisible(bool(report.notes))
        self._update_buttons()
        self.report_shown.emit(report)

    def _show_running(self, running: bool) -> None:
        self._running = running
        self.busy.setVisible(running)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.report is not None and not self._running
        for button in (self.print_button, self.pdf_button, self.export_button):
            button.setEnabled(ready)

    @property
    def running(self) -> bool:
        return self._running

    def _say(self, text: str) -> None:
        self.message.setStyleSheet(MUTED_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _say_error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _on_period_bar_period_changed(self, _period: Period) -> None:
        if self.spec is None or self.spec.asks is not Asks.PERIOD:
            return
        if self.period_bar.current_kind() is PeriodKind.CUSTOM:
            self._range_timer.start()
        else:
            self.run_report()

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.users:
            self._apply_access()  # someone else may have signed in
            return
        if changes.messages or changes.station:
            return  # the figures are the same
        if self.isVisible() and self.spec is not None:
            self.run_report()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.spec is not None:
            self.run_report()

    # -- print, PDF, export -----------------------------------------------------------

    def print_report(self) -> None:
        """Render the report for this station's report printer, then print it."""
        self._render(self.print_requested.emit)

    def save_pdf(self, path: Path | None = None) -> None:
        """Render the report and save it as a PDF at ``path`` (asked for when None)."""
        self._render(lambda job: self.pdf_requested.emit(job, path))

    def _render(self, then: object) -> None:
        report, printing = self.report, self._services.printing
        if report is None:
            return
        self._tasks.run(
            lambda: printing.report_job(report),
            then,  # type: ignore[arg-type]
            self._on_render_failed,
            owner=self,
        )

    def _on_render_failed(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):
            raise error
        self._say_error(str(error))

    def default_export_name(self) -> str:
        report = self.report
        assert report is not None
        if report.period is None:
            return f"report-{report.key}-{date.today():%Y-%m-%d}.xlsx"
        return (
            f"report-{report.key}-{report.period.first:%Y-%m-%d}-{report.period.last:%Y-%m-%d}.xlsx"
        )

    def export(self) -> ExportDialog | None:
        """The Export dialog for the report shown (XLSX or CSV)."""
        report, currency = self.report, self.shop_currency
        if report is None:
            return None
        rows = export_rows(report, currency)
        dialog = ExportDialog(
            report.title,
            headers(report),
            lambda: (rows, len(rows)),
            self.default_export_name(),
            self._tasks,
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _obj=None: self._forget_export_dialog(dialog))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def _forget_export_dialog(self, dialog: ExportDialog) -> None:
        if self.export_dialog is dialog:
            self.export_dialog = None


class ReportChart(QWidget):
    """A plain bar chart of a report's ``chart`` points. Money bars are drawn in major
    units (the chart's values are a column of the report; its kind says what they are)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCharts import QChartView

        self.view = QChartView(self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def show_points(self, report: ReportTable, currency: str) -> None:
        """Draw ``report.chart`` on a new chart (the old one is dropped whole, axes and
        all)."""
        from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis

        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.setTitle(report.chart_title)
        if report.chart:
            money = _chart_kind(report) is ColumnKind.MONEY
            values = [
                float(to_decimal(int(p.value), currency)) if money else float(p.value)
                for p in report.chart
            ]
            bars = QBarSet(report.chart_title or report.title)
            bars.append(values)
            series = QBarSeries()
            series.append(bars)
            chart.addSeries(series)
            categories = QBarCategoryAxis()
            categories.append([p.label for p in report.chart])
            if len(report.chart) > 8:
                categories.setLabelsAngle(-60)
            chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
            series.attachAxis(categories)
            scale = QValueAxis()
            _fit_scale(scale, values, whole=not money)
            if money:
                scale.setTitleText(currency)
            chart.addAxis(scale, Qt.AlignmentFlag.AlignLeft)
            series.attachAxis(scale)
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()


def _fit_scale(scale: QValueAxis, values: list[float], whole: bool) -> None:
    """From zero (or below, for losses) to a round number past the highest bar; small
    counts get a tick per unit rather than repeated rounded labels."""
    low, high = min(0.0, *values), max(0.0, *values)
    if whole and low == 0 and all(v.is_integer() for v in values) and high <= 10:
        top = max(int(high), 1)
        scale.setRange(0, top)
        scale.setTickCount(top + 1)
    else:
        scale.setRange(low, high or 1.0)
        scale.applyNiceNumbers()
    scale.setLabelFormat("%.0f")


def _chart_kind(report: ReportTable) -> ColumnKind | None:
    """The kind of the numeric column the chart's values come from."""
    values = {p.value for p in report.chart}
    rows = [*report.rows, *((report.totals,) if report.totals else ())]
    numeric = [(i, c) for i, c in enumerate(report.columns) if c.numeric]
    for index, column in numeric:
        if values <= {row[index] for row in rows}:
            return column.kind
    # Sums over groups the table does not show: the column the chart's title names.
    title = report.chart_title.casefold()
    named = [c for _, c in numeric if c.title.casefold() in title]
    if named:
        return max(named, key=lambda c: len(c.title)).kind
    # A chart of sums the table does not show (refunds and voids): the one kind of figure
    # the report has, if it has one.
    kinds = {column.kind for column in report.columns if column.numeric}
    return kinds.pop() if len(kinds) == 1 else None
