"""Finding an item to put on a document: type part of its name, SKU or barcode (or scan
it) and pick it from the matches."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.items import ItemSummary
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 150
MATCHES = 20


class ItemPicker(QWidget):
    """``item_chosen(ItemSummary)`` when a match is double-clicked or taken with Enter."""

    item_chosen = Signal(object)

    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find an item: name, SKU or barcode"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.matches = QListWidget()
        self.matches.setMaximumHeight(110)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.matches.itemActivated.connect(self._on_matches_item_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.matches)

    def run_search(self) -> None:
        self._timer.stop()
        text = self.search.text()
        items = self._services.items
        self._tasks.run(
            lambda: items.search(text, limit=MATCHES),
            lambda found: self._show(text, found),
            self._on_search_failed,
            owner=self,
        )

    def _show(self, text: str, found: list[ItemSummary]) -> None:
        if text != self.search.text():
            return  # the user typed on
        self.matches.clear()
        for item in found:
            if item.kind != "stock":
                continue
            entry = QListWidgetItem(f"{item.name}  ·  {item.sku}")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.matches.addItem(entry)
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def _on_search_failed(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):
            raise error
        self.matches.clear()

    def _on_search_return_pressed(self) -> None:
        if self._timer.isActive():
            self.run_search()
        current = self.matches.currentItem()
        if current is not None:
            self._on_matches_item_activated(current)

    def _on_matches_item_activated(self, entry: QListWidgetItem) -> None:
        self.item_chosen.emit(entry.data(Qt.ItemDataRole.UserRole))
        self.search.clear()
        self.matches.clear()
