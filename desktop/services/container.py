"""Builds the service graph on a database file: the same for the app, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from desktop.models import LocalSetting, OutboxEntry
from desktop.services.accounts import AccountService
from desktop.services.audit import AuditService
from desktop.services.backups import BackupService
from desktop.services.cash_shifts import CashShiftService
from desktop.services.context import ServiceContext
from desktop.services.customers import CustomerService
from desktop.services.database import (
    check_readable,
    create_database_engine,
    current_revision,
    upgrade,
    upgrade_needed,
)
from desktop.services.devices import DeviceService
from desktop.services.invoices import InvoiceService
from desktop.services.item_export import ItemExportService
from desktop.services.item_import import ItemImportService
from desktop.services.item_lists import ItemListService
from desktop.services.items import ItemService
from desktop.services.journal import JournalService
from desktop.services.message_sender import MessageSender
from desktop.services.messages import MessageService
from desktop.services.printing import DocumentKind, PrintService
from desktop.services.purchasing import PurchaseOrderService
from desktop.services.returns import ReturnService
from desktop.services.sales import SaleService
from desktop.services.sales_settings import SalesSettingsService
from desktop.services.scan_router import ScanRouter
from desktop.services.scanner_settings import ScannerSettingsService
from desktop.services.setup import STATION_KEY, SetupService
from desktop.services.shop import ShopService
from desktop.services.stock import StockService
from desktop.services.stock_counts import StockCountService
from desktop.services.suppliers import SupplierService
from desktop.services.ticket_attachments import TicketAttachmentService
from desktop.services.ticket_parts import TicketPartService
from desktop.services.ticket_payments import TicketPaymentService
from desktop.services.ticket_statuses import TicketStatusService
from desktop.services.ticket_work import TicketWorkService
from desktop.services.tickets import TicketService
from desktop.sync.hlc import HybridLogicalClock

DEFAULT_STATION = "A"


@dataclass
class Services:
    ctx: ServiceContext
    path: Path
    setup: SetupService
    accounts: AccountService
    shop: ShopService
    customers: CustomerService
    devices: DeviceService
    audit: AuditService
    backups: BackupService
    tickets: TicketService
    ticket_statuses: TicketStatusService
    ticket_work: TicketWorkService
    attachments: TicketAttachmentService
    printing: PrintService
    cash_shifts: CashShiftService
    scanner: ScannerSettingsService
    scans: ScanRouter
    messages: MessageService
    message_sender: MessageSender
    items: ItemService
    item_lists: ItemListService
    stock: StockService
    ticket_parts: TicketPartService
    suppliers: SupplierService
    purchasing: PurchaseOrderService
    counts: StockCountService
    item_import: ItemImportService
    item_export: ItemExportService
    sales: SaleService
    returns: ReturnService
    sales_settings: SalesSettingsService
    journal: JournalService
    invoices: InvoiceService
    ticket_payments: TicketPaymentService

    @classmethod
    def open(cls, path: Path, backup_dir: Path | None = None) -> Services:
        """Open (creating if new) and upgrade the database at ``path``.

        When an upgrade of an existing database is due, it is backed up into
        ``backup_dir`` first. Raises ``DatabaseError`` for an unreadable or newer file.
        """
        engine = create_database_engine(path)
        check_readable(engine)
        if upgrade_needed(engine):
            revision = current_revision(engine)
            if revision is not None and backup_dir is not None:
                from desktop.services.backups import pre_upgrade_backup

                pre_upgrade_backup(path, backup_dir, revision)
            upgrade(engine)
        return cls.on_engine(engine, path)

    @classmethod
    def on_engine(cls, engine: Engine, path: Path) -> Services:
        station, last_hlc = _station_state(engine)
        ctx = ServiceContext(engine, station, HybridLogicalClock(station, last=last_hlc))
        tickets = TicketService(ctx)
        items = ItemService(ctx)
        sales = SaleService(ctx, items)
        printing = PrintService(ctx)
        return cls(
            ctx=ctx,
            path=path,
            setup=SetupService(ctx),
            accounts=AccountService(ctx),
            shop=ShopService(ctx),
            customers=CustomerService(ctx),
            devices=DeviceService(ctx),
            audit=AuditService(ctx),
            backups=BackupService(ctx, path),
            tickets=tickets,
            ticket_statuses=TicketStatusService(ctx),
            ticket_work=TicketWorkService(ctx, tickets),
            attachments=TicketAttachmentService(ctx, path.parent / "attachments"),
            printing=printing,
            cash_shifts=CashShiftService(ctx),
            scanner=ScannerSettingsService(ctx),
            scans=ScanRouter(tickets, items, sales),
            messages=MessageService(ctx),
            message_sender=MessageSender(ctx),
            items=items,
            item_lists=ItemListService(ctx),
            stock=StockService(ctx),
            ticket_parts=TicketPartService(ctx),
            suppliers=SupplierService(ctx),
            purchasing=PurchaseOrderService(ctx, items),
            counts=StockCountService(ctx),
            item_import=ItemImportService(ctx),
            item_export=ItemExportService(ctx),
            sales=sales,
            returns=ReturnService(ctx),
            sales_settings=SalesSettingsService(ctx),
            journal=JournalService(ctx),
            invoices=InvoiceService(
                ctx, lambda view: printing.sales_document_job(view, DocumentKind.INVOICE).pdf
            ),
            ticket_payments=TicketPaymentService(ctx),
        )

    def close(self) -> None:
        self.ctx.engine.dispose()


def _station_state(engine: Engine) -> tuple[str, str | None]:
    """This station's code and the newest clock value it handed out (clock restarts past it)."""
    with engine.connect() as connection:
        code = connection.scalar(select(LocalSetting.value).where(LocalSetting.key == STATION_KEY))
        last = connection.scalar(select(OutboxEntry.hlc).order_by(OutboxEntry.seq.desc()).limit(1))
    station = code or DEFAULT_STATION
    if last is not None:
        last = last.rsplit("-", 1)[0] + f"-{station}"
    return station, last
