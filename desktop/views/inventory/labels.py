"""“Print labels…”: the chosen items with how many labels of each (on hand by default),
and the label size or A4 sheet; printed where this station prints item labels."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.documents.item_labels import MAX_LABELS
from desktop.services.documents.paper import LabelSize, Paper
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.printing import DocumentKind, PrintJob, paper_of
from desktop.views.forms import FieldErrors, error_label, with_error

MAX_ITEMS = 500


class PrintLabelsDialog(QDialog):
    """Emits ``job_ready(PrintJob)``; the caller prints or previews it."""

    job_ready = Signal(object)  # PrintJob

    def __init__(
        self,
        services: Services,
        item_ids: list[uuid.UUID],
        parent: QWidget | None = None,
        quantities: Mapping[uuid.UUID, int] | None = None,
    ) -> None:
        """``quantities``: labels per item to start from (units received); by default
        each item's units on hand, at least one."""
        super().__init__(parent)
        self._services = services
        self._start = dict(quantities or {})
        self.job: PrintJob | None = None
        self.setWindowTitle(self.tr("Print labels"))
        self.errors = FieldErrors(error_label(self))
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Labels")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 300)
        self._ids: list[uuid.UUID] = []
        self.quantities: list[QSpinBox] = []
        for item_id in item_ids[:MAX_ITEMS]:
            self._add_row(item_id)
        kind = DocumentKind.ITEM_LABELS
        self.paper = QComboBox()
        for value in kind.papers:
            if value == Paper.A4.value:
                text = self.tr("A4 sheet, 3 × 8 labels of 63.5 × 33.9 mm")
            else:
                text = self.tr("One label per page, {size}").format(size=LabelSize(value).label)
            self.paper.addItem(text, value)
        station = paper_of(kind, services.printing.target(kind))
        self.paper.setCurrentIndex(max(0, self.paper.findData(station)))
        form = QFormLayout()
        form.addRow(self.tr("Layout"), self.paper)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.print_button = QPushButton(self.tr("Print"))
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.clicked.connect(self.make_job)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(with_error(self.errors, "quantity", self.table))
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def _add_row(self, item_id: uuid.UUID) -> None:
        try:
            item = self._services.items.get(item_id)
        except BenchsideError:
            return  # deleted since it was selected
        on_hand = self._services.stock.on_hand(item_id) if item.kind == "stock" else 0
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(item.name))
        quantity = QSpinBox()
        quantity.setRange(0, MAX_LABELS)
        quantity.setValue(min(MAX_LABELS, self._start.get(item_id, max(1, on_hand))))
        self.table.setCellWidget(row, 1, quantity)
        self._ids.append(item_id)
        self.quantities.append(quantity)

    def requests(self) -> list[tuple[uuid.UUID, int]]:
        """Items with at least one label (0 leaves an item out)."""
        return [
            (item_id, box.value())
            for item_id, box in zip(self._ids, self.quantities, strict=True)
            if box.value() > 0
        ]

    def make_job(self) -> None:
        try:
            self.job = self._services.printing.item_labels_job(
                self.requests(), paper=self.paper.currentData()
            )
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except (BenchsideError, ValueError) as problem:
            self.errors.show_general(str(problem))
            return
        self.job_ready.emit(self.job)
        self.accept()
