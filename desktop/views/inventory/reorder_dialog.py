"""Reorder suggestions: what is at or under its reorder level, by preferred supplier; the
ticked lines become one draft order per supplier."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.items import MAX_QUANTITY
from desktop.services.purchase_orders import OrderDetail
from desktop.services.purchasing import DraftRequest
from desktop.services.reorder import Suggestion, SuggestionGroup
from desktop.views.bus import DataBus
from desktop.views.forms import error_label
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.tasks import TaskRunner

QUANTITY_COLUMN = 5


class ReorderDialog(QDialog):
    """``created`` holds the drafts made, once the user created them."""

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._money = ShopMoney(services)
        self.created: list[OrderDetail] = []
        self._lines: list[tuple[QTreeWidgetItem, uuid.UUID, Suggestion, QSpinBox]] = []
        self.setWindowTitle(self.tr("Reorder suggestions"))
        self.setMinimumSize(760, 460)
        self.summary = QLabel(self.tr("Reading stock levels…"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [
                self.tr("Item"),
                self.tr("On hand"),
                self.tr("On order"),
                self.tr("Reorder level"),
                self.tr("Unit cost"),
                self.tr("Order"),
            ]
        )
        self.tree.setColumnWidth(0, 300)
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("Create draft orders"))
        self.create_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        self.buttons.accepted.connect(self.create_drafts)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        tasks.run(services.purchasing.suggestions, self._show, self._on_load_failed, owner=self)

    def _show(self, groups: list[SuggestionGroup]) -> None:
        self.tree.clear()
        self._lines.clear()
        for group in groups:
            title = group.supplier_name or self.tr("No supplier: link one in the Suppliers tab")
            parent = QTreeWidgetItem(self.tree, [title])
            parent.setFirstColumnSpanned(True)
            for suggestion in group.lines:
                self._add_line(parent, group.supplier_id, suggestion)
            parent.setExpanded(True)
        count = sum(len(group.lines) for group in groups)
        self.summary.setText(
            self.tr("%n item(s) at or under their reorder level.", "", count)
            if count
            else self.tr("Nothing is at or under its reorder level.")
        )
        self.create_button.setEnabled(bool(self._lines))

    def _add_line(
        self, parent: QTreeWidgetItem, supplier_id: uuid.UUID | None, tip: Suggestion
    ) -> None:
        row = QTreeWidgetItem(
            parent,
            [
                f"{tip.item_name}  ·  {tip.sku}",
                str(tip.on_hand),
                str(tip.on_order),
                str(tip.reorder_level),
                self._money.show(tip.unit_cost),
                "",
            ],
        )
        for column in range(1, 5):
            row.setTextAlignment(
                column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        if supplier_id is None:
            row.setDisabled(True)
            return
        row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        row.setCheckState(0, Qt.CheckState.Checked)
        quantity = QSpinBox()
        quantity.setRange(1, MAX_QUANTITY)
        quantity.setValue(tip.quantity)
        self.tree.setItemWidget(row, QUANTITY_COLUMN, quantity)
        self._lines.append((row, supplier_id, tip, quantity))

    def requests(self) -> list[DraftRequest]:
        """The ticked lines with the quantities as the user left them."""
        return [
            DraftRequest(supplier_id, tip.item_id, quantity.value())
            for row, supplier_id, tip, quantity in self._lines
            if row.checkState(0) == Qt.CheckState.Checked
        ]

    def line_rows(self) -> list[tuple[QTreeWidgetItem, QSpinBox]]:
        return [(row, quantity) for row, _supplier, _tip, quantity in self._lines]

    def create_drafts(self) -> None:
        self.error.hide()
        try:
            self.created = self._services.purchasing.drafts_from_suggestions(self.requests())
        except ValidationError as invalid:
            self._show_problem("\n".join(invalid.errors.values()))
            return
        except BenchsideError as problem:
            self._show_problem(str(problem))
            return
        self._bus.publish(Changes(purchase_orders=frozenset(d.id for d in self.created)))
        self.accept()

    def _on_load_failed(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):
            raise error
        self._show_problem(str(error))

    def _show_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
