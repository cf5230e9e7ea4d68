"""The inventory page: a tab per screen (items, stock alerts, purchase orders, suppliers,
stock counts), and the place an item scan lands when no window in front took it."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.services.container import Services
from desktop.services.permissions import Permission
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.bus import DataBus
from desktop.views.inventory.alerts import StockAlertsWidget
from desktop.views.inventory.counts import StockCountsTab
from desktop.views.inventory.editor import ItemEditor
from desktop.views.inventory.item_import import ImportDialog, export_items
from desktop.views.inventory.items_tab import ItemsTab
from desktop.views.inventory.purchasing import PurchaseOrdersTab
from desktop.views.inventory.suppliers import SuppliersTab
from desktop.views.scanning import ScanTarget
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
        self._services, self._bus, self._tasks = services, bus, tasks
        self.import_dialog: ImportDialog | None = None
        self.tabs = QTabWidget(self)
        self.items = ItemsTab(services, bus, tasks)
        self.alerts = StockAlertsWidget(services, bus, tasks)
        self.alerts.item_activated.connect(self.show_item)
        self.orders = PurchaseOrdersTab(services, bus, tasks)
        self.suppliers = SuppliersTab(services, bus, tasks)
        self.counts = StockCountsTab(services, bus, tasks)
        self.tabs.addTab(self.items, self.tr("Items"))
        self.tabs.addTab(self.alerts, self.tr("Low stock and expiring"))
        self.tabs.addTab(self.orders, self.tr("Purchase orders"))
        self.tabs.addTab(self.suppliers, self.tr("Suppliers"))
        self.tabs.addTab(self.counts, self.tr("Stock counts"))
        self.import_button = QPushButton(self.tr("Import items…"))
        self.import_button.setToolTip(self.tr("Load a parts list from a CSV or Excel file"))
        self.import_button.clicked.connect(self.open_import)
        self.export_button = QPushButton(self.tr("Export items…"))
        self.export_button.setToolTip(self.tr("Save the item list with stock as Excel or CSV"))
        self.export_button.clicked.connect(lambda: export_items(services, bus, tasks, self))
        corner = QWidget()
        buttons = QHBoxLayout(corner)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        self.tabs.setCornerWidget(corner)
        self.import_button.setVisible(services.ctx.can(Permission.EDIT_ITEMS))
        self.export_button.setVisible(services.ctx.can(Permission.EDIT_ITEMS))
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

    def open_import(self) -> ImportDialog:
        dialog = ImportDialog(self._services, self._bus, self._tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def take_scan(self, result: ScanResult) -> bool:
        """The screen in front that counts or receives scans gets them first (an open
        count); otherwise an item scan shows that item."""
        current = self.tabs.currentWidget()
        if isinstance(current, ScanTarget) and current.take_scan(result):
            return True
        if result.kind is not ScanKind.ITEM or result.id is None:
            return False
        self.show_item(result.id, result.code)
        return True
