"""Builds the service graph on a database file: the same for the app, the CLI and tests.

Each service is built, and its module imported, on first use: the sign-in window needs a
handful of them, and importing all of selling, inventory and messaging before it shows
would cost start-up time (ARCHITECTURE §2).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from desktop.models import LocalSetting, OutboxEntry
from desktop.services.context import ServiceContext
from desktop.services.database import (
    check_readable,
    create_database_engine,
    current_revision,
    upgrade,
    upgrade_needed,
)
from desktop.services.setup import STATION_KEY
from desktop.sync.capture import CLOCK_SEEN_SETTING
from desktop.sync.hlc import HybridLogicalClock

if TYPE_CHECKING:
    from desktop.services.accounts import AccountService
    from desktop.services.audit import AuditService
    from desktop.services.backups import BackupService
    from desktop.services.cash_reports import CashReportService
    from desktop.services.cash_shifts import CashShiftService
    from desktop.services.customer_reports import CustomerReportService
    from desktop.services.customers import CustomerService
    from desktop.services.dashboard_figures import DashboardService
    from desktop.services.devices import DeviceService
    from desktop.services.inventory_reports import InventoryReportService
    from desktop.services.invoices import InvoiceService
    from desktop.services.item_export import ItemExportService
    from desktop.services.item_import import ItemImportService
    from desktop.services.item_lists import ItemListService
    from desktop.services.items import ItemService
    from desktop.services.journal import JournalService
    from desktop.services.message_sender import MessageSender
    from desktop.services.messages import MessageService
    from desktop.services.printing import PrintService
    from desktop.services.purchasing import PurchaseOrderService
    from desktop.services.returns import ReturnService
    from desktop.services.sales import SaleService
    from desktop.services.sales_reports import SalesReportService
    from desktop.services.sales_settings import SalesSettingsService
    from desktop.services.scan_router import ScanRouter
    from desktop.services.scanner_settings import ScannerSettingsService
    from desktop.services.setup import SetupService
    from desktop.services.shop import ShopService
    from desktop.services.stock import StockService
    from desktop.services.stock_counts import StockCountService
    from desktop.services.suppliers import SupplierService
    from desktop.services.sync_conflicts import SyncConflictService
    from desktop.services.ticket_attachments import TicketAttachmentService
    from desktop.services.ticket_parts import TicketPartService
    from desktop.services.ticket_payments import TicketPaymentService
    from desktop.services.ticket_reports import TicketReportService
    from desktop.services.ticket_statuses import TicketStatusService
    from desktop.services.ticket_work import TicketWorkService
    from desktop.services.tickets import TicketService

DEFAULT_STATION = "A"


class Services:
    def __init__(self, ctx: ServiceContext, path: Path) -> None:
        self.ctx = ctx
        self.path = path

    @classmethod
    def open(
        cls,
        path: Path,
        backup_dir: Path | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> Services:
        """Open (creating if new) and upgrade the database at ``path``.

        When an upgrade of an existing database is due, it is backed up into
        ``backup_dir`` first. ``wall_clock`` is the PC's clock the sync clock reads
        (``time.time`` unless given). Raises ``DatabaseError`` for an unreadable or newer
        file.
        """
        engine = create_database_engine(path)
        check_readable(engine)
        if upgrade_needed(engine):
            revision = current_revision(engine)
            if revision is not None and backup_dir is not None:
                from desktop.services.backups import pre_upgrade_backup

                pre_upgrade_backup(path, backup_dir, revision)
            upgrade(engine)
        return cls.on_engine(engine, path, wall_clock)

    @classmethod
    def on_engine(
        cls, engine: Engine, path: Path, wall_clock: Callable[[], float] | None = None
    ) -> Services:
        station, last_hlc = _station_state(engine)
        clock = HybridLogicalClock(station, last=last_hlc, wall_clock=wall_clock or time.time)
        return cls(ServiceContext(engine, station, clock), path)

    @cached_property
    def setup(self) -> SetupService:
        from desktop.services.setup import SetupService

        return SetupService(self.ctx)

    @cached_property
    def accounts(self) -> AccountService:
        from desktop.services.accounts import AccountService

        return AccountService(self.ctx)

    @cached_property
    def shop(self) -> ShopService:
        from desktop.services.shop import ShopService

        return ShopService(self.ctx)

    @cached_property
    def customers(self) -> CustomerService:
        from desktop.services.customers import CustomerService

        return CustomerService(self.ctx)

    @cached_property
    def devices(self) -> DeviceService:
        from desktop.services.devices import DeviceService

        return DeviceService(self.ctx)

    @cached_property
    def audit(self) -> AuditService:
        from desktop.services.audit import AuditService

        return AuditService(self.ctx)

    @cached_property
    def dashboard(self) -> DashboardService:
        from desktop.services.dashboard_figures import DashboardService

        return DashboardService(self.ctx)

    @cached_property
    def inventory_reports(self) -> InventoryReportService:
        from desktop.services.inventory_reports import InventoryReportService

        return InventoryReportService(self.ctx)

    @cached_property
    def customer_reports(self) -> CustomerReportService:
        from desktop.services.customer_reports import CustomerReportService

        return CustomerReportService(self.ctx)

    @cached_property
    def cash_reports(self) -> CashReportService:
        from desktop.services.cash_reports import CashReportService

        return CashReportService(self.ctx)

    @cached_property
    def sales_reports(self) -> SalesReportService:
        from desktop.services.sales_reports import SalesReportService

        return SalesReportService(self.ctx)

    @cached_property
    def ticket_reports(self) -> TicketReportService:
        from desktop.services.ticket_reports import TicketReportService

        return TicketReportService(self.ctx)

    @cached_property
    def backups(self) -> BackupService:
        from desktop.services.backups import BackupService

        return BackupService(self.ctx, self.path)

    @cached_property
    def tickets(self) -> TicketService:
        from desktop.services.tickets import TicketService

        return TicketService(self.ctx)

    @cached_property
    def ticket_statuses(self) -> TicketStatusService:
        from desktop.services.ticket_statuses import TicketStatusService

        return TicketStatusService(self.ctx)

    @cached_property
    def ticket_work(self) -> TicketWorkService:
        from desktop.services.ticket_work import TicketWorkService

        return TicketWorkService(self.ctx, self.tickets)

    @cached_property
    def attachments(self) -> TicketAttachmentService:
        from desktop.services.ticket_attachments import TicketAttachmentService

        return TicketAttachmentService(self.ctx, self.path.parent / "attachments")

    @cached_property
    def printing(self) -> PrintService:
        from desktop.services.printing import PrintService

        return PrintService(self.ctx)

    @cached_property
    def cash_shifts(self) -> CashShiftService:
        from desktop.services.cash_shifts import CashShiftService

        return CashShiftService(self.ctx)

    @cached_property
    def scanner(self) -> ScannerSettingsService:
        from desktop.services.scanner_settings import ScannerSettingsService

        return ScannerSettingsService(self.ctx)

    @cached_property
    def scans(self) -> ScanRouter:
        from desktop.services.scan_router import ScanRouter

        return ScanRouter(self.tickets, self.items, self.sales)

    @cached_property
    def messages(self) -> MessageService:
        from desktop.services.messages import MessageService

        return MessageService(self.ctx)

    @cached_property
    def message_sender(self) -> MessageSender:
        from desktop.services.message_sender import MessageSender

        return MessageSender(self.ctx)

    @cached_property
    def items(self) -> ItemService:
        from desktop.services.items import ItemService

        return ItemService(self.ctx)

    @cached_property
    def item_lists(self) -> ItemListService:
        from desktop.services.item_lists import ItemListService

        return ItemListService(self.ctx)

    @cached_property
    def stock(self) -> StockService:
        from desktop.services.stock import StockService

        return StockService(self.ctx)

    @cached_property
    def ticket_parts(self) -> TicketPartService:
        from desktop.services.ticket_parts import TicketPartService

        return TicketPartService(self.ctx)

    @cached_property
    def suppliers(self) -> SupplierService:
        from desktop.services.suppliers import SupplierService

        return SupplierService(self.ctx)

    @cached_property
    def purchasing(self) -> PurchaseOrderService:
        from desktop.services.purchasing import PurchaseOrderService

        return PurchaseOrderService(self.ctx, self.items)

    @cached_property
    def counts(self) -> StockCountService:
        from desktop.services.stock_counts import StockCountService

        return StockCountService(self.ctx)

    @cached_property
    def item_import(self) -> ItemImportService:
        from desktop.services.item_import import ItemImportService

        return ItemImportService(self.ctx)

    @cached_property
    def item_export(self) -> ItemExportService:
        from desktop.services.item_export import ItemExportService

        return ItemExportService(self.ctx)

    @cached_property
    def sales(self) -> SaleService:
        from desktop.services.sales import SaleService

        return SaleService(self.ctx, self.items)

    @cached_property
    def returns(self) -> ReturnService:
        from desktop.services.returns import ReturnService

        return ReturnService(self.ctx)

    @cached_property
    def sales_settings(self) -> SalesSettingsService:
        from desktop.services.sales_settings import SalesSettingsService

        return SalesSettingsService(self.ctx)

    @cached_property
    def journal(self) -> JournalService:
        from desktop.services.journal import JournalService

        return JournalService(self.ctx)

    @cached_property
    def invoices(self) -> InvoiceService:
        from desktop.services.invoices import InvoiceService
        from desktop.services.printing import DocumentKind

        printing = self.printing
        return InvoiceService(
            self.ctx, lambda view: printing.sales_document_job(view, DocumentKind.INVOICE).pdf
        )

    @cached_property
    def ticket_payments(self) -> TicketPaymentService:
        from desktop.services.ticket_payments import TicketPaymentService

        return TicketPaymentService(self.ctx)

    @cached_property
    def sync_conflicts(self) -> SyncConflictService:
        from desktop.services.sync_conflicts import SyncConflictService

        return SyncConflictService(self.ctx)

    def close(self) -> None:
        self.ctx.engine.dispose()


def _station_state(engine: Engine) -> tuple[str, str | None]:
    """This station's code and the newest clock value it handed out or received from
    another station (the clock restarts past it)."""
    with engine.connect() as connection:
        code = connection.scalar(select(LocalSetting.value).where(LocalSetting.key == STATION_KEY))
        last = connection.scalar(select(OutboxEntry.hlc).order_by(OutboxEntry.seq.desc()).limit(1))
        seen = connection.scalar(
            select(LocalSetting.value).where(LocalSetting.key == CLOCK_SEEN_SETTING)
        )
    station = code or DEFAULT_STATION
    newest = max((value for value in (last, seen) if value), default=None)
    if newest is not None:
        newest = newest.rsplit("-", 1)[0] + f"-{station}"
    return station, newest
