"""Building blocks the PDF documents share: styles, the logo, a barcode sized to fit,
dates in the shop's language, and fitting text into a box."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from babel.dates import format_date, format_time, get_datetime_format
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from desktop.services.documents.fonts import document_fonts
from desktop.services.documents.paper import MM

if TYPE_CHECKING:
    from desktop.services.documents.tickets import ShopHeader

INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#59636e")
RULE = colors.HexColor("#c8ccd1")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    heading: ParagraphStyle
    shop_name: ParagraphStyle
    number: ParagraphStyle
    centered: ParagraphStyle


def styles(scale: float = 1.0) -> Styles:
    """Paragraph styles in the document fonts; ``scale`` < 1 for narrow receipts."""
    fonts = document_fonts()

    def style(name: str, size: float, bold: bool = False, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=fonts.bold if bold else fonts.regular,
            fontSize=size * scale,
            leading=size * scale * 1.25,
            textColor=extra.pop("textColor", INK),
            **extra,
        )

    return Styles(
        body=style("body", 10),
        small=style("small", 7.5, textColor=MUTED),
        label=style("label", 7.5, bold=True, textColor=MUTED, spaceAfter=1),
        heading=style("heading", 11, bold=True, spaceBefore=4, spaceAfter=2),
        shop_name=style("shop_name", 16, bold=True),
        number=style("number", 20, bold=True),
        centered=style("centered", 10, alignment=TA_CENTER),
    )


def text(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (markup escaped, line breaks kept), wrapping to its width."""
    return Paragraph(escape(value).replace("\n", "<br/>"), style)


def logo_image(logo: bytes | None, max_width: float, max_height: float) -> Image | None:
    """The shop's logo scaled into the box, or None when absent or not a readable image."""
    if not logo:
        return None
    try:
        width, height = ImageReader(io.BytesIO(logo)).getSize()
    except Exception:  # a damaged logo must not stop a receipt from printing
        return None
    if width <= 0 or height <= 0:
        return None
    factor = min(max_width / width, max_height / height)
    return Image(io.BytesIO(logo), width=width * factor, height=height * factor)


def code128(value: str, max_width: float, bar_height: float, module: float = 0.33 * MM) -> Code128:
    """A vector Code 128 barcode of ``value`` no wider than ``max_width`` points.

    Modules never get thinner than 0.19 mm, which 203 dpi printers and phone cameras
    still resolve; a longer value then overflows rather than becoming unreadable.
    """
    probe = Code128(value, barWidth=module, barHeight=bar_height, humanReadable=False)
    if probe.width > max_width:
        module = max(0.19 * MM, module * max_width / probe.width)
        probe = Code128(value, barWidth=module, barHeight=bar_height, humanReadable=False)
    return probe


def local_datetime(value: datetime, locale: str) -> str:
    """``value`` (aware) in this computer's time zone, as the shop's language writes it."""
    local = value.astimezone()
    # The medium date and the short time (no seconds), joined as the locale joins them.
    day = str(format_date(local.date(), format="medium", locale=locale))
    clock = str(format_time(local, format="short", tzinfo=local.tzinfo, locale=locale))
    pattern = str(get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", day).replace("{0}", clock)


def local_date(value: datetime, locale: str) -> str:
    return str(format_date(value.astimezone().date(), format="medium", locale=locale))


def fitted_size(value: str, font: str, largest: float, smallest: float, width: float) -> float:
    """The largest font size from ``largest`` down to ``smallest`` at which ``value`` fits."""
    size = largest
    while size > smallest and stringWidth(value, font, size) > width:
        size -= 0.5
    return max(size, smallest)


def truncated(value: str, font: str, size: float, width: float) -> str:
    """``value`` cut with an ellipsis so that it fits ``width`` at ``size``."""
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def sheet_footer(shop: ShopHeader, margin: float) -> Callable[[Canvas, Any], None]:
    """Draws the shop's name, contacts, address and the page number under each sheet."""
    fonts = document_fonts()

    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        page_width = doc.pagesize[0]
        canvas.setStrokeColor(RULE)
        canvas.line(margin, 16 * MM, page_width - margin, 16 * MM)
        canvas.setFillColor(MUTED)
        canvas.setFont(fonts.bold, 8)
        canvas.drawString(margin, 11 * MM, shop.name)
        canvas.setFont(fonts.regular, 8)
        canvas.drawString(margin, 7.5 * MM, shop.contacts)
        address = " · ".join(line.strip() for line in shop.address.splitlines() if line.strip())
        canvas.drawRightString(page_width - margin, 11 * MM, address)
        canvas.drawRightString(page_width - margin, 7.5 * MM, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def build_pdf(
    story: list[Flowable],
    pagesize: tuple[float, float],
    margins: tuple[float, float, float],
    title: str,
    author: str,
    subject: str,
    on_page: Callable[[Canvas, Any], None] | None = None,
) -> bytes:
    """Lay ``story`` out on pages of ``pagesize`` with (side, top, bottom) margins."""
    side, top, bottom = margins
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=pagesize, title=title, author=author, subject=subject)
    frame = Frame(
        side,
        bottom,
        pagesize[0] - 2 * side,
        pagesize[1] - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",  # flowables that lay out columns ask for their frame by name
    )
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page or _no_decoration)])
    doc.build(story)
    return out.getvalue()


def _no_decoration(canvas: Canvas, doc: Any) -> None:
    return None


def plain_table(rows: list[list[object]], widths: list[float]) -> Table:
    """Columns side by side (a header's shop and document blocks), top-aligned, with no
    padding at the edges."""
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
