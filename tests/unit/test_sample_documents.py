"""`benchside sample-documents DIR` writes every sample from a real demo ticket."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
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


def _barcodes(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        picture = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(picture)]


def test_sample_item_labels_read_back_as_their_barcodes(tmp_path: Path) -> None:
    from desktop.sample_documents import write_samples

    write_samples(tmp_path)
    roll = pdfium.PdfDocument((tmp_path / "item-labels.pdf").read_bytes())
    sheet = pdfium.PdfDocument((tmp_path / "item-labels-a4.pdf").read_bytes())
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
