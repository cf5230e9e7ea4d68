"""Partial indexes on the sparse columns of selling

Revision ID: 0013_sparse_sales_indexes
Revises: 0012_sales
Create Date: 2026-11-23 22:52:00

Most sales have no ticket, no original document and no source line, and payments made
before shifts were used have no shift. A plain index on such a column holds one huge
group of NULLs, and after ANALYZE SQLite judges it useless: finding a sale's credit notes
walked two million sales by date. Indexes over the non-NULL values only are small and
chosen for ``column = ?``.
"""

from __future__ import annotations

from alembic import op

revision = "0013_sparse_sales_indexes"
down_revision = "0012_sales"
branch_labels = None
depends_on = None

INDEXES = (
    ("sales_documents", "ix_sales_documents_ticket_id", "ticket_id"),
    ("sales_documents", "ix_sales_documents_original_id", "original_id"),
    ("sales_lines", "ix_sales_lines_source_id", "source_id"),
    ("payments", "ix_payments_ticket_id", "ticket_id"),
    ("payments", "ix_payments_shift_id", "shift_id"),
)


def upgrade() -> None:
    for table, name, column in INDEXES:
        op.drop_index(name, table_name=table)
        op.execute(f"CREATE INDEX {name} ON {table} ({column}) WHERE {column} IS NOT NULL")


def downgrade() -> None:
    for table, name, column in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
