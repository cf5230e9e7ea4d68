"""The inventory page: a tab per screen (items, stock alerts; purchase orders, suppliers
and counts add theirs), and the place an item scan lands when no window in front took it."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.services.container import Services
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.bus import DataBus
from desktop.views.inventory.alerts import StockAlertsWidget
from desktop.views.inventory.editor import ItemEditor
from desktop.views.inventory.items_tab import ItemsTab
from desktop.views.tasks import TaskRunner


class InventoryPage(QWidget):
    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.items = ItemsTab(services, bus, tasks)
        self.alerts = StockAlertsWidget(services, bus, tasks)
        self.alerts.item_activated.connect(self.show_item)
        self.tabs.addTab(self.items, self.tr("Items"))
        self.tabs.addTab(self.alerts, self.tr("Low stock and expiring"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Host another inventory screen (purchase orders, suppliers, counts)."""
        return self.tabs.addTab(widget, title)

    def show_item(self, item_id: uuid.UUID, code: str = "") -> None:
        self.tabs.setCurrentWidget(self.items)
        self.items.show_item(item_id, code)

    def new_item(self, barcode: str = "") -> ItemEditor | None:
        """The item editor for a new item, with a scanned ``barcode`` filled in."""
        self.tabs.setCurrentWidget(self.items)
        return self.items.new_item(barcode)

    def take_scan(self, result: ScanResult) -> bool:
        """An item scan shows that item; anything else is left to others."""
        if result.kind is not ScanKind.ITEM or result.id is None:
            return False
        self.show_item(result.id, result.code)
        return True
