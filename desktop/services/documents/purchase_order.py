"""The purchase order the shop sends to a supplier: an A4 or Letter PDF with the shop,
the supplier, what is ordered under the supplier's part numbers, and the order number
as a barcode that the delivery note can be matched with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Spacer, Table, TableStyle

from desktop.services.documents import pdfparts
from desktop.services.documents.paper import MM, Paper
from desktop.services.documents.pdfparts import Styles, code128, local_date, text
from desktop.services.documents.tickets import ShopHeader
from desktop.services.money import format_money

TITLE = "Purchase order"


@dataclass(frozen=True)
class OrderedLine:
    sku: str
    supplier_sku: str
    name: str
    quantity: int
    unit_cost: int  # minor units

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_cost


@dataclass(frozen=True)
class PurchaseOrderDocument:
    shop: ShopHeader
    number: str
    status: str  # as the shop calls it: "Draft", "Ordered"
    created_at: datetime
    ordered_at: datetime | None
    expected_on: date | None
    supplier_name: str
    supplier_contact: str
    supplier_address: str
    supplier_phone: str
    supplier_email: str
    supplier_terms: str
    deliver_to: str  # the stock location the goods go to
    notes: str
    lines: tuple[OrderedLine, ...]
    currency: str
    locale: str

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def _money(amount: int, data: PurchaseOrderDocument) -> str:
    return format_money(amount, data.currency, data.locale)


def _count(units: int, data: PurchaseOrderDocument) -> str:
    return str(format_decimal(units, locale=data.locale))


def _header(data: PurchaseOrderDocument, width: float, st: Styles) -> Table:
    shop = data.shop
    left: list[Flowable] = []
    logo = pdfparts.logo_image(shop.logo, 45 * MM, 20 * MM)
    if logo is not None:
        logo.hAlign = "LEFT"
        left += [logo, Spacer(1, 2 * MM)]
    reach = "  ·  ".join(p for p in (shop.phone, shop.email) if p)
    left += [text(shop.name, st.shop_name), text(shop.address, st.body), text(reach, st.body)]
    if shop.tax_id:
        left.append(text(f"Tax ID {shop.tax_id}", st.body))
    right_style = ParagraphStyle("right", parent=st.body, alignment=TA_RIGHT)
    barcode = code128(data.number, width * 0.45, 14 * MM)
    barcode.hAlign = "RIGHT"
    right: list[Flowable] = [
        text(TITLE.upper(), ParagraphStyle("title", parent=st.label, alignment=TA_RIGHT)),
        text(data.number, ParagraphStyle("number_right", parent=st.number, alignment=TA_RIGHT)),
        Spacer(1, 2 * MM),
        barcode,
        Spacer(1, 1 * MM),
        text(data.status, right_style),
    ]
    return pdfparts.plain_table([[left, right]], [width * 0.52, width * 0.48])


def _parties(data: PurchaseOrderDocument, width: float, st: Styles) -> Table:
    supplier = [
        text("SUPPLIER", st.label),
        text(
            data.supplier_name,
            ParagraphStyle("supplier", parent=st.body, fontName=st.heading.fontName),
        ),
        text(data.supplier_contact, st.body),
        text(data.supplier_address, st.body),
        text(data.supplier_phone, st.body),
        text(data.supplier_email, st.body),
    ]
    dated = data.ordered_at or data.created_at
    facts = [
        ("Order date", local_date(dated, data.locale)),
        (
            "Expected",
            str(format_date(data.expected_on, format="medium", locale=data.locale))
            if data.expected_on
            else "",
        ),
        ("Deliver to", f"{data.shop.name}, {data.deliver_to}"),
        ("Payment terms", data.supplier_terms),
    ]
    details: list[Flowable] = []
    for label, value in facts:
        if value:
            details += [text(label.upper(), st.label), text(value, st.body), Spacer(1, 1 * MM)]
    return pdfparts.plain_table([[supplier, details]], [width * 0.52, width * 0.48])


def _lines(data: PurchaseOrderDocument, width: float, st: Styles) -> Table:
    right = ParagraphStyle("cell_right", parent=st.body, alignment=TA_RIGHT)
    head_right = ParagraphStyle("head_right", parent=st.label, alignment=TA_RIGHT)
    rows: list[list[Flowable]] = [
        [
            text("#", st.label),
            text("SUPPLIER PART", st.label),
            text("DESCRIPTION", st.label),
            text("QTY", head_right),
            text("UNIT COST", head_right),
            text("AMOUNT", head_right),
        ]
    ]
    for n, line in enumerate(data.lines, start=1):
        description = f"{line.name}\nOur SKU {line.sku}" if line.sku else line.name
        rows.append(
            [
                text(str(n), st.body),
                text(line.supplier_sku or "—", st.body),
                text(description, st.body),
                text(_count(line.quantity, data), right),
                text(_money(line.unit_cost, data), right),
                text(_money(line.amount, data), right),
            ]
        )
    bold_right = ParagraphStyle("total", parent=right, fontName=st.heading.fontName)
    rows.append(
        [
            text("", st.body),
            text("", st.body),
            text(
                "Total", ParagraphStyle("total_label", parent=st.body, fontName=st.heading.fontName)
            ),
            text(_count(sum(line.quantity for line in data.lines), data), bold_right),
            text("", st.body),
            text(_money(data.total, data), bold_right),
        ]
    )
    fixed = [8 * MM, 32 * MM, 0.0, 16 * MM, 26 * MM, 28 * MM]
    fixed[2] = width - sum(fixed)
    table = Table(rows, colWidths=fixed, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, pdfparts.INK),
                ("LINEBELOW", (0, 1), (-1, -2), 0.3, pdfparts.RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, pdfparts.INK),
            ]
        )
    )
    return table


def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=pdfparts.RULE, spaceBefore=4, spaceAfter=4)


def purchase_order_pdf(data: PurchaseOrderDocument, paper: Paper = Paper.A4) -> bytes:
    """The order on a sheet (A4 or Letter); long orders continue on more pages with the
    column headings repeated."""
    margin = 16 * MM
    pagesize = paper.sheet_size
    width = pagesize[0] - 2 * margin
    st = pdfparts.styles()
    story: list[Flowable] = [
        _header(data, width, st),
        _rule(),
        _parties(data, width, st),
        Spacer(1, 5 * MM),
        _lines(data, width, st),
    ]
    if data.notes:
        story += [Spacer(1, 5 * MM), text("Notes", st.heading), text(data.notes, st.body)]
    return pdfparts.build_pdf(
        story,
        pagesize,
        (margin, 14 * MM, 22 * MM),
        f"{TITLE} {data.number}",
        data.shop.name,
        TITLE,
        pdfparts.sheet_footer(data.shop, margin),
    )
