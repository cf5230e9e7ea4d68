"""Printers settings, the PDF preview, system printing through Qt, and the fallback
offered when a printer fails."""

from __future__ import annotations

import socket
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from desktop.sample_documents import sample_sales_documents
from desktop.services.customers import CustomerInput
from desktop.services.devices import DeviceInput
from desktop.services.documents.sales import drawer_kick_escpos
from desktop.services.printing import DocumentKind, PrintTarget, TargetType
from desktop.services.tickets import TicketInput
from desktop.views.printing.preview import PdfPreviewDialog
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.printing.system import load_pdf, paint_pdf
from desktop.views.settings.printers import PrinterSettings
from tests.conftest import gui_sign_in_as


def _ticket(services) -> object:
    customer = services.customers.create(CustomerInput(first_name="Rina", last_name="Das"))
    device = services.devices.save(DeviceInput(customer.id, "Phone", "Apple", "iPhone 13"))
    return services.tickets.create(
        TicketInput(customer_id=customer.id, device_id=device.id, problem="Cracked screen")
    ).id


def _barcodes(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        pictures = [page.render(scale=300 / 72).to_pil() for page in document]
    finally:
        document.close()
    return [found.text for picture in pictures for found in zxingcpp.read_barcodes(picture)]


def _settings(qtbot, services, tasks) -> PrinterSettings:
    page = PrinterSettings(services, tasks)
    qtbot.addWidget(page)
    return page


def test_printers_page_saves_a_folder_target(qtbot, shop_services, tasks, tmp_path) -> None:
    page = _settings(qtbot, shop_services, tasks)
    editor = page.editors[DocumentKind.DEVICE_LABEL]
    editor.type.setCurrentIndex(editor.type.findData("pdf_folder"))
    qtbot.keyClicks(editor.folder, str(tmp_path / "labels"))
    editor.paper.setCurrentIndex(editor.paper.findData("102x51"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Saved."
    saved = shop_services.printing.target(DocumentKind.DEVICE_LABEL)
    assert (saved.type, saved.folder, saved.paper) == (
        TargetType.PDF_FOLDER,
        str(tmp_path / "labels"),
        "102x51",
    )
    reloaded = _settings(qtbot, shop_services, tasks)
    assert reloaded.editors[DocumentKind.DEVICE_LABEL].folder.text() == str(tmp_path / "labels")


def test_printers_page_shows_mistakes_at_their_fields(qtbot, shop_services, tasks) -> None:
    page = _settings(qtbot, shop_services, tasks)
    editor = page.editors[DocumentKind.CLAIM_RECEIPT]
    editor.type.setCurrentIndex(editor.type.findData("escpos_network"))
    editor.paper.setCurrentIndex(editor.paper.findData("a4"))
    assert not page.save()
    assert editor.message("host") == "Enter the printer's IP address or host name."
    assert "receipt-roll" in editor.message("paper")
    assert shop_services.printing.target(DocumentKind.CLAIM_RECEIPT) == PrintTarget()


def test_test_print_writes_a_test_page_into_the_folder(
    qtbot, shop_services, tasks, tmp_path
) -> None:
    page = _settings(qtbot, shop_services, tasks)
    editor = page.editors[DocumentKind.CLAIM_RECEIPT]
    editor.type.setCurrentIndex(editor.type.findData("pdf_folder"))
    editor.folder.setText(str(tmp_path))
    qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "test-claim_receipt.pdf"
    assert written.exists()
    assert _barcodes(written.read_bytes()) == ["TEST-1234"]
    assert editor.status.text().startswith("Saved test-claim_receipt.pdf")


def test_technicians_see_but_cannot_change_printers(qtbot, shop_services, tasks) -> None:
    gui_sign_in_as(shop_services, "tom", "technician")
    page = _settings(qtbot, shop_services, tasks)
    assert not page.save_button.isEnabled()
    assert not page.editors[DocumentKind.CLAIM_RECEIPT].isEnabled()


def test_preview_shows_the_pages_and_saves_the_pdf(qtbot, shop_services, tmp_path) -> None:
    job = shop_services.printing.ticket_job(DocumentKind.CLAIM_RECEIPT, _ticket(shop_services))
    dialog = PdfPreviewDialog(job.pdf, "Claim receipt", job.stem)
    qtbot.addWidget(dialog)
    assert dialog.page_count() == 1
    assert dialog.save_to(tmp_path / "copy.pdf")
    assert (tmp_path / "copy.pdf").read_bytes() == job.pdf
    assert not dialog.save_to(tmp_path / "missing" / "copy.pdf")
    assert dialog.status.text().startswith("Could not save")


def test_system_printing_paints_every_page_readably(qtbot, shop_services, tmp_path) -> None:
    job = shop_services.printing.ticket_job(
        DocumentKind.CLAIM_RECEIPT, _ticket(shop_services), paper="thermal_80"
    )
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(300)
    document, buffer = load_pdf(job.pdf)
    paint_pdf(document, printer)
    document.close()
    buffer.close()
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert _barcodes(printed) == ["T-A-10001"]
    pages = pdfium.PdfDocument(printed)
    try:
        assert round(pages[0].get_width()) == round(80 / 25.4 * 72)
    finally:
        pages.close()


def test_a_failed_print_offers_the_preview_and_keeps_the_document(
    qtbot, shop_services, tasks, tmp_path: Path
) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    shop_services.printing.set_target(
        DocumentKind.CLAIM_RECEIPT,
        PrintTarget(TargetType.ESCPOS_NETWORK, paper="thermal_80", host="127.0.0.1", port=port),
    )
    printer = DocumentPrinter(shop_services, tasks, _parent(qtbot))
    with qtbot.waitSignal(printer.failed) as failed:
        printer.print_ticket_document(DocumentKind.CLAIM_RECEIPT, _ticket(shop_services))
    assert "refused the connection" in failed.args[0]
    box = printer.last_problem
    assert box is not None
    preview_button = next(b for b in box.buttons() if b.text() == "Open preview")
    preview_button.click()
    assert printer.last_preview is not None and printer.last_preview.page_count() == 1
    saved = printer.save_pdf(_job(shop_services), tmp_path / "kept.pdf")
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")
    box.close()
    printer.last_preview.close()


def test_no_printer_opens_the_preview(qtbot, shop_services, tasks) -> None:
    printer = DocumentPrinter(shop_services, tasks, _parent(qtbot))
    printer.print_ticket_document(DocumentKind.DEVICE_LABEL, _ticket(shop_services))
    assert printer.last_preview is not None
    assert printer.last_preview.windowTitle() == "Device label"
    printer.last_preview.close()


def _parent(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _job(services):
    return services.printing.test_job(DocumentKind.CLAIM_RECEIPT, PrintTarget())


# -- sales documents and the cash drawer -------------------------------------------------


def test_a_sale_prints_its_receipt_into_the_folder(qtbot, shop_services, tasks, tmp_path) -> None:
    shop_services.printing.set_target(
        DocumentKind.RECEIPT,
        PrintTarget(TargetType.PDF_FOLDER, paper="thermal_58", folder=str(tmp_path)),
    )
    sale = sample_sales_documents().sale
    printer = DocumentPrinter(shop_services, tasks, _parent(qtbot))
    with qtbot.waitSignal(printer.printed) as printed:
        printer.print_sales_document(sale, open_drawer=True)
    assert printed.args[0].startswith("Saved sale-S-A-000311.pdf")
    assert _barcodes((tmp_path / "sale-S-A-000311.pdf").read_bytes()) == ["S-A-000311"]


def test_an_invoice_previews_on_its_sheets(qtbot, shop_services, tasks) -> None:
    printer = DocumentPrinter(shop_services, tasks, _parent(qtbot))
    printer.preview_sales_document(sample_sales_documents().invoice)
    assert printer.last_preview is not None
    assert printer.last_preview.windowTitle() == "Invoice"
    assert printer.last_preview.page_count() == 2
    printer.last_preview.close()


def test_the_drawer_without_a_receipt_printer_says_how_to_set_one(
    qtbot, shop_services, tasks
) -> None:
    printer = DocumentPrinter(shop_services, tasks, _parent(qtbot))
    with qtbot.waitSignal(printer.failed) as failed:
        printer.open_drawer()
    assert failed.args[0] == (
        "The cash drawer opens through an ESC/POS receipt printer; set one in Settings → Printers."
    )


def test_the_drawer_opens_through_the_network_receipt_printer(qtbot, shop_services, tasks) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    shop_services.printing.set_target(
        DocumentKind.RECEIPT,
        PrintTarget(
            TargetType.ESCPOS_NETWORK,
            paper="thermal_80",
            host="127.0.0.1",
            port=listener.getsockname()[1],
        ),
    )
    printer = DocumentPrinter(shop_services, tasks, _parent(qtbot))
    try:
        with qtbot.waitSignal(printer.printed) as printed:
            printer.open_drawer()
        connection, _address = listener.accept()
        with connection:
            received = connection.recv(64)
    finally:
        listener.close()
    assert printed.args[0] == "The cash drawer is open."
    assert received == drawer_kick_escpos()
