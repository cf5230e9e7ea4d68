"""Years of counter sales for the benchmark dataset: completed sales of one to three parts,
paid in cash (with change) or by card, some split over both, each with its hash-chained
journal entry, numbered S-A-000001 on so the app carries on after them.

Sales are a layer over the rest of the dataset: a cached database without them (or with
another count) gets them added in place instead of being rebuilt from nothing.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import uuid
from datetime import UTC, timedelta
from pathlib import Path

from benchmarks.generate import EPOCH, HISTORY_DAYS, Row, batches, db_time, new_id
from desktop.services.journal import canonical, chain_hash

log = logging.getLogger(__name__)

SALES_SEED = 20_260_601
DOCUMENT_COLUMNS = (
    "id, kind, number, status, customer_id, station_code, user_id, issued_at, currency, "
    "prices_include_tax, rounding_mode, discount_kind, discount_value, subtotal, "
    "discount_total, tax_total, total, rounding, notes, hold_label, void_reason, "
    "created_at, updated_at"
)
LINE_COLUMNS = (
    "id, document_id, position, item_id, description, sku, quantity, unit_price, unit_cost, "
    "discount_kind, discount_value, line_discount, document_discount, tax_class, tax_rate_bp, "
    "net, tax, gross, serial, source_kind, restock"
)
PAYMENT_COLUMNS = (
    "id, document_id, customer_id, method_code, method_kind, method_name, amount, tendered, "
    "change, tip, reference, at, user_id, station_code"
)
JOURNAL_COLUMNS = "id, station_code, seq, at, kind, document_id, user_id, payload, prev_hash, hash"
GENESIS = "0" * 64


def _placeholders(columns: str) -> str:
    return ", ".join("?" * len(columns.split(",")))


class SaleMaker:
    """Builds the rows of one sale after another, in time order, chaining the journal."""

    def __init__(self, connection: sqlite3.Connection, rng: random.Random, count: int) -> None:
        self.rng = rng
        self.items = connection.execute(
            "SELECT id, name, sku, sell_price, cost_price FROM items WHERE kind = 'stock'"
        ).fetchall()
        self.customers = [row[0] for row in connection.execute("SELECT id FROM customers")]
        self.user = connection.execute("SELECT id FROM users WHERE username = 'owner'").fetchone()[
            0
        ]
        self.rate = connection.execute(
            "SELECT rate_bp FROM tax_classes WHERE code = 'standard'"
        ).fetchone()[0]
        self.at = EPOCH - timedelta(days=HISTORY_DAYS)
        self.step = HISTORY_DAYS * 86_400 / max(count, 1)
        self.seq = 0
        self.prev = GENESIS

    def sale(self) -> tuple[Row, list[Row], list[Row], Row]:
        rng = self.rng
        self.seq += 1
        self.at += timedelta(seconds=rng.expovariate(1 / self.step))
        document_id = new_id()
        number = f"S-A-{self.seq:06d}"
        lines: list[Row] = []
        total = tax_total = 0
        for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
            item_id, name, sku, price, cost = rng.choice(self.items)
            quantity = rng.choice((1, 1, 1, 2))
            gross = price * quantity
            tax = (gross * self.rate * 2 + (10_000 + self.rate)) // (2 * (10_000 + self.rate))
            total += gross
            tax_total += tax
            lines.append(
                (new_id(), document_id, position, item_id, name, sku, quantity, price, cost,
                 "", 0, 0, 0, "standard", self.rate, gross - tax, tax, gross, "", "", 0)
            )  # fmt: skip
        customer = rng.choice(self.customers) if rng.random() < 0.3 else None
        stamp = db_time(self.at)
        document = (
            document_id, "sale", number, "completed", customer, "A", self.user, stamp, "USD",
            1, "line", "", 0, total, 0, tax_total, total, 0, "", "", "", stamp, stamp,
        )  # fmt: skip
        payments = self._payments(document_id, customer, total, stamp)
        payload = canonical(
            {
                "number": number,
                "total": total,
                "tax": tax_total,
                "rounding": 0,
                "customer": str(uuid.UUID(customer)) if customer else None,
                "lines": [[line[5], line[6], line[17]] for line in lines],
                "payments": [[p[3], p[6], p[9], 0, 0] for p in payments],
            }
        )
        user = uuid.UUID(self.user)
        digest = chain_hash(
            self.prev, "A", self.seq, self.at.replace(tzinfo=UTC), "sale",
            uuid.UUID(document_id), user, payload,
        )  # fmt: skip
        entry = (new_id(), "A", self.seq, stamp, "sale", document_id, self.user, payload,
                 self.prev, digest)  # fmt: skip
        self.prev = digest
        return document, lines, payments, entry

    def _payments(
        self, document_id: str, customer: str | None, total: int, stamp: str
    ) -> list[Row]:
        rng = self.rng

        def row(code: str, kind: str, name: str, amount: int, tendered: int | None) -> Row:
            change = (tendered - amount) if tendered is not None else 0
            return (new_id(), document_id, customer, code, kind, name, amount, tendered, change,
                    0, "", stamp, self.user, "A")  # fmt: skip

        roll = rng.random()
        if roll < 0.5:
            tendered = -(-total // 1000) * 1000  # the next whole note up
            return [row("cash", "cash", "Cash", total, tendered)]
        if roll < 0.9 or total < 200:
            return [row("card", "card", "Card", total, None)]
        cash = total // 2
        return [
            row("cash", "cash", "Cash", cash, cash),
            row("card", "card", "Card", total - cash, None),
        ]


def insert_sales(connection: sqlite3.Connection, count: int) -> None:
    """``count`` completed sales with lines, payments and journal entries."""
    maker = SaleMaker(connection, random.Random(SALES_SEED), count)
    done = 0
    for size in batches(count):
        documents, lines, payments, entries = [], [], [], []
        for _ in range(size):
            document, its_lines, its_payments, entry = maker.sale()
            documents.append(document)
            lines.extend(its_lines)
            payments.extend(its_payments)
            entries.append(entry)
        with connection:
            for table, columns, rows in (
                ("sales_documents", DOCUMENT_COLUMNS, documents),
                ("sales_lines", LINE_COLUMNS, lines),
                ("payments", PAYMENT_COLUMNS, payments),
                ("journal_entries", JOURNAL_COLUMNS, entries),
            ):
                connection.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({_placeholders(columns)})", rows
                )
        done += size
        log.info("sales: %d / %d", done, count)
    with connection:
        connection.execute(
            "INSERT INTO document_sequences (station_code, kind, next_value) "
            "VALUES ('A', 'sale', ?) ON CONFLICT (station_code, kind) "
            "DO UPDATE SET next_value = excluded.next_value",
            (count + 1,),
        )


def add_sales(db_path: Path, count: int) -> None:
    """Bring the dataset's schema to the app's and add ``count`` sales (replacing any)."""
    from desktop.services.database import create_database_engine, upgrade

    engine = create_database_engine(db_path)
    upgrade(engine)
    engine.dispose()
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")
        with connection:
            for table in ("journal_entries", "payments", "sales_lines", "sales_documents"):
                connection.execute(f"DELETE FROM {table}")
        insert_sales(connection, count)
        connection.execute("ANALYZE")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
