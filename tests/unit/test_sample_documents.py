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
    assert (tmp_path / "claim-receipt.bin").read_bytes().startswith(b"\x1b@")
    document = pdfium.PdfDocument((tmp_path / "device-label.pdf").read_bytes())
    try:
        picture = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    assert [found.text for found in zxingcpp.read_barcodes(picture)] == ["T-A-10001"]
    assert "claim-receipt-a4.pdf" in capsys.readouterr().out
