"""Stock counts: the list of counts, starting one, and the counting session.

While a session is in front, each scan counts one unit (the main window offers scans to
the focused ``ScanTarget`` first), so a counter can walk the shelves with the scanner and
only look at the screen when it complains.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.items import MAX_QUANTITY
from desktop.services.money import format_money
from desktop.services.permissions import Permission
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.services.stock_counts import CountedLine, CountLineView, CountScope, CountSheet
from desktop.views.bus import DataBus
from desktop.views.formatting import local_time
from desktop.views.forms import ERROR_STYLE, read_only_rows
from desktop.views.tasks import TaskRunner

LINE_COLUMNS = 7


def _cell(text: str, align_right: bool = False, data: Any = None) -> QTableWidgetItem:
    cell = QTableWidgetItem(text)
    cell.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if align_right:
        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if data is not None:
        cell.setData(Qt.ItemDataRole.UserRole, data)
    return cell


def _problem_text(problem: Exception) -> str:
    if not isinstance(problem, BenchsideError):
        raise problem
    if isinstance(problem, ValidationError):
        return " ".join(problem.errors.values())
    return str(problem)


def status_label(status: str) -> str:
    labels = {
        "open": QCoreApplication.translate("counts", "Counting"),
        "approved": QCoreApplication.translate("counts", "Approved"),
        "cancelled": QCoreApplication.translate("counts", "Cancelled"),
    }
    return labels.get(status, status)


class StartCountDialog(QDialog):
    """Where to count and what: everything, or a category, brand or shelf."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Start a stock count"))
        self._services = services
        self.started: uuid.UUID | None = None
        self.location = QComboBox()
        for location in services.stock.locations():
            self.location.addItem(location.name, location.id)
        self.category = QLineEdit()
        self.brand = QLineEdit()
        self.bin_prefix = QLineEdit()
        self.bin_prefix.setPlaceholderText(self.tr("e.g. A- for every bin of aisle A"))
        self.notes = QLineEdit()
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Location"), self.location)
        form.addRow(QLabel(self.tr("Leave the filters empty to count every stock item.")))
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Brand"), self.brand)
        form.addRow(self.tr("Bin starts with"), self.bin_prefix)
        form.addRow(self.tr("Notes"), self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start counting"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_buttons_accepted(self) -> None:
        scope = CountScope(self.category.text(), self.brand.text(), self.bin_prefix.text())
        try:
            count = self._services.counts.start(
                self.location.currentData(), scope, self.notes.text()
            )
        except BenchsideError as problem:
            self.error.setText(_problem_text(problem))
            return
        self.started = count.id
        self.accept()


class CountSession(QWidget):
    """One open count: scan or type quantities, see the differences, approve or cancel."""

    count_closed = Signal(object)  # the count's id

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        count_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.count_id = count_id
        self._currency = services.shop.profile().currency
        self.title = QLabel()
        self.last_scan = QLabel(self.tr("Scan an item to count it."))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.lines = QTableWidget(0, LINE_COLUMNS)
        self.lines.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("SKU"),
                self.tr("Bin"),
                self.tr("Expected"),
                self.tr("Counted"),
                self.tr("Difference"),
                self.tr("Value"),
            ]
        )
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.totals = QLabel()
        # A plain field, not a spin box: a scan that lands in it is taken back out whole.
        self.quantity = QLineEdit()
        self.quantity.setPlaceholderText(self.tr("units"))
        self.quantity.setMaximumWidth(120)
        self.quantity.returnPressed.connect(self._on_set_button_clicked)
        self.set_button = QPushButton(self.tr("Set counted"))
        self.set_button.clicked.connect(self._on_set_button_clicked)
        self.uncounted_as_zero = QCheckBox(self.tr("Treat not counted as zero"))
        self.approve_button = QPushButton(self.tr("Approve and post"))
        self.approve_button.clicked.connect(self._on_approve_button_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel count"))
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        typed = QHBoxLayout()
        typed.addWidget(QLabel(self.tr("Units found of the selected item:")))
        typed.addWidget(self.quantity)
        typed.addWidget(self.set_button)
        typed.addStretch()
        closing = QHBoxLayout()
        closing.addWidget(self.uncounted_as_zero)
        closing.addStretch()
        closing.addWidget(self.cancel_button)
        closing.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.last_scan)
        layout.addWidget(self.message)
        layout.addWidget(self.lines)
        layout.addWidget(self.totals)
        layout.addLayout(typed)
        layout.addLayout(closing)
        self.reload()

    # -- scanning (ScanTarget) ---------------------------------------------------------------

    def take_scan(self, result: ScanResult) -> bool:
        """Count one unit of a scanned item; a ticket label is left to others."""
        if result.kind is ScanKind.TICKET:
            return False
        self._tasks.run(
            lambda: self._services.counts.count_scan(self.count_id, result.code),
            self._on_counted,
            self._on_failed,
            owner=self,
        )
        return True

    # -- actions -----------------------------------------------------------------------------

    def _on_set_button_clicked(self) -> None:
        row = self.lines.currentRow()
        cell = self.lines.item(row, 0) if row >= 0 else None
        if cell is None:
            self.message.setText(self.tr("Choose the item in the list first."))
            return
        item_id = cell.data(Qt.ItemDataRole.UserRole)
        text = self.quantity.text().strip()
        if not text.isdigit() or int(text) > MAX_QUANTITY:
            self.message.setText(
                self.tr("Type the units found: a whole number up to {most:,}.").format(
                    most=MAX_QUANTITY
                )
            )
            return
        units = int(text)
        self._tasks.run(
            lambda: self._services.counts.set_counted(self.count_id, item_id, units),
            self._on_counted,
            self._on_failed,
            owner=self,
        )

    def _on_approve_button_clicked(self) -> None:
        as_zero = self.uncounted_as_zero.isChecked()
        self._tasks.run(
            lambda: self._services.counts.approve(self.count_id, as_zero),
            lambda posted: self._closed(posted.changes),
            self._on_failed,
            owner=self,
        )

    def _on_cancel_button_clicked(self) -> None:
        self._tasks.run(
            lambda: self._services.counts.cancel(self.count_id),
            lambda _summary: self._closed(Changes(stock_counts=frozenset({self.count_id}))),
            self._on_failed,
            owner=self,
        )

    def _closed(self, changes: Changes) -> None:
        self._bus.publish(changes)
        self.reload()
        self.count_closed.emit(self.count_id)

    def _on_counted(self, counted: CountedLine) -> None:
        line = counted.line
        self.message.clear()
        self.last_scan.setText(
            self.tr("{name}: counted {counted} (expected {expected})").format(
                name=line.name, counted=line.counted, expected=line.expected
            )
        )
        self._bus.publish(Changes(stock_counts=frozenset({self.count_id})))
        self.reload()
        self._select(line.item_id)

    def _on_failed(self, problem: Exception) -> None:
        self.message.setText(_problem_text(problem))

    # -- showing -----------------------------------------------------------------------------

    def reload(self) -> None:
        self._tasks.run(
            lambda: self._services.counts.sheet(self.count_id), self._show, self._on_failed, self
        )

    def _show(self, sheet: CountSheet) -> None:
        count = sheet.count
        self.title.setText(
            self.tr("{number} at {location} ({scope}): {status}").format(
                number=count.number, location=count.location_name, scope=count.scope,
                status=status_label(count.status),
            )
        )  # fmt: skip
        lines = [*sheet.counted, *sheet.uncounted]
        self.lines.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for column, cell in enumerate(self._cells(line)):
                self.lines.setItem(row, column, cell)
        self.totals.setText(
            self.tr(
                "Expected {expected}, counted {counted}: difference {units} units, {value}. "
                "{uncounted} not counted yet."
            ).format(
                expected=sheet.expected_units,
                counted=sheet.counted_units,
                units=sheet.variance_units,
                value=format_money(sheet.variance_value, self._currency),
                uncounted=sheet.uncounted_total,
            )
        )
        is_open = count.status == "open"
        can_approve = self._services.ctx.can(Permission.ADJUST_STOCK)
        self.approve_button.setVisible(can_approve)
        self.uncounted_as_zero.setVisible(can_approve)
        for widget in (self.approve_button, self.cancel_button, self.set_button):
            widget.setEnabled(is_open)

    def _cells(self, line: CountLineView) -> list[QTableWidgetItem]:
        if line.counted is None:
            numbers = ["", self.tr("not counted"), "", ""]
        else:
            numbers = [
                str(line.expected),
                str(line.counted),
                f"{line.variance:+d}" if line.variance else "0",
                format_money(line.variance_value, self._currency),
            ]
        return [
            _cell(line.name, data=line.item_id),
            _cell(line.sku),
            _cell(line.bin_location),
            *(_cell(text, align_right=True) for text in numbers),
        ]

    def _select(self, item_id: uuid.UUID) -> None:
        for row in range(self.lines.rowCount()):
            cell = self.lines.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == item_id:
                self.lines.selectRow(row)
                return


class StockCountsTab(QWidget):
    """The counts of this shop, newest first, and the session of the one chosen."""

    def __init__(
        self, services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.session: CountSession | None = None
        self.counts = QTableWidget(0, 5)
        self.counts.setHorizontalHeaderLabels(
            [self.tr("Count"), self.tr("Location"), self.tr("Scope"), self.tr("Status"),
             self.tr("Started")]
        )  # fmt: skip
        self.counts.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        read_only_rows(self.counts)
        self.counts.itemSelectionChanged.connect(self._on_counts_item_selection_changed)
        self.start_button = QPushButton(self.tr("Start a count…"))
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        top = QHBoxLayout()
        top.addWidget(self.start_button)
        top.addWidget(self.message, 1)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self._layout.addWidget(self.counts)
        bus.data_changed.connect(self._on_bus_data_changed)
        self.reload()

    def take_scan(self, result: ScanResult) -> bool:
        """Scans go to the open session shown, if there is one."""
        session = self.session
        return session is not None and session.take_scan(result)

    def reload(self) -> None:
        self._tasks.run(self._services.counts.counts, self._show, self._on_failed, self)

    def open_count(self, count_id: uuid.UUID) -> CountSession:
        if self.session is not None:
            if self.session.count_id == count_id:
                return self.session
            self.session.deleteLater()
        self.session = CountSession(self._services, self._bus, self._tasks, count_id, self)
        self._layout.addWidget(self.session, 2)
        return self.session

    def _show(self, counts: list[Any]) -> None:
        self.counts.blockSignals(True)
        self.counts.setRowCount(len(counts))
        for row, count in enumerate(counts):
            cells = [
                _cell(count.number, data=count.id),
                _cell(count.location_name),
                _cell(count.scope),
                _cell(status_label(count.status)),
                _cell(local_time(count.created_at)),
            ]
            for column, cell in enumerate(cells):
                self.counts.setItem(row, column, cell)
        self.counts.blockSignals(False)

    def _on_counts_item_selection_changed(self) -> None:
        row = self.counts.currentRow()
        cell = self.counts.item(row, 0) if row >= 0 else None
        if cell is not None:
            self.open_count(cell.data(Qt.ItemDataRole.UserRole))

    def _on_start_button_clicked(self) -> None:
        dialog = StartCountDialog(self._services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_dialog_started(dialog.started))
        dialog.open()

    def _on_dialog_started(self, count_id: uuid.UUID | None) -> None:
        if count_id is None:
            return
        self._bus.publish(Changes(stock_counts=frozenset({count_id})))
        self.open_count(count_id)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.stock_counts or changes.everything:
            self.reload()

    def _on_failed(self, problem: Exception) -> None:
        self.message.setText(_problem_text(problem))
