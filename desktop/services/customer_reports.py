"""Customer reports: who owes the shop or holds its store credit, how old the unpaid
invoices are, and who buys the most.

What each figure means (issue 8's design, section 1):

- Owed: the balance of each issued invoice (``total + rounding`` less the payments on it;
  on-account counter sales are issued invoices too), only invoices with something left to
  pay. Void invoices owe nothing; drafts are not invoices yet. This is the dashboard's
  pending invoices, per customer (``invoice_lists.owed_by`` for each one).
- Store credit: the customer's store credit ledger summed (``payments.store_credit_balance``).
- Aging: an invoice's age is the days from its issue (the local day) to ``today``.
- Top customers: completed sales and issued invoices less credit notes, tax included, by
  when they were issued.

Every figure is summed in SQL across customers; the lists are capped at ``MAX_ROWS``
customers, and their totals still cover everyone.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from desktop.services.context import ServiceContext
from desktop.services.customers import display_name
from desktop.services.errors import ValidationError
from desktop.services.permissions import Permission
from desktop.services.report_periods import Period, local_midnight
from desktop.services.report_sql import counted, db_time, period_params, sign
from desktop.services.report_types import (
    MAX_ROWS,
    Cell,
    ChartPoint,
    Column,
    ColumnKind,
    ReportTable,
    totals_row,
)

MONEY, COUNT = ColumnKind.MONEY, ColumnKind.COUNT
MAX_TOP = 1000
NO_CUSTOMER = "(no customer)"
# Aging buckets: (key, title, the oldest age in days the bucket holds, None: no limit).
AGES: tuple[tuple[str, str, int | None], ...] = (
    ("days_0_30", "0–30 days", 30),
    ("days_31_60", "31–60 days", 60),
    ("days_61_90", "61–90 days", 90),
    ("days_over_90", "Over 90 days", None),
)

# Every issued invoice with what it still owes; ``payments(document_id, amount)`` covers
# the sum.
_OPEN_INVOICES = (
    "open_invoices AS MATERIALIZED (SELECT d.customer_id AS customer_id, d.issued_at AS issued_at, "
    "d.due_date AS due_date, d.total + d.rounding - coalesce((SELECT sum(p.amount) "
    "FROM payments p WHERE p.document_id = d.id), 0) AS owed "
    "FROM sales_documents d WHERE d.kind = 'invoice' AND d.status = 'issued')"
)
_CAPPED = f"Only the first {MAX_ROWS:,} customers are listed; the totals cover every customer."


class CustomerReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def balances(self, today: date) -> ReportTable:
        """Customers who owe the shop or hold store credit: their unpaid invoices, what
        those owe (and how much of it is overdue on ``today``), their store credit, and
        what they owe less that credit; the largest debt first. Raises
        ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        columns = (
            Column("customer", "Customer"),
            Column("invoices", "Unpaid invoices", COUNT),
            Column("owed", "Owed", MONEY),
            Column("overdue", "Overdue", MONEY),
            Column("store_credit", "Store credit", MONEY),
            Column("net", "Owed less credit", MONEY),
        )
        with self.ctx.uow() as tx:
            found = tx.session.execute(
                text(
                    f"WITH {_OPEN_INVOICES}, "
                    # Debts and credit side by side, summed per customer: a join of the
                    # two compared every pair of customers. '' keys invoices without one.
                    "owing AS (SELECT coalesce(customer_id, '') AS k, count(*) AS invoices, "
                    "sum(owed) AS owed, "
                    "sum(CASE WHEN due_date < :today THEN owed ELSE 0 END) AS overdue "
                    "FROM open_invoices WHERE owed > 0 GROUP BY k), "
                    "credit AS (SELECT customer_id AS k, sum(amount) AS credit "
                    "FROM store_credit_entries GROUP BY customer_id HAVING sum(amount) != 0), "
                    "figures AS (SELECT nullif(k, '') AS customer_id, sum(invoices) AS invoices, "
                    "sum(owed) AS owed, sum(overdue) AS overdue, sum(credit) AS credit FROM ("
                    "SELECT k, invoices, owed, overdue, 0 AS credit FROM owing UNION ALL "
                    "SELECT k, 0, 0, 0, credit FROM credit) GROUP BY k) "
                    "SELECT f.customer_id, c.first_name, c.last_name, c.company, f.invoices, "
                    "f.owed, f.overdue, f.credit, count(*) OVER (), sum(f.invoices) OVER (), "
                    "sum(f.owed) OVER (), sum(f.overdue) OVER (), sum(f.credit) OVER () "
                    "FROM figures f LEFT JOIN customers c ON c.id = f.customer_id "
                    "ORDER BY f.owed DESC, f.credit DESC, c.sort_name, f.customer_id "
                    "LIMIT :limit"
                ),
                {"today": today.isoformat(), "limit": MAX_ROWS},
            ).all()
        rows = tuple(
            (_name(r[0], r[1], r[2], r[3]), int(r[4]), int(r[5]), int(r[6]), int(r[7]),
             int(r[5]) - int(r[7]))
            for r in found
        )  # fmt: skip
        totals = None
        notes = [
            "Owed: what each issued invoice still owes (its total and cash rounding less "
            "the payments on it), counting only invoices with something left to pay; "
            "on-account sales are invoices. Void invoices owe nothing.",
            f"Overdue: owed on invoices due before {today.isoformat()}.",
            "Store credit: what the customer may still spend (credit given less credit "
            "spent). Owed less credit is negative when the shop owes the customer.",
        ]
        if found:
            first = found[0]
            owed, credit = int(first[10]), int(first[12])
            totals = ("Total", int(first[9]), owed, int(first[11]), credit, owed - credit)
            if int(first[8]) > len(found):
                notes.append(_CAPPED)
        return ReportTable(
            key="customer_balances",
            title="Customer balances",
            columns=columns,
            rows=rows,
            totals=totals,
            notes=tuple(notes),
        )

    def receivables_aging(self, today: date) -> ReportTable:
        """What issued invoices still owe on ``today``, per customer and by age: 0-30,
        31-60, 61-90 and over 90 days since the (local) day each was issued, with the
        overdue part apart; the largest debt first. Raises ``PermissionDenied`` below
        manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        buckets = AGES
        columns = (
            Column("customer", "Customer"),
            Column("invoices", "Unpaid invoices", COUNT),
            *(Column(key, title, MONEY) for key, title, _oldest in buckets),
            Column("total", "Total owed", MONEY),
            Column("overdue", "Overdue", MONEY),
        )
        params: dict[str, Any] = {"today": today.isoformat(), "limit": MAX_ROWS}
        # An invoice is at most N days old when it was issued on or after the local
        # midnight N days before today.
        for _key, _title, oldest in buckets:
            if oldest is not None:
                params[f"from_{oldest}"] = db_time(local_midnight(today - timedelta(days=oldest)))
        sums = (
            "sum(CASE WHEN o.issued_at >= :from_30 THEN o.owed ELSE 0 END)",
            "sum(CASE WHEN o.issued_at < :from_30 AND o.issued_at >= :from_60 "
            "THEN o.owed ELSE 0 END)",
            "sum(CASE WHEN o.issued_at < :from_60 AND o.issued_at >= :from_90 "
            "THEN o.owed ELSE 0 END)",
            "sum(CASE WHEN o.issued_at < :from_90 THEN o.owed ELSE 0 END)",
            "sum(o.owed)",
            "sum(CASE WHEN o.due_date < :today THEN o.owed ELSE 0 END)",
        )
        with self.ctx.uow() as tx:
            found = tx.session.execute(
                text(
                    f"WITH {_OPEN_INVOICES}, aged AS (SELECT o.customer_id AS customer_id, "
                    "count(*) AS invoices, "
                    + ", ".join(f"{expression} AS a{i}" for i, expression in enumerate(sums))
                    + " FROM open_invoices o WHERE o.owed > 0 GROUP BY o.customer_id) "
                    "SELECT a.customer_id, c.first_name, c.last_name, c.company, a.invoices, "
                    + ", ".join(f"a.a{i}" for i in range(len(sums)))
                    + ", count(*) OVER (), sum(a.invoices) OVER (), "
                    + ", ".join(f"sum(a.a{i}) OVER ()" for i in range(len(sums)))
                    + " FROM aged a LEFT JOIN customers c ON c.id = a.customer_id "
                    "ORDER BY a.a4 DESC, c.sort_name, a.customer_id LIMIT :limit"
                ),
                params,
            ).all()
        width = 1 + len(sums)  # invoices and the sums
        rows: tuple[tuple[Cell, ...], ...] = tuple(
            (_name(r[0], r[1], r[2], r[3]), *(int(v) for v in r[4 : 4 + width])) for r in found
        )
        totals: tuple[Cell, ...] | None = None
        notes = [
            "What issued invoices still owe (total and cash rounding less payments), by "
            "the days from the local day each was issued to "
            f"{today.isoformat()}. Overdue: owed on invoices due before that day.",
        ]
        chart: tuple[ChartPoint, ...] = ()
        if found:
            first = found[0]
            everyone = tuple(int(v) for v in first[5 + width : 5 + 2 * width])
            totals = ("Total", *everyone)
            chart = tuple(
                ChartPoint(title, everyone[1 + i], {"report": "receivables_aging", "age": key})
                for i, (key, title, _oldest) in enumerate(buckets)
            )
            if int(first[4 + width]) > len(found):
                notes.append(_CAPPED)
        return ReportTable(
            key="receivables_aging",
            title="Receivables aging",
            columns=columns,
            rows=rows,
            totals=totals,
            notes=tuple(notes),
            chart=chart,
            chart_title="Owed by age",
        )

    def top_customers(self, period: Period, limit: int = 20) -> ReportTable:
        """The ``limit`` customers who bought the most in ``period``: their completed
        sales and issued invoices less credit notes, tax included. Raises
        ``ValidationError`` (``limit`` not from 1 to 1000), ``PermissionDenied`` below
        manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        if not 1 <= limit <= MAX_TOP:
            raise ValidationError({"limit": f"Show from 1 to {MAX_TOP} customers."})
        columns = (
            Column("customer", "Customer"),
            Column("documents", "Sales and invoices", COUNT),
            Column("credit_notes", "Credit notes", COUNT),
            Column("spent", "Spent", MONEY),
        )
        with self.ctx.uow() as tx:
            found = tx.session.execute(
                text(
                    "SELECT t.customer_id, c.first_name, c.last_name, c.company, t.documents, "
                    "t.credit_notes, t.spent FROM (SELECT d.customer_id AS customer_id, "
                    "sum(d.kind != 'credit_note') AS documents, "
                    "sum(d.kind = 'credit_note') AS credit_notes, "
                    f"sum({sign('d.kind')} * d.total) AS spent "
                    f"FROM sales_documents d WHERE {counted('d')} "
                    "AND d.issued_at >= :start AND d.issued_at < :end "
                    "AND d.customer_id IS NOT NULL GROUP BY d.customer_id) t "
                    "LEFT JOIN customers c ON c.id = t.customer_id "
                    "ORDER BY t.spent DESC, c.sort_name, t.customer_id LIMIT :limit"
                ),
                {**period_params(period), "limit": limit},
            ).all()
        rows = tuple(
            (_name(r[0], r[1], r[2], r[3]), int(r[4]), int(r[5]), int(r[6])) for r in found
        )
        chart = tuple(
            ChartPoint(
                str(row[0]),
                int(row[3]),
                {"report": "customer", "customer_id": uuid.UUID(hex=str(r[0]))},
            )
            for row, r in zip(rows, found, strict=True)
        )
        return ReportTable(
            key="top_customers",
            title="Top customers",
            columns=columns,
            rows=rows,
            totals=totals_row(columns, rows, "Total of these") if rows else None,
            period=period,
            notes=(
                "Spent: completed sales and issued invoices less credit notes, tax "
                "included, by when they were issued (an invoice counts when issued, paid "
                "or not).",
                "Sales without a customer (walk-in sales) are left out.",
                f"The {limit} customers who spent the most.",
            ),
            chart=chart,
            chart_title="Spent",
        )


def _name(customer_id: Any, first: Any, last: Any, company: Any) -> str:
    if customer_id is None:
        return NO_CUSTOMER
    return display_name(first or "", last or "", company or "")
