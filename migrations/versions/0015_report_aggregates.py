"""Figures for the dashboard and reports, kept by triggers, and the indexes reports read

Revision ID: 0015_report_aggregates
Revises: 0014_sync
Create Date: 2026-11-24 07:00:00

A year holds some 400,000 sales with 670,000 lines: summing them for every click of the
dashboard costs seconds. Payments, the lines of counted documents and the documents
themselves are summed per 15-minute UTC bucket into derived tables (``desktop/models/
reports.py``), filled here and kept by triggers whatever order rows arrive in: sync may
write a document's lines before the document is completed, and a document that becomes
counted (or stops being counted) moves all its lines at once. A counted document is a
completed sale or an issued invoice or credit note. Technicians' open work per status is
counted the way 0006 counts tickets per status.

A migration that rebuilds ``payments``, ``sales_lines``, ``sales_documents`` or
``tickets`` (batch mode with recreate) drops these triggers with it and must create them
again; ``tests/migrations`` checks they exist at head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_report_aggregates"
down_revision = "0014_sync"
branch_labels = None
depends_on = None

NO_ONE = "0" * 32  # the zero UUID as SQLite holds it


def bucket(at: str) -> str:
    """The 15-minute bucket of the time column ``at``, as ``YYYY-MM-DD HH:MM``."""
    return f"substr({at}, 1, 14) || printf('%02d', CAST(substr({at}, 15, 2) AS INTEGER) / 15 * 15)"


def counted(d: str) -> str:
    return (
        f"({d}.issued_at IS NOT NULL AND (({d}.kind = 'sale' AND {d}.status = 'completed') "
        f"OR ({d}.kind IN ('invoice', 'credit_note') AND {d}.status = 'issued')))"
    )


SALES_SUMS = (
    "lines",
    "quantity",
    "net",
    "tax",
    "gross",
    "line_discount",
    "document_discount",
    "cost",
    "restocked_cost",
)


def _sales_values(line: str, sign: str, summed: bool) -> str:
    """The summed columns of one line row (``summed`` False) or of a group of lines."""
    cost = f"{line}.quantity * coalesce({line}.unit_cost, 0)"
    values = (
        "*" if summed else "1",
        f"{line}.quantity",
        f"{line}.net",
        f"{line}.tax",
        f"{line}.gross",
        f"{line}.line_discount",
        f"{line}.document_discount",
        cost,
        f"CASE WHEN {line}.restock THEN {cost} ELSE 0 END",
    )
    if summed:
        return ", ".join(f"{sign}{'count' if v == '*' else 'sum'}({v})" for v in values)
    return ", ".join(f"{sign}{v}" for v in values)


_ADD_SALES = "ON CONFLICT (bucket, doc_kind, user_id, tax_rate_bp) DO UPDATE SET " + ", ".join(
    f"{name} = {name} + excluded.{name}" for name in SALES_SUMS
)
_SALES_INSERT = (
    f"INSERT INTO sales_buckets (bucket, doc_kind, user_id, tax_rate_bp, {', '.join(SALES_SUMS)})"
)


def _line_moves(line: str, sign: str) -> str:
    """Add (``sign`` '') or take away ('-') the line ``line`` if its document counts."""
    return (
        f"{_SALES_INSERT} SELECT {bucket('d.issued_at')}, d.kind, "
        f"coalesce(d.user_id, '{NO_ONE}'), {line}.tax_rate_bp, "
        f"{_sales_values(line, sign, summed=False)} FROM sales_documents d "
        f"WHERE d.id = {line}.document_id AND {counted('d')} {_ADD_SALES};"
    )


def _document_lines_move(d: str, sign: str) -> str:
    """Add or take away all the lines of the document row ``d`` if it counts."""
    return (
        f"{_SALES_INSERT} SELECT {bucket(f'{d}.issued_at')}, {d}.kind, "
        f"coalesce({d}.user_id, '{NO_ONE}'), l.tax_rate_bp, "
        f"{_sales_values('l', sign, summed=True)} "
        f"FROM sales_lines l WHERE l.document_id = {d}.id AND {counted(d)} "
        f"GROUP BY l.tax_rate_bp {_ADD_SALES};"
    )


def _document_moves(d: str, sign: str) -> str:
    return (
        "INSERT INTO document_buckets (bucket, doc_kind, user_id, documents, total) "
        f"SELECT {bucket(f'{d}.issued_at')}, {d}.kind, coalesce({d}.user_id, '{NO_ONE}'), "
        f"{sign}1, {sign}({d}.total + {d}.rounding) WHERE {counted(d)} "
        "ON CONFLICT (bucket, doc_kind, user_id) DO UPDATE SET "
        "documents = documents + excluded.documents, total = total + excluded.total;"
    )


def _payment_moves(p: str, sign: str) -> str:
    return (
        "INSERT INTO payment_buckets "
        "(bucket, method_kind, method_name, on_document, payments, amount, tip) "
        f"SELECT {bucket(f'{p}.at')}, {p}.method_kind, {p}.method_name, "
        f"{p}.document_id IS NOT NULL, {sign}1, {sign}{p}.amount, {sign}{p}.tip "
        "WHERE true ON CONFLICT (bucket, method_kind, method_name, on_document) DO UPDATE SET "
        "payments = payments + excluded.payments, amount = amount + excluded.amount, "
        "tip = tip + excluded.tip;"
    )


def _workload_moves(t: str, sign: str) -> str:
    return (
        "INSERT INTO ticket_workload_counts (status_id, technician_id, tickets) "
        f"VALUES ({t}.status_id, coalesce({t}.assigned_to_id, '{NO_ONE}'), {sign}1) "
        "ON CONFLICT (status_id, technician_id) DO UPDATE SET "
        "tickets = tickets + excluded.tickets;"
    )


DOCUMENT_KEYS = ("kind", "status", "issued_at", "user_id", "total", "rounding")
LINE_COLUMNS = (
    "document_id",
    "quantity",
    "unit_cost",
    "line_discount",
    "document_discount",
    "tax_rate_bp",
    "net",
    "tax",
    "gross",
    "restock",
)
PAYMENT_COLUMNS = ("document_id", "method_kind", "method_name", "amount", "tip", "at")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)


TRIGGERS = {
    "payments_bucket_ai": f"AFTER INSERT ON payments BEGIN {_payment_moves('new', '')} END",
    "payments_bucket_au": (
        f"AFTER UPDATE OF {', '.join(PAYMENT_COLUMNS)} ON payments "
        f"WHEN {_changed(PAYMENT_COLUMNS)} BEGIN "
        f"{_payment_moves('old', '-')} {_payment_moves('new', '')} END"
    ),
    "payments_bucket_ad": f"AFTER DELETE ON payments BEGIN {_payment_moves('old', '-')} END",
    "sales_lines_bucket_ai": f"AFTER INSERT ON sales_lines BEGIN {_line_moves('new', '')} END",
    "sales_lines_bucket_au": (
        f"AFTER UPDATE OF {', '.join(LINE_COLUMNS)} ON sales_lines "
        f"WHEN {_changed(LINE_COLUMNS)} BEGIN "
        f"{_line_moves('old', '-')} {_line_moves('new', '')} END"
    ),
    "sales_lines_bucket_ad": f"AFTER DELETE ON sales_lines BEGIN {_line_moves('old', '-')} END",
    "sales_documents_bucket_ai": (
        f"AFTER INSERT ON sales_documents WHEN {counted('new')} BEGIN "
        f"{_document_lines_move('new', '')} {_document_moves('new', '')} END"
    ),
    "sales_documents_bucket_au": (
        f"AFTER UPDATE OF {', '.join(DOCUMENT_KEYS)} ON sales_documents "
        f"WHEN ({counted('old')} OR {counted('new')}) AND ({_changed(DOCUMENT_KEYS)}) BEGIN "
        f"{_document_lines_move('old', '-')} {_document_moves('old', '-')} "
        f"{_document_lines_move('new', '')} {_document_moves('new', '')} END"
    ),
    # Before the delete: a cascade removes the lines before an AFTER trigger would run,
    # and their own triggers no longer find the document.
    "sales_documents_bucket_bd": (
        f"BEFORE DELETE ON sales_documents WHEN {counted('old')} BEGIN "
        f"{_document_lines_move('old', '-')} {_document_moves('old', '-')} END"
    ),
    "tickets_workload_ai": f"AFTER INSERT ON tickets BEGIN {_workload_moves('new', '')} END",
    "tickets_workload_au": (
        "AFTER UPDATE OF status_id, assigned_to_id ON tickets "
        "WHEN old.status_id IS NOT new.status_id "
        "OR old.assigned_to_id IS NOT new.assigned_to_id BEGIN "
        f"{_workload_moves('old', '-')} {_workload_moves('new', '')} END"
    ),
    "tickets_workload_ad": f"AFTER DELETE ON tickets BEGIN {_workload_moves('old', '-')} END",
}

FILLS = (
    f"{_SALES_INSERT} SELECT {bucket('d.issued_at')}, d.kind, coalesce(d.user_id, '{NO_ONE}'), "
    f"l.tax_rate_bp, {_sales_values('l', '', summed=True)} FROM sales_lines l "
    f"JOIN sales_documents d ON d.id = l.document_id WHERE {counted('d')} "
    "GROUP BY 1, 2, 3, 4",
    "INSERT INTO document_buckets (bucket, doc_kind, user_id, documents, total) "
    f"SELECT {bucket('d.issued_at')}, d.kind, coalesce(d.user_id, '{NO_ONE}'), count(*), "
    f"sum(d.total + d.rounding) FROM sales_documents d WHERE {counted('d')} GROUP BY 1, 2, 3",
    "INSERT INTO payment_buckets "
    "(bucket, method_kind, method_name, on_document, payments, amount, tip) "
    f"SELECT {bucket('at')}, method_kind, method_name, document_id IS NOT NULL, count(*), "
    "sum(amount), sum(tip) FROM payments GROUP BY 1, 2, 3, 4",
    "INSERT INTO ticket_workload_counts (status_id, technician_id, tickets) "
    f"SELECT status_id, coalesce(assigned_to_id, '{NO_ONE}'), count(*) FROM tickets "
    "GROUP BY 1, 2",
)

# (table, old index name or None, new index name, columns, partial WHERE or None)
INDEXES = (
    (
        "tickets",
        None,
        "ix_tickets_completed_at",
        ("completed_at", "assigned_to_id", "created_at"),
        "completed_at IS NOT NULL",
    ),
    (
        "tickets",
        None,
        "ix_tickets_warranty_of_id",
        ("created_at", "warranty_of_id"),
        "warranty_of_id IS NOT NULL",
    ),
    (
        "ticket_status_changes",
        "ix_ticket_status_changes_ticket_id",
        "ix_ticket_status_changes_ticket_id_at",
        ("ticket_id", "at"),
        None,
    ),
    (
        "payments",
        "ix_payments_document_id",
        "ix_payments_document_id_amount",
        ("document_id", "amount"),
        None,
    ),
    (
        "sales_documents",
        "ix_sales_documents_kind_status_issued_at",
        "ix_sales_documents_kind_status_issued_at",
        ("kind", "status", "issued_at", "customer_id", "user_id", "total"),
        None,
    ),
    ("stock_movements", None, "ix_stock_movements_at_kind", ("at", "kind"), None),
    ("journal_entries", None, "ix_journal_entries_kind_at", ("kind", "at"), None),
    ("audit_events", None, "ix_audit_events_action_at", ("action", "at"), None),
    ("audit_events", None, "ix_audit_events_user_id_at", ("user_id", "at"), None),
)


def _create_index(table: str, name: str, columns: tuple[str, ...], where: str | None) -> None:
    partial = f" WHERE {where}" if where else ""
    op.execute(f"CREATE INDEX {name} ON {table} ({', '.join(columns)}){partial}")


def upgrade() -> None:
    key = {"primary_key": True, "nullable": False}
    op.create_table(
        "payment_buckets",
        sa.Column("bucket", sa.String(16), **key),
        sa.Column("method_kind", sa.String(20), **key),
        sa.Column("method_name", sa.String(60), **key),
        sa.Column("on_document", sa.Boolean(), **key),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in ("payments", "amount", "tip")),
    )
    op.create_table(
        "sales_buckets",
        sa.Column("bucket", sa.String(16), **key),
        sa.Column("doc_kind", sa.String(12), **key),
        sa.Column("user_id", sa.Uuid(), **key),
        sa.Column("tax_rate_bp", sa.Integer(), **key),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SALES_SUMS),
    )
    op.create_table(
        "document_buckets",
        sa.Column("bucket", sa.String(16), **key),
        sa.Column("doc_kind", sa.String(12), **key),
        sa.Column("user_id", sa.Uuid(), **key),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in ("documents", "total")),
    )
    op.create_table(
        "ticket_workload_counts",
        sa.Column("status_id", sa.Uuid(), **key),
        sa.Column("technician_id", sa.Uuid(), **key),
        sa.Column("tickets", sa.Integer(), nullable=False),
    )
    for fill in FILLS:
        op.execute(fill)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    for table, old, new, columns, where in INDEXES:
        if old:
            op.execute(f"DROP INDEX {old}")
        _create_index(table, new, columns, where)


def downgrade() -> None:
    for table, old, new, _columns, _where in reversed(INDEXES):
        op.execute(f"DROP INDEX {new}")
        if old == "ix_sales_documents_kind_status_issued_at":
            _create_index(table, old, ("kind", "status", "issued_at"), None)
        elif old:
            _create_index(table, old, (old.removeprefix(f"ix_{table}_"),), None)
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("ticket_workload_counts", "document_buckets", "sales_buckets", "payment_buckets"):
        op.drop_table(table)
