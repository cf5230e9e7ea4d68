"""Settings: a list of sub-pages on the left, the chosen one on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.views.bus import DataBus
from desktop.views.settings.about import AboutSettings
from desktop.views.settings.backups import AppPathsLike, BackupSettings
from desktop.views.settings.messages import MessagesSettings
from desktop.views.settings.payment_methods import PaymentMethodsSection
from desktop.views.settings.printers import PrinterSettings
from desktop.views.settings.scanner import ScannerPage
from desktop.views.settings.selling import SellingSection
from desktop.views.settings.shop import ShopSettings
from desktop.views.settings.station import StationSettings
from desktop.views.settings.sync import SyncSettings
from desktop.views.settings.tax_rates import TaxRatesSection
from desktop.views.settings.tickets import TicketSettings
from desktop.views.settings.users import UsersSettings
from desktop.views.sync.controller import SyncController
from desktop.views.tasks import TaskRunner


class SettingsPage(QWidget):
    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        paths: AppPathsLike,
        parent: QWidget | None = None,
        sync: SyncController | None = None,
    ) -> None:
        super().__init__(parent)
        if sync is None:
            sync = SyncController.for_data_dir(paths.data_dir, self)
        self.shop = ShopSettings(services, bus)
        self.users = UsersSettings(services, bus)
        self.tickets = TicketSettings(services, bus)
        self.selling = SellingSection(services, bus, tasks)
        self.tax_rates = TaxRatesSection(services, bus)
        self.payment_methods = PaymentMethodsSection(services, bus)
        self.station = StationSettings(services)
        self.sync = SyncSettings(services, tasks, sync, bus=bus)
        self.printers = PrinterSettings(services, tasks)
        self.scanner = ScannerPage(services, bus)
        self.messages = MessagesSettings(services, tasks)
        self.backups = BackupSettings(services, tasks, paths)
        self.about = AboutSettings(paths)
        self._pages: list[tuple[str, str, QWidget]] = [
            ("shop", self.tr("Shop"), self.shop),
            ("users", self.tr("Staff"), self.users),
            ("tickets", self.tr("Tickets"), self.tickets),
            ("selling", self.tr("Selling"), self.selling),
            ("tax_rates", self.tr("Tax rates"), self.tax_rates),
            ("payment_methods", self.tr("Payment methods"), self.payment_methods),
            ("station", self.tr("This station"), self.station),
            ("sync", self.tr("Sync"), self.sync),
            ("printers", self.tr("Printers"), self.printers),
            ("scanner", self.tr("Scanner"), self.scanner),
            ("messages", self.tr("Messages"), self.messages),
            ("backups", self.tr("Backups"), self.backups),
            ("about", self.tr("About"), self.about),
        ]
        self.menu = QListWidget()
        self.menu.setMaximumWidth(180)
        self.stack = QStackedWidget()
        for _name, title, widget in self._pages:
            self.menu.addItem(title)
            self.stack.addWidget(widget)
        self.menu.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.menu.setCurrentRow(0)
        layout = QHBoxLayout(self)
        layout.addWidget(self.menu)
        layout.addWidget(self.stack, 1)
        bus.data_changed.connect(self._on_bus_data_changed)

    def pages(self) -> list[str]:
        return [name for name, _title, _widget in self._pages]

    def set_page(self, name: str) -> None:
        self.menu.setCurrentRow(self.pages().index(name))

    def current_page(self) -> str:
        return self.pages()[self.stack.currentIndex()]

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.users:
            self.users.reload()
        if changes.everything or changes.shop:
            self.shop.reload()
            self.tickets.reload()
            self.selling.reload()
            self.tax_rates.reload()
            self.payment_methods.reload()
        if changes.everything or changes.users or changes.shop:
            self.messages.reload()
