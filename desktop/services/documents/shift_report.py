"""The X report (an open shift's figures so far) and the Z report (a closed shift with its
count): as an A4 or Letter PDF, a receipt-roll PDF and ESC/POS bytes.

Every form prints the same rows in the same order, built once by ``report_sections``:
the shift, sales, tax per rate, takings per payment method, the drawer with its
over/short, the pay-ins and pay-outs, and the count by note and coin.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from babel.dates import format_time
from babel.numbers import format_decimal
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Spacer, Table, TableStyle

from desktop.services.denominations import LOOSE
from desktop.services.documents import pdfparts
from desktop.services.documents.paper import MM, Paper, ThermalWidth
from desktop.services.documents.pdfparts import Styles, local_datetime, text
from desktop.services.documents.thermal import Slip, wrap
from desktop.services.documents.tickets import ShopHeader
from desktop.services.money import format_money
from desktop.services.shift_types import ShiftReport

SUBJECT = "Cash shift report"
_Money = Callable[[int], str]
KEPT_TOGETHER = 20  # rows


@dataclass(frozen=True)
class Row:
    label: str
    value: str = ""
    total: bool = False  # a sum the eye looks for: printed bold


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


def report_sections(report: ShiftReport) -> tuple[Section, ...]:
    """What the report prints, in order, as label and value rows."""

    def money(amount: int) -> str:
        return format_money(amount, report.currency, report.locale)

    sections = [
        _shift_section(report),
        _sales_section(report, money),
        Section(
            "Tax",
            tuple(
                Row(f"{_rate(t.rate_bp, report.locale)} on {money(t.net)}", money(t.tax))
                for t in report.taxes
            )
            or (Row("No taxed sales"),),
        ),
        Section(
            "Takings by payment method",
            (
                *(Row(f"{t.method_name} ({t.payments})", money(t.amount)) for t in report.takings),
                Row("Total", money(sum(t.amount for t in report.takings)), total=True),
            ),
        ),
        _drawer_section(report, money),
    ]
    if report.cash_movements:
        sections.append(
            Section(
                "Pay-ins and pay-outs",
                tuple(
                    Row(
                        f"{_clock(m.at, report.locale)} "
                        f"{'Pay-in' if m.kind == 'pay_in' else 'Pay-out'}: {m.reason}"
                        + (f" ({m.username})" if m.username else ""),
                        money(m.amount if m.kind == "pay_in" else -m.amount),
                    )
                    for m in report.cash_movements
                ),
            )
        )
    if report.is_z:
        sections.append(_count_section(report, money))
    if report.note:
        sections.append(Section("Note", (Row(report.note),)))
    return tuple(sections)


def _shift_section(report: ShiftReport) -> Section:
    station = " · ".join(p for p in (report.station_code, report.station_name) if p)
    rows = [
        Row("Station", station),
        Row("Opened", local_datetime(report.opened_at, report.locale)),
        Row("Opened by", report.opened_by),
    ]
    if report.closed_at is not None:
        rows += [
            Row("Closed", local_datetime(report.closed_at, report.locale)),
            Row("Closed by", report.closed_by),
        ]
    else:
        rows.append(Row("Figures at", local_datetime(report.taken_at, report.locale)))
    return Section("Shift", tuple(r for r in rows if r.value))


def _sales_section(report: ShiftReport, money: _Money) -> Section:
    rows = [
        Row(f"Sales ({report.sales_count})", money(report.sales_total)),
        Row(f"Refunds ({report.refunds_count})", money(-report.refunds_total)),
        Row("Net sales", money(report.net_sales), total=True),
        Row("Discounts given", money(report.discounts_total)),
        Row("Voided sales", str(report.voids_count)),
    ]
    if report.tips_total:
        rows.append(Row("Tips", money(report.tips_total)))
    return Section("Sales", tuple(rows))


def _drawer_section(report: ShiftReport, money: _Money) -> Section:
    rows = [
        Row("Opening float", money(report.opening_float)),
        Row("Cash takings", money(report.cash_takings)),
        Row("Pay-ins", money(report.pay_ins)),
        Row("Pay-outs", money(-report.pay_outs)),
        Row("Expected in the drawer", money(report.expected_cash), total=True),
    ]
    difference = report.over_short
    if report.counted_cash is not None and difference is not None:
        verdict = "Over" if difference > 0 else "Short" if difference < 0 else "Over/short"
        rows += [
            Row("Counted", money(report.counted_cash), total=True),
            Row(verdict, money(difference), total=True),
        ]
    return Section("Cash drawer", tuple(rows))


def _count_section(report: ShiftReport, money: _Money) -> Section:
    rows = [
        Row("Counted as one amount", money(d.total))
        if d.value == LOOSE and len(report.denominations) == 1
        else Row(f"{money(d.value)} x {d.count}", money(d.total))
        for d in report.denominations
    ]
    rows.append(Row("Counted", money(report.counted_cash or 0), total=True))
    return Section("Count", tuple(rows))


def _rate(rate_bp: int, locale: str) -> str:
    return f"{format_decimal(Decimal(rate_bp) / 100, locale=locale)} %"


def _clock(value: datetime, locale: str) -> str:
    local = value.astimezone()
    return str(format_time(local, format="short", tzinfo=local.tzinfo, locale=locale))


def _shop(report: ShiftReport) -> ShopHeader:
    return ShopHeader(
        report.shop_name, report.shop_address, report.shop_phone, tax_id=report.shop_tax_id
    )


def _subtitle(report: ShiftReport) -> str:
    if report.is_z:
        return "Shift closed"
    return "The figures so far; the shift is still open"


# -- PDF ------------------------------------------------------------------------------


def _rows_table(section: Section, width: float, st: Styles) -> Table:
    right = ParagraphStyle("value", parent=st.body, alignment=TA_RIGHT)
    bold = ParagraphStyle("bold", parent=st.body, fontName=st.heading.fontName)
    bold_right = ParagraphStyle("bold_value", parent=right, fontName=st.heading.fontName)
    # The values as wide as the widest needs (a date, a large sum), the labels the rest.
    widest = max(
        stringWidth(row.value, bold_right.fontName if row.total else right.fontName, right.fontSize)
        for row in section.rows
    )
    value_width = min(max(widest + 2 * MM, 20 * MM), width * 0.6)
    table = Table(
        [
            [
                text(row.label, bold if row.total else st.body),
                text(row.value, bold_right if row.total else right),
            ]
            for row in section.rows
        ],
        colWidths=[width - value_width, value_width],
    )
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]
    for index, row in enumerate(section.rows):
        if row.total:
            commands.append(("LINEABOVE", (0, index), (-1, index), 0.5, pdfparts.RULE))
    table.setStyle(TableStyle(commands))
    table.hAlign = "LEFT"
    return table


def _blocks(sections: Sequence[Section], width: float, st: Styles, keep: bool) -> list[Flowable]:
    """Each section's title and rows. With ``keep`` (sheets), a short section is kept on
    one page; a long one (a day of pay-outs) must be free to run on."""
    heading = ParagraphStyle("section", parent=st.heading, keepWithNext=1)
    story: list[Flowable] = []
    for section in sections:
        block = [text(section.title, heading), _rows_table(section, width, st)]
        kept = keep and len(section.rows) <= KEPT_TOGETHER
        story += [KeepTogether(block)] if kept else block
    return story


def _signature(report: ShiftReport, width: float, st: Styles) -> list[Flowable]:
    if not report.is_z:
        return []
    line = HRFlowable(width=min(width, 70 * MM), thickness=0.6, color=pdfparts.INK)
    line.hAlign = "LEFT"
    return [Spacer(1, 12 * MM), line, text("Counted by", st.small)]


def _height(story: list[Flowable], width: float) -> float:
    measure = Canvas(io.BytesIO())
    heights: list[float] = [
        f.wrapOn(measure, width, 100_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story
    ]
    return sum(heights)


def _sheet_header(report: ShiftReport, width: float, st: Styles) -> Table:
    left: list[Flowable] = [
        text(report.shop_name, st.shop_name),
        text(report.shop_address, st.body),
        text(report.shop_phone, st.body),
    ]
    if report.shop_tax_id:
        left.append(text(f"Tax ID {report.shop_tax_id}", st.body))
    right_style = ParagraphStyle("right", parent=st.body, alignment=TA_RIGHT)
    right: list[Flowable] = [
        text(SUBJECT.upper(), ParagraphStyle("title", parent=st.label, alignment=TA_RIGHT)),
        text(report.title, ParagraphStyle("number_right", parent=st.number, alignment=TA_RIGHT)),
        Spacer(1, 1 * MM),
        text(_subtitle(report), right_style),
    ]
    return pdfparts.plain_table([[left, right]], [width * 0.45, width * 0.55])


def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=pdfparts.RULE, spaceBefore=4, spaceAfter=4)


def _sheet_body(report: ShiftReport, width: float, room: float, st: Styles) -> list[Flowable]:
    """Sales on the left, the drawer on the right, when a day fits the page that way (a
    label and its figure stay close enough for the eye to follow); else one column that
    runs on over the pages."""
    gap = 10 * MM
    column = (width - gap) / 2
    sections = report_sections(report)
    # Shift, sales, tax and takings; then the drawer, its movements, the count, the note.
    sales, drawer = sections[:4], sections[4:]

    def columns() -> tuple[list[Flowable], list[Flowable]]:
        left = _blocks(sales, column, st, keep=False)
        right = _blocks(drawer, column, st, keep=False) + _signature(report, column, st)
        return left, right

    if max(_height(part, column) for part in columns()) <= room:
        left, right = columns()
        return [pdfparts.plain_table([[left, right]], [column + gap, column])]
    narrow = min(width, 130 * MM)
    return _blocks(sections, narrow, st, keep=True) + _signature(report, narrow, st)


def _sheet_pdf(report: ShiftReport, paper: Paper) -> bytes:
    margin, top, bottom = 18 * MM, 14 * MM, 22 * MM
    pagesize = paper.sheet_size
    width = pagesize[0] - 2 * margin
    st = pdfparts.styles()
    head = [_sheet_header(report, width, st), _rule()]
    # Slack for the spacing platypus adds between flowables that wrap() does not report.
    room = pagesize[1] - top - bottom - _height(head, width) - 10 * MM
    return pdfparts.build_pdf(
        [_sheet_header(report, width, st), _rule(), *_sheet_body(report, width, room, st)],
        pagesize,
        (margin, top, bottom),
        report.title,
        report.shop_name,
        SUBJECT,
        pdfparts.sheet_footer(_shop(report), margin),
    )


def _roll_story(report: ShiftReport, width: float, st: Styles) -> list[Flowable]:
    center = ParagraphStyle("center", parent=st.body, alignment=TA_CENTER)
    return [
        text(
            report.shop_name,
            ParagraphStyle("shop_center", parent=st.shop_name, alignment=TA_CENTER),
        ),
        text(report.shop_address, center),
        text(report.shop_phone, center),
        Spacer(1, 2 * MM),
        text(report.title, ParagraphStyle("title_center", parent=st.heading, alignment=TA_CENTER)),
        text(_subtitle(report), ParagraphStyle("sub", parent=st.small, alignment=TA_CENTER)),
        _rule(),
        *_blocks(report_sections(report), width, st, keep=False),
        *_signature(report, width, st),
    ]


def _roll_pdf(report: ShiftReport, roll: ThermalWidth) -> bytes:
    """One page as wide as the roll and as long as the report."""
    page_width = float(roll) * MM
    margin = (float(roll) - roll.printable_mm) / 2 * MM
    st = pdfparts.styles(scale=0.8 if roll is ThermalWidth.MM58 else 0.9)
    width = page_width - 2 * margin
    height = _height(_roll_story(report, width, st), width)
    top = 5 * MM
    # A little slack: platypus adds spacing between flowables that wrap() does not report.
    pagesize = (page_width, height + 2 * top + 6 * MM)
    return pdfparts.build_pdf(
        _roll_story(report, width, st),
        pagesize,
        (margin, top, top),
        report.title,
        report.shop_name,
        SUBJECT,
    )


def shift_report_pdf(report: ShiftReport, paper: Paper = Paper.A4) -> bytes:
    """The X or Z report on a sheet (A4, Letter) or as a receipt-roll PDF."""
    roll = paper.thermal
    if roll is not None:
        return _roll_pdf(report, roll)
    return _sheet_pdf(report, paper)


# -- ESC/POS --------------------------------------------------------------------------


def _pair(label: str, value: str, columns: int) -> list[str]:
    """The label on the left and the value flush right; a label too long for one line
    wraps and the value goes right-aligned under it."""
    if len(label) + 1 + len(value) <= columns:
        return [label + " " * (columns - len(label) - len(value)) + value]
    lines = wrap(label, columns, indent=2)
    if value:
        if len(lines[-1]) + 1 + len(value) <= columns:
            last = lines.pop()
            lines.append(last + " " * (columns - len(last) - len(value)) + value)
        else:
            lines.append(value.rjust(columns)[-columns:])
    return lines


def shift_report_escpos(report: ShiftReport, width: ThermalWidth = ThermalWidth.MM80) -> bytes:
    """The X or Z report as ESC/POS bytes for a 58 or 80 mm receipt printer."""
    slip = Slip(width)
    slip.line(report.shop_name, align="center", bold=True, size="tall")
    slip.style(align="center")
    for part in (*report.shop_address.splitlines(), report.shop_phone):
        if part.strip():
            slip.line(part.strip())
    slip.style()
    slip.feed()
    slip.line(report.title, align="center", bold=True, size="tall")
    slip.line(_subtitle(report), align="center")
    for section in report_sections(report):
        slip.rule()
        slip.line(section.title.upper(), bold=True)
        for row in section.rows:
            for part in _pair(row.label, row.value, slip.columns):
                if row.total:
                    slip.line(part, bold=True)
                else:
                    slip.line(part)
    slip.rule()
    if report.is_z:
        slip.feed(2)
        slip.line("_" * (slip.columns * 2 // 3))
        slip.line("Counted by")
    return slip.finish()
