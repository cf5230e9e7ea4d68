"""`benchside sample-documents DIR`: print every document of a demo ticket to files, to
look at the layouts without a printer."""

from __future__ import annotations

import io
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from desktop.services.container import Services
from desktop.services.printing import DocumentKind, PrintJob


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


@dataclass(frozen=True)
class DemoRecords:
    ticket_id: uuid.UUID
    purchase_order_id: uuid.UUID


def sample_bytes(services: Services, demo: DemoRecords, sample: Sample) -> bytes:
    if sample.kind is DocumentKind.ITEM_LABELS:
        from desktop.services.item_lists import ItemFilter

        items, each = LABELLED_ITEMS[sample.paper]
        rows = [r for r in services.item_lists.page(ItemFilter()) if r.kind == "stock"]
        requests = [(row.id, each) for row in rows[:items]]
        return services.printing.item_labels_job(requests, paper=sample.paper).pdf
    if sample.kind is DocumentKind.PURCHASE_ORDER:
        return services.printing.purchase_order_job(demo.purchase_order_id, sample.paper).pdf
    job: PrintJob = services.printing.ticket_job(sample.kind, demo.ticket_id, paper=sample.paper)
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
            demo = DemoRecords(open_demo_ticket(services), open_demo_purchase_order(services))
            for sample in SAMPLES:
                target = directory / sample.file_name
                target.write_bytes(sample_bytes(services, demo, sample))
                written.append(target)
        finally:
            services.close()
    return written


def sample_documents_command(directory: Path) -> int:
    for path in write_samples(directory):
        print(path)
    return 0
