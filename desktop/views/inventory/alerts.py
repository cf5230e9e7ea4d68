"""Stock that needs someone: items at or below their low-stock level, negative stock to
recount, and lots expiring soon. Shown on the dashboard and as a tab of the inventory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.item_lists import MAX_EXPIRY_DAYS, ItemFilter
from desktop.services.stock import ExpiringLot, LowStock
from desktop.views.bus import DataBus
from desktop.views.forms import read_only_rows
from desktop.views.tasks import TaskRunner

NEGATIVE = QColor("#b3261e")
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class AlertRow:
    item_id: uuid.UUID
    name: str
    sku: str
    on_hand: int
    low_at: int
    negative: bool  # below zero in total or at some location


@dataclass(frozen=True)
class StockAlerts:
    stock: list[AlertRow]
    expiring: list[ExpiringLot]


def read_alerts(services: Services, days: int) -> StockAlerts:
    """Negative stock first (in total, then at one location), then low stock, fewest first."""
    stock = services.stock
    negative_total = services.item_lists.page(ItemFilter(negative_stock=True), limit=200)
    negative_ids = {row.id for row in negative_total} | {
        level.item_id for level in stock.negative_stock()
    }
    rows = [AlertRow(r.id, r.name, r.sku, r.on_hand, 0, True) for r in negative_total]
    shown = {row.item_id for row in rows}
    low: list[LowStock] = stock.low_stock()
    for entry in sorted(low, key=lambda e: (e.item_id not in negative_ids, e.on_hand)):
        if entry.item_id not in shown:
            rows.append(
                AlertRow(
                    entry.item_id,
                    entry.name,
                    entry.sku,
                    entry.on_hand,
                    entry.low_stock_threshold,
                    entry.item_id in negative_ids,
                )
            )
    return StockAlerts(rows, stock.expiring(days))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    read_only_rows(table)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the item's name
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


class StockAlertsWidget(QWidget):
    """The low-stock list (negative stock first, flagged red) and the lots expiring within
    the chosen number of days. Double-clicking a row asks to show its item."""

    item_activated = Signal(object)  # item id
    loaded = Signal()

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
        self.low_title = QLabel()
        self.low = _table([self.tr("Item"), self.tr("SKU"), self.tr("On hand"), self.tr("Low at")])
        self.expiring_title = QLabel()
        self.days = QSpinBox()
        self.days.setRange(0, MAX_EXPIRY_DAYS)
        self.days.setValue(DEFAULT_DAYS)
        self.days.setPrefix(self.tr("within "))
        self.days.setSuffix(self.tr(" days"))
        self.days.valueChanged.connect(lambda _days: self.reload())
        self.expiring = _table(
            [self.tr("Item"), self.tr("Lot"), self.tr("Expires"), self.tr("On hand")]
        )
        self._row_items: dict[int, list[uuid.UUID]] = {id(self.low): [], id(self.expiring): []}
        for table in (self.low, self.expiring):
            table.cellDoubleClicked.connect(
                lambda row, _column, t=table: self._on_table_cell_double_clicked(t, row)
            )
        expiring_head = QHBoxLayout()
        expiring_head.addWidget(self.expiring_title)
        expiring_head.addWidget(self.days)
        expiring_head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.low_title)
        layout.addWidget(self.low, 2)
        layout.addLayout(expiring_head)
        layout.addWidget(self.expiring, 1)
        bus.data_changed.connect(self._on_bus_data_changed)
        self.reload()

    def reload(self) -> None:
        services = self._services
        days = self.days.value()
        self._tasks.run(lambda: read_alerts(services, days), self._show, owner=self)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.items or changes.stock:
            self.reload()

    def _show(self, alerts: StockAlerts) -> None:
        rows = alerts.stock
        negative = sum(1 for row in rows if row.negative)
        title = self.tr("Low stock: %n item(s)", "", len(rows))
        if negative:
            title += self.tr(" · %n negative (count again)", "", negative)
        self.low_title.setText(title)
        self.low.setRowCount(len(rows))
        self._row_items[id(self.low)] = [row.item_id for row in rows]
        for row, entry in enumerate(rows):
            low_at = str(entry.low_at) if entry.low_at else ""
            values = (entry.name, entry.sku, str(entry.on_hand), low_at)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column in (2, 3):
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if entry.negative:
                    cell.setForeground(QBrush(NEGATIVE))
                    cell.setToolTip(self.tr("Negative stock: count it again."))
                self.low.setItem(row, column, cell)
        today = date.today()
        self.expiring_title.setText(self.tr("Expiring lots: %n", "", len(alerts.expiring)))
        self.expiring.setRowCount(len(alerts.expiring))
        self._row_items[id(self.expiring)] = [lot.item_id for lot in alerts.expiring]
        for row, lot in enumerate(alerts.expiring):
            expired = lot.expires_on < today
            when = lot.expires_on.isoformat()
            values = (lot.name, lot.code or "—", when, str(lot.on_hand))
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if expired:
                    cell.setForeground(QBrush(NEGATIVE))
                    cell.setToolTip(self.tr("Expired"))
                self.expiring.setItem(row, column, cell)
        self.loaded.emit()

    def _on_table_cell_double_clicked(self, table: QTableWidget, row: int) -> None:
        items = self._row_items[id(table)]
        if 0 <= row < len(items):
            self.item_activated.emit(items[row])
