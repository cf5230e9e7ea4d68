"""Sales reports: by day, item, category, payment method and staff member; discounts;
refunds and voids; and the tax summary a shop declares.

Figures follow the dashboard's definitions (``dashboard_figures``): sales are the lines
of completed sales and issued invoices and credit notes by the time they were issued,
without tax, credit notes taken away; money received is payments on documents by the
time they were made. The per-day, method, staff, discount and tax reports read the
bucket tables of migration 0015; by item and by category read the period's lines.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.models.reports import NO_ONE
from desktop.services.context import ServiceContext
from desktop.services.dashboard_figures import method_label, method_rows
from desktop.services.permissions import Permission
from desktop.services.report_periods import Period
from desktop.services.report_sql import (
    counted,
    period_params,
    read_time,
    sign,
    staff_names,
    steps_cte,
)
from desktop.services.report_types import (
    MAX_ROWS,
    ChartPoint,
    Column,
    ColumnKind,
    ReportTable,
    totals_row,
)

MONEY, COUNT, QUANTITY = ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.QUANTITY

_SIGNED_SUMS = (
    "sum(CASE doc_kind WHEN 'credit_note' THEN -net ELSE net END), "
    "sum(CASE doc_kind WHEN 'credit_note' THEN -tax ELSE tax END), "
    "sum(CASE doc_kind WHEN 'credit_note' THEN -gross ELSE gross END), "
    "sum(CASE doc_kind WHEN 'credit_note' THEN 0 ELSE line_discount + document_discount END), "
    "sum(CASE doc_kind WHEN 'credit_note' THEN -restocked_cost ELSE cost END)"
)
_SALES_NOTE = (
    "Sales are completed sales and issued invoices, by when they were issued, without "
    "tax; refunds (credit notes) are taken away. Cost is each line's unit cost when it "
    "was sold; a refund put back on the shelf gives its cost back."
)


class SalesReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def by_day(self, period: Period) -> ReportTable:
        """Per day (per month over 92 days): documents, net sales, tax, discounts, cost,
        gross profit and money received."""
        self.ctx.require(Permission.VIEW_REPORTS)
        steps = period.buckets()
        cte, params = steps_cte(steps, buckets=True)
        with self.ctx.uow() as tx:
            sales = tx.session.execute(
                text(
                    f"WITH {cte} SELECT steps.i, {_SIGNED_SUMS} FROM steps "
                    "JOIN sales_buckets b ON b.bucket >= steps.s AND b.bucket < steps.e "
                    "GROUP BY steps.i"
                ),
                params,
            ).all()
            documents = tx.session.execute(
                text(
                    f"WITH {cte} SELECT steps.i, sum(b.documents) FROM steps "
                    "JOIN document_buckets b ON b.bucket >= steps.s AND b.bucket < steps.e "
                    "AND b.doc_kind != 'credit_note' GROUP BY steps.i"
                ),
                params,
            ).all()
            received = tx.session.execute(
                text(
                    f"WITH {cte} SELECT steps.i, sum(b.amount) FROM steps "
                    "JOIN payment_buckets b ON b.bucket >= steps.s AND b.bucket < steps.e "
                    "AND b.on_document GROUP BY steps.i"
                ),
                params,
            ).all()
        by_step = {row[0]: row[1:] for row in sales}
        counts = {row[0]: row[1] for row in documents}
        money = {row[0]: row[1] for row in received}
        columns = (
            Column("day", "Month" if steps and steps[0].monthly else "Day", ColumnKind.DATE),
            Column("documents", "Sales", COUNT),
            Column("net", "Net sales", MONEY),
            Column("tax", "Tax", MONEY),
            Column("gross", "Sales with tax", MONEY),
            Column("discounts", "Discounts", MONEY),
            Column("cost", "Cost", MONEY),
            Column("profit", "Gross profit", MONEY),
            Column("received", "Money received", MONEY),
        )
        rows = []
        for index, step in enumerate(steps):
            net, tax, gross, discounts, cost = (int(v or 0) for v in by_step.get(index, (0,) * 5))
            count, paid = int(counts.get(index) or 0), int(money.get(index) or 0)
            if count or net or paid or tax or cost:
                rows.append((step.first, count, net, tax, gross, discounts, cost, net - cost, paid))
        return ReportTable(
            key="sales_by_day",
            title="Sales by day" if not (steps and steps[0].monthly) else "Sales by month",
            columns=columns,
            rows=tuple(rows),
            totals=totals_row(columns, rows) if rows else None,
            period=period,
            notes=(
                _SALES_NOTE,
                "Money received counts payments on sales, invoices and refunds "
                "when they were made, tax included; deposits count when applied.",
            ),
            chart=tuple(ChartPoint(str(row[0]), row[2]) for row in rows),
            chart_title="Net sales",
        )

    def by_item(self, period: Period) -> ReportTable:
        """What sold: per item (or free-text line), units, net sales, cost and profit."""
        self.ctx.require(Permission.VIEW_REPORTS)
        rows = self._lines_grouped(
            period,
            "SELECT coalesce(i.name, v.free), coalesce(i.sku, ''), v.quantity, v.net, v.cost "
            "FROM ({per_item} ORDER BY net DESC LIMIT {cap}) v "
            "LEFT JOIN items i ON i.id = v.item_id ORDER BY v.net DESC",
        )
        columns = (
            Column("item", "Item"),
            Column("sku", "SKU"),
            Column("quantity", "Units", QUANTITY),
            Column("net", "Net sales", MONEY),
            Column("cost", "Cost", MONEY),
            Column("profit", "Gross profit", MONEY),
        )
        table = [(name, sku, qty, net, cost, net - cost) for name, sku, qty, net, cost in rows]
        return self._lines_table("sales_by_item", "Sales by item", columns, table, period)

    def by_category(self, period: Period) -> ReportTable:
        """Per item category as the items are filed now; labour and free-text lines under
        "No category"."""
        self.ctx.require(Permission.VIEW_REPORTS)
        rows = self._lines_grouped(
            period,
            "SELECT coalesce(nullif(i.category, ''), 'No category') AS category_name, "
            "sum(v.quantity), sum(v.net) AS net, sum(v.cost) FROM ({per_item}) v "
            "LEFT JOIN items i ON i.id = v.item_id GROUP BY category_name "
            "ORDER BY net DESC LIMIT {cap}",
        )
        columns = (
            Column("category", "Category"),
            Column("quantity", "Units", QUANTITY),
            Column("net", "Net sales", MONEY),
            Column("cost", "Cost", MONEY),
            Column("profit", "Gross profit", MONEY),
        )
        table = [(category, qty, net, cost, net - cost) for category, qty, net, cost in rows]
        return self._lines_table("sales_by_category", "Sales by category", columns, table, period)

    def by_method(self, period: Period) -> ReportTable:
        """Money received per payment method, with the number of payments and tips."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            rows = method_rows(tx.session, period)
        columns = (
            Column("method", "Payment method"),
            Column("payments", "Payments", COUNT),
            Column("amount", "Received", MONEY),
            Column("tips", "Tips", MONEY),
        )
        table = [
            (method_label(kind, name), int(n), int(amount), int(tip))
            for kind, name, n, amount, tip in rows
        ]
        chart = tuple(
            ChartPoint(row[0], row[2], {"method_kind": kind, "method_name": name})
            for row, (kind, name, *_rest) in zip(table, rows, strict=True)
            if row[2]
        )
        return ReportTable(
            key="sales_by_method",
            title="Sales by payment method",
            columns=columns,
            rows=tuple(table),
            totals=totals_row(columns, table) if table else None,
            period=period,
            notes=(
                "Payments on sales, invoices and refunds when they were made, tax "
                "included. A deposit shows as 'Deposits applied' when its repair is "
                "checked out; refunds paid back come off their method.",
            ),
            chart=chart,
            chart_title="Money received by method",
        )

    def by_staff(self, period: Period) -> ReportTable:
        """Per cashier: sales, net sales, tax, discounts given and refunds."""
        self.ctx.require(Permission.VIEW_REPORTS)
        params = period_params(period)
        with self.ctx.uow() as tx:
            sales = tx.session.execute(
                text(
                    f"SELECT user_id, {_SIGNED_SUMS}, "
                    "sum(CASE doc_kind WHEN 'credit_note' THEN gross ELSE 0 END) "
                    "FROM sales_buckets WHERE bucket >= :start_bucket AND bucket < :end_bucket "
                    "GROUP BY user_id"
                ),
                params,
            ).all()
            documents = {
                row[0]: row[1]
                for row in tx.session.execute(
                    text(
                        "SELECT user_id, sum(documents) FROM document_buckets "
                        "WHERE bucket >= :start_bucket AND bucket < :end_bucket "
                        "AND doc_kind != 'credit_note' GROUP BY user_id"
                    ),
                    params,
                )
            }
            names = _names(tx.session, [row[0] for row in sales])
        columns = (
            Column("staff", "Staff member"),
            Column("documents", "Sales", COUNT),
            Column("net", "Net sales", MONEY),
            Column("tax", "Tax", MONEY),
            Column("discounts", "Discounts given", MONEY),
            Column("refunds", "Refunds", MONEY),
            Column("profit", "Gross profit", MONEY),
        )
        table = sorted(
            (
                (
                    names.get(user, "Unknown"),
                    int(documents.get(user) or 0),
                    int(net),
                    int(tax),
                    int(discounts),
                    int(refunds),
                    int(net) - int(cost),
                )
                for user, net, tax, _gross, discounts, cost, refunds in sales
                if net or tax or refunds
            ),
            key=lambda row: (-row[2], row[0]),
        )
        return ReportTable(
            key="sales_by_staff",
            title="Sales by staff member",
            columns=columns,
            rows=tuple(table),
            totals=totals_row(columns, table) if table else None,
            period=period,
            notes=(_SALES_NOTE, "A sale belongs to the staff member who completed it."),
            chart=tuple(ChartPoint(str(row[0]), row[2]) for row in table),
            chart_title="Net sales by staff member",
        )

    def discounts(self, period: Period) -> ReportTable:
        """Discounts given per staff member: on lines and on whole sales."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            rows = tx.session.execute(
                text(
                    "SELECT user_id, sum(line_discount), sum(document_discount), sum(gross) "
                    "FROM sales_buckets WHERE bucket >= :start_bucket AND bucket < :end_bucket "
                    "AND doc_kind != 'credit_note' GROUP BY user_id "
                    "HAVING sum(line_discount) + sum(document_discount) != 0"
                ),
                period_params(period),
            ).all()
            names = _names(tx.session, [row[0] for row in rows])
        columns = (
            Column("staff", "Staff member"),
            Column("line", "On lines", MONEY),
            Column("document", "On whole sales", MONEY),
            Column("total", "Discounts given", MONEY),
            Column("share", "Of sales", ColumnKind.PERCENT),
        )
        table = sorted(
            (
                (
                    names.get(user, "Unknown"),
                    int(line),
                    int(whole),
                    int(line) + int(whole),
                    _share(int(line) + int(whole), int(gross) + int(line) + int(whole)),
                )
                for user, line, whole, gross in rows
            ),
            key=lambda row: (-row[3], row[0]),
        )
        return ReportTable(
            key="discounts",
            title="Discounts given",
            columns=columns,
            rows=tuple(table),
            totals=totals_row(columns, table) if table else None,
            period=period,
            notes=("Share: discounts against what the sales would have been without them.",),
            chart=tuple(ChartPoint(str(row[0]), row[3]) for row in table),
            chart_title="Discounts by staff member",
        )

    def refunds_and_voids(self, period: Period) -> ReportTable:
        """Every credit note issued and every void (a held or emptied sale, an invoice)
        in the period, newest first."""
        self.ctx.require(Permission.VIEW_REPORTS)
        params = period_params(period)
        with self.ctx.uow() as tx:
            refunds = tx.session.execute(
                text(
                    "SELECT d.issued_at, d.number, o.number, d.user_id, d.total, d.notes, "
                    "(SELECT group_concat(DISTINCT l.restock) FROM sales_lines l "
                    "WHERE l.document_id = d.id) "
                    "FROM sales_documents d LEFT JOIN sales_documents o ON o.id = d.original_id "
                    "WHERE d.kind = 'credit_note' AND d.status = 'issued' "
                    "AND d.issued_at >= :start AND d.issued_at < :end "
                    f"ORDER BY d.issued_at DESC LIMIT {MAX_ROWS}"
                ),
                params,
            ).all()
            voids = tx.session.execute(
                text(
                    "SELECT j.at, j.user_id, j.payload, d.number, d.kind FROM journal_entries j "
                    "LEFT JOIN sales_documents d ON d.id = j.document_id "
                    "WHERE j.kind = 'void' AND j.at >= :start AND j.at < :end "
                    f"ORDER BY j.at DESC LIMIT {MAX_ROWS}"
                ),
                params,
            ).all()
            names = _names(tx.session, [r[3] for r in refunds] + [v[1] for v in voids])
        rows: list[tuple[Any, ...]] = []
        for at, number, original, user, total, _notes, restock in refunds:
            kept = "put back on the shelf" if restock == "1" else "written off"
            if restock and "," in str(restock):
                kept = "partly put back"
            rows.append(
                (read_time(at), "Refund", number or "", original or "", names.get(user, ""),
                 int(total), kept)
            )  # fmt: skip
        for at, user, payload, number, kind in voids:
            details = json.loads(payload) if payload else {}
            value = details.get("value", details.get("total", 0))
            what = "Invoice voided" if kind == "invoice" else "Sale voided"
            rows.append(
                (read_time(at), what, number or "", "", names.get(user, ""), int(value or 0),
                 str(details.get("reason", "")))
            )  # fmt: skip
        rows.sort(key=lambda row: row[0], reverse=True)
        columns = (
            Column("at", "When", ColumnKind.TIME),
            Column("kind", "What"),
            Column("number", "Number"),
            Column("original", "Refund of"),
            Column("staff", "Staff member"),
            Column("amount", "Amount", MONEY),
            Column("details", "Stock or reason"),
        )
        refund_total = sum(int(r[4]) for r in refunds)
        void_total = sum(row[5] for row in rows if row[1] != "Refund")
        return ReportTable(
            key="refunds_and_voids",
            title="Refunds and voids",
            columns=columns,
            rows=tuple(rows),
            # Refunds gave money back; voids were never sold: one sum would mean nothing.
            totals=None,
            period=period,
            notes=(
                f"{len(refunds)} refunds (credit notes, tax included) and {len(voids)} "
                "voids; the chart gives the sum of each. Voided sales and invoices were "
                "never sold and are not in the sales figures.",
            ),
            chart=(ChartPoint("Refunds", refund_total), ChartPoint("Voids", void_total)),
            chart_title="Refunds and voids",
        )

    def tax_summary(self, period: Period) -> ReportTable:
        """Per tax rate: taxable sales, tax and sales with tax, refunds taken away: what
        the shop declares for the period."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            rows = tx.session.execute(
                text(
                    "SELECT tax_rate_bp, "
                    "sum(CASE doc_kind WHEN 'credit_note' THEN 0 ELSE net END), "
                    "sum(CASE doc_kind WHEN 'credit_note' THEN net ELSE 0 END), "
                    "sum(CASE doc_kind WHEN 'credit_note' THEN -net ELSE net END), "
                    "sum(CASE doc_kind WHEN 'credit_note' THEN -tax ELSE tax END), "
                    "sum(CASE doc_kind WHEN 'credit_note' THEN -gross ELSE gross END) "
                    "FROM sales_buckets WHERE bucket >= :start_bucket AND bucket < :end_bucket "
                    "GROUP BY tax_rate_bp ORDER BY tax_rate_bp"
                ),
                period_params(period),
            ).all()
        columns = (
            Column("rate", "Tax rate", ColumnKind.PERCENT),
            Column("sales", "Sales without tax", MONEY),
            Column("refunds", "Refunds without tax", MONEY),
            Column("net", "Taxable amount", MONEY),
            Column("tax", "Tax", MONEY),
            Column("gross", "With tax", MONEY),
        )
        table = [tuple(int(v or 0) for v in row) for row in rows if any(row[1:])]
        totals = totals_row(columns, table) if table else None
        if totals is not None:
            totals = ("Total", *totals[1:])
        return ReportTable(
            key="tax_summary",
            title="Tax summary",
            columns=columns,
            rows=tuple(table),
            totals=totals,
            period=period,
            notes=(
                "Completed sales and issued invoices by when they were issued, less credit "
                "notes issued in the period, per rate: tax is due on what was invoiced, "
                "whether or not it has been paid yet.",
            ),
            chart=tuple(ChartPoint(f"{row[0] / 100:g} %", row[4]) for row in table),
            chart_title="Tax by rate",
        )

    # -- lines of the period ------------------------------------------------------------

    def _lines_grouped(self, period: Period, outer: str) -> list[Any]:
        """``outer`` over ``{per_item}``: units, net sales and cost per item (and per
        description of lines without one) over the period's counted lines, credit notes
        taken away (their cost only when restocked). Items are looked up after the
        lines are summed, once each rather than once a line."""
        signed = sign("d.kind")
        cost = (
            "CASE WHEN d.kind != 'credit_note' THEN l.quantity * coalesce(l.unit_cost, 0) "
            "WHEN l.restock THEN -l.quantity * coalesce(l.unit_cost, 0) ELSE 0 END"
        )
        per_item = (
            "SELECT l.item_id AS item_id, "
            "CASE WHEN l.item_id IS NULL THEN l.description END AS free, "
            f"sum({signed} * l.quantity) AS quantity, sum({signed} * l.net) AS net, "
            f"sum({cost}) AS cost "
            "FROM sales_documents d JOIN sales_lines l ON l.document_id = d.id "
            "WHERE d.kind IN ('sale', 'invoice', 'credit_note') "
            "AND d.status IN ('completed', 'issued') "
            f"AND d.issued_at >= :start AND d.issued_at < :end AND {counted('d')} "
            "GROUP BY l.item_id, free"
        )
        with self.ctx.uow() as tx:
            return list(
                tx.session.execute(
                    text(outer.format(per_item=per_item, cap=MAX_ROWS)),
                    period_params(period),
                ).all()
            )

    def _lines_table(
        self,
        key: str,
        title: str,
        columns: tuple[Column, ...],
        rows: list[tuple[Any, ...]],
        period: Period,
    ) -> ReportTable:
        rows = [tuple(v if isinstance(v, str) else int(v or 0) for v in row) for row in rows]
        net_at = next(i for i, c in enumerate(columns) if c.key == "net")
        capped = len(rows) >= MAX_ROWS
        return ReportTable(
            key=key,
            title=title,
            columns=columns,
            rows=tuple(rows),
            totals=totals_row(columns, rows) if rows else None,
            period=period,
            notes=(_SALES_NOTE,)
            + ((f"Only the {MAX_ROWS} biggest are listed; totals cover those.",) if capped else ()),
            chart=tuple(ChartPoint(str(row[0]), row[net_at]) for row in rows[:10]),
            chart_title="Net sales (top 10)",
        )


def _names(session: Session, user_ids: list[Any]) -> dict[Any, str]:
    """Names by the user id as the report tables hold it (32 hex digits); "No one" for
    the zero id and a missing one, "Unknown" for a user who is gone."""
    known = {str(u) for u in user_ids if u and str(u) != NO_ONE.hex}
    found = staff_names(session, (uuid.UUID(hex=u) for u in known))
    by_hex = {user_id.hex: name for user_id, name in found.items()}
    return {u: by_hex.get(str(u), "Unknown") if str(u) in known else "No one" for u in user_ids}


def _share(part: int, whole: int) -> int:
    """``part`` of ``whole`` in basis points."""
    return round(part * 10_000 / whole) if whole else 0
