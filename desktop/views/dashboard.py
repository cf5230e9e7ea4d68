"""The dashboard: what needs doing today. For now the stock that needs someone (low,
negative, expiring); the manager's figures join it later, above these lists."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.services.container import Services
from desktop.views.bus import DataBus
from desktop.views.inventory.alerts import StockAlertsWidget
from desktop.views.tasks import TaskRunner


class DashboardPage(QWidget):
    item_requested = Signal(object)  # item id to show in the inventory

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        heading = QLabel(self.tr("Today at a glance"))
        font = heading.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            self.tr(
                "Parts to reorder, stock to count again and lots to use or write off. "
                "Double-click a row to open the item."
            )
        )
        intro.setWordWrap(True)
        self.stock = StockAlertsWidget(services, bus, tasks)
        self.stock.item_activated.connect(self.item_requested)
        self.sections = QVBoxLayout()
        self.sections.addWidget(self.stock, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(self.sections, 1)
