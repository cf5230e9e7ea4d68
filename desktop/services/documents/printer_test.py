"""A short test page for a printer: which document it is set up for, where it goes, a
barcode to try the scanner on, and a ruler to check the paper width."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from desktop.services.documents import pdfparts
from desktop.services.documents.fonts import document_fonts
from desktop.services.documents.paper import MM, LabelSize, Paper, ThermalWidth
from desktop.services.documents.thermal import Slip

TEST_CODE = "TEST-1234"


@dataclass(frozen=True)
class PrinterTestPage:
    document: str  # e.g. "Claim receipt"
    destination: str  # e.g. "the receipt printer at 192.168.1.50:9100"
    station: str
    paper: str  # a Paper or LabelSize value


def _page_size(paper: str) -> tuple[float, float]:
    if paper in LabelSize._value2member_map_:
        return LabelSize(paper).points
    sheet = Paper(paper)
    width, height = sheet.sheet_size
    return (width, height or 90 * MM)


def printer_test_pdf(page: PrinterTestPage) -> bytes:
    """One page of the paper's size with the test text, a barcode and a width ruler."""
    fonts = document_fonts()
    width, height = _page_size(page.paper)
    small = height < 60 * MM
    margin = (2.5 if small else 10) * MM
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height))
    canvas.setTitle(f"Test page: {page.document}")
    usable = width - 2 * margin
    y = height - margin
    lines = [
        ("Benchside test page", fonts.bold, 9 if small else 16),
        (page.document, fonts.bold, 7 if small else 12),
        (page.destination, fonts.regular, 6 if small else 10),
        (page.station, fonts.regular, 6 if small else 10),
    ]
    for value, font, largest in lines:
        size = pdfparts.fitted_size(value, font, largest, 5, usable)
        y -= size * 1.2
        canvas.setFont(font, size)
        canvas.drawString(margin, y, pdfparts.truncated(value, font, size, usable))
    bar_height = min(12 * MM, max(5 * MM, y - margin - 4 * MM))
    barcode = pdfparts.code128(TEST_CODE, usable, bar_height)
    barcode.drawOn(canvas, margin, y - bar_height - 2 * MM)
    canvas.setStrokeColor(pdfparts.MUTED)
    canvas.rect(1, 1, width - 2, height - 2)  # the edges show whether the page is cut off
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def printer_test_escpos(page: PrinterTestPage, width: ThermalWidth) -> bytes:
    """The test slip for a receipt printer: text, accents, a barcode, a width ruler."""
    slip = Slip(width)
    slip.line("Benchside test page", align="center", bold=True, size="tall")
    slip.line(page.document, align="center", bold=True)
    slip.line(page.destination, align="center")
    slip.line(page.station, align="center")
    slip.rule()
    slip.line("Accents: é è ü ñ ç ø å ł €")
    slip.barcode(TEST_CODE)
    slip.line("".join(str(n % 10) for n in range(1, slip.columns + 1)))
    return slip.finish()
