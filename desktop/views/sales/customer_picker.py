"""Choosing the customer of a sale: type part of a name, phone or email, Enter takes the
first match."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.customers import CustomerSummary
from desktop.views.customers.matches import chosen_id, show_matches


class CustomerPickerDialog(QDialog):
    """After ``accept()``, ``chosen`` is the picked customer."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Customer of the sale"))
        self._services = services
        self.chosen: CustomerSummary | None = None
        self._found: dict[uuid.UUID, CustomerSummary] = {}
        self.search = QLineEdit(self)
        self.search.setMaxLength(200)
        self.search.setPlaceholderText(self.tr("Name, phone or email…"))
        self.results = QListWidget(self)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.run_search)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.results.itemActivated.connect(self._on_results_item_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(buttons)
        self.resize(420, 360)

    def run_search(self) -> None:
        self._timer.stop()
        found = self._services.customers.search(self.search.text().strip()[:200], limit=20)
        self._found = {c.id: c for c in found}
        show_matches(self.results, found)

    def _on_search_return_pressed(self) -> None:
        self.run_search()
        item = self.results.currentItem()
        if item is not None:
            self._on_results_item_activated(item)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        found = chosen_id(item)
        self.chosen = self._found.get(found) if found is not None else None
        if self.chosen is not None:
            self.accept()
