"""`benchside sample-documents DIR` writes every sample from a real demo ticket."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from desktop.cli import main
from desktop.sample_documents import SAMPLES


def test_sample_documents_writes_every_file(tmp_path: Path, capsys) -> None:
    assert main(["sample-documents", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(s.file_name for s in SAMPLES)
    receipt = (tmp_path / "claim-receipt.bin").read_bytes()
    assert receipt.startswith(b"\x1b@")
    # The demo shop has a few tickets already; the sample is the newest one.
    barcodes = {
        name: _barcodes(tmp_path / name) for name in ("device-label.pdf", "claim-receipt.pdf")
    }
    number = barcodes["device-label.pdf"][0]
    assert barcodes == {"device-label.pdf": [number], "claim-receipt.pdf": [number]}
    assert number.startswith("T-A-1") and b"{B" + number.encode() in receipt
    assert b"Deposit paid" in receipt
    assert "claim-receipt-a4.pdf" in capsys.readouterr().out
    assert _barcodes(tmp_path / "purchase-order.pdf") == ["PO-A-000001"]
    z_report = (tmp_path / "z-report.bin").read_bytes()
    assert (
        z_report.startswith(b"\x1b@") and b"Z report Z-A-00001" in z_report and b"Short" in z_report
    )
    assert (tmp_path / "z-report.pdf").read_bytes().startswith(b"%PDF")


def _barcodes(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        picture = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(picture)]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop.sample_documents import write_samples

    folder = tmp_path_factory.mktemp("samples")
    write_samples(folder)
    return folder


def test_sample_item_labels_read_back_as_their_barcodes(samples: Path) -> None:
    roll = pdfium.PdfDocument((samples / "item-labels.pdf").read_bytes())
    sheet = pdfium.PdfDocument((samples / "item-labels-a4.pdf").read_bytes())
    try:
        assert len(roll) == 3 and len(sheet) == 1
        codes = [_decode(page) for page in roll]
        on_sheet = _decode(sheet[0])
    finally:
        roll.close()
        sheet.close()
    assert all(len(found) == 1 and len(found[0]) == 13 for found in codes)
    assert len(on_sheet) == 24 and len(set(on_sheet)) == 8


def _decode(page: pdfium.PdfPage) -> list[str]:
    picture = page.render(scale=300 / 72).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(picture)]


def _all_pages(pdf: Path) -> tuple[list[str], list[str]]:
    """Each page's text (single-spaced) and every barcode read off the pages."""
    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        texts = [" ".join(page.get_textpage().get_text_range().split()) for page in document]
        codes = [code for page in document for code in _decode(page)]
    finally:
        document.close()
    return texts, codes


def test_sample_sales_documents_print_the_demo_shop_and_read_back(samples: Path) -> None:
    invoice, invoice_codes = _all_pages(samples / "invoice.pdf")
    assert len(invoice) >= 2 and invoice_codes == ["INV-A-000042"]
    assert all("DESCRIPTION QTY UNIT PRICE TAX AMOUNT" in page for page in invoice)
    assert "Routing 021000021" in invoice[-1]  # the shop's bank details from its profile
    credit, credit_codes = _all_pages(samples / "credit-note.pdf")
    assert credit_codes == ["CN-A-000007"]
    assert "CREDIT NOTE CN-A-000007 Refund of S-A-000311" in credit[0]
    receipt, receipt_codes = _all_pages(samples / "sale-receipt.pdf")
    assert receipt_codes == ["S-A-000311"]
    assert "Benchside Demo Repairs" in receipt[0] and "Change $6.34" in receipt[0]
    escpos = (samples / "sale-receipt.bin").read_bytes()
    assert escpos.startswith(b"\x1b@") and b"{BS-A-000311" in escpos
    assert b"Thank you! Keep this receipt" in escpos


def test_every_report_prints_from_the_demo_shop(samples: Path) -> None:
    from desktop.services.report_catalog import REPORTS

    for report in REPORTS:
        texts, _codes = _all_pages(samples / f"report-{report.key.replace('_', '-')}.pdf")
        assert report.title in texts[0] and "Benchside Demo Repairs" in texts[0], report.key
    by_day, _ = _all_pages(samples / "report-sales-by-day.pdf")
    assert "Total" in by_day[0]
    refunds, _ = _all_pages(samples / "report-refunds-and-voids.pdf")
    assert "Refund" in refunds[0] and "put back on the shelf" in refunds[0]
