"""A report as a PDF: on a sheet (A4 or Letter, turned sideways when its columns need the
width) as a table with a repeated header row, its totals and its notes; on a receipt
roll as one block per row, label beside value.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Spacer, Table, TableStyle

from desktop.services.documents import pdfparts
from desktop.services.documents.paper import MM, Paper
from desktop.services.documents.pdfparts import Styles, text
from desktop.services.documents.tickets import ShopHeader
from desktop.services.report_format import display, period_text
from desktop.services.report_types import ReportTable

SUBJECT = "Report"
# Columns past this many turn the sheet sideways.
PORTRAIT_COLUMNS = 6
# A month of days fits; beyond, the biggest bars are drawn, in their order.
CHART_BARS = 31


def report_pdf(
    report: ReportTable, shop: ShopHeader, currency: str, paper: Paper, taken: str
) -> bytes:
    """``taken``: when the figures were read, as the header prints it."""
    if paper.thermal:
        return _roll_pdf(report, shop, currency, paper, taken)
    return _sheet_pdf(report, shop, currency, paper, taken)


def _cells(report: ReportTable, currency: str, locale: str) -> list[list[str]]:
    rows = [*report.rows, *((report.totals,) if report.totals else ())]
    return [
        [display(c, v, currency, locale) for c, v in zip(report.columns, row, strict=True)]
        for row in rows
    ]


def _sheet_pdf(
    report: ReportTable, shop: ShopHeader, currency: str, paper: Paper, taken: str
) -> bytes:
    pagesize = paper.sheet_size
    if len(report.columns) > PORTRAIT_COLUMNS:
        pagesize = landscape(pagesize)
    margin, top, bottom = 14 * MM, 14 * MM, 22 * MM
    width = pagesize[0] - 2 * margin
    st = pdfparts.styles(0.95)
    story: list[Flowable] = [*_header(report, shop, width, st, taken), _rule()]
    if report.empty:
        story.append(text("Nothing to report for this period.", st.body))
    else:
        story.append(_table(report, currency, shop.locale, width, st))
        chart = _chart(report, width)
        if chart is not None:
            story += [Spacer(1, 6 * MM), text(report.chart_title, st.heading), chart]
    for note in report.notes:
        story += [Spacer(1, 2 * MM), text(note, st.small)]
    return pdfparts.build_pdf(
        story,
        pagesize,
        (margin, top, bottom),
        report.title,
        shop.name,
        SUBJECT,
        pdfparts.sheet_footer(shop, margin, page_number=False),
        pdfparts.page_of_pages(margin),
    )


def _header(
    report: ReportTable, shop: ShopHeader, width: float, st: Styles, taken: str
) -> list[Flowable]:
    right = ParagraphStyle("right", parent=st.body, alignment=TA_RIGHT)
    left: list[Flowable] = [text(shop.name, st.shop_name)]
    period = period_text(report.period, shop.locale)
    title = [
        text(SUBJECT.upper(), ParagraphStyle("kind", parent=st.label, alignment=TA_RIGHT)),
        text(report.title, ParagraphStyle("title", parent=st.number, alignment=TA_RIGHT)),
        text(period or "As of now", right),
        text(f"Taken {taken}", ParagraphStyle("taken", parent=st.small, alignment=TA_RIGHT)),
    ]
    return [pdfparts.plain_table([[left, title]], [width * 0.45, width * 0.55])]


def _table(report: ReportTable, currency: str, locale: str, width: float, st: Styles) -> Table:
    right = ParagraphStyle("cell_right", parent=st.body, alignment=TA_RIGHT)
    bold = ParagraphStyle("cell_bold", parent=st.body, fontName=st.heading.fontName)
    bold_right = ParagraphStyle("cell_bold_right", parent=right, fontName=st.heading.fontName)
    head = ParagraphStyle("head", parent=st.label)
    head_right = ParagraphStyle("head_right", parent=head, alignment=TA_RIGHT)
    columns = report.columns
    numeric = [c.numeric for c in columns]
    # Text columns share what the numbers leave; numbers get what their widest value needs.
    number_width = 24 * MM
    text_columns = sum(1 for n in numeric if not n) or 1
    text_width = max((width - number_width * sum(numeric)) / text_columns, 22 * MM)
    widths = [number_width if n else text_width for n in numeric]
    scale = width / sum(widths)
    widths = [w * scale for w in widths]
    total_row = len(report.rows) if report.totals else None
    data: list[list[object]] = [
        [text(c.title, head_right if n else head) for c, n in zip(columns, numeric, strict=True)]
    ]
    for index, row in enumerate(_cells(report, currency, locale)):
        strong = index == total_row
        data.append(
            [
                text(
                    value, (bold_right if strong else right) if n else (bold if strong else st.body)
                )
                for value, n in zip(row, numeric, strict=True)
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, pdfparts.INK),
    ]
    for index in range(2, len(data), 2):
        commands.append(("BACKGROUND", (0, index), (-1, index), "#f4f5f7"))
    if total_row is not None:
        commands.append(("LINEABOVE", (0, total_row + 1), (-1, total_row + 1), 0.8, pdfparts.INK))
    table.setStyle(TableStyle(commands))
    return table


def _chart(report: ReportTable, width: float) -> Drawing | None:
    """The report's chart as horizontal bars, in the report's order (the biggest
    ``CHART_BARS`` of a longer one)."""
    points = [p for p in report.chart if isinstance(p.value, int | float)]
    if len(points) > CHART_BARS:
        biggest = sorted(range(len(points)), key=lambda i: -abs(points[i].value))[:CHART_BARS]
        points = [points[i] for i in sorted(biggest)]
    if len(points) < 2 or not any(p.value for p in points):
        return None
    bar = (5 if len(points) <= 12 else 3.5) * MM
    height = bar * len(points) + 10 * MM
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * MM, 4 * MM
    chart.width, chart.height = width - 55 * MM, bar * len(points)
    chart.data = [[float(p.value) for p in reversed(points)]]
    chart.categoryAxis.categoryNames = [p.label[:28] for p in reversed(points)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = pdfparts.MUTED
    chart.bars[0].strokeColor = None
    lowest = min(0.0, *(float(p.value) for p in points))
    chart.valueAxis.valueMin = lowest
    drawing.add(chart)
    return drawing


def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=pdfparts.RULE, spaceBefore=4, spaceAfter=6)


def _roll_pdf(
    report: ReportTable, shop: ShopHeader, currency: str, paper: Paper, taken: str
) -> bytes:
    roll = paper.thermal
    assert roll is not None
    page_width = float(roll) * MM
    side = (float(roll) - roll.printable_mm) / 2 * MM
    st = pdfparts.styles(0.85)

    def story(width: float) -> list[Flowable]:
        right = ParagraphStyle("roll_right", parent=st.body, alignment=TA_RIGHT)
        flow: list[Flowable] = [
            text(shop.name, st.shop_name),
            text(report.title, st.heading),
            text(period_text(report.period, shop.locale) or "As of now", st.body),
            text(f"Taken {taken}", st.small),
            _rule(),
        ]
        if report.empty:
            flow.append(text("Nothing to report for this period.", st.body))
        for row in _cells(report, currency, shop.locale):
            pairs = [
                [text(c.title, st.small), text(v, right)]
                for c, v in zip(report.columns[1:], row[1:], strict=True)
                if v
            ]
            flow.append(text(row[0] or "", st.heading))
            if pairs:
                block = Table(pairs, colWidths=[width * 0.5, width * 0.5])
                block.setStyle(
                    TableStyle(
                        [
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                        ]
                    )
                )
                flow.append(block)
        for note in report.notes:
            flow += [Spacer(1, 2 * MM), text(note, st.small)]
        return flow

    return pdfparts.roll_pdf(story, page_width, side, report.title, shop.name, SUBJECT)
