"""The demo shop's parts catalog: screens, batteries and the like for the phones it
repairs, accessories and consumables, with EAN barcodes and a history of deliveries.

Some parts are low, one is below zero (sold twice at two counters while offline) and two
consumables have lots that expire soon, so every stock list has something to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from barcode import EAN13

from desktop.services.container import Services
from desktop.services.items import ItemInput
from desktop.services.stock import LotInput

_MODELS = (
    ("Apple", "iPhone 12", "iPhone 12, iPhone 12 Pro"),
    ("Apple", "iPhone 13", "iPhone 13"),
    ("Apple", "iPhone 14 Pro", "iPhone 14 Pro"),
    ("Apple", "iPhone SE (2022)", "iPhone SE (2022), iPhone SE (2020)"),
    ("Samsung", "Galaxy S21", "Galaxy S21"),
    ("Samsung", "Galaxy S23", "Galaxy S23"),
    ("Samsung", "Galaxy A54", "Galaxy A54"),
    ("Google", "Pixel 7", "Pixel 7"),
    ("Google", "Pixel 8 Pro", "Pixel 8 Pro"),
    ("Apple", "iPad Air (5th gen)", "iPad Air (5th gen)"),
)
# Part, category, cost and price (minor units) for a phone; tablets cost more.
_PARTS = (
    ("screen assembly", "Screens", 5200, 12900),
    ("battery", "Batteries", 1400, 4900),
    ("charging port flex", "Flex cables", 600, 2900),
    ("rear camera", "Cameras", 2100, 5900),
    ("back glass", "Housings", 900, 3900),
)
# Name, category, brand, cost, price, expiry lot (days from today) or None.
_SUPPLIES = (
    ("USB-C to USB-C cable 1 m", "Accessories", "Anker", 250, 1299, None),
    ("Lightning cable 1 m", "Accessories", "Belkin", 300, 1499, None),
    ("20 W USB-C charger", "Accessories", "Anker", 800, 2499, None),
    ("Tempered glass screen protector", "Accessories", "Spigen", 150, 999, None),
    ("Clear phone case", "Accessories", "Spigen", 200, 1499, None),
    ("B-7000 adhesive 15 ml", "Consumables", "Zhanlida", 180, 0, 12),
    ("Isopropyl alcohol 99% 250 ml", "Consumables", "MG Chemicals", 400, 0, 5),
    ("Thermal paste 4 g", "Consumables", "Arctic", 450, 0, 200),
    ("Battery adhesive strips", "Consumables", "iFixit", 90, 0, None),
    ("Pentalobe screw set", "Consumables", "iFixit", 120, 0, None),
)
_SERVICES = (
    ("Diagnosis", 2500),
    ("Data recovery", 8900),
    ("Software restore", 3000),
)
_BINS = "ABCDEF"


def ean13(seed: int) -> str:
    """A valid EAN-13 in the 200-299 range that shops use for their own goods."""
    return str(EAN13(f"2{seed:011d}").get_fullcode())


def create_demo_parts(services: Services, rng: random.Random, limit: int | None = None) -> None:
    """Add the catalog (at most ``limit`` items) and book deliveries; needs a manager."""
    stock = services.stock
    catalog: list[tuple[ItemInput, int | None]] = []
    for brand, model, fits in _MODELS:
        tablet = model.startswith("iPad")
        for part, category, cost, price in _PARTS:
            factor = 2 if tablet else 1
            catalog.append(
                (
                    ItemInput(
                        name=f"{model} {part}",
                        category=category,
                        brand=brand,
                        compatible_models=fits,
                        cost_price=cost * factor,
                        sell_price=price * factor,
                        low_stock_threshold=2,
                        reorder_level=2,
                        reorder_quantity=5,
                        bin_location=f"{rng.choice(_BINS)}-{rng.randrange(1, 20):02d}",
                        barcodes=[ean13(len(catalog) + 1)],
                    ),
                    None,
                )
            )
    for name, category, brand, cost, price, expiry in _SUPPLIES:
        catalog.append(
            (
                ItemInput(
                    name=name,
                    category=category,
                    brand=brand,
                    cost_price=cost,
                    sell_price=price,
                    low_stock_threshold=3,
                    reorder_quantity=10,
                    track_expiry=expiry is not None,
                    bin_location="Counter" if category == "Accessories" else "Bench",
                    barcodes=[ean13(len(catalog) + 1)],
                ),
                expiry,
            )
        )
    for name, price in _SERVICES:
        catalog.append((ItemInput(name=name, kind="service", sell_price=price), None))
    if limit is not None:
        catalog = catalog[:limit]
    negative_done = False
    for data, expiry in catalog:
        item_id = services.items.create(data).item.id
        if data.kind != "stock":
            continue
        if data.category == "Batteries" and not negative_done:
            stock.adjust(item_id, -1, "Sold twice at two counters while offline")
            negative_done = True
            continue
        units = rng.choice((0, 1, 2, 3, 4, 6, 8, 12))
        if expiry is not None:
            lot = LotInput(f"L{rng.randrange(1000, 9999)}", date.today() + timedelta(days=expiry))
            stock.receive(item_id, max(units, 2), data.cost_price, lot=lot)
        elif units:
            stock.receive(item_id, units, data.cost_price)


def create_demo_purchasing(services: Services) -> None:
    """Two suppliers for the catalog, an order on its way that is partly received, the
    parts used on the repairs in progress, and a shelf count half done; needs the owner."""
    from desktop.services.item_lists import ItemFilter
    from desktop.services.purchase_receipts import LineReceipt
    from desktop.services.purchasing import LineInput, OrderInput
    from desktop.services.stock_counts import CountScope
    from desktop.services.suppliers import SupplierInput
    from desktop.services.ticket_parts import PartInput
    from desktop.services.tickets import TicketFilter

    depot = services.suppliers.create(
        SupplierInput(
            "Parts Depot Wholesale",
            contact_name="Lena Fischer",
            phone="+1 555 0170",
            email="sales@partsdepot.example",
            address="400 Commerce Way\nRiverside",
            terms="30 days net",
            lead_time_days=5,
        )
    )
    cellfix = services.suppliers.create(
        SupplierInput(
            "CellFix Supply Co.",
            contact_name="Raj Patel",
            phone="+1 555 0188",
            email="orders@cellfix.example",
            terms="Paid with the order",
            lead_time_days=2,
        )
    )
    rows = [r for r in services.item_lists.page(ItemFilter()) if r.kind == "stock"]
    for n, row in enumerate(rows):
        supplier, prefix = (cellfix, "CF") if row.category == "Accessories" else (depot, "PD")
        cost = services.items.get(row.id).cost_price
        services.suppliers.link_item(supplier.id, row.id, f"{prefix}-{n + 1:04d}", cost)

    low = [s for s in services.stock.low_stock(limit=6) if s.on_hand >= 0][:4]
    if low:
        order = services.purchasing.create_draft(
            OrderInput(depot.id, expected_on=date.today() + timedelta(days=2)),
            [LineInput(s.item_id, max(s.reorder_quantity, 5)) for s in low],
        )
        order = services.purchasing.mark_ordered(order.id)
        first = order.lines[0]
        services.purchasing.receive(order.id, [LineReceipt(first.id, 2)])

    in_progress = services.tickets.page(TicketFilter(categories=frozenset({"in_progress"})))
    parts = [r for r in rows if r.on_hand > 2 and r.category != "Consumables"]
    for ticket, part in zip(in_progress[:3], parts, strict=False):
        services.ticket_parts.add(ticket.id, PartInput(part.id))

    count = services.counts.start(scope=CountScope(category="Screens"))
    for n, row in enumerate([r for r in rows if r.category == "Screens"][:4]):
        found = max(row.on_hand - (1 if n == 0 else 0), 0)  # one screen missing
        services.counts.set_counted(count.id, row.id, found)
