"""Fold a duplicate customer into the one on screen."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.customers import CustomerDetail, CustomerSummary, MergeResult
from desktop.services.errors import BenchsideError
from desktop.views.bus import DataBus
from desktop.views.forms import error_label
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 150


def describe(customer: CustomerDetail) -> str:
    lines = [customer.name, customer.company, *(p.number for p in customer.phones)]
    lines += [customer.email, customer.address]
    return "\n".join(line for line in lines if line)


class MergeDialog(QDialog):
    """Search for the duplicate, compare both, and merge it into the kept customer."""

    customers_merged = Signal(object)  # MergeResult

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        keep_id: uuid.UUID,
        bus: DataBus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._bus = bus
        self._keep = services.customers.get(keep_id)
        self._other: CustomerDetail | None = None
        self.result_: MergeResult | None = None
        self.setWindowTitle(self.tr("Merge customers"))
        self.setMinimumWidth(560)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find the duplicate: name, phone or email"))
        self.results = QListWidget()
        self.results.setMaximumHeight(140)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        self.results.currentItemChanged.connect(self._on_results_current_item_changed)

        keep_box = QGroupBox(self.tr("Keep"))
        self.keep_label = QLabel(describe(self._keep))
        QVBoxLayout(keep_box).addWidget(self.keep_label)
        other_box = QGroupBox(self.tr("Merge into it and delete"))
        self.other_label = QLabel(self.tr("Nobody chosen yet"))
        QVBoxLayout(other_box).addWidget(self.other_label)
        both = QHBoxLayout()
        both.addWidget(keep_box)
        both.addWidget(other_box)
        note = QLabel(
            self.tr(
                "Devices and phone numbers move to the kept customer, empty fields are "
                "filled in, notes and tags are combined. This cannot be undone."
            )
        )
        note.setWordWrap(True)
        self.error = error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.merge_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText(self.tr("Merge"))
        self.merge_button.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addLayout(both)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def run_search(self) -> None:
        query = self.search.text()
        self._tasks.run(
            lambda: self._services.customers.search(query, 30),
            lambda found: self._show_results(query, found),
            self._show_error,
        )

    def _show_results(self, query: str, found: list[CustomerSummary]) -> None:
        if query != self.search.text():
            return  # an older answer arriving late
        self.results.clear()
        for summary in found:
            if summary.id == self._keep.id:
                continue
            item = QListWidgetItem(f"{summary.name}  {summary.phone}  {summary.email}".strip())
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            self.results.addItem(item)

    def _on_results_current_item_changed(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        try:
            self._other = self._services.customers.get(item.data(Qt.ItemDataRole.UserRole))
        except BenchsideError as problem:
            self._show_error(problem)
            return
        self.other_label.setText(describe(self._other))
        self.merge_button.setEnabled(True)

    def _show_error(self, problem: Exception) -> None:
        self.error.setText(str(problem))
        self.error.show()

    def merge(self) -> None:
        if self._other is None:
            return
        try:
            result = self._services.customers.merge(self._keep.id, self._other.id)
        except BenchsideError as problem:
            self._show_error(problem)
            return
        self.result_ = result
        if self._bus is not None:
            self._bus.publish(result.changes)
        self.customers_merged.emit(result)
        self.accept()
