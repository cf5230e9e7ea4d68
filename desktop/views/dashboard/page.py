"""The dashboard: how the shop is doing and what needs doing.

Owners and managers see the figures of a period against the period before, the charts,
and the stock that needs someone. Technicians see their own bench: their queue, what is
late, and their work over the period. Everyone else sees the stock lists. The figures
are read off the GUI thread; clicking a figure, a bar or a slice asks the main window
for the list or report behind it (``tickets_requested``, ``report_requested``, ...).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.dashboard_figures import (
    DashboardFigures,
    PeriodTrend,
    ShopNow,
    TechnicianFigures,
)
from desktop.services.errors import BenchsideError
from desktop.services.money import format_money, to_decimal
from desktop.services.permissions import Permission, Role
from desktop.services.report_periods import Period, PeriodKind, period
from desktop.services.ticket_types import FINISHED, StatusCategory, TicketFilter
from desktop.views.bus import DataBus
from desktop.views.dashboard.charts import ChartView
from desktop.views.dashboard.kpis import KpiTile, change_text
from desktop.views.inventory.alerts import StockAlertsWidget
from desktop.views.period_bar import PeriodBar
from desktop.views.tasks import TaskRunner

STATUS_TITLES = {category.value: category.label for category in StatusCategory}
WAITING = frozenset({StatusCategory.WAITING_PARTS.value, StatusCategory.WAITING_CUSTOMER.value})
UNFINISHED = frozenset(c.value for c in StatusCategory if c not in FINISHED)
MY_QUEUE = ("open", "in_progress", "waiting_parts", "waiting_customer", "ready")


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} days"


class DashboardPage(QWidget):
    item_requested = Signal(object)  # item id to show in the inventory
    tickets_requested = Signal(object, str)  # TicketFilter, what it shows
    report_requested = Signal(str, object)  # report key, Period (None: the report's own)
    invoices_requested = Signal()  # the invoices still owed
    sales_requested = Signal()  # the counter, where the drawer is

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.figures: DashboardFigures | TechnicianFigures | None = None
        self._period = period(PeriodKind.THIS_MONTH, date.today())
        self.manager = self.technician = False
        self.body: QWidget | None = None
        self._runs = 0  # only the latest reload's figures are shown
        self._stale = False
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.heading.setFont(font)
        profile = services.shop.profile()
        self._currency, self._locale = profile.currency, profile.locale
        self.period_bar = PeriodBar(self, locale=self._locale)
        self.period_bar.period_changed.connect(self._on_period_changed)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3403a;")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.period_bar)

        self.tiles: dict[str, KpiTile] = {}
        self.charts: dict[str, ChartView] = {}
        content = QWidget()
        self.sections = QVBoxLayout(content)
        self.stock = StockAlertsWidget(services, bus, tasks)
        self.stock.item_activated.connect(self.item_requested)
        self.stock.setMinimumHeight(260)
        self.sections.addWidget(self.stock, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        bus.data_changed.connect(self._on_bus_data_changed)
        self.reload()

    # -- layout ---------------------------------------------------------------------------

    def _tile(self, key: str, title: str, grid: QGridLayout, row: int, column: int) -> KpiTile:
        tile = KpiTile(title)
        tile.clicked.connect(lambda k=key: self.open_figure(k))
        grid.addWidget(tile, row, column)
        self.tiles[key] = tile
        return tile

    def _apply_access(self) -> None:
        """Lay out the figures for whoever is signed in now: after a lock, someone else
        may be."""
        manager = self._services.ctx.can(Permission.VIEW_REPORTS)
        actor = self._services.ctx.actor
        technician = not manager and actor is not None and actor.role == Role.TECHNICIAN.value
        if self.body is not None and (manager, technician) == (self.manager, self.technician):
            return
        self.manager, self.technician = manager, technician
        if self.body is not None:
            self.sections.removeWidget(self.body)
            self.body.deleteLater()
        self.tiles, self.charts, self.figures = {}, {}, None
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        if manager:
            self._build_manager(layout)
        elif technician:
            self._build_technician(layout)
        self.sections.insertWidget(0, self.body)
        self.heading.setText(self.tr("How the shop is doing") if manager else self.tr("Today"))
        self.period_bar.setVisible(manager or technician)
        self.message.setText("")

    def _build_manager(self, layout: QVBoxLayout) -> None:
        money = QGridLayout()
        for column, (key, title) in enumerate(
            (
                ("revenue", self.tr("Revenue")),
                ("gross_profit", self.tr("Gross profit")),
                ("pending", self.tr("Pending payments")),
                ("cash", self.tr("Cash in drawers")),
                ("turnaround", self.tr("Average turnaround")),
            )
        ):
            self._tile(key, title, money, 0, column)
        tickets = QGridLayout()
        for column, (key, title) in enumerate(
            (
                ("tickets", self.tr("Tickets")),
                ("open", self.tr("Open")),
                ("in_progress", self.tr("In progress")),
                ("waiting", self.tr("Waiting")),
                ("ready", self.tr("Ready")),
                ("completed", self.tr("Completed")),
                ("closed", self.tr("Closed")),
                ("cancelled", self.tr("Cancelled")),
                ("overdue", self.tr("Overdue")),
                ("low_stock", self.tr("Low stock")),
            )
        ):
            self._tile(key, title, tickets, column // 5, column % 5)
        charts = QGridLayout()
        for key, title, row, column, span in (
            ("revenue", self.tr("Revenue"), 0, 0, 2),
            ("tickets", self.tr("Tickets opened and completed"), 1, 0, 1),
            ("statuses", self.tr("Tickets by status"), 1, 1, 1),
            ("methods", self.tr("Revenue by payment method"), 2, 0, 1),
            ("workload", self.tr("Technician workload"), 2, 1, 1),
        ):
            chart = ChartView(title)
            chart.bar_clicked.connect(lambda s, i, k=key: self._on_bar_clicked(k, s, i))
            chart.slice_clicked.connect(lambda i, k=key: self._on_bar_clicked(k, 0, i))
            charts.addWidget(chart, row, column, 1, span)
            self.charts[key] = chart
        layout.addLayout(money)
        layout.addLayout(tickets)
        layout.addLayout(charts)

    def _build_technician(self, layout: QVBoxLayout) -> None:
        grid = QGridLayout()
        for column, (key, title) in enumerate(
            (
                ("my_queue", self.tr("My queue")),
                ("my_overdue", self.tr("My overdue")),
                ("my_completed", self.tr("Completed")),
                ("my_turnaround", self.tr("Average turnaround")),
                ("my_labour", self.tr("Labour billed")),
            )
        ):
            self._tile(key, title, grid, 0, column)
        layout.addLayout(grid)

    # -- loading --------------------------------------------------------------------------

    def current_period(self) -> Period:
        """The period picked; the last good one while a custom range is being fixed."""
        chosen = self.period_bar.period()
        if chosen is not None:
            self._period = chosen
        return self._period

    def reload(self, period_only: bool = False) -> None:
        """Read the figures of the chosen period off the GUI thread, then show them (only
        the latest request's: a slower earlier one is dropped). ``period_only``: another
        period was picked, so where the shop stands now is kept as it was read."""
        self._apply_access()
        self._stale = False
        if not (self.manager or self.technician) or self.period_bar.period() is None:
            return
        chosen = self.current_period()
        dashboard = self._services.dashboard
        work: Callable[[Period], DashboardFigures | TechnicianFigures]
        if not self.manager:
            work = dashboard.technician_figures
        elif period_only and isinstance(self.figures, DashboardFigures):
            work = partial(self._trend_keeping, now=self.figures.now)
        else:
            work = dashboard.figures
        self._runs += 1
        run = self._runs
        self._tasks.run(
            lambda: work(chosen),
            lambda figures: self._on_loaded(figures, run),
            lambda error: self._on_failed(error, run),
            owner=self,
        )

    def _trend_keeping(self, chosen: Period, now: ShopNow) -> DashboardFigures:
        return DashboardFigures(self._services.dashboard.trend(chosen), now)

    def _on_period_changed(self, _period: Period) -> None:
        self.reload(period_only=True)

    def _on_bus_data_changed(self, *_args: Any) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read again when shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _on_failed(self, error: Exception, run: int) -> None:
        if not isinstance(error, BenchsideError):
            raise error
        if run == self._runs:
            self.message.setText(str(error))

    def _on_loaded(self, figures: DashboardFigures | TechnicianFigures, run: int) -> None:
        if run != self._runs:
            return
        self.message.setText("")
        self.figures = figures
        # Read once a load: every tile and chart point formats money in it.
        profile = self._services.shop.profile()
        self._currency, self._locale = profile.currency, profile.locale
        if isinstance(figures, DashboardFigures):
            self._show_manager(figures)
        else:
            self._show_technician(figures)

    def _money(self, amount: int | float) -> str:
        return format_money(int(amount), self._currency, self._locale)

    def _major(self, amount: int | float) -> float:
        """Minor units as the currency's own (a chart's scale)."""
        return float(to_decimal(int(amount), self._currency))

    def _show_manager(self, figures: DashboardFigures) -> None:
        self._show_trend(figures.trend, figures.now)
        self._show_now(figures.now)

    def _show_trend(self, f: PeriodTrend, shop: ShopNow) -> None:
        now, before = f.current, f.previous
        tiles = self.tiles
        tiles["revenue"].show_value(
            self._money(now.revenue),
            change_text(now.revenue, before.revenue),
            self.tr("Money received on sales and invoices, tax included, refunds taken away."),
        )
        tiles["gross_profit"].show_value(
            self._money(now.gross_profit),
            change_text(now.gross_profit, before.gross_profit),
            self.tr("Net sales {net} without tax, less the cost of what was sold.").format(
                net=self._money(now.net_sales)
            ),
        )
        tiles["turnaround"].show_value(
            _days(now.turnaround_days),
            change_text(now.turnaround_days or 0, before.turnaround_days or 0, False),
            self.tr("From a ticket's creation to its completion, over the tickets completed."),
        )
        tiles["tickets"].show_value(
            str(shop.tickets),
            (
                self.tr("{opened} opened, {done} completed").format(
                    opened=now.tickets_opened, done=now.tickets_completed
                ),
                "#6b7280",
            ),
        )
        steps = _step_names(f.period)
        self.charts["revenue"].show_bars(
            steps, [(self.tr("Revenue"), [self._major(p.value) for p in f.revenue_per_step])]
        )
        self.charts["tickets"].show_bars(
            steps,
            [
                (self.tr("Opened"), [p.value for p in f.opened_per_step]),
                (self.tr("Completed"), [p.value for p in f.completed_per_step]),
            ],
        )
        self.charts["methods"].show_pie(
            [(p.label, self._major(p.value)) for p in f.revenue_by_method]
        )

    def _show_now(self, f: ShopNow) -> None:
        tiles = self.tiles
        tiles["pending"].show_value(
            self._money(f.pending_payments),
            None,
            self.tr("Invoices owed {invoices}; tickets ready to collect {tickets}.").format(
                invoices=self._money(f.pending_invoices), tickets=self._money(f.pending_tickets)
            ),
        )
        tiles["cash"].show_value(
            self._money(f.cash_in_drawer),
            (self.tr("{n} drawers open").format(n=f.open_shifts), "#6b7280"),
        )
        for key in ("open", "in_progress", "ready", "completed", "closed", "cancelled"):
            tiles[key].show_value(str(f.statuses.get(key, 0)))
        tiles["waiting"].show_value(str(f.waiting))
        tiles["overdue"].show_value(str(f.overdue))
        tiles["low_stock"].show_value(str(f.low_stock))
        self.charts["statuses"].show_bars(
            [STATUS_TITLES[c] for c in STATUS_TITLES],
            [(self.tr("Tickets"), [f.statuses.get(c, 0) for c in STATUS_TITLES])],
            horizontal=True,
        )
        self.charts["workload"].show_bars(
            [load.name for load in f.workload],
            [
                (STATUS_TITLES[c], [load.by_category.get(c, 0) for load in f.workload])
                for c in MY_QUEUE
            ],
            stacked=True,
        )

    def _show_technician(self, f: TechnicianFigures) -> None:
        self.tiles["my_queue"].show_value(str(sum(f.queue.values())))
        self.tiles["my_overdue"].show_value(str(f.overdue))
        self.tiles["my_completed"].show_value(
            str(f.completed), change_text(f.completed, f.completed_before)
        )
        self.tiles["my_turnaround"].show_value(_days(f.turnaround_days))
        self.tiles["my_labour"].show_value(self._money(f.labour_billed))

    # -- drilling down --------------------------------------------------------------------

    def open_figure(self, key: str) -> None:
        """What clicking the tile ``key`` opens."""
        chosen = self.current_period()
        status = {"open", "in_progress", "ready", "completed", "closed", "cancelled"}
        if key in ("revenue", "turnaround") and self.manager:
            self.report_requested.emit(
                "sales_by_day" if key == "revenue" else "technicians", chosen
            )
        elif key == "gross_profit":
            self.report_requested.emit("sales_by_item", chosen)
        elif key == "pending":
            self.invoices_requested.emit()
        elif key == "cash":
            self.sales_requested.emit()
        elif key == "low_stock":
            self.report_requested.emit("low_stock", None)
        elif key in status:
            self.tickets_requested.emit(
                TicketFilter(categories=frozenset({key})), self.tr(STATUS_TITLES[key])
            )
        elif key == "waiting":
            self.tickets_requested.emit(TicketFilter(categories=WAITING), self.tr("Waiting"))
        elif key in ("overdue", "my_overdue"):
            mine = self._mine() if key == "my_overdue" else None
            self.tickets_requested.emit(
                TicketFilter(overdue=True, technician_id=mine), self.tr("Overdue")
            )
        elif key == "tickets":
            start, end = chosen.bounds()
            self.tickets_requested.emit(
                TicketFilter(created_from=start, created_to=end), self.tr("Opened in the period")
            )
        elif key in ("my_queue", "my_completed", "my_turnaround", "my_labour"):
            self.tickets_requested.emit(
                TicketFilter(technician_id=self._mine(), categories=frozenset(MY_QUEUE)),
                self.tr("My queue"),
            )

    def _mine(self) -> uuid.UUID | None:
        actor = self._services.ctx.actor
        return actor.user_id if actor else None

    def _on_bar_clicked(self, chart: str, series: int, index: int) -> None:
        figures = self.figures
        if not isinstance(figures, DashboardFigures):
            return
        if chart == "revenue":
            step = figures.trend.period.buckets()[index]
            last = _step_last(step.first, step.monthly, figures.trend.period.last)
            self.report_requested.emit(
                "sales_by_item", period(PeriodKind.CUSTOM, date.today(), step.first, last)
            )
        elif chart == "tickets":
            step = figures.trend.period.buckets()[index]
            if series == 0:
                self.tickets_requested.emit(
                    TicketFilter(created_from=step.start, created_to=step.end),
                    self.tr("Opened on {day}").format(day=step.first.isoformat()),
                )
            else:
                last = _step_last(step.first, step.monthly, figures.trend.period.last)
                self.report_requested.emit(
                    "technicians", period(PeriodKind.CUSTOM, date.today(), step.first, last)
                )
        elif chart == "statuses":
            category = list(STATUS_TITLES)[index]
            self.open_figure(category)
        elif chart == "methods":
            self.report_requested.emit("sales_by_method", figures.trend.period)
        elif chart == "workload":
            load = figures.now.workload[index]
            self.tickets_requested.emit(
                TicketFilter(
                    technician_id=load.technician_id,
                    unassigned=load.technician_id is None,
                    categories=frozenset({MY_QUEUE[series]}),
                ),
                f"{load.name}: {STATUS_TITLES[MY_QUEUE[series]]}",
            )


def _step_names(chosen: Period) -> list[str]:
    """The bars' labels, each different (a chart axis merges equal ones): the day of the
    month within one month, day and month across months, month and year by month."""
    steps = chosen.buckets()
    if steps and steps[0].monthly:
        return [step.first.strftime("%b %y") for step in steps]
    if chosen.first.replace(day=1) == chosen.last.replace(day=1):
        return [str(step.first.day) for step in steps]
    return [f"{step.first.day} {step.first:%b}" for step in steps]


def _step_last(first: date, monthly: bool, period_last: date) -> date:
    """The last day of a chart step: the day itself, or the month's end (within the
    period)."""
    if not monthly:
        return first
    next_month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    return min(next_month - timedelta(days=1), period_last)
