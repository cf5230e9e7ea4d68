"""Invoices for the benchmark dataset: one business customer with 500 invoices (paid,
partly paid, unpaid, overdue, void, a few drafts) and invoices for customers at random
beside the counter sales, each issue and payment in the hash-chained journal.

Like the sales, invoices are a layer added in place: the first invoice scenario adds them
to a cached dataset that lacks them (it finds the account customer missing).
"""

from __future__ import annotations

import logging
import random
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.generate import EPOCH, Row, db_time, new_id
from benchmarks.generate_sales import (
    DOCUMENT_COLUMNS,
    JOURNAL_COLUMNS,
    LINE_COLUMNS,
    PAYMENT_COLUMNS,
)
from desktop.services.journal import GENESIS, canonical, chain_hash

log = logging.getLogger(__name__)

INVOICES_SEED = 20_260_701
ACCOUNT_INVOICES = 500
ACCOUNT_DRAFTS = 5
ACCOUNT_CUSTOMER_ID = uuid.uuid5(uuid.NAMESPACE_URL, "benchside:bench:invoice-account").hex
ACCOUNT_COMPANY = "Harbour Fleet Services"
INVOICE_COLUMNS = DOCUMENT_COLUMNS + ", due_date"
TERMS_DAYS = 14


@dataclass
class _Rows:
    documents: list[Row] = field(default_factory=list)
    lines: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)


class InvoiceMaker:
    """Builds invoices one after another, numbering them and chaining the journal on
    from the station's last entry."""

    def __init__(self, connection: sqlite3.Connection, rng: random.Random) -> None:
        self.rng = rng
        self.items = connection.execute(
            "SELECT id, name, sku, sell_price, cost_price FROM items WHERE kind = 'stock' "
            "LIMIT 2000"
        ).fetchall()
        self.user = connection.execute("SELECT id FROM users WHERE username = 'owner'").fetchone()[
            0
        ]
        self.rate = connection.execute(
            "SELECT rate_bp FROM tax_classes WHERE code = 'standard'"
        ).fetchone()[0]
        last = connection.execute(
            "SELECT seq, hash FROM journal_entries WHERE station_code = 'A' "
            "ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        self.seq, self.prev = (last[0], last[1]) if last else (0, GENESIS)
        self.number = connection.execute(
            "SELECT coalesce(max(next_value), 1) - 1 FROM document_sequences "
            "WHERE station_code = 'A' AND kind = 'invoice'"
        ).fetchone()[0]
        self.rows = _Rows()

    def invoice(self, customer: str, issued: datetime | None, today: datetime) -> None:
        """One invoice issued at ``issued`` (a draft when None), paid as chance has it."""
        rng = self.rng
        document_id = new_id()
        total, tax_total = self._lines(document_id)
        stamp = db_time(issued or today)
        if issued is None:
            self.rows.documents.append(
                self._document(document_id, None, "draft", customer, None, total, tax_total, stamp)
            )
            return
        self.number += 1
        number = f"INV-A-{self.number:06d}"
        due = (issued + timedelta(days=TERMS_DAYS)).date().isoformat()
        roll = rng.random()
        status = "void" if roll < 0.05 else "issued"
        self.rows.documents.append(
            self._document(document_id, number, status, customer, due, total, tax_total, stamp)
        )
        self._journal("invoice", document_id, issued, {"number": number, "total": total})
        if status == "void":
            self._journal("void", document_id, issued, {"number": number, "total": total})
            return
        old = issued < today - timedelta(days=60)
        if roll < 0.70 or (old and roll < 0.90):
            self._pay(document_id, customer, number, total, issued)
        elif roll < 0.85:
            self._pay(document_id, customer, number, total // 3, issued)

    def _lines(self, document_id: str) -> tuple[int, int]:
        rng = self.rng
        total = tax_total = 0
        for position in range(rng.choice((1, 2, 2, 3))):
            item_id, name, sku, price, cost = rng.choice(self.items)
            quantity = rng.choice((1, 1, 2, 5))
            gross = price * quantity
            tax = (gross * self.rate * 2 + (10_000 + self.rate)) // (2 * (10_000 + self.rate))
            total += gross
            tax_total += tax
            self.rows.lines.append(
                (new_id(), document_id, position, item_id, name, sku, quantity, price, cost,
                 "", 0, 0, 0, "standard", self.rate, gross - tax, tax, gross, "", "", 0)
            )  # fmt: skip
        return total, tax_total

    def _document(
        self,
        document_id: str,
        number: str | None,
        status: str,
        customer: str,
        due: str | None,
        total: int,
        tax_total: int,
        stamp: str,
    ) -> Row:
        issued_at = None if status == "draft" else stamp
        return (
            document_id, "invoice", number, status, customer, "A", self.user, issued_at, "USD",
            1, "line", "", 0, total, 0, tax_total, total, 0, "", "", "", stamp, stamp, due,
        )  # fmt: skip

    def _pay(
        self, document_id: str, customer: str, number: str, amount: int, issued: datetime
    ) -> None:
        at = issued + timedelta(days=self.rng.randint(0, TERMS_DAYS + 10))
        method = self.rng.choice(
            (("bank_transfer", "bank", "Bank transfer"), ("card", "card", "Card"))
        )
        self.rows.payments.append(
            (new_id(), document_id, customer, *method, amount, None, 0, 0, "", db_time(at),
             self.user, "A")
        )  # fmt: skip
        payload = {"number": number, "rounding": 0, "payments": [[method[0], amount, 0, 0, 0]]}
        self._journal("payment", document_id, at, payload)

    def _journal(
        self, kind: str, document_id: str, at: datetime, payload: dict[str, object]
    ) -> None:
        self.seq += 1
        text = canonical(payload)
        digest = chain_hash(
            self.prev, "A", self.seq, at.replace(tzinfo=UTC), kind, uuid.UUID(document_id),
            uuid.UUID(self.user), text,
        )  # fmt: skip
        self.rows.entries.append(
            (new_id(), "A", self.seq, db_time(at), kind, document_id, self.user, text,
             self.prev, digest)
        )  # fmt: skip
        self.prev = digest


def has_invoices(connection: sqlite3.Connection) -> bool:
    found = connection.execute("SELECT 1 FROM customers WHERE id = ?", (ACCOUNT_CUSTOMER_ID,))
    return found.fetchone() is not None


def _account_customer(connection: sqlite3.Connection) -> None:
    stamp = db_time(EPOCH - timedelta(days=3 * 365))
    connection.execute(
        "INSERT INTO customers (id, first_name, last_name, company, email, address, notes, "
        "tags, marketing_consent, birth_date, sort_name, created_at, updated_at) VALUES "
        "(?, '', '', ?, 'accounts@harbourfleet.example', '1 Quay Road', '', 'business', 0, "
        "NULL, ?, ?, ?)",
        (ACCOUNT_CUSTOMER_ID, ACCOUNT_COMPANY, ACCOUNT_COMPANY.lower(), stamp, stamp),
    )


def add_invoices(db_path: Path, background: int) -> None:
    """The account customer's invoices and ``background`` invoices of customers at random,
    unless the dataset has them already."""
    connection = sqlite3.connect(db_path)
    try:
        if has_invoices(connection):
            return
        rng = random.Random(INVOICES_SEED)
        maker = InvoiceMaker(connection, rng)
        customers = [row[0] for row in connection.execute("SELECT id FROM customers LIMIT 50000")]
        today = EPOCH
        account_span = 3 * 365 * 86_400
        moments = sorted(
            [(rng.randint(0, account_span), ACCOUNT_CUSTOMER_ID) for _ in range(ACCOUNT_INVOICES)]
            + [
                (rng.randint(0, 5 * 365 * 86_400), rng.choice(customers)) for _ in range(background)
            ],
            reverse=True,
        )
        for seconds_ago, customer in moments:
            maker.invoice(customer, today - timedelta(seconds=seconds_ago), today)
        for _ in range(ACCOUNT_DRAFTS):
            maker.invoice(ACCOUNT_CUSTOMER_ID, None, today)
        _write(connection, maker)
        log.info("invoices: %d added", ACCOUNT_INVOICES + background)
    finally:
        connection.close()


def _write(connection: sqlite3.Connection, maker: InvoiceMaker) -> None:
    rows = maker.rows
    with connection:
        _account_customer(connection)
        for table, columns, values in (
            ("sales_documents", INVOICE_COLUMNS, rows.documents),
            ("sales_lines", LINE_COLUMNS, rows.lines),
            ("payments", PAYMENT_COLUMNS, rows.payments),
            ("journal_entries", JOURNAL_COLUMNS, rows.entries),
        ):
            marks = ", ".join("?" * len(columns.split(",")))
            connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        connection.execute(
            "INSERT INTO document_sequences (station_code, kind, next_value) "
            "VALUES ('A', 'invoice', ?) ON CONFLICT (station_code, kind) "
            "DO UPDATE SET next_value = excluded.next_value",
            (maker.number + 1,),
        )
    connection.execute("ANALYZE sales_documents")
    connection.commit()
