"""A small parts catalog for the inventory screens' tests."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.services.container import Services
from desktop.services.items import ItemDetail, ItemInput
from desktop.services.stock import LotInput

# Valid EAN-13 codes (check digits right).
SCREEN_EAN = "4006381333931"
BATTERY_EAN = "5901234123457"
GLUE_EAN = "9780201379624"
BAD_CHECK_DIGIT = "4006381333932"


def add_catalog(services: Services) -> dict[str, ItemDetail]:
    """A screen (in stock), a battery (low), a cable (negative), glue with a lot expiring
    soon, a service, and an archived part."""
    items = services.items
    stock = services.stock
    screen = items.create(
        ItemInput(
            "iPhone 12 screen",
            category="Screens",
            sell_price=12900,
            cost_price=6000,
            barcodes=[SCREEN_EAN],
            compatible_models="iPhone 12, iPhone 12 Pro",
            bin_location="A-01",
        )
    ).item
    battery = items.create(
        ItemInput(
            "Galaxy S21 battery",
            category="Batteries",
            sell_price=4900,
            low_stock_threshold=3,
            barcodes=[BATTERY_EAN],
        )
    ).item
    cable = items.create(ItemInput("USB-C cable", category="Accessories", sell_price=900)).item
    glue = items.create(
        ItemInput("B-7000 glue", category="Consumables", track_expiry=True, barcodes=[GLUE_EAN])
    ).item
    service = items.create(ItemInput("Diagnosis", kind="service", sell_price=2500)).item
    old = items.create(ItemInput("iPhone 6 screen", category="Screens")).item
    stock.receive(screen.id, 5, 6000)
    stock.receive(battery.id, 2, 2000)
    stock.write_off(cable.id, 1, "Sold twice while offline")
    stock.receive(glue.id, 4, 300, lot=LotInput("L1", date.today() + timedelta(days=10)))
    items.archive(old.id)
    return {
        "screen": screen,
        "battery": battery,
        "cable": cable,
        "glue": glue,
        "service": service,
        "old": old,
    }
