"""Where each document is printed at this station, and sending a job there.

Each station maps each kind of document to a target: a system printer (printed by the
views through Qt), an ESC/POS receipt printer on the network, USB, a serial port or the
Windows spooler, or a folder that collects PDF files. The map lives in
``local_settings`` because printers belong to the computer, not to the shop.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.services.context import ServiceContext
from desktop.services.documents.paper import DEFAULT_LABEL_SIZE, LabelSize, Paper
from desktop.services.errors import BenchsideError, PermissionDenied
from desktop.services.files import write_new_file
from desktop.services.local_settings import read_local, write_local
from desktop.services.permissions import Permission
from desktop.services.shift_types import ShiftReport
from desktop.services.shop import shop_profile
from desktop.services.text import FieldChecker, clean_line
from desktop.services.ticket_documents import shop_header, ticket_documents

if TYPE_CHECKING:
    from desktop.services.report_types import ReportTable
    from desktop.services.sales_types import DocumentView

log = logging.getLogger(__name__)

SETTING_PREFIX = "printer."
DEFAULT_TIMEOUT = 5.0
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.\-]*[A-Za-z0-9])?$|^[0-9A-Fa-f:]+$")
DRAWER_NEEDS_ESCPOS = (
    "The cash drawer opens through an ESC/POS receipt printer; set one in Settings → Printers."
)


class PrintError(BenchsideError):
    """A document could not be printed; the message tells the counter what to check."""


class DocumentKind(StrEnum):
    CLAIM_RECEIPT = "claim_receipt"
    DEVICE_LABEL = "device_label"
    RECEIPT = "receipt"
    INVOICE = "invoice"
    ITEM_LABELS = "item_labels"
    REPORT = "report"
    PURCHASE_ORDER = "purchase_order"

    @property
    def label(self) -> str:
        return {
            DocumentKind.CLAIM_RECEIPT: "Claim receipt",
            DocumentKind.DEVICE_LABEL: "Device label",
            DocumentKind.RECEIPT: "Sales receipt",
            DocumentKind.INVOICE: "Invoice",
            DocumentKind.ITEM_LABELS: "Item labels",
            DocumentKind.REPORT: "Report",
            DocumentKind.PURCHASE_ORDER: "Purchase order",
        }[self]

    @property
    def papers(self) -> tuple[str, ...]:
        """The paper or label sizes this document can be made on; the first is the default."""
        sheets = (Paper.A4.value, Paper.LETTER.value)
        rolls = (Paper.THERMAL_80.value, Paper.THERMAL_58.value)
        labels = tuple(size.value for size in LabelSize)
        # The drawer's X and Z reports come off the receipt printer in most shops.
        if self in {DocumentKind.CLAIM_RECEIPT, DocumentKind.REPORT}:
            return sheets + rolls
        if self is DocumentKind.RECEIPT:
            return rolls
        if self in {DocumentKind.DEVICE_LABEL, DocumentKind.ITEM_LABELS}:
            rolls_of_labels = (
                DEFAULT_LABEL_SIZE.value,
                *(v for v in labels if v != DEFAULT_LABEL_SIZE),
            )
            # Price labels also come on A4 sheets of sticky labels for an office printer.
            if self is DocumentKind.ITEM_LABELS:
                return (*rolls_of_labels, Paper.A4.value)
            return rolls_of_labels
        return sheets

    @property
    def default_paper(self) -> str:
        return self.papers[0]

    @property
    def thermal(self) -> bool:
        """Whether a receipt printer (ESC/POS) can print this document."""
        return any(_is_roll(p) for p in self.papers)


class TargetType(StrEnum):
    NONE = "none"
    SYSTEM = "system"
    ESCPOS_NETWORK = "escpos_network"
    ESCPOS_USB = "escpos_usb"
    ESCPOS_SERIAL = "escpos_serial"
    ESCPOS_WIN32 = "escpos_win32"
    PDF_FOLDER = "pdf_folder"

    @property
    def label(self) -> str:
        return {
            TargetType.NONE: "Not set up (preview only)",
            TargetType.SYSTEM: "Printer installed on this computer",
            TargetType.ESCPOS_NETWORK: "Receipt printer on the network",
            TargetType.ESCPOS_USB: "Receipt printer on USB",
            TargetType.ESCPOS_SERIAL: "Receipt printer on a serial port",
            TargetType.ESCPOS_WIN32: "Receipt printer through Windows",
            TargetType.PDF_FOLDER: "Save PDF files to a folder",
        }[self]

    @property
    def escpos(self) -> bool:
        return self.value.startswith("escpos_")


@dataclass(frozen=True)
class PrintTarget:
    """Where one kind of document goes. Only the fields of ``type`` matter."""

    type: TargetType = TargetType.NONE
    paper: str = ""  # a Paper or LabelSize value; empty = the document's default
    copies: int = 1
    printer_name: str = ""  # system and Windows printers; empty = the default printer
    host: str = ""
    port: int = 9100
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    serial_device: str = ""
    baud_rate: int = 9600
    folder: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, stored: str) -> PrintTarget:
        """The stored target; unknown keys (from a newer version) are ignored and a
        damaged value reads as no target."""
        try:
            raw = json.loads(stored)
            known = {f.name for f in fields(cls)}
            values: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
            values["type"] = TargetType(values.get("type", "none"))
            return cls(**values)
        except (ValueError, TypeError, AttributeError):
            log.warning("ignoring a damaged printer setting: %r", stored[:200])
            return cls()

    def describe(self) -> str:
        """How the counter calls this printer in messages."""
        if self.type is TargetType.SYSTEM:
            return (
                f"the printer {self.printer_name}" if self.printer_name else "the default printer"
            )
        if self.type is TargetType.ESCPOS_NETWORK:
            return f"the receipt printer at {self.host}:{self.port}"
        if self.type is TargetType.ESCPOS_USB:
            return f"the USB receipt printer {self.usb_vendor_id:04x}:{self.usb_product_id:04x}"
        if self.type is TargetType.ESCPOS_SERIAL:
            return f"the receipt printer on {self.serial_device}"
        if self.type is TargetType.ESCPOS_WIN32:
            name = self.printer_name or "default"
            return f"the Windows printer {name}"
        if self.type is TargetType.PDF_FOLDER:
            return f"the folder {self.folder}"
        return "no printer"


@dataclass(frozen=True)
class PrintJob:
    """A rendered document: always a PDF (for preview, system printers and folders), and
    ESC/POS bytes when it was made for a receipt printer."""

    kind: DocumentKind
    stem: str  # file name without extension, e.g. claim-receipt-T-A-10001
    pdf: bytes
    escpos: bytes | None = None
    paper: str = ""


@dataclass(frozen=True)
class PrintResult:
    target: PrintTarget
    path: Path | None = None  # the file written by a PDF folder target

    @property
    def message(self) -> str:
        if self.path is not None:
            return f"Saved {self.path.name} in {self.path.parent}."
        return f"Sent to {self.target.describe()}."


def setting_key(kind: DocumentKind) -> str:
    return f"{SETTING_PREFIX}{kind.value}"


def paper_of(kind: DocumentKind, target: PrintTarget) -> str:
    """The paper the document is made on for ``target`` (its own or the default)."""
    return target.paper if target.paper in kind.papers else kind.default_paper


def check_target(kind: DocumentKind, target: PrintTarget) -> PrintTarget:
    """``target`` cleaned, or ``ValidationError`` naming each wrong field."""
    check = FieldChecker()
    kind_type = target.type
    if kind_type.escpos and not kind.thermal:
        check.fail("type", f"A {kind.label.lower()} cannot be printed on a receipt printer.")
    paper = target.paper or kind.default_paper
    if paper not in kind.papers:
        check.fail("paper", "Choose a paper size this document can be printed on.")
    elif kind_type.escpos and kind.thermal and not _is_roll(paper):
        check.fail("paper", "A receipt printer needs receipt-roll paper (58 or 80 mm).")
    if not 1 <= target.copies <= 10:
        check.fail("copies", "Between 1 and 10 copies.")
    cleaned = replace(
        target,
        paper=paper,
        printer_name=check.line("printer_name", target.printer_name, 200),
        host=clean_line(target.host),
        serial_device=check.line("serial_device", target.serial_device, 200),
        folder=check.line("folder", target.folder, 1000),
    )
    _check_connection(check, cleaned)
    check.raise_if_any()
    return cleaned


def _is_roll(paper: str) -> bool:
    return paper in Paper._value2member_map_ and Paper(paper).thermal is not None


def _check_connection(check: FieldChecker, target: PrintTarget) -> None:
    if target.type is TargetType.ESCPOS_NETWORK:
        if not target.host:
            check.fail("host", "Enter the printer's IP address or host name.")
        elif len(target.host) > 253 or not _HOST.match(target.host):
            check.fail("host", "This is not an IP address or host name.")
        if not 1 <= target.port <= 65535:
            check.fail("port", "A port is a number from 1 to 65535 (usually 9100).")
    elif target.type is TargetType.ESCPOS_USB:
        for field in ("usb_vendor_id", "usb_product_id"):
            if not 1 <= getattr(target, field) <= 0xFFFF:
                check.fail(field, "Enter the id as four hexadecimal digits, e.g. 04b8.")
    elif target.type is TargetType.ESCPOS_SERIAL:
        if not target.serial_device:
            check.fail("serial_device", "Enter the port, e.g. COM3 or /dev/ttyUSB0.")
        if target.baud_rate not in BAUD_RATES:
            check.fail("baud_rate", "Choose the printer's speed (usually 9600 or 115200).")
    elif target.type is TargetType.PDF_FOLDER:
        if not target.folder:
            check.fail("folder", "Choose the folder for the PDF files.")
        elif not Path(target.folder).expanduser().is_absolute():
            check.fail("folder", "Choose a full folder path, not a relative one.")


class PrintService:
    """Print targets of this station, rendering the documents for them, and sending."""

    def __init__(self, ctx: ServiceContext, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.ctx = ctx
        self.timeout = timeout

    def target(self, kind: DocumentKind) -> PrintTarget:
        """Where ``kind`` prints at this station (no target when never set)."""
        with self.ctx.uow() as tx:
            stored = read_local(tx.session, setting_key(kind))
            return PrintTarget.from_json(stored) if stored is not None else PrintTarget()

    def targets(self) -> dict[DocumentKind, PrintTarget]:
        return {kind: self.target(kind) for kind in DocumentKind}

    def set_target(self, kind: DocumentKind, target: PrintTarget) -> PrintTarget:
        """Save where ``kind`` prints at this station.

        Raises ``ValidationError`` (fields of ``PrintTarget``) or ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_STATION)
        cleaned = check_target(kind, target)
        with self.ctx.uow() as tx:
            write_local(tx.session, setting_key(kind), cleaned.to_json())
            tx.commit()
        return cleaned

    def ticket_job(
        self,
        kind: DocumentKind,
        ticket_id: uuid.UUID,
        paper: str | None = None,
    ) -> PrintJob:
        """The claim receipt or device label of a ticket, rendered for this station's
        target of ``kind`` (or for ``paper``). Raises ``NotFound``."""
        from desktop.services.documents import tickets

        chosen = paper if paper in kind.papers else paper_of(kind, self.target(kind))
        with self.ctx.uow() as tx:
            claim, label = ticket_documents(tx.session, ticket_id)
        if kind is DocumentKind.CLAIM_RECEIPT:
            sheet = Paper(chosen)
            roll = sheet.thermal
            return PrintJob(
                kind,
                f"claim-receipt-{claim.ticket_number}",
                tickets.claim_receipt_pdf(claim, sheet),
                tickets.claim_receipt_escpos(claim, roll) if roll else None,
                chosen,
            )
        if kind is DocumentKind.DEVICE_LABEL:
            pdf = tickets.device_label_pdf(label, LabelSize(chosen))
            return PrintJob(kind, f"device-label-{label.ticket_number}", pdf, None, chosen)
        raise ValueError(f"{kind} is not a ticket document")

    def item_labels_job(
        self, requests: Sequence[tuple[uuid.UUID, int]], paper: str | None = None
    ) -> PrintJob:
        """Price labels, ``quantity`` of each item, for this station's label target (or on
        ``paper``: a label size, one per page, or ``a4`` sheets of 3 x 8).

        Raises ``ValidationError`` (no items, bad quantities), ``NotFound``."""
        from desktop.services.documents.item_labels import item_labels_pdf
        from desktop.services.item_label_data import item_labels

        kind = DocumentKind.ITEM_LABELS
        chosen = paper if paper in kind.papers else paper_of(kind, self.target(kind))
        with self.ctx.uow() as tx:
            labels = item_labels(tx.session, requests)
        return PrintJob(kind, "item-labels", item_labels_pdf(labels, chosen), None, chosen)

    def purchase_order_job(self, order_id: uuid.UUID, paper: str | None = None) -> PrintJob:
        """The purchase order on this station's paper for it (or on ``paper``). Raises
        ``NotFound``."""
        from desktop.services.documents.purchase_order import purchase_order_pdf
        from desktop.services.purchase_orders import order_document

        kind = DocumentKind.PURCHASE_ORDER
        chosen = paper if paper in kind.papers else paper_of(kind, self.target(kind))
        with self.ctx.uow() as tx:
            document = order_document(tx.session, order_id)
        pdf = purchase_order_pdf(document, Paper(chosen))
        return PrintJob(kind, f"purchase-order-{document.number}", pdf, None, chosen)

    def shift_report_job(self, report: ShiftReport, paper: str | None = None) -> PrintJob:
        """The X or Z report for this station's report target (or on ``paper``)."""
        from desktop.services.documents.shift_report import (
            shift_report_escpos,
            shift_report_pdf,
        )

        kind = DocumentKind.REPORT
        chosen = paper if paper in kind.papers else paper_of(kind, self.target(kind))
        sheet = Paper(chosen)
        roll = sheet.thermal
        if report.is_z:
            stem = f"z-report-{report.z_number}"
        else:
            taken = report.taken_at.astimezone().strftime("%Y%m%d-%H%M")
            stem = f"x-report-{report.station_code}-{taken}"
        return PrintJob(
            kind,
            stem,
            shift_report_pdf(report, sheet),
            shift_report_escpos(report, roll) if roll else None,
            chosen,
        )

    def report_job(self, report: ReportTable, paper: str | None = None) -> PrintJob:
        """A manager's report on this station's report paper (or on ``paper``): a table on
        a sheet, label-and-value blocks on a receipt roll. Raises ``NotFound`` before the
        shop is set up."""
        from babel.dates import format_datetime

        from desktop.services.documents.report_pdf import report_pdf

        kind = DocumentKind.REPORT
        chosen = paper if paper in kind.papers else paper_of(kind, self.target(kind))
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            shop, currency = shop_header(profile), profile.currency
        now = datetime.now(UTC).astimezone()
        taken = str(format_datetime(now, format="short", tzinfo=now.tzinfo, locale=shop.locale))
        stem = f"report-{report.key.replace('_', '-')}"
        if report.period is not None:
            stem += f"-{report.period.first:%Y%m%d}-{report.period.last:%Y%m%d}"
        pdf = report_pdf(report, shop, currency, Paper(chosen), taken)
        return PrintJob(kind, stem, pdf, None, chosen)

    def sales_document_job(
        self,
        document: DocumentView,
        kind: DocumentKind | None = None,
        paper: str | None = None,
        open_drawer: bool = False,
    ) -> PrintJob:
        """A sale, invoice or credit note rendered for this station's target of ``kind``
        (or on ``paper``): a receipt (roll PDF and ESC/POS bytes) for RECEIPT, a sheet
        for INVOICE. Without ``kind``, invoices go to the INVOICE target and sales and
        credit notes to the RECEIPT one (a refund prints where the sale did).

        ``open_drawer`` puts the drawer's pulse at the start of the ESC/POS bytes, so
        the drawer opens only when the job goes to an ESC/POS receipt printer; for other
        targets call ``open_drawer()``, which says why it cannot. Raises ``NotFound``
        before the shop is set up and ``ValueError`` for another kind of document."""
        from desktop.services.documents import sales
        from desktop.services.sales_types import DocumentKind as SalesKind

        if kind is None:
            invoice = document.kind is SalesKind.INVOICE
            kind = DocumentKind.INVOICE if invoice else DocumentKind.RECEIPT
        if kind not in {DocumentKind.RECEIPT, DocumentKind.INVOICE}:
            raise ValueError(f"{kind} is not a sales document")
        chosen = paper if paper in kind.papers else paper_of(kind, self.target(kind))
        with self.ctx.uow() as tx:
            seller = shop_header(shop_profile(tx.session))
        stem = f"{document.kind.label.lower().replace(' ', '-')}-{document.number or 'draft'}"
        sheet = Paper(chosen)
        roll = sheet.thermal
        if roll is None:
            pdf = sales.sales_document_pdf(document, seller, sheet, today=date.today())
            return PrintJob(kind, stem, pdf, None, chosen)
        return PrintJob(
            kind,
            stem,
            sales.sales_receipt_pdf(document, seller, roll),
            sales.sales_receipt_escpos(document, seller, roll, open_drawer),
            chosen,
        )

    def open_drawer(self, timeout: float | None = None) -> PrintResult:
        """Open the cash drawer through this station's receipt printer.

        Blocking (run it off the GUI thread). Saying who opened the drawer and why is
        the caller's part (the cash shift records it). Raises ``PermissionDenied`` when
        nobody is signed in, and ``PrintError`` when the receipt printer is not an
        ESC/POS printer or cannot be reached."""
        from desktop.services.documents.sales import drawer_kick_escpos
        from desktop.services.escpos_output import write_escpos

        if self.ctx.actor is None:
            raise PermissionDenied("Please sign in first.")
        target = self.target(DocumentKind.RECEIPT)
        if not target.type.escpos:
            raise PrintError(DRAWER_NEEDS_ESCPOS)
        write_escpos(target, drawer_kick_escpos(), self.timeout if timeout is None else timeout)
        return PrintResult(target)

    def test_job(self, kind: DocumentKind, target: PrintTarget) -> PrintJob:
        """A short test page for ``target`` on its paper."""
        from desktop.services.documents.printer_test import (
            PrinterTestPage,
            printer_test_escpos,
            printer_test_pdf,
        )

        chosen = paper_of(kind, target)
        shop = self.ctx.station_code
        page = PrinterTestPage(kind.label, target.describe(), f"Station {shop}", chosen)
        roll = Paper(chosen).thermal if _is_roll(chosen) else None
        escpos = printer_test_escpos(page, roll) if roll and target.type.escpos else None
        return PrintJob(kind, f"test-{kind.value}", printer_test_pdf(page), escpos, chosen)

    def send(
        self,
        kind: DocumentKind,
        job: PrintJob,
        target: PrintTarget | None = None,
        timeout: float | None = None,
    ) -> PrintResult:
        """Send ``job`` to the station's target of ``kind`` (or to ``target``).

        Blocking (run it off the GUI thread). System printers are printed by the views
        and are refused here with ``ValueError``. Raises ``PrintError`` with a message
        for the counter when the printer cannot be reached or the file not written.
        """
        chosen = self.target(kind) if target is None else check_target(kind, target)
        seconds = self.timeout if timeout is None else timeout
        if chosen.type is TargetType.NONE:
            raise PrintError(
                f"No printer is set up for {kind.label.lower()}s at this station. "
                "Choose one in Settings → Printers, or save the PDF instead."
            )
        if chosen.type is TargetType.SYSTEM:
            raise ValueError("system printers are printed through Qt by the views")
        if chosen.type is TargetType.PDF_FOLDER:
            return PrintResult(chosen, write_pdf(Path(chosen.folder).expanduser(), job))
        if job.escpos is None:
            raise PrintError(
                f"This {kind.label.lower()} was made for {job.paper or 'sheet'} paper and "
                f"cannot go to {chosen.describe()}. Check the paper size in Settings → Printers."
            )
        from desktop.services.escpos_output import write_escpos

        write_escpos(chosen, job.escpos * chosen.copies, seconds)
        return PrintResult(chosen)


def write_pdf(folder: Path, job: PrintJob) -> Path:
    """Write ``job``'s PDF into ``folder`` atomically (a half-written file never appears
    under its name); an existing file of that name is kept and a number added."""
    try:
        return write_new_file(folder, job.stem, ".pdf", job.pdf)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PrintError(f"Could not save the PDF in {folder}: {reason}.") from error
