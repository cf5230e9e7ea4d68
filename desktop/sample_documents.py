"""`benchside sample-documents DIR`: print every document of a demo ticket to files, to
look at the layouts without a printer."""

from __future__ import annotations

import io
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.demo_sales import create_demo_sales
from desktop.services.container import Services
from desktop.services.pricing import Discount, LineInput, cash_rounded, compute_totals
from desktop.services.printing import DocumentKind, PrintJob
from desktop.services.report_catalog import REPORTS, ReportRequest, run_report
from desktop.services.sales_types import (
    CartLine,
    DocumentView,
    LineView,
    PartyInfo,
    PaymentView,
)
from desktop.services.sales_types import DocumentKind as SalesKind
from desktop.services.shift_types import ShiftReport

if TYPE_CHECKING:
    from desktop.services.documents.tickets import ShopHeader


@dataclass(frozen=True)
class Sample:
    file_name: str
    kind: DocumentKind
    paper: str
    part: str = "pdf"  # pdf | escpos


# One line per sample file; later documents add theirs here.
SAMPLES: tuple[Sample, ...] = (
    Sample("claim-receipt.pdf", DocumentKind.CLAIM_RECEIPT, "thermal_80"),
    Sample("claim-receipt.bin", DocumentKind.CLAIM_RECEIPT, "thermal_80", "escpos"),
    Sample("claim-receipt-a4.pdf", DocumentKind.CLAIM_RECEIPT, "a4"),
    Sample("device-label.pdf", DocumentKind.DEVICE_LABEL, "62x29"),
    Sample("item-labels.pdf", DocumentKind.ITEM_LABELS, "57x32"),
    Sample("item-labels-a4.pdf", DocumentKind.ITEM_LABELS, "a4"),
    Sample("purchase-order.pdf", DocumentKind.PURCHASE_ORDER, "a4"),
    Sample("z-report.pdf", DocumentKind.REPORT, "thermal_80"),
    Sample("z-report.bin", DocumentKind.REPORT, "thermal_80", "escpos"),
    Sample("invoice.pdf", DocumentKind.INVOICE, "a4"),
    Sample("sale-receipt.bin", DocumentKind.RECEIPT, "thermal_80", "escpos"),
    Sample("sale-receipt.pdf", DocumentKind.RECEIPT, "thermal_80"),
    Sample("credit-note.pdf", DocumentKind.INVOICE, "a4"),
    *(
        Sample(f"report-{report.key.replace('_', '-')}.pdf", DocumentKind.REPORT, "a4")
        for report in REPORTS
    ),
)
# Items on the sample labels: three on the label roll, a full sheet of 3 x 8 on A4.
LABELLED_ITEMS = {"57x32": (3, 1), "a4": (8, 3)}


def demo_logo() -> bytes:
    """A simple two-colour logo for the demo shop."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(picture)
    draw.rounded_rectangle((0, 0, 119, 119), radius=24, fill="#0b5394")
    draw.rectangle((30, 52, 90, 68), fill="white")
    draw.ellipse((18, 40, 50, 80), fill="white")
    draw.ellipse((70, 40, 102, 80), fill="white")
    draw.ellipse((28, 50, 40, 70), fill="#0b5394")
    draw.ellipse((80, 50, 92, 70), fill="#0b5394")
    for row in range(3):
        draw.rounded_rectangle((140, 22 + row * 30, 340 - row * 60, 38 + row * 30), 8, "#e69138")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def demo_signature() -> bytes:
    """A hand-drawn-looking signature, as the signature pad stores one (grey PNG)."""
    import math

    from PIL import Image, ImageDraw

    picture = Image.new("L", (420, 120), 255)
    draw = ImageDraw.Draw(picture)
    points = [
        (20 + x * 2.6, 70 - 28 * math.sin(x / 9) * math.exp(-x / 140) - (x % 37) * 0.4)
        for x in range(140)
    ]
    draw.line(points, fill=20, width=4, joint="curve")
    draw.line([(60, 95), (330, 88)], fill=20, width=3)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def open_demo_ticket(services: Services) -> uuid.UUID:
    """Set up the demo shop (with a logo) and take in one device with a deposit; returns
    the ticket id."""
    from desktop.demo import create_demo_shop
    from desktop.models.base import utc_now
    from desktop.services.sales_types import PaymentInput
    from desktop.services.setup import ShopSetup
    from desktop.services.tickets import TicketInput

    create_demo_shop(services, customers=6, devices=6, parts=12)
    profile = services.shop.profile()
    services.shop.update_profile(
        ShopSetup(
            shop_name=profile.name,
            currency=profile.currency,
            owner_username="",
            owner_display_name="",
            owner_password="",
            address=profile.address,
            phone=profile.phone,
            email=profile.email,
            tax_id=profile.tax_id,
            locale=profile.locale,
            prices_include_tax=profile.prices_include_tax,
            default_tax_rate_bp=profile.default_tax_rate_bp,
            logo=demo_logo(),
        ),
        profile.idle_lock_minutes,
    )
    customer = next(
        c for c in services.customers.page(limit=20) if services.devices.for_customer(c.id)
    )
    device = services.devices.for_customer(customer.id)[0]
    technician = next(u for u in services.accounts.list_users() if u.role == "technician")
    ticket = services.tickets.create(
        TicketInput(
            customer_id=customer.id,
            device_id=device.id,
            problem=(
                "Dropped on concrete: the screen is cracked across the top and the touch "
                "screen does not respond in the lower third. Battery drains by midday."
            ),
            condition={"Powers on": True, "Screen cracked": True, "Water damage": False},
            condition_notes="Small dent on the bottom-left corner.",
            accessories=["Case", "Charger"],
            estimate_labour=4500,
            estimate_parts=14400,
            promised_at=utc_now() + timedelta(days=2),
            assigned_to_id=technician.id,
            signature_consent=True,
            signature_png=demo_signature(),
            signer_name=customer.name,
        )
    )
    services.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 5000)])
    return ticket.id


def open_demo_purchase_order(services: Services) -> uuid.UUID:
    """A supplier of parts and an order sent to it for the demo parts running low; returns
    the order id."""
    from datetime import date

    from desktop.services.purchasing import LineInput, OrderInput
    from desktop.services.suppliers import SupplierInput

    supplier = services.suppliers.create(
        SupplierInput(
            "Harbour Mobile Parts Ltd",
            contact_name="Sam Okafor",
            phone="+1 555 0142",
            email="orders@harbourparts.example",
            address="Unit 4, Dockside Trading Estate\nPortsmouth PO3 5LY",
            terms="30 days net",
            lead_time_days=3,
        )
    )
    # The demo shop's parts that are running low, as a shop would reorder them.
    lines = []
    for part in services.stock.low_stock(limit=4):
        item = services.items.get(part.item_id)
        supplier_sku = "HMP-" + item.sku.rsplit("-", 1)[-1]
        services.suppliers.link_item(supplier.id, item.id, supplier_sku, item.cost_price)
        lines.append(LineInput(item.id, max(part.reorder_quantity, 5)))
    draft = services.purchasing.create_draft(
        OrderInput(
            supplier.id,
            expected_on=date.today() + timedelta(days=3),
            notes="Please pack screens flat and mark the box fragile.",
        ),
        lines,
    )
    return services.purchasing.mark_ordered(draft.id).id


# -- sales documents --------------------------------------------------------------------

# The demo shop charges its sales tax on parts and accessories; repair labour is not taxed.
TAX_RATES = {"standard": 825, "zero": 0}
METHODS = {
    "cash": ("Cash", "cash"),
    "card": ("Card", "card"),
    "bank_transfer": ("Bank transfer", "bank"),
}
SELLING_SETTINGS = {
    "tax_ids": "State sales tax permit SP-448-2291",
    "bank_details": (
        "Springfield Community Bank · Benchside Demo Repairs LLC\n"
        "Routing 021000021 · Account 4410 2290 1187\n"
        "Please quote the invoice number with your payment."
    ),
    "invoice_footer": (
        "Payment is due within 30 days. Parts carry a 90-day warranty from the date of "
        "the repair; labour is guaranteed for the same period."
    ),
    "receipt_footer": "Thank you! Keep this receipt: returns within 14 days with it.",
}


def _sample_id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"benchside-sample:{name}")


def sales_view(
    kind: SalesKind,
    number: str,
    lines: Sequence[CartLine],
    payments: Sequence[PaymentView] = (),
    *,
    issued_at: datetime,
    discount: Discount | None = None,
    prices_include_tax: bool = False,
    cash_rounding: int = 0,
    currency: str = "USD",
    rates: dict[str, int] | None = None,
    **fields: Any,
) -> DocumentView:
    """A document as the sale service shows one, its totals made by
    ``pricing.compute_totals`` from ``lines`` (tax rates by class from ``rates``);
    ``fields`` are further ``DocumentView`` fields (status, customer, due date…)."""
    rate_of = TAX_RATES if rates is None else rates
    totals = compute_totals(
        [
            LineInput(line.quantity, line.unit_price, rate_of[line.tax_class], line.discount)
            for line in lines
        ],
        prices_include_tax=prices_include_tax,
        discount=discount,
    )
    views = tuple(
        LineView(
            id=_sample_id(f"{number}/{position}"),
            position=position,
            description=line.description,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_discount=figures.line_discount,
            document_discount=figures.document_discount,
            tax_rate_bp=rate_of[line.tax_class],
            net=figures.net,
            tax=figures.tax,
            gross=figures.gross,
            serial=line.serial,
            discount_kind=line.discount.kind if line.discount else "",
            discount_value=line.discount.value if line.discount else 0,
            tax_class=line.tax_class,
        )
        for position, (line, figures) in enumerate(zip(lines, totals.lines, strict=True))
    )
    defaults: dict[str, Any] = {"status": "completed" if kind is SalesKind.SALE else "issued"}
    return DocumentView(
        id=_sample_id(number),
        kind=kind,
        number=number,
        currency=currency,
        prices_include_tax=prices_include_tax,
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        tax_total=totals.tax_total,
        total=totals.total,
        rounding=cash_rounded(totals.total, cash_rounding) - totals.total,
        lines=views,
        bands=totals.bands,
        payments=tuple(payments),
        issued_at=issued_at,
        created_at=issued_at,
        discount_kind=discount.kind if discount else "",
        discount_value=discount.value if discount else 0,
        **(defaults | fields),
    )


def sample_payment(
    method_code: str,
    amount: int,
    at: datetime,
    tendered: int | None = None,
    reference: str = "",
) -> PaymentView:
    """A payment (negative ``amount``: a refund) in one of the demo shop's methods."""
    name, kind = METHODS[method_code]
    return PaymentView(
        id=_sample_id(f"{method_code}/{amount}/{at.isoformat()}"),
        at=at,
        method_code=method_code,
        method_name=name,
        method_kind=kind,
        amount=amount,
        tendered=tendered,
        change=tendered - amount if tendered is not None else 0,
        reference=reference,
        username="olivia",
    )


@dataclass(frozen=True)
class SalesSamples:
    sale: DocumentView
    credit_note: DocumentView
    invoice: DocumentView


def school_invoice_lines() -> list[CartLine]:
    """A school's tablets and laptops back from repair: 34 lines."""
    lines: list[CartLine] = []
    for unit in range(1, 14):
        model = "iPad 9th gen" if unit % 3 else "Chromebook 11 G9"
        lines.append(
            CartLine(
                f"{model} screen assembly, asset SES-{unit:03d}",
                1,
                8900 if unit % 3 else 6400,
                "standard",
                sku="SCR-IPAD9" if unit % 3 else "SCR-CB11G9",
                serial=f"DMPX{unit:02d}Q7K{unit * 37 % 100:02d}",
            )
        )
        asset = f"asset SES-{unit:03d}"
        lines.append(CartLine(f"Screen replacement, labour, {asset}", 1, 3500, "zero"))
        if unit % 4 == 1:
            lines.append(CartLine(f"Battery, {asset}", 1, 5900, "standard", sku="BAT-IPAD9"))
    lines += [
        CartLine("Rugged case for iPad 9th gen", 8, 2499, "standard", sku="CASE-IPAD9"),
        CartLine("Tempered glass protector, iPad 10.2", 8, 1299, "standard", sku="GLS-IPAD9"),
        CartLine("Diagnostics of two units not repairable", 2, 2500, "zero"),
        CartLine("Collection and delivery, school campus", 1, 3000, "zero"),
    ]
    return lines


def sample_sales_documents(now: datetime | None = None) -> SalesSamples:
    """A counter sale paid by card and cash with change, the refund of its discounted
    case, and a long invoice to a school with a bulk discount and a part payment."""
    from desktop.models.base import utc_now

    at = now or utc_now()
    jane = PartyInfo(_sample_id("jane"), "Jane Smith", "+1 555 201 4432", "jane@example.com")
    case = CartLine(
        "Rugged case for iPhone 13, black",
        1,
        2499,
        "standard",
        sku="CASE-IP13-BLK",
        discount=Discount("percent", 1000),
    )
    lines = [
        CartLine("iPhone 13 screen (OLED), fitted", 1, 12900, "standard", sku="SCR-IP13-OLED"),
        CartLine("iPhone 13 battery, 3240 mAh", 1, 4900, "standard", sku="BAT-IP13"),
        CartLine("Screen and battery replacement, labour", 1, 4500, "zero"),
        case,
        CartLine("Tempered glass protector, iPhone 13", 2, 999, "standard", sku="GLS-IP13"),
    ]
    sale = sales_view(
        SalesKind.SALE,
        "S-A-000311",
        lines,
        issued_at=at,
        customer=jane,
        ticket_number="T-A-10001",
        username="olivia",
    )
    cash = sale.payable - 15000
    tendered = -(-cash // 2000) * 2000  # the next $20 note up
    card = sample_payment("card", 15000, at, reference="**** 4242")
    sale = replace(sale, payments=(card, sample_payment("cash", cash, at, tendered=tendered)))
    refunded_at = at + timedelta(hours=2)
    credit_note = sales_view(
        SalesKind.CREDIT_NOTE,
        "CN-A-000007",
        [case],
        issued_at=refunded_at,
        customer=jane,
        original_number=sale.number,
        username="olivia",
        notes="Returned unopened within 14 days.",
    )
    refund = sample_payment("cash", -credit_note.payable, refunded_at)
    credit_note = replace(credit_note, payments=(refund,))
    school = PartyInfo(
        _sample_id("school"),
        "Springfield Elementary School District",
        "+1 555 0190",
        "accounts@springfield-schools.example",
        "Attn. IT Department\n19 Plympton Street\nSpringfield 49007",
        "EIN 38-6004512",
    )
    issued = at - timedelta(days=3)
    invoice = sales_view(
        SalesKind.INVOICE,
        "INV-A-000042",
        school_invoice_lines(),
        [sample_payment("bank_transfer", 50000, at - timedelta(days=1), reference="TRF 88213")],
        issued_at=issued,
        discount=Discount("percent", 500),
        customer=school,
        due_date=(issued + timedelta(days=30)).date(),
        username="olivia",
        notes="Purchase order SES-2024-117. Units returned to the school office.",
    )
    return SalesSamples(sale, credit_note, invoice)


def sample_seller() -> ShopHeader:
    """The demo shop's header with its selling settings, without a database."""
    from desktop.services.documents.tickets import ShopHeader

    return ShopHeader(
        "Benchside Demo Repairs",
        "12 Market Street\nSpringfield",
        "+1 555 0100",
        "hello@demo-repairs.example",
        "US-12-3456789",
        demo_logo(),
        tax_ids=(SELLING_SETTINGS["tax_ids"],),
        bank_details=SELLING_SETTINGS["bank_details"],
        invoice_footer=SELLING_SETTINGS["invoice_footer"],
        receipt_footer=SELLING_SETTINGS["receipt_footer"],
    )


def use_sample_selling_settings(services: Services) -> None:
    """Give the demo shop the further tax id, bank details and footers sales documents
    print, through the Selling settings (needs the owner signed in)."""
    settings = services.sales_settings
    settings.update_selling(replace(settings.selling(), **SELLING_SETTINGS))


@dataclass(frozen=True)
class DemoRecords:
    ticket_id: uuid.UUID
    purchase_order_id: uuid.UUID
    sales: SalesSamples
    shift_report: ShiftReport


def close_demo_shift(services: Services) -> ShiftReport:
    """A real day at the demo counter: the drawer opened with a float, sales in cash, by
    card and by bKash, a courier paid out, and the count five cents short."""
    from desktop.services.denominations import denominations
    from desktop.services.item_lists import ItemFilter
    from desktop.services.sales_types import PaymentInput

    shifts, sales = services.cash_shifts, services.sales
    shifts.open_shift(15000)
    rows = [r for r in services.item_lists.page(ItemFilter(), limit=40) if r.on_hand > 1]
    for n, tender in enumerate(("cash", "card", "bkash", "cash")):
        cart = replace(sales.new_cart(), lines=(sales.line_for_item(rows[n % len(rows)].id),))
        total = sales.totals(cart).total
        reference = "8HX77Q2K" if tender == "bkash" else ""
        sales.complete(cart, [PaymentInput(tender, total, reference=reference)])
    shifts.pay_out(1280, "Courier for a screen delivery")
    left = shifts.x_report().expected_cash - 5
    counted: dict[int, int] = {}
    table = denominations(services.shop.profile().currency)
    for value in table.values:
        counted[value], left = divmod(left, value)
    return shifts.close_shift(
        {v: n for v, n in counted.items() if n}, "Short 5 cents: change given twice, we think."
    )


SALES_SAMPLES = {
    "invoice.pdf": "invoice",
    "sale-receipt.bin": "sale",
    "sale-receipt.pdf": "sale",
    "credit-note.pdf": "credit_note",
}


def sample_shift_report() -> ShiftReport:
    """A closed day at the demo shop's counter, 5 cents short.

    Built as the report itself rather than from a shift in the demo database: the day's
    sales need the sale service, and the report's own figures are tested against real
    shifts in the service tests. The drawer's expected and counted cash are added up
    here from their parts, never typed."""
    from datetime import UTC, datetime

    from desktop.services.shift_types import (
        CashMovementView,
        CountedDenomination,
        MethodTakings,
        TaxLine,
    )

    opened = datetime(2030, 3, 14, 8, 55, tzinfo=UTC)
    closed = datetime(2030, 3, 14, 18, 7, tzinfo=UTC)
    takings = (
        MethodTakings("Cash", "cash", 10, 36261),  # nine sales, one refund of 49.99
        MethodTakings("Bank transfer", "bank", 1, 13000),
        MethodTakings("Card", "card", 6, 74380),
    )
    movements = tuple(
        CashMovementView(opened + timedelta(hours=hours), kind, amount, reason, who)
        for hours, kind, amount, reason, who in (
            (1, "pay_in", 5000, "Coins from the bank", "Dana Owner"),
            (4, "pay_out", 1280, "Courier for a screen delivery", "Sam Front"),
            (8, "pay_out", 20000, "Cash to the bank", "Dana Owner"),
        )
    )
    counted = tuple(
        CountedDenomination(value, count)
        for value, count in (
            (10000, 1), (5000, 2), (2000, 5), (1000, 3), (500, 2), (100, 8),
            (25, 6), (10, 2), (5, 1), (1, 1),
        )
    )  # fmt: skip
    opening_float = 15000
    pay_ins = sum(m.amount for m in movements if m.kind == "pay_in")
    pay_outs = sum(m.amount for m in movements if m.kind == "pay_out")
    return ShiftReport(
        shift_id=uuid.UUID("0190c8a2-7b1e-7c3a-9d4e-5f6a7b8c9d0e"),
        shop_name="Benchside Demo Repairs",
        shop_address="12 Harbour Street\nPortsmouth PO1 2AB",
        shop_phone="+1 555 0100",
        shop_tax_id="GB 123 4567 89",
        station_code="A",
        station_name="Front counter",
        currency="USD",
        locale="en_US",
        opened_at=opened,
        opened_by="Dana Owner",
        taken_at=closed,
        opening_float=opening_float,
        sales_count=14,
        sales_total=128640,
        refunds_count=1,
        refunds_total=4999,
        voids_count=2,
        discounts_total=3850,
        tips_total=0,
        taxes=(TaxLine(2000, 95534, 19107, 114641), TaxLine(0, 9000, 0, 9000)),
        takings=takings,
        cash_movements=movements,
        cash_takings=takings[0].amount,
        expected_cash=opening_float + takings[0].amount + pay_ins - pay_outs,
        closed_at=closed,
        closed_by="Dana Owner",
        z_number="Z-A-00042",
        counted_cash=sum(c.total for c in counted),
        denominations=counted,
        note="Short 5 cents: a nickel given as change twice, we think.",
    )


def sample_bytes(services: Services, demo: DemoRecords, sample: Sample) -> bytes:
    if sample.file_name.startswith("report-"):
        return _report_sample(services, sample)
    if sample.kind is DocumentKind.REPORT:
        job = services.printing.shift_report_job(demo.shift_report, sample.paper)
        if sample.part == "escpos":
            assert job.escpos is not None
            return job.escpos
        return job.pdf
    if sample.file_name in SALES_SAMPLES:
        document: DocumentView = getattr(demo.sales, SALES_SAMPLES[sample.file_name])
        job = services.printing.sales_document_job(document, sample.kind, paper=sample.paper)
        return _part(job, sample)
    if sample.kind is DocumentKind.ITEM_LABELS:
        from desktop.services.item_lists import ItemFilter

        items, each = LABELLED_ITEMS[sample.paper]
        rows = [r for r in services.item_lists.page(ItemFilter()) if r.kind == "stock"]
        requests = [(row.id, each) for row in rows[:items]]
        return services.printing.item_labels_job(requests, paper=sample.paper).pdf
    if sample.kind is DocumentKind.PURCHASE_ORDER:
        return services.printing.purchase_order_job(demo.purchase_order_id, sample.paper).pdf
    return _part(services.printing.ticket_job(sample.kind, demo.ticket_id, sample.paper), sample)


def _report_sample(services: Services, sample: Sample) -> bytes:
    """A report over this month of the demo shop, whose sales, shift and tickets were all
    made today."""
    from desktop.services.report_periods import PeriodKind, period

    key = sample.file_name.removeprefix("report-").removesuffix(".pdf").replace("-", "_")
    today = date.today()
    request = ReportRequest(period(PeriodKind.THIS_MONTH, today), today)
    return services.printing.report_job(run_report(services, key, request), sample.paper).pdf


def _part(job: PrintJob, sample: Sample) -> bytes:
    if sample.part == "escpos":
        if job.escpos is None:
            raise ValueError(f"{sample.file_name}: {sample.paper} has no ESC/POS form")
        return job.escpos
    return job.pdf


def write_samples(directory: Path) -> list[Path]:
    """Every sample file in ``directory``, made from a new temporary demo shop."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="benchside-samples-") as temp:
        services = Services.open(Path(temp) / "benchside.db")
        try:
            demo = DemoRecords(
                open_demo_ticket(services),
                open_demo_purchase_order(services),
                sample_sales_documents(),
                close_demo_shift(services),
            )
            # Sales after the shift: a return, an account sale and a held cart for the
            # reports (the shift's Z report stays as it closed), from a delivery of parts.
            _restock(services)
            create_demo_sales(services)
            use_sample_selling_settings(services)
            for sample in SAMPLES:
                target = directory / sample.file_name
                target.write_bytes(sample_bytes(services, demo, sample))
                written.append(target)
        finally:
            services.close()
    return written


def _restock(services: Services) -> None:
    from desktop.services.item_lists import ItemFilter

    for row in services.item_lists.page(ItemFilter(), limit=8):
        if row.kind == "stock":
            services.stock.receive(row.id, 6, services.items.get(row.id).cost_price)


def sample_documents_command(directory: Path) -> int:
    for path in write_samples(directory):
        print(path)
    return 0
