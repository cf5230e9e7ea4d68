"""Print targets per station and sending jobs to real sockets, folders and devices."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from desktop.models import LocalSetting, OutboxEntry, ShopProfile, User
from desktop.sample_documents import sample_sales_documents
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.documents.sales import drawer_kick_escpos
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.printing import (
    DocumentKind,
    PrintError,
    PrintJob,
    PrintTarget,
    TargetType,
)
from desktop.services.sales_types import DocumentKind as SalesKind
from desktop.services.sales_types import DocumentView
from desktop.services.shop import shop_profile
from desktop.services.ticket_documents import shop_header, ticket_documents
from desktop.services.tickets import TicketInput
from tests.unit.conftest import add_staff, sign_in_as

NETWORK = PrintTarget(TargetType.ESCPOS_NETWORK, paper="thermal_80", host="127.0.0.1")


@pytest.fixture
def ticket_id(shop: Services) -> object:
    add_staff(shop, "tom", "technician")
    customer = shop.customers.create(
        CustomerInput(
            first_name="Rina",
            last_name="Das",
            phones=[PhoneInput("+1 555 0101", "mobile"), PhoneInput("+1 555 0202", "work")],
        )
    )
    device = shop.devices.save(
        DeviceInput(customer.id, "Phone", "Samsung", "Galaxy S24", serial="R5CX", imei="")
    )
    with shop.ctx.uow() as tx:
        tom = tx.session.scalar(select(User.id).where(User.username == "tom"))
    return shop.tickets.create(
        TicketInput(
            customer_id=customer.id,
            device_id=device.id,
            problem="Cracked screen",
            condition={"Powers on": True, "Scratches": False},
            condition_notes="Dent on the corner",
            accessories=["Case"],
            estimate_labour=2500,
            estimate_parts=9900,
            promised_at=datetime(2030, 1, 1, 17, 0, tzinfo=UTC),
            assigned_to_id=tom,
        )
    ).id


def _job(escpos: bytes | None = b"\x1b@hello\x1dV\x00") -> PrintJob:
    return PrintJob(DocumentKind.CLAIM_RECEIPT, "claim-receipt-T-A-10001", b"%PDF-1.4 x", escpos)


# -- targets ---------------------------------------------------------------------------


def test_every_document_starts_without_a_printer(shop: Services) -> None:
    assert set(shop.printing.targets().values()) == {PrintTarget()}


def test_a_target_is_kept_per_station_and_never_synced(shop: Services, tmp_path: Path) -> None:
    saved = shop.printing.set_target(
        DocumentKind.DEVICE_LABEL, PrintTarget(TargetType.PDF_FOLDER, folder=str(tmp_path))
    )
    assert saved.paper == "62x29"  # the label's default size filled in
    assert shop.printing.target(DocumentKind.DEVICE_LABEL) == saved
    assert shop.printing.target(DocumentKind.CLAIM_RECEIPT) == PrintTarget()
    with shop.ctx.uow() as tx:
        stored = tx.session.scalar(
            select(LocalSetting.value).where(LocalSetting.key == "printer.device_label")
        )
        tables = set(tx.session.scalars(select(OutboxEntry.table_name)))
    assert stored is not None and '"pdf_folder"' in stored
    assert "local_settings" not in tables


def test_a_damaged_setting_reads_as_no_printer(shop: Services) -> None:
    with shop.ctx.uow() as tx:
        tx.session.add(LocalSetting(key="printer.receipt", value="{not json"))
        tx.commit()
    assert shop.printing.target(DocumentKind.RECEIPT) == PrintTarget()


@pytest.mark.parametrize(
    ("kind", "target", "fields"),
    [
        (DocumentKind.CLAIM_RECEIPT, replace(NETWORK, host=""), {"host"}),
        (DocumentKind.CLAIM_RECEIPT, replace(NETWORK, host="bad host!", port=0), {"host", "port"}),
        (DocumentKind.CLAIM_RECEIPT, replace(NETWORK, paper="a4"), {"paper"}),
        (DocumentKind.INVOICE, NETWORK, {"type", "paper"}),
        (DocumentKind.DEVICE_LABEL, PrintTarget(TargetType.SYSTEM, paper="a4"), {"paper"}),
        (DocumentKind.CLAIM_RECEIPT, PrintTarget(TargetType.PDF_FOLDER, folder="out"), {"folder"}),
        (DocumentKind.CLAIM_RECEIPT, PrintTarget(TargetType.SYSTEM, copies=0), {"copies"}),
        (
            DocumentKind.RECEIPT,
            PrintTarget(TargetType.ESCPOS_USB, usb_vendor_id=0x04B8),
            {"usb_product_id"},
        ),
        (
            DocumentKind.RECEIPT,
            PrintTarget(TargetType.ESCPOS_SERIAL, baud_rate=1234),
            {"serial_device", "baud_rate"},
        ),
    ],
)
def test_wrong_targets_are_refused_field_by_field(
    shop: Services, kind: DocumentKind, target: PrintTarget, fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.printing.set_target(kind, target)
    assert set(refused.value.errors) == fields
    assert shop.printing.target(kind) == PrintTarget()


def test_only_managers_and_owners_change_printers(shop: Services) -> None:
    add_staff(shop, "tom", "technician")
    sign_in_as(shop, "tom")
    with pytest.raises(PermissionDenied):
        shop.printing.set_target(DocumentKind.RECEIPT, NETWORK)


# -- the ticket's documents --------------------------------------------------------------


def test_ticket_documents_read_the_customer_device_and_technician(
    shop: Services, ticket_id: object
) -> None:
    with shop.ctx.uow() as tx:
        claim, label = ticket_documents(tx.session, ticket_id)  # type: ignore[arg-type]
    assert (claim.ticket_number, claim.customer_name, claim.customer_phone) == (
        "T-A-10001",
        "Rina Das",
        "+1 555 0101",
    )
    assert (claim.device, claim.serial, claim.technician) == ("Samsung Galaxy S24", "R5CX", "Tom")
    assert claim.condition == ("Powers on: yes", "Scratches: no", "Notes: Dent on the corner")
    assert (claim.estimate_total, claim.currency, claim.accessories) == (12_400, "USD", ("Case",))
    assert claim.shop.name == "Fix-It Corner" and claim.signature_png is None
    assert "data loss" in claim.terms  # the shop's own terms
    assert (label.ticket_number, label.device) == ("T-A-10001", "Samsung Galaxy S24")


def test_the_claim_receipt_carries_the_intake_signature_and_current_terms(
    shop: Services, ticket_id: object
) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (120, 40), 255).save(out, "PNG")
    shop.ticket_work.sign(ticket_id, "intake", out.getvalue(), "Rina Das")  # type: ignore[arg-type]
    shop.shop.update_ticket_settings("Collect within 30 days.", 60)
    with shop.ctx.uow() as tx:
        claim, _label = ticket_documents(tx.session, ticket_id)  # type: ignore[arg-type]
    assert claim.signature_png == out.getvalue() and claim.signed_at is not None
    assert claim.terms == "Collect within 30 days."


def test_a_missing_ticket_is_not_found(shop: Services) -> None:
    import uuid

    with pytest.raises(NotFound):
        shop.printing.ticket_job(DocumentKind.CLAIM_RECEIPT, uuid.uuid4())


def test_ticket_jobs_follow_the_paper_of_the_target(shop: Services, ticket_id: object) -> None:
    sheet = shop.printing.ticket_job(DocumentKind.CLAIM_RECEIPT, ticket_id)  # type: ignore[arg-type]
    assert (sheet.paper, sheet.escpos, sheet.stem) == ("a4", None, "claim-receipt-T-A-10001")
    shop.printing.set_target(DocumentKind.CLAIM_RECEIPT, replace(NETWORK, paper="thermal_58"))
    roll = shop.printing.ticket_job(DocumentKind.CLAIM_RECEIPT, ticket_id)  # type: ignore[arg-type]
    assert roll.paper == "thermal_58" and roll.pdf.startswith(b"%PDF")
    assert roll.escpos is not None and b"{BT-A-10001" in roll.escpos
    label = shop.printing.ticket_job(DocumentKind.DEVICE_LABEL, ticket_id)  # type: ignore[arg-type]
    assert (label.paper, label.stem) == ("62x29", "device-label-T-A-10001")


# -- sending: folders ----------------------------------------------------------------------


def test_pdf_folder_writes_the_file_and_never_overwrites(shop: Services, tmp_path: Path) -> None:
    target = PrintTarget(TargetType.PDF_FOLDER, folder=str(tmp_path / "out"))
    first = shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job(), target)
    second = shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job(), target)
    assert first.path == tmp_path / "out" / "claim-receipt-T-A-10001.pdf"
    assert second.path == tmp_path / "out" / "claim-receipt-T-A-10001-2.pdf"
    assert first.path.read_bytes() == b"%PDF-1.4 x"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "claim-receipt-T-A-10001-2.pdf",
        "claim-receipt-T-A-10001.pdf",
    ]
    assert "Saved claim-receipt-T-A-10001.pdf" in first.message


def test_an_unwritable_folder_is_a_print_error(shop: Services, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = PrintTarget(TargetType.PDF_FOLDER, folder=str(blocker / "pdfs"))
    with pytest.raises(PrintError, match="Could not save the PDF"):
        shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job(), target)


def test_no_printer_or_a_sheet_job_for_a_receipt_printer_is_a_print_error(
    shop: Services,
) -> None:
    with pytest.raises(PrintError, match="No printer is set up for claim receipts"):
        shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job())
    with pytest.raises(PrintError, match="Check the paper size"):
        shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job(escpos=None), NETWORK)


# -- sending: a receipt printer on the network ---------------------------------------------


class FakePrinterServer:
    """A TCP server on 127.0.0.1 standing in for a receipt printer's port 9100."""

    def __init__(self, read: bool = True, accept: bool = True) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=1)
        self.port: int = self.sock.getsockname()[1]
        self.received = bytearray()
        self._done = threading.Event()
        self._read, self._accept = read, accept
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        if not self._accept:
            self._done.wait()
            return
        connection, _ = self.sock.accept()
        with connection:
            if not self._read:
                self._done.wait()
                return
            while chunk := connection.recv(65536):
                self.received += chunk

    def close(self) -> None:
        self._done.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def server() -> Iterator[FakePrinterServer]:
    running = FakePrinterServer()
    yield running
    running.close()


def test_network_printer_receives_exactly_the_job_bytes(
    shop: Services, server: FakePrinterServer
) -> None:
    target = replace(NETWORK, port=server.port, copies=2)
    job = _job(bytes(range(256)) * 100)
    result = shop.printing.send(DocumentKind.CLAIM_RECEIPT, job, target)
    server.close()
    assert bytes(server.received) == bytes(range(256)) * 200
    assert result.message == f"Sent to the receipt printer at 127.0.0.1:{server.port}."


def test_a_refused_port_fails_at_once(shop: Services) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    started = time.monotonic()
    with pytest.raises(PrintError, match="refused the connection"):
        shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job(), replace(NETWORK, port=port))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("behaviour", [{"read": False}, {"accept": False}])
def test_a_printer_that_stops_answering_times_out(shop: Services, behaviour: dict) -> None:
    stuck = FakePrinterServer(**behaviour)
    try:
        started = time.monotonic()
        big = _job(b"\x00" * (64 * 1024 * 1024))
        with pytest.raises(PrintError, match=r"did not answer within 0\.3 seconds"):
            shop.printing.send(
                DocumentKind.CLAIM_RECEIPT, big, replace(NETWORK, port=stuck.port), timeout=0.3
            )
        assert time.monotonic() - started < 5
    finally:
        stuck.close()


def test_printers_get_five_seconds_to_answer_by_default(shop: Services) -> None:
    assert shop.printing.timeout == 5.0


# -- sending: devices that are not there ---------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            PrintTarget(
                TargetType.ESCPOS_USB,
                paper="thermal_80",
                usb_vendor_id=0x0FFF,
                usb_product_id=0x0FFE,
            ),
            "USB receipt printer 0fff:0ffe",
        ),
        (
            PrintTarget(
                TargetType.ESCPOS_SERIAL, paper="thermal_80", serial_device="/dev/no-such-tty"
            ),
            "receipt printer on /dev/no-such-tty",
        ),
        (
            PrintTarget(TargetType.ESCPOS_WIN32, paper="thermal_80", printer_name="EPSON"),
            "Windows",
        ),
    ],
)
def test_missing_devices_are_print_errors(
    shop: Services, target: PrintTarget, message: str
) -> None:
    with pytest.raises(PrintError, match=message):
        shop.printing.send(DocumentKind.CLAIM_RECEIPT, _job(), target, timeout=0.5)


# -- sales documents and the cash drawer -------------------------------------------------


@pytest.fixture
def sale() -> DocumentView:
    return sample_sales_documents(datetime(2030, 1, 1, 10, 0, tzinfo=UTC)).sale


def _selling_settings(shop: Services, **values: str) -> None:
    with shop.ctx.uow() as tx:
        tx.session.execute(update(ShopProfile).values(**values))
        tx.commit()


def test_the_shop_header_carries_the_selling_settings(shop: Services) -> None:
    _selling_settings(
        shop,
        tax_ids="VAT GB 123 4567 89\n\n  EORI GB123456789000  \n",
        bank_details="Sort code 12-34-56",
        receipt_footer="Thanks!",
    )
    with shop.ctx.uow() as tx:
        header = shop_header(shop_profile(tx.session))
    assert header.tax_ids == ("VAT GB 123 4567 89", "EORI GB123456789000")
    assert (header.bank_details, header.receipt_footer, header.locale) == (
        "Sort code 12-34-56",
        "Thanks!",
        "en_US",
    )


def test_a_sale_prints_as_a_receipt_and_an_invoice_on_a_sheet(
    shop: Services, sale: DocumentView
) -> None:
    _selling_settings(shop, receipt_footer="Returns within 14 days.")
    receipt = shop.printing.sales_document_job(sale)
    assert (receipt.kind, receipt.paper, receipt.stem) == (
        DocumentKind.RECEIPT,
        "thermal_80",
        "sale-S-A-000311",
    )
    assert receipt.pdf.startswith(b"%PDF") and receipt.escpos is not None
    assert b"Returns within 14 days." in receipt.escpos and b"Fix-It Corner" in receipt.escpos
    invoice = replace(sale, kind=SalesKind.INVOICE, number="INV-A-000001")
    sheet = shop.printing.sales_document_job(invoice)
    assert (sheet.kind, sheet.paper, sheet.escpos) == (DocumentKind.INVOICE, "a4", None)
    assert sheet.stem == "invoice-INV-A-000001"


def test_sales_jobs_follow_the_paper_of_the_station_target(
    shop: Services, sale: DocumentView
) -> None:
    shop.printing.set_target(DocumentKind.RECEIPT, replace(NETWORK, paper="thermal_58"))
    shop.printing.set_target(DocumentKind.INVOICE, PrintTarget(TargetType.SYSTEM, paper="letter"))
    assert shop.printing.sales_document_job(sale).paper == "thermal_58"
    assert shop.printing.sales_document_job(sale, DocumentKind.INVOICE).paper == "letter"
    on_a4 = shop.printing.sales_document_job(sale, DocumentKind.INVOICE, paper="a4")
    assert on_a4.paper == "a4"
    with pytest.raises(ValueError):
        shop.printing.sales_document_job(sale, DocumentKind.CLAIM_RECEIPT)


def test_a_receipt_that_opens_the_drawer_reaches_the_printer_with_the_pulse_first(
    shop: Services, sale: DocumentView, server: FakePrinterServer
) -> None:
    target = replace(NETWORK, port=server.port)
    job = shop.printing.sales_document_job(sale, open_drawer=True)
    shop.printing.send(DocumentKind.RECEIPT, job, target)
    server.close()
    assert bytes(server.received).startswith(b"\x1b@" + drawer_kick_escpos())
    assert b"{BS-A-000311" in server.received


def test_open_drawer_sends_only_the_pulse_to_the_receipt_printer(
    shop: Services, server: FakePrinterServer
) -> None:
    shop.printing.set_target(DocumentKind.RECEIPT, replace(NETWORK, port=server.port))
    result = shop.printing.open_drawer()
    server.close()
    assert bytes(server.received) == drawer_kick_escpos()
    assert result.message == f"Sent to the receipt printer at 127.0.0.1:{server.port}."


@pytest.mark.parametrize("kind", [TargetType.NONE, TargetType.SYSTEM, TargetType.PDF_FOLDER])
def test_open_drawer_refuses_a_receipt_printer_that_is_not_escpos(
    shop: Services, kind: TargetType, tmp_path: Path
) -> None:
    if kind is not TargetType.NONE:
        target = PrintTarget(kind, paper="thermal_80", folder=str(tmp_path))
        shop.printing.set_target(DocumentKind.RECEIPT, target)
    with pytest.raises(PrintError) as refused:
        shop.printing.open_drawer()
    assert str(refused.value) == (
        "The cash drawer opens through an ESC/POS receipt printer; set one in Settings → Printers."
    )


def test_open_drawer_needs_someone_signed_in(shop: Services) -> None:
    shop.accounts.logout()
    with pytest.raises(PermissionDenied):
        shop.printing.open_drawer()


def test_an_unreachable_drawer_printer_is_a_print_error(shop: Services) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    shop.printing.set_target(DocumentKind.RECEIPT, replace(NETWORK, port=port))
    with pytest.raises(PrintError, match="refused the connection"):
        shop.printing.open_drawer(timeout=0.5)
