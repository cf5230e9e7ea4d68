"""Building blocks the PDF documents share: styles, the logo, a barcode sized to fit,
dates in the shop's language, and fitting text into a box."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from babel.dates import format_date, format_time, get_datetime_format
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader, simpleSplit
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


def split_lines(value: str, font: str, size: float, width: float) -> list[str]:
    """``value`` broken into lines no wider than ``width``: at spaces, and inside a word
    too long for a line of its own."""
    lines: list[str] = []
    for line in simpleSplit(value, font, size, width) or [""]:
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


@dataclass(frozen=True)
class TextRun:
    """Plain text in one font, size and colour."""

    value: str
    font: str
    size: float
    color: Any = INK


class PlainLines(Flowable):  # type: ignore[misc]
    """Runs of plain text, each wrapped to the width it is given, one under another.

    Much quicker to lay out than a Paragraph, which parses markup: for the many cells
    of a long table."""

    LEADING = 1.25

    def __init__(self, runs: list[TextRun]) -> None:
        super().__init__()
        self.runs = runs
        self._lines: list[tuple[str, TextRun]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._lines = [
            (line, run)
            for run in self.runs
            if run.value
            for line in split_lines(run.value, run.font, run.size, available_width)
        ]
        self.width = available_width
        self.height = sum(run.size * self.LEADING for _line, run in self._lines)
        return self.width, self.height

    def draw(self) -> None:
        top = self.height
        for line, run in self._lines:
            top -= run.size * self.LEADING
            self.canv.setFont(run.font, run.size)
            self.canv.setFillColor(run.color)
            # The baseline sits above the line's bottom by the font's usual descent.
            self.canv.drawString(0, top + run.size * 0.25, line)


def sheet_footer(
    shop: ShopHeader, margin: float, page_number: bool = True
) -> Callable[[Canvas, Any], None]:
    """Draws the shop's name, contacts, address and the page number under each sheet
    (without the number when ``page_of_pages`` writes "Page x of y" there instead)."""
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
        if page_number:
            canvas.drawRightString(page_width - margin, 7.5 * MM, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def page_of_pages(margin: float) -> Callable[[Canvas, int, int], None]:
    """Draws "Page x of y" where ``sheet_footer`` puts the page number."""
    fonts = document_fonts()

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        canvas.setFont(fonts.regular, 8)
        canvas.drawRightString(canvas._pagesize[0] - margin, 7.5 * MM, f"Page {page} of {pages}")
        canvas.restoreState()

    return draw


def _counting_canvas(number: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that keeps its pages until the end, when the number of pages is known,
    and then lets ``number`` write on each (ReportLab's own "page x of y" recipe)."""

    class CountingCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for page, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                number(self, page, len(self._held))
                super().showPage()
            super().save()

    return CountingCanvas


def build_pdf(
    story: list[Flowable],
    pagesize: tuple[float, float],
    margins: tuple[float, float, float],
    title: str,
    author: str,
    subject: str,
    on_page: Callable[[Canvas, Any], None] | None = None,
    page_numbers: Callable[[Canvas, int, int], None] | None = None,
) -> bytes:
    """Lay ``story`` out on pages of ``pagesize`` with (side, top, bottom) margins.

    ``on_page`` draws on each page before its content; ``page_numbers`` draws on each
    after the last page is laid out, knowing how many there are."""
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
    if page_numbers is None:
        doc.build(story)
    else:
        doc.build(story, canvasmaker=_counting_canvas(page_numbers))
    return out.getvalue()


def roll_pdf(
    story: Callable[[float], list[Flowable]],
    page_width: float,
    side: float,
    title: str,
    author: str,
    subject: str,
) -> bytes:
    """A one-page PDF as wide as a receipt roll and as long as ``story(width)`` (called
    twice: laying a story out uses it up)."""
    width = page_width - 2 * side
    measure = Canvas(io.BytesIO())
    height = sum(
        f.wrapOn(measure, width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        for f in story(width)
    )
    top = 5 * MM
    # A little slack: platypus adds spacing between flowables that wrap() does not report.
    pagesize = (page_width, height + 2 * top + 6 * MM)
    return build_pdf(story(width), pagesize, (side, top, top), title, author, subject)


def _no_decoration(canvas: Canvas, doc: Any) -> None:
    return None


def field_table(
    rows: Sequence[tuple[str, str]], width: float, st: Styles, label_share: float = 0.32
) -> Table:
    """Labels beside their values, the labels' column ``label_share`` of ``width`` (at
    most 26 mm)."""
    label_width = min(26 * MM, width * label_share)
    table = Table(
        [[text(label, st.label), text(value, st.body)] for label, value in rows],
        colWidths=[label_width, width - label_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


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
