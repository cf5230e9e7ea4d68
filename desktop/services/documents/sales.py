"""A sale, an invoice or a credit note on paper: an A4 or Letter PDF; a receipt as
ESC/POS bytes for 58 and 80 mm printers, or the same receipt as a PDF as wide as the
roll; and the pulse that opens the cash drawer.

On a sheet a completed sale is titled "Receipt" (its number is a sale's, S-A-…, not an
invoice's), an invoice "Invoice" and a credit note "Credit note" with the number of the
document it refunds. The words and figures come from ``sales_wording``, so every form
prints the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from escpos.printer import Dummy
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.services.documents import pdfparts
from desktop.services.documents.fonts import document_fonts
from desktop.services.documents.paper import MM, Paper, ThermalWidth
from desktop.services.documents.pdfparts import PlainLines, Styles, TextRun, code128, text
from desktop.services.documents.sales_wording import Row, Wording
from desktop.services.documents.thermal import DRAWER_PIN, Slip, can_print
from desktop.services.documents.tickets import ShopHeader
from desktop.services.sales_types import DocumentView, LineView

MARGIN = 16 * MM
STAMP = colors.HexColor("#b3261e")
MUTED_HEX = pdfparts.MUTED.hexval()[2:]


def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=pdfparts.RULE, spaceBefore=4, spaceAfter=4)


def _style(name: str, parent: ParagraphStyle, **changes: Any) -> ParagraphStyle:
    return ParagraphStyle(name, parent=parent, **changes)


def _with_detail(label: str, detail: str, size: float) -> str:
    """Paragraph markup: ``label`` with ``detail`` smaller and muted on the line below."""
    markup = escape(label)
    if detail:
        markup += f'<br/><font size="{size:g}" color="#{MUTED_HEX}">{escape(detail)}</font>'
    return markup


def _row_table(rows: Sequence[Row], width: float, st: Styles, amount_width: float) -> Table:
    """Labels on the left, amounts flush right; strong rows bold under a line."""
    fonts = document_fonts()
    size = st.body.fontSize * 0.95
    label_style = _style("row_label", st.body, fontSize=size, leading=size * 1.25)
    strong_style = _style("row_strong", label_style, fontName=fonts.bold)
    data: list[list[object]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (1, 0), (1, -1), fonts.regular, size),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for index, row in enumerate(rows):
        style = strong_style if row.strong else label_style
        data.append([Paragraph(_with_detail(row.label, row.detail, size * 0.8), style), row.amount])
        if row.strong:
            commands += [
                ("FONT", (1, index), (1, index), fonts.bold, size),
                ("LINEABOVE", (0, index), (-1, index), 0.6, pdfparts.INK),
            ]
    table = Table(data, colWidths=[width - amount_width, amount_width])
    table.setStyle(TableStyle(commands))
    return table


# -- the sheet ------------------------------------------------------------------------


def _seller_block(
    seller: ShopHeader, st: Styles, logo_width: float, centered: bool = False
) -> list[Flowable]:
    body = _style("seller_center", st.body, alignment=TA_CENTER) if centered else st.body
    name = _style("shop_center", st.shop_name, alignment=TA_CENTER) if centered else st.shop_name
    block: list[Flowable] = []
    logo = pdfparts.logo_image(
        seller.logo, logo_width, 20 * MM if logo_width > 40 * MM else 16 * MM
    )
    if logo is not None:
        logo.hAlign = "CENTER" if centered else "LEFT"
        block += [logo, Spacer(1, 2 * MM)]
    reach = "  ·  ".join(p for p in (seller.phone, seller.email) if p)
    ids = [f"Tax ID {seller.tax_id}"] if seller.tax_id else []
    block += [text(seller.name, name), text(seller.address, body), text(reach, body)]
    block.append(text("\n".join([*ids, *seller.tax_ids]), body))
    return block


def _document_block(words: Wording, width: float, st: Styles) -> list[Flowable]:
    block: list[Flowable] = [
        text(words.title.upper(), _style("title_right", st.label, alignment=TA_RIGHT)),
        text(words.number, _style("number_right", st.number, alignment=TA_RIGHT)),
    ]
    if words.view.number:
        barcode = code128(words.view.number, width, 14 * MM)
        barcode.hAlign = "RIGHT"
        block += [Spacer(1, 2 * MM), barcode]
    if words.view.original_number:
        refund = f"Refund of {words.view.original_number}"
        right = _style("refund_right", st.body, alignment=TA_RIGHT)
        block += [Spacer(1, 1 * MM), text(refund, right)]
    return block


def _facts_table(facts: Sequence[tuple[str, str]], width: float, st: Styles) -> Table:
    shouted = [(label.upper(), value) for label, value in facts]
    return pdfparts.field_table(shouted, width, st, label_share=0.4)


def _party_block(words: Wording, st: Styles) -> list[Flowable]:
    customer = words.view.customer
    if customer is None:
        return []
    reach = "  ·  ".join(p for p in (customer.phone, customer.email) if p)
    block: list[Flowable] = [
        text(words.party_heading.upper(), st.label),
        text(customer.name, _style("party_name", st.body, fontName=st.heading.fontName)),
        text(customer.address, st.body),
        text(reach, st.body),
    ]
    if customer.tax_id:
        block.append(text(f"Tax ID {customer.tax_id}", st.body))
    return block


def _stamp_banner(words: Wording, width: float, st: Styles) -> Table:
    style = _style("stamp", st.body, textColor=STAMP, fontName=st.heading.fontName)
    banner = Table([[text(f"{words.stamp} — {words.stamp_note}", style)]], colWidths=[width])
    banner.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, STAMP),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return banner


# Column, width in mm (0: the description takes what is left).
LINE_COLUMNS = (
    ("#", 7),
    ("DESCRIPTION", 0),
    ("QTY", 12),
    ("UNIT PRICE", 24),
    ("DISCOUNT", 22),
    ("TAX", 15),
    ("AMOUNT", 26),
)


def _line_discount(words: Wording, line: LineView) -> str:
    if not line.line_discount:
        return ""
    shown = words.money(-line.line_discount)
    if line.discount_kind == "percent":
        shown += "\n" + words.percent(line.discount_value)
    return shown


def _lines_table(words: Wording, width: float, st: Styles) -> Table:
    """The lines, numbers as plain cells (quick to lay out) and the description wrapping;
    the discount column only when a line has a discount."""
    fonts = document_fonts()
    discounts = any(line.line_discount for line in words.view.lines)
    columns = [c for c in LINE_COLUMNS if discounts or c[0] != "DISCOUNT"]
    rows: list[list[object]] = [[heading for heading, _mm in columns]]
    for number, line in enumerate(words.view.lines, start=1):
        description = PlainLines(
            [
                TextRun(line.description, fonts.regular, 9),
                TextRun(words.line_references(line), fonts.regular, 7, pdfparts.MUTED),
            ]
        )
        cells: list[object] = [
            str(number),
            description,
            words.count(line.quantity),
            words.money(line.unit_price),
            *([_line_discount(words, line)] if discounts else []),
            words.percent(line.tax_rate_bp),
            words.money(words.line_amount(line)),
        ]
        rows.append(cells)
    widths = [mm * MM for _heading, mm in columns]
    widths[1] = width - sum(widths)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.bold, 7.5),
                ("TEXTCOLOR", (0, 0), (-1, 0), pdfparts.MUTED),
                ("FONT", (0, 1), (-1, -1), fonts.regular, 9, 11.5),
                ("TEXTCOLOR", (0, 1), (0, -1), pdfparts.MUTED),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 1), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, pdfparts.INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, pdfparts.RULE),
            ]
        )
    )
    return table


def _tax_table(words: Wording, width: float) -> Table:
    fonts = document_fonts()
    rows: list[list[str]] = [["TAX RATE", "NET", "TAX", "GROSS"]]
    rows += [list(words.band_figures(band)) for band in words.view.bands]
    table = Table(rows, colWidths=[width * 0.22, width * 0.26, width * 0.26, width * 0.26])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), fonts.bold, 7.5),
                ("TEXTCOLOR", (0, 0), (-1, 0), pdfparts.MUTED),
                ("FONT", (0, 1), (-1, -1), fonts.regular, 9),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, pdfparts.RULE),
            ]
        )
    )
    return table


def _money_section(words: Wording, width: float, st: Styles) -> list[Flowable]:
    """Tax per rate beside the totals, then the payments beside what is paid and owed."""
    left, gap = width * 0.55, width * 0.07
    right = width - left - gap
    amounts = 30 * MM
    totals = pdfparts.plain_table(
        [[_tax_table(words, left), "", _row_table(words.totals(), right, st, amounts)]],
        [left, gap, right],
    )
    section: list[Flowable] = [Spacer(1, 4 * MM), KeepTogether(totals)]
    payments = words.payments(dated=True)
    settlement = words.settlement()
    if payments or settlement:
        listed: list[Flowable] = [text(words.payments_heading, st.heading)]
        if payments:
            listed.append(_row_table(payments, left, st, amounts))
        else:
            listed.append(text("None yet.", st.body))
        owed: list[Flowable] = []
        if settlement:
            owed = [Spacer(1, 6 * MM), _row_table(settlement, right, st, amounts)]
        block = pdfparts.plain_table([[listed, "", owed]], [left, gap, right])
        section += [Spacer(1, 5 * MM), KeepTogether(block)]
    return section


def _notes(words: Wording, st: Styles, pages: bool = True) -> list[Flowable]:
    """The document's notes and the shop's bank details; on sheets each kept on one
    page (a roll has only one)."""
    blocks: list[list[Flowable]] = []
    if words.view.notes.strip():
        blocks.append([text("Notes", st.heading), text(words.view.notes, st.body)])
    if words.shows_bank_details:
        blocks.append([text("Bank details", st.heading), text(words.seller.bank_details, st.body)])
    if pages:
        return [KeepTogether(block) for block in blocks]
    return [flowable for block in blocks for flowable in block]


def _footer(words: Wording, style: ParagraphStyle) -> list[Flowable]:
    return [Spacer(1, 4 * MM), text(words.footer, style)] if words.footer else []


def _decoration(words: Wording) -> Callable[[Canvas, Any], None]:
    """Each page's footer, the stamp across a void or draft document, and on later pages
    the document's number at the top."""
    footer = pdfparts.sheet_footer(words.seller, MARGIN, page_number=False)
    fonts = document_fonts()

    def draw(canvas: Canvas, doc: Any) -> None:
        footer(canvas, doc)
        width, height = doc.pagesize
        canvas.saveState()
        if words.stamp:
            across = math.hypot(width, height) * 0.6
            size = min(150.0, across / stringWidth(words.stamp, fonts.bold, 1))
            canvas.setFillColor(STAMP)
            canvas.setFillAlpha(0.13)
            canvas.setFont(fonts.bold, size)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(math.degrees(math.atan2(height, width)))
            canvas.drawCentredString(0, -size * 0.35, words.stamp)
        canvas.restoreState()
        if doc.page > 1:
            canvas.saveState()
            canvas.setFillColor(pdfparts.MUTED)
            canvas.setFont(fonts.regular, 8)
            continued = f"{words.title} {words.number}, continued"
            canvas.drawRightString(width - MARGIN, height - 9 * MM, continued)
            canvas.restoreState()

    return draw


def _sheet_story(words: Wording, width: float, st: Styles) -> list[Flowable]:
    header = pdfparts.plain_table(
        [[_seller_block(words.seller, st, 45 * MM), _document_block(words, width * 0.45, st)]],
        [width * 0.55, width * 0.45],
    )
    facts = _facts_table([*words.facts(), ("Status", words.status)], width * 0.45, st)
    parties = pdfparts.plain_table([[_party_block(words, st), facts]], [width * 0.55, width * 0.45])
    story: list[Flowable] = [header, _rule()]
    if words.stamp:
        story += [_stamp_banner(words, width, st), Spacer(1, 3 * MM)]
    story += [parties, Spacer(1, 6 * MM), _lines_table(words, width, st)]
    story += _money_section(words, width, st) + _notes(words, st)
    return story + _footer(words, st.small)


def sales_document_pdf(
    view: DocumentView,
    seller: ShopHeader,
    paper: Paper = Paper.A4,
    today: date | None = None,
) -> bytes:
    """The document on a sheet (A4, Letter), or its receipt for a roll paper.

    Long documents run over pages with the column headings repeated and "Page x of y";
    ``today`` lets an unpaid invoice past its due date say "Overdue"."""
    roll = paper.thermal
    if roll is not None:
        return sales_receipt_pdf(view, seller, roll)
    words = Wording(view, seller, today)
    pagesize = paper.sheet_size
    width = pagesize[0] - 2 * MARGIN
    return pdfparts.build_pdf(
        _sheet_story(words, width, pdfparts.styles()),
        pagesize,
        (MARGIN, 14 * MM, 22 * MM),
        f"{words.title} {words.number}",
        seller.name,
        words.title,
        _decoration(words),
        pdfparts.page_of_pages(MARGIN),
    )


# -- the receipt as a roll PDF ------------------------------------------------------------


def _roll_lines(words: Wording, width: float, st: Styles) -> Table:
    """Each line's description across the roll, then quantity x price and the amount."""
    fonts = document_fonts()
    size = st.body.fontSize * 0.95
    cell = _style("roll_cell", st.body, fontSize=size, leading=size * 1.2)
    data: list[list[object]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, size),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]
    for line in words.view.lines:
        description = _with_detail(line.description, words.line_references(line), size * 0.8)
        commands.append(("SPAN", (0, len(data)), (1, len(data))))
        data.append([Paragraph(description, cell), ""])
        each = f"   {words.count(line.quantity)} × {words.money(line.unit_price)}"
        data.append([each, words.money(line.quantity * line.unit_price)])
        if line.line_discount:
            data.append([f"   {words.line_discount_label(line)}", words.money(-line.line_discount)])
        commands.append(("BOTTOMPADDING", (0, len(data) - 1), (-1, len(data) - 1), 3))
    table = Table(data, colWidths=[width * 0.62, width * 0.38])
    table.setStyle(TableStyle(commands))
    return table


def _roll_story(words: Wording, width: float, st: Styles) -> list[Flowable]:
    view = words.view
    center = _style("center", st.body, alignment=TA_CENTER)
    small_center = _style("small_center", st.small, alignment=TA_CENTER)
    amounts = width * 0.38
    story = _seller_block(words.seller, st, min(45 * MM, width * 0.6), centered=True)
    if words.stamp:
        stamp = _style("stamp_center", st.number, alignment=TA_CENTER, textColor=STAMP)
        story += [Spacer(1, 2 * MM), text(words.stamp, stamp), text(words.stamp_note, center)]
    story += [
        Spacer(1, 2 * MM),
        text(words.title.upper(), _style("title_center", st.label, alignment=TA_CENTER)),
        text(words.number, _style("number_center", st.number, alignment=TA_CENTER)),
        _rule(),
    ]
    facts = words.facts()
    if view.customer is not None:
        facts.append((words.party_heading, view.customer.name))
        if view.customer.tax_id:
            facts.append(("Tax ID", view.customer.tax_id))
    story += [_facts_table(facts, width, st), _rule(), _roll_lines(words, width, st), _rule()]
    story.append(_row_table(words.totals(), width, st, amounts))
    taxes = [
        Row(f"Tax {rate} on {net}", tax)
        for rate, net, tax, _gross in map(words.band_figures, view.bands)
    ]
    story += [Spacer(1, 1.5 * MM), _row_table(taxes, width, st, amounts)]
    paid = words.payments(dated=False) + words.settlement()
    if paid:
        story += [_rule(), _row_table(paid, width, st, amounts)]
    story += _notes(words, st, pages=False)
    if view.number:
        barcode = code128(view.number, width, 12 * MM, module=0.3 * MM)
        barcode.hAlign = "CENTER"
        story += [Spacer(1, 4 * MM), barcode, text(view.number, small_center)]
    return story + _footer(words, small_center)


def sales_receipt_pdf(
    view: DocumentView, seller: ShopHeader, width: ThermalWidth = ThermalWidth.MM80
) -> bytes:
    """The receipt as one PDF page as wide as the roll and as long as the receipt, for
    shops that print receipts on a roll printer without ESC/POS."""
    words = Wording(view, seller)
    st = pdfparts.styles(scale=0.8 if width is ThermalWidth.MM58 else 0.9)
    return pdfparts.roll_pdf(
        lambda inner: _roll_story(words, inner, st),
        float(width) * MM,
        (float(width) - width.printable_mm) / 2 * MM,
        f"{words.title} {words.number}",
        seller.name,
        words.title,
    )


# -- the receipt as ESC/POS ----------------------------------------------------------------


def _slip_header(slip: Slip, seller: ShopHeader) -> None:
    slip.line(seller.name, align="center", bold=True, size="tall")
    slip.style(align="center")
    ids = [f"Tax ID {seller.tax_id}"] if seller.tax_id else []
    for part in (*seller.address.splitlines(), seller.phone, *ids, *seller.tax_ids):
        if part.strip():
            slip.line(part.strip())
    slip.style()
    slip.feed()


def _slip_lines(slip: Slip, words: Wording) -> None:
    for line in words.view.lines:
        slip.line(line.description)
        references = words.line_references(line)
        if references:
            slip.pair(f"  {references}", indent=2)
        each = f"  {words.count(line.quantity)} x {words.money(line.unit_price)}"
        slip.pair(each, words.money(line.quantity * line.unit_price), indent=4)
        if line.line_discount:
            label = f"  {words.line_discount_label(line)}"
            slip.pair(label, words.money(-line.line_discount), indent=4)


def _slip_rows(slip: Slip, rows: Sequence[Row]) -> None:
    """Label and amount rows; the strong ones (total, change, balance) bold and tall."""
    for row in rows:
        if row.strong:
            slip.pair(row.label, row.amount, bold=True, size="tall")
        else:
            slip.pair(row.label, row.amount)
        if row.detail:
            slip.pair(f"  {row.detail}", indent=2)


def sales_receipt_escpos(
    view: DocumentView,
    seller: ShopHeader,
    width: ThermalWidth = ThermalWidth.MM80,
    open_drawer: bool = False,
) -> bytes:
    """The receipt as ESC/POS bytes for a 58 or 80 mm printer, with the number as a
    barcode for returns. With ``open_drawer`` the drawer's pulse comes first, so the
    drawer is open for the change while the receipt prints."""
    words = Wording(view, seller)
    slip = Slip(width)
    if open_drawer:
        slip.open_drawer()
    _slip_header(slip, seller)
    if words.stamp:
        slip.line(f"*** {words.stamp} ***", align="center", bold=True, size="tall")
        slip.line(words.stamp_note, align="center")
    slip.line(words.title.upper(), align="center", bold=True)
    slip.line(words.number, align="center", bold=True, size="tall")
    facts = words.facts()
    if not all(can_print(value) for _label, value in facts):
        facts = words.facts(numeric_dates=True)
    for label, value in facts:
        slip.field(label, value)
    if view.customer is not None:
        slip.field(words.party_heading, view.customer.name)
        slip.field("Tax ID", view.customer.tax_id)
    slip.rule()
    _slip_lines(slip, words)
    slip.rule()
    _slip_rows(slip, words.totals())
    for rate, net, tax, _gross in map(words.band_figures, view.bands):
        slip.pair(f"Tax {rate} on {net}", tax)
    paid = words.payments(dated=False) + words.settlement()
    if paid:
        slip.rule()
        _slip_rows(slip, paid)
    if view.notes.strip():
        slip.rule()
        slip.line(view.notes)
    if words.shows_bank_details:
        slip.rule()
        slip.line("Bank details", bold=True)
        slip.line(seller.bank_details)
    slip.feed()
    if view.number:
        slip.barcode(view.number)
    if words.footer:
        slip.feed()
        slip.line(words.footer, align="center")
    return slip.finish()


def drawer_kick_escpos() -> bytes:
    """The bytes that only open the cash drawer: the ESC p pulse on pin 2, no paper fed
    and nothing cut, so opening the drawer for change wastes no receipt.

    Pin 2 (``thermal.DRAWER_PIN``), because a drawer plugged into a receipt printer's
    drawer port (the RJ11/RJ12 "DK" socket) is wired to pin 2 almost everywhere; pin 5
    is for a second drawer on the same port."""
    printer = Dummy()
    printer.cashdraw(DRAWER_PIN)
    return bytes(printer.output)
