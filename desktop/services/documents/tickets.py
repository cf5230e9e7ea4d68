"""The claim receipt a customer takes home when leaving a device, and the label stuck
on the device: as PDF (sheet, receipt roll, label stock) and as ESC/POS bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Spacer,
    Table,
)

from desktop.services.documents import pdfparts
from desktop.services.documents.fonts import document_fonts
from desktop.services.documents.paper import (
    DEFAULT_LABEL_SIZE,
    MM,
    LabelSize,
    Paper,
    ThermalWidth,
)
from desktop.services.documents.pdfparts import Styles, code128, local_date, local_datetime, text
from desktop.services.documents.thermal import Slip
from desktop.services.money import format_money

TITLE = "Repair claim receipt"


@dataclass(frozen=True)
class ShopHeader:
    """The shop as its documents print it. The selling fields (further tax ids, bank
    details, footers) appear on sales documents only; ``locale`` formats their money."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    tax_id: str = ""
    logo: bytes | None = None
    tax_ids: tuple[str, ...] = ()
    bank_details: str = ""
    invoice_footer: str = ""
    receipt_footer: str = ""
    locale: str = "en_US"

    @property
    def contacts(self) -> str:
        """Phone, e-mail and tax id on one line, for footers."""
        parts = [self.phone, self.email, f"Tax ID {self.tax_id}" if self.tax_id else ""]
        return "  ·  ".join(p for p in parts if p)


@dataclass(frozen=True)
class ClaimReceipt:
    shop: ShopHeader
    ticket_number: str
    created_at: datetime
    customer_name: str
    customer_phone: str
    device: str
    serial: str
    imei: str
    problem: str
    accessories: tuple[str, ...]
    condition: tuple[str, ...]
    estimate_total: int
    currency: str
    locale: str
    promised_at: datetime | None
    technician: str
    terms: str
    signature_png: bytes | None = None
    signed_at: datetime | None = None
    deposit: int = 0  # paid ahead on the ticket, less refunds


@dataclass(frozen=True)
class DeviceLabel:
    ticket_number: str
    customer_name: str
    device: str
    created_at: datetime
    locale: str


def _estimate(data: ClaimReceipt) -> str:
    if data.estimate_total <= 0:
        return "To be quoted after diagnosis"
    return format_money(data.estimate_total, data.currency, data.locale)


def _deposit(data: ClaimReceipt) -> str:
    return format_money(data.deposit, data.currency, data.locale) if data.deposit > 0 else ""


def _details(data: ClaimReceipt) -> list[tuple[str, str]]:
    """Label and value of every field the receipt shows, in order; empty ones left out."""
    rows = [
        ("Received", local_datetime(data.created_at, data.locale)),
        ("Customer", data.customer_name),
        ("Phone", data.customer_phone),
        ("Device", data.device),
        ("Serial", data.serial),
        ("IMEI", data.imei),
        ("Estimate", _estimate(data)),
        ("Deposit paid", _deposit(data)),
        ("Ready by", local_datetime(data.promised_at, data.locale) if data.promised_at else ""),
        ("Technician", data.technician),
    ]
    return [(label, value) for label, value in rows if value]


# -- PDF ------------------------------------------------------------------------------


def _section(title: str, body: str, st: Styles) -> list[Flowable]:
    return [text(title, st.heading), text(body, st.body)]


def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=pdfparts.RULE, spaceBefore=4, spaceAfter=4)


def _signature(data: ClaimReceipt, width: float, st: Styles) -> list[Flowable]:
    picture = pdfparts.logo_image(data.signature_png, min(width, 70 * MM), 22 * MM)
    if picture is not None:
        picture.hAlign = "LEFT"
        when = f"Signed {local_datetime(data.signed_at, data.locale)}" if data.signed_at else ""
        return [text("Customer signature", st.label), picture, text(when, st.small)]
    line = HRFlowable(width=min(width, 70 * MM), thickness=0.6, color=pdfparts.INK, hAlign="LEFT")
    return [Spacer(1, 12 * MM), line, text("Customer signature", st.small)]


def _body(data: ClaimReceipt, width: float, st: Styles, pages: bool = True) -> list[Flowable]:
    """Everything below the header: details, problem, condition, terms, signature."""
    story: list[Flowable] = [pdfparts.field_table(_details(data), width, st), _rule()]
    story += _section("Problem reported", data.problem or "—", st)
    if data.accessories:
        story += _section("Left with the device", ", ".join(data.accessories), st)
    if data.condition:
        story += _section("Condition on arrival", "\n".join(data.condition), st)
    story.append(_rule())
    if data.terms:
        story += [text("Terms", st.label), text(data.terms, st.small)]
    signature = _signature(data, width, st)
    # Sheets keep the signature block on one page; a fitted roll has only one page.
    story += [KeepTogether(signature)] if pages else signature
    return story


def _sheet_header(data: ClaimReceipt, width: float, st: Styles) -> Table:
    shop = data.shop
    left: list[Flowable] = []
    logo = pdfparts.logo_image(shop.logo, 45 * MM, 20 * MM)
    if logo is not None:
        logo.hAlign = "LEFT"
        left += [logo, Spacer(1, 2 * MM)]
    reach = "  ·  ".join(p for p in (shop.phone, shop.email) if p)
    left += [text(shop.name, st.shop_name), text(shop.address, st.body), text(reach, st.body)]
    right_style = ParagraphStyle("right", parent=st.body, alignment=TA_RIGHT)
    number_style = ParagraphStyle("number_right", parent=st.number, alignment=TA_RIGHT)
    barcode = code128(data.ticket_number, width * 0.45, 14 * MM)
    barcode.hAlign = "RIGHT"
    right: list[Flowable] = [
        text(TITLE.upper(), ParagraphStyle("title", parent=st.label, alignment=TA_RIGHT)),
        text(data.ticket_number, number_style),
        Spacer(1, 2 * MM),
        barcode,
        Spacer(1, 1 * MM),
        text(local_datetime(data.created_at, data.locale), right_style),
    ]
    return pdfparts.plain_table([[left, right]], [width * 0.52, width * 0.48])


def _build(
    data: ClaimReceipt,
    story: list[Flowable],
    pagesize: tuple[float, float],
    margins: tuple[float, float, float],
    on_page: Callable[[Canvas, Any], None] | None = None,
) -> bytes:
    title = f"{TITLE} {data.ticket_number}"
    return pdfparts.build_pdf(story, pagesize, margins, title, data.shop.name, TITLE, on_page)


def _sheet_pdf(data: ClaimReceipt, paper: Paper) -> bytes:
    margin = 16 * MM
    pagesize = paper.sheet_size
    width = pagesize[0] - 2 * margin
    st = pdfparts.styles()
    story: list[Flowable] = [_sheet_header(data, width, st), _rule(), *_body(data, width, st)]
    return _build(
        data, story, pagesize, (margin, 14 * MM, 22 * MM), pdfparts.sheet_footer(data.shop, margin)
    )


def _centered(flowable: Flowable) -> Flowable:
    flowable.hAlign = "CENTER"
    return flowable


def _roll_story(data: ClaimReceipt, width: float, st: Styles) -> list[Flowable]:
    shop = data.shop
    center = ParagraphStyle("center", parent=st.body, alignment=TA_CENTER)
    story: list[Flowable] = []
    logo = pdfparts.logo_image(shop.logo, width * 0.6, 16 * MM)
    if logo is not None:
        story += [logo, Spacer(1, 2 * MM)]
    story += [
        text(shop.name, ParagraphStyle("shop_center", parent=st.shop_name, alignment=TA_CENTER)),
        text(shop.address, center),
        text(shop.phone, center),
        Spacer(1, 2 * MM),
        text(TITLE.upper(), ParagraphStyle("title_center", parent=st.label, alignment=TA_CENTER)),
        text(data.ticket_number, ParagraphStyle("no", parent=st.number, alignment=TA_CENTER)),
        Spacer(1, 1 * MM),
        _centered(code128(data.ticket_number, width, 12 * MM, module=0.3 * MM)),
        _rule(),
        *_body(data, width, st, pages=False),
        _rule(),
        text(shop.contacts, ParagraphStyle("contacts", parent=st.small, alignment=TA_CENTER)),
    ]
    return story


def _roll_pdf(data: ClaimReceipt, roll: ThermalWidth) -> bytes:
    """A one-page PDF as wide as the roll and as long as the receipt."""
    margin = (float(roll) - roll.printable_mm) / 2 * MM
    st = pdfparts.styles(scale=0.8 if roll is ThermalWidth.MM58 else 0.9)
    return pdfparts.roll_pdf(
        lambda width: _roll_story(data, width, st),
        float(roll) * MM,
        margin,
        f"{TITLE} {data.ticket_number}",
        data.shop.name,
        TITLE,
    )


def claim_receipt_pdf(data: ClaimReceipt, paper: Paper = Paper.A4) -> bytes:
    """The claim receipt as a PDF on a sheet (A4, Letter) or as a receipt-roll twin."""
    roll = paper.thermal
    if roll is not None:
        return _roll_pdf(data, roll)
    return _sheet_pdf(data, paper)


# -- ESC/POS --------------------------------------------------------------------------


def claim_receipt_escpos(data: ClaimReceipt, width: ThermalWidth = ThermalWidth.MM80) -> bytes:
    """The claim receipt as ESC/POS bytes for a 58 or 80 mm receipt printer."""
    slip = Slip(width)
    shop = data.shop
    slip.line(shop.name, align="center", bold=True, size="tall")
    slip.style(align="center")
    for part in (*shop.address.splitlines(), shop.phone):
        if part.strip():
            slip.line(part.strip())
    slip.style()
    slip.feed()
    slip.line(TITLE.upper(), align="center", bold=True)
    slip.line(data.ticket_number, align="center", bold=True, size="big")
    slip.barcode(data.ticket_number)
    slip.rule()
    for label, value in _details(data):
        slip.field(label, value)
    slip.rule()
    slip.line("Problem reported", bold=True)
    slip.line(data.problem or "-")
    if data.accessories:
        slip.field("Left with the device", ", ".join(data.accessories))
    if data.condition:
        slip.line("Condition on arrival", bold=True)
        for entry in data.condition:
            slip.line(f"- {entry}")
    slip.rule()
    if data.terms:
        slip.line(data.terms, font="b")
        slip.feed()
    if data.signature_png and slip.image(data.signature_png):
        if data.signed_at:
            slip.line(f"Signed {local_datetime(data.signed_at, data.locale)}", align="center")
    else:
        slip.feed(2)
        slip.line("_" * (slip.columns * 2 // 3))
        slip.line("Customer signature")
    if shop.contacts:
        slip.feed()
        slip.line(shop.contacts, align="center", font="b")
    return slip.finish()


# -- the device label ------------------------------------------------------------------


def device_label_pdf(data: DeviceLabel, size: LabelSize = DEFAULT_LABEL_SIZE) -> bytes:
    """A label for the device: its ticket's barcode and number, customer, device, date.

    Text shrinks to fit the label and is cut with an ellipsis when even the smallest
    size is too wide.
    """
    fonts = document_fonts()
    page_width, page_height = size.points
    margin = 2.5 * MM
    width = page_width - 2 * margin
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(page_width, page_height))
    canvas.setTitle(f"Device label {data.ticket_number}")
    scale = page_height / (29 * MM)
    bar_height = page_height * 0.36
    barcode = code128(data.ticket_number, width, bar_height, module=0.3 * MM * min(scale, 1.4))
    top = page_height - margin
    barcode.drawOn(canvas, (page_width - barcode.width) / 2, top - bar_height)
    y = top - bar_height - 1 * MM
    lines = [
        (data.ticket_number, fonts.bold, 11 * scale),
        (data.customer_name, fonts.bold, 8 * scale),
        (data.device, fonts.regular, 7.5 * scale),
        (local_date(data.created_at, data.locale), fonts.regular, 6.5 * scale),
    ]
    for value, font, largest in lines:
        if not value:
            continue
        size_pt = pdfparts.fitted_size(value, font, largest, 5.5, width)
        shown = pdfparts.truncated(value, font, size_pt, width)
        y -= size_pt * 1.05
        if y < margin * 0.4:
            break
        canvas.setFont(font, size_pt)
        canvas.drawCentredString(page_width / 2, y, shown)
        y -= size_pt * 0.15
    canvas.showPage()
    canvas.save()
    return out.getvalue()
