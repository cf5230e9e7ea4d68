"""Item price labels: the item's name, its price and its barcode, as a PDF either one label
per page (label printers, the label sizes of ``paper.LabelSize``) or on an A4 sheet of
24 labels, 3 across and 8 down (63.5 x 33.9 mm, the common L7159 layout).

Barcodes are vector: EAN-13 and UPC-A as themselves (shop scanners and phones read those
best), anything else (the shop's own SKUs) as Code 128.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas

from desktop.services.documents import pdfparts
from desktop.services.documents.fonts import document_fonts
from desktop.services.documents.paper import MM, LabelSize, Paper

EAN_MODULES = 113  # 95 of the symbol and the quiet zones either side
MAX_LABELS = 2000  # one job; more is a mistake (a quantity typed into the wrong box)


@dataclass(frozen=True)
class SheetLayout:
    """Labels on a sheet: columns x rows of ``label_mm`` at ``pitch_mm`` from the page's
    top-left corner offset by ``margin_mm`` (left, top)."""

    page: Paper
    columns: int
    rows: int
    label_mm: tuple[float, float]
    pitch_mm: tuple[float, float]
    margin_mm: tuple[float, float]

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


A4_3X8 = SheetLayout(Paper.A4, 3, 8, (63.5, 33.9), (66.0, 33.9), (7.25, 12.9))


@dataclass(frozen=True)
class ItemLabel:
    name: str
    price: str  # formatted in the shop's currency, e.g. "$129.00"
    code: str
    symbology: str  # ean13 | upca | code128
    quantity: int = 1


def _barcode(label: ItemLabel, width: float, height: float) -> Drawing:
    """The label's barcode scaled to fit ``width`` x ``height`` points, modules never
    thinner than 0.19 mm (what 203 dpi label printers still resolve)."""
    if label.symbology in ("ean13", "upca"):
        name = "EAN13" if label.symbology == "ean13" else "UPCA"
        module = max(0.19 * MM, min(0.33 * MM, width / EAN_MODULES))
        return createBarcodeDrawing(
            name,
            value=label.code[:-1],  # the widget adds the check digit itself
            barWidth=module,
            barHeight=height,
            fontSize=max(5.0, min(8.0, height * 0.28)),
            humanReadable=True,
        )
    module = 0.3 * MM
    drawing = _code128(label.code, module, height)
    if drawing.width > width:
        module = max(0.19 * MM, module * width / drawing.width)
        drawing = _code128(label.code, module, height)
    return drawing


def _code128(code: str, module: float, height: float) -> Drawing:
    font_size = max(5.0, min(7.0, height * 0.25))
    return createBarcodeDrawing(
        "Code128",
        value=code,
        barWidth=module,
        barHeight=height - font_size - 1,
        fontSize=font_size,
        fontName=document_fonts().regular,
        humanReadable=True,
        quiet=True,
    )


def _draw_label(canvas: Canvas, label: ItemLabel, x: float, y: float, w: float, h: float) -> None:
    """One label with its bottom-left corner at (x, y)."""
    fonts = document_fonts()
    margin = min(2.5 * MM, h * 0.08)
    inner = w - 2 * margin
    scale = h / (29 * MM)
    top = y + h - margin
    name_size = pdfparts.fitted_size(label.name, fonts.bold, 8.5 * scale, 6, inner)
    shown = pdfparts.truncated(label.name, fonts.bold, name_size, inner)
    top -= name_size
    canvas.setFont(fonts.bold, name_size)
    canvas.drawCentredString(x + w / 2, top, shown)
    price_size = pdfparts.fitted_size(label.price, fonts.bold, 13 * scale, 7, inner)
    top -= price_size * 1.1
    canvas.setFont(fonts.bold, price_size)
    canvas.drawCentredString(x + w / 2, top, label.price)
    bar_height = top - price_size * 0.25 - (y + margin)
    drawing = _barcode(label, inner, max(bar_height, 6 * MM))
    scale_down = min(1.0, inner / drawing.width) if drawing.width else 1.0
    if scale_down < 1.0:
        drawing.scale(scale_down, 1.0)
        drawing.width *= scale_down
    renderPDF.draw(drawing, canvas, x + (w - drawing.width) / 2, y + margin)


def _each(labels: Sequence[ItemLabel]) -> Iterator[ItemLabel]:
    for label in labels:
        for _ in range(label.quantity):
            yield label


def item_labels_pdf(labels: Sequence[ItemLabel], paper: str = LabelSize.L62X29.value) -> bytes:
    """Every label ``quantity`` times: one per page on a label size, or filling A4 sheets.

    Raises ``ValueError`` for more than ``MAX_LABELS`` labels or an unknown paper."""
    total = sum(label.quantity for label in labels)
    if total > MAX_LABELS:
        raise ValueError(f"{total} labels in one job; at most {MAX_LABELS}")
    out = io.BytesIO()
    if paper == Paper.A4.value:
        layout = A4_3X8
        page_width, page_height = layout.page.sheet_size
        canvas = Canvas(out, pagesize=(page_width, page_height))
        canvas.setTitle("Item labels")
        width, height = (v * MM for v in layout.label_mm)
        for number, label in enumerate(_each(labels)):
            place = number % layout.per_page
            if number and place == 0:
                canvas.showPage()
            column, row = place % layout.columns, place // layout.columns
            x = (layout.margin_mm[0] + column * layout.pitch_mm[0]) * MM
            y = page_height - (layout.margin_mm[1] + row * layout.pitch_mm[1]) * MM - height
            _draw_label(canvas, label, x, y, width, height)
    else:
        size = LabelSize(paper)
        width, height = size.points
        canvas = Canvas(out, pagesize=(width, height))
        canvas.setTitle("Item labels")
        for number, label in enumerate(_each(labels)):
            if number:
                canvas.showPage()
            _draw_label(canvas, label, 0, 0, width, height)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
