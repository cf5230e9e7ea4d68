"""Invoice scenarios: a business customer's account (what they owe, their store credit and
500 invoices of history) beside the first page of their invoices, and the invoice list
under each status filter; each beside the same statements in plain ``sqlite3``."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from benchmarks.generate_invoices import ACCOUNT_CUSTOMER_ID, add_invoices
from benchmarks.scenarios import PAGE_SIZE, BenchContext, Measurement, median_ms

log = logging.getLogger(__name__)

# A twentieth of the counter sales are invoices of customers at random.
BACKGROUND_SHARE = 20
SUMMARY = "id, kind, number, status, customer_id, issued_at, due_date, total, rounding, currency"
PAID = "(SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.document_id = d.id)"


def _account_id(ctx: BenchContext) -> uuid.UUID:
    """The customer with 500 invoices, added to the dataset the first time."""
    add_invoices(ctx.db_path, ctx.info.sales // BACKGROUND_SHARE)
    return uuid.UUID(ACCOUNT_CUSTOMER_ID)


def _floor_summaries(connection: sqlite3.Connection, rows: list[Any]) -> None:
    """What ``summaries`` adds to a list of documents: their payments and customers."""
    ids = [row[0] for row in rows]
    customers = sorted({row[4] for row in rows if row[4]})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(
            "SELECT document_id, sum(amount) FROM payments WHERE document_id IN "
            f"({', '.join('?' * len(chunk))}) GROUP BY document_id",
            chunk,
        ).fetchall()
    if customers:
        connection.execute(
            "SELECT id, first_name, last_name, company FROM customers WHERE id IN "
            f"({', '.join('?' * len(customers))})",
            customers,
        ).fetchall()


def _floor_page(connection: sqlite3.Connection, where: str, params: list[Any]) -> None:
    """The count and the first page of the invoice list: drafts, then issued ones."""
    base = f"FROM sales_documents d WHERE d.kind = 'invoice' {where}"
    connection.execute(f"SELECT count(*) {base} AND d.status = 'draft'", params).fetchone()
    connection.execute(f"SELECT count(*) {base} AND d.issued_at IS NOT NULL", params).fetchone()
    rows = connection.execute(
        f"SELECT {SUMMARY} {base} AND d.status = 'draft' "
        "ORDER BY d.issued_at DESC, d.id DESC LIMIT ?",
        [*params, PAGE_SIZE],
    ).fetchall()
    rows += connection.execute(
        f"SELECT {SUMMARY} {base} AND d.issued_at IS NOT NULL "
        "ORDER BY d.issued_at DESC, d.id DESC LIMIT ?",
        [*params, PAGE_SIZE - len(rows)],
    ).fetchall()
    _floor_summaries(connection, rows)


def _floor_account(connection: sqlite3.Connection, customer: str) -> None:
    issued = "d.customer_id = ? AND d.kind = 'invoice' AND d.status = 'issued'"
    connection.execute(
        "SELECT first_name, last_name, company FROM customers WHERE id = ?", (customer,)
    ).fetchone()
    connection.execute("SELECT currency FROM shop_profile LIMIT 1").fetchone()
    connection.execute(
        f"SELECT coalesce(sum(d.total + d.rounding), 0) FROM sales_documents d WHERE {issued}",
        (customer,),
    ).fetchone()
    connection.execute(
        "SELECT coalesce(sum(p.amount), 0) FROM payments p JOIN sales_documents d "
        f"ON d.id = p.document_id WHERE {issued}",
        (customer,),
    ).fetchone()
    connection.execute(
        "SELECT coalesce(sum(amount), 0) FROM store_credit_entries WHERE customer_id = ?",
        (customer,),
    ).fetchone()
    rows = connection.execute(
        f"SELECT {SUMMARY} FROM sales_documents WHERE customer_id = ? "
        "AND status NOT IN ('held', 'voided') "
        "ORDER BY issued_at IS NULL DESC, issued_at DESC, id DESC LIMIT 2001",
        (customer,),
    ).fetchall()
    _floor_summaries(connection, rows)


def customer_account_500_invoices_ms(ctx: BenchContext) -> Measurement:
    """Opening a business customer's account: what they owe on 500 invoices, their store
    credit and history, and the first page of their invoices with its count."""
    from desktop.services.invoice_lists import InvoiceFilter

    customer = _account_id(ctx)
    invoices = ctx.services.invoices
    where = InvoiceFilter(customer_id=customer)
    account = invoices.customer_account(customer)
    log.info(
        "%s: %d documents, owes %d, %d invoices listed",
        account.name, len(account.history), account.owed, invoices.count(where),
    )  # fmt: skip

    def service() -> None:
        invoices.customer_account(customer)
        invoices.count(where)
        invoices.page(where, limit=PAGE_SIZE)

    with ctx.plain_connection() as connection:
        hex_id = customer.hex

        def floor() -> None:
            _floor_account(connection, hex_id)
            _floor_page(connection, "AND d.customer_id = ?", [hex_id])

        floor_value = median_ms(floor)
    return Measurement(median_ms(service), floor_value)


def _filters() -> dict[str, tuple[Any, str, list[Any]]]:
    """Each status filter of the invoice list: as the service takes it, and as SQL."""
    from desktop.services.invoice_lists import InvoiceFilter, InvoiceStatus

    today = date.today().isoformat()
    balance = f"d.total + d.rounding - {PAID}"
    not_due = f"(d.due_date IS NULL OR d.due_date >= '{today}')"
    issued = "AND d.status = 'issued' AND "
    return {
        "all": (InvoiceFilter(), "", []),
        "draft": (InvoiceFilter(InvoiceStatus.DRAFT), "AND d.status = 'draft'", []),
        "issued": (
            InvoiceFilter(InvoiceStatus.ISSUED),
            f"{issued}{not_due} AND {PAID} <= 0 AND {balance} > 0",
            [],
        ),
        "partial": (
            InvoiceFilter(InvoiceStatus.PARTIAL),
            f"{issued}{not_due} AND {PAID} > 0 AND {balance} > 0",
            [],
        ),
        "paid": (InvoiceFilter(InvoiceStatus.PAID), f"{issued}{balance} <= 0", []),
        "overdue": (
            InvoiceFilter(InvoiceStatus.OVERDUE),
            f"{issued}d.due_date < '{today}' AND {balance} > 0",
            [],
        ),
        "void": (InvoiceFilter(InvoiceStatus.VOID), "AND d.status = 'void'", []),
    }


def invoice_list_first_page_ms(ctx: BenchContext) -> Measurement:
    """What the invoices screen reads for its first view under each status filter: the
    count and the first page. The slowest filter is the figure."""
    _account_id(ctx)
    invoices = ctx.services.invoices
    worst: tuple[float, float] = (0.0, 0.0)
    with ctx.plain_connection() as connection:
        for name, (where, sql, params) in _filters().items():
            floor = median_ms(lambda s=sql, p=params: _floor_page(connection, s, p), repeats=5)

            def service(w: Any = where) -> None:
                invoices.count(w)
                invoices.page(w, limit=PAGE_SIZE)

            value = median_ms(service, repeats=5)
            log.info("invoice list %-8s %7.1f ms (floor %6.1f ms)", name, value, floor)
            worst = max(worst, (value, floor))
    return Measurement(*worst)


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "customer_account_500_invoices_ms": customer_account_500_invoices_ms,
    "invoice_list_first_page_ms": invoice_list_first_page_ms,
}
