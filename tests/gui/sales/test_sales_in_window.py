"""The sale screen in the main window: receipts print after each sale, a scanned receipt
opens its return, and the credit note prints where the sale did."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import zxingcpp

from desktop.services.items import ItemInput
from desktop.services.printing import DocumentKind, PrintTarget, TargetType
from desktop.views.main_window import MainWindow
from desktop.views.sales.returns import ReturnDialog

EAN = "4006381333931"


def _barcodes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=4).to_pil()
    document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def _window(qtbot, services, bus, tasks, paths) -> MainWindow:
    window = MainWindow(services, bus, tasks, paths)
    qtbot.addWidget(window)
    window.show()
    return window


def test_each_sale_prints_its_receipt_and_a_return_prints_the_credit_note(
    qtbot, shop_services, bus, tasks, gui_paths, tmp_path: Path
):
    item = shop_services.items.create(ItemInput("Case", sell_price=1500, barcodes=[EAN])).item
    shop_services.stock.receive(item.id, 3, 400)
    shop_services.printing.set_target(
        DocumentKind.RECEIPT,
        PrintTarget(TargetType.PDF_FOLDER, paper="thermal_80", folder=str(tmp_path)),
    )
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    page = window.show_page("sales")
    assert window.route_scan(EAN)
    dialog = page.take_payment()
    assert dialog is not None
    with qtbot.waitSignal(window.document_printer.printed):
        dialog.confirm()
    receipt = tmp_path / "sale-S-A-000001.pdf"
    assert _barcodes(receipt.read_bytes()) == ["S-A-000001"]

    assert window.route_scan("S-A-000001")
    returns = next(w for w in window.findChildren(ReturnDialog) if w.isVisible())
    returns.quantities[0].setValue(1)
    returns.reason.setText("Scratched")
    with qtbot.waitSignal(window.document_printer.printed):
        returns.refund()
    assert _barcodes((tmp_path / "credit-note-CN-A-000001.pdf").read_bytes()) == ["CN-A-000001"]
    assert shop_services.stock.on_hand(item.id) == 3


def test_without_a_receipt_printer_a_sale_only_says_how_to_see_its_receipt(
    qtbot, shop_services, bus, tasks, gui_paths
):
    item = shop_services.items.create(ItemInput("Case", sell_price=1500, barcodes=[EAN])).item
    shop_services.stock.receive(item.id, 3, 400)
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    page = window.show_page("sales")
    window.route_scan(EAN)
    dialog = page.take_payment()
    assert dialog is not None
    dialog.confirm()
    assert "No receipt printer is set" in window.statusBar().currentMessage()
    assert window.document_printer.last_preview is None
    page.reprint_last()
    assert window.document_printer.last_preview is not None
    window.document_printer.last_preview.close()
