"""Parts on the shelves for the benchmark dataset: items with EAN barcodes, and years of
stock movements (receipts in, sales and ticket parts out) that the stock-level trigger
folds into on-hand and average cost as it does in the app."""

from __future__ import annotations

import logging
import random
import sqlite3

from benchmarks.generate import Row, batches, db_time, new_id, random_moment

log = logging.getLogger(__name__)

ITEM_COLUMNS = (
    "id, name, sku, kind, category, brand, cost_price, sell_price, tax_class, "
    "low_stock_threshold, reorder_level, reorder_quantity, bin_location, track_expiry, "
    "serialized, active, notes, sort_name, created_at, updated_at"
)
BARCODE_COLUMNS = "id, item_id, code, symbology"
MOVEMENT_COLUMNS = (
    "id, item_id, location_id, quantity, kind, unit_cost, reason, reference_kind, at, station_code"
)
PARTS = ("Screen", "Battery", "Charging port", "Back glass", "Camera", "Speaker", "Flex cable")
MODELS = ("iPhone 13", "iPhone 14 Pro", "Galaxy S23", "Galaxy A54", "Pixel 8", "iPad Air 5")
BRANDS = ("OEM", "Premium", "Service pack", "Generic")


def ean13(rng: random.Random) -> str:
    """A valid EAN-13 in the in-store range (prefix 20), with its GS1 check digit."""
    body = "20" + "".join(rng.choices("0123456789", k=10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def make_item(rng: random.Random, n: int) -> tuple[Row, Row]:
    part, model, brand = rng.choice(PARTS), rng.choice(MODELS), rng.choice(BRANDS)
    name = f"{model} {part.lower()} ({brand}) #{n}"
    cost = rng.randint(300, 15000)
    created = db_time(random_moment(rng))
    item_id = new_id()
    item = (
        item_id, name, f"SKU-{n:07d}", "stock", part, brand, cost, cost * 2, "standard",
        rng.choice((0, 1, 2, 5)), 2, 10, f"{rng.choice('ABCDEF')}{rng.randint(1, 40)}",
        0, 0, 1, "", name.casefold(), created, created,
    )  # fmt: skip
    return item, (new_id(), item_id, ean13(rng), "ean13")


def insert_items(
    connection: sqlite3.Connection, rng: random.Random, count: int
) -> list[tuple[str, int]]:
    """Items and one barcode each; returns (item id, cost) pairs."""
    made: list[tuple[str, int]] = []
    for size in batches(count):
        rows = [make_item(rng, len(made) + n) for n in range(size)]
        with connection:
            connection.executemany(
                f"INSERT INTO items ({ITEM_COLUMNS}) VALUES ({', '.join('?' * 20)})",
                [item for item, _ in rows],
            )
            connection.executemany(
                f"INSERT OR IGNORE INTO item_barcodes ({BARCODE_COLUMNS}) VALUES (?, ?, ?, ?)",
                [code for _, code in rows],
            )
        made.extend((item[0], item[6]) for item, _ in rows)
        log.info("items: %d / %d", len(made), count)
    return made


def insert_movements(
    connection: sqlite3.Connection,
    rng: random.Random,
    items: list[tuple[str, int]],
    count: int,
) -> None:
    """Receipts of 5-20 units at cost, then sales and ticket parts of 1-2 units out."""
    location = connection.execute("SELECT id FROM stock_locations LIMIT 1").fetchone()[0]
    done = 0
    for size in batches(count):
        rows: list[Row] = []
        for _ in range(size):
            item_id, cost = rng.choice(items)
            at = db_time(random_moment(rng))
            if rng.random() < 0.25:
                rows.append(
                    (new_id(), item_id, location, rng.randint(5, 20), "receive", cost, "",
                     "purchase_order", at, "A")
                )  # fmt: skip
            else:
                kind = rng.choice(("sale", "ticket_part"))
                rows.append(
                    (new_id(), item_id, location, -rng.randint(1, 2), kind, None, "", kind,
                     at, "A")
                )  # fmt: skip
        with connection:
            connection.executemany(
                f"INSERT INTO stock_movements ({MOVEMENT_COLUMNS}) VALUES ({', '.join('?' * 10)})",
                rows,
            )
        done += size
        log.info("stock movements: %d / %d", done, count)
