"""Ticket list indexes: each bench filter with its newest-first order, overdue by status

Revision ID: 0005_ticket_indexes
Revises: 0004_ticket_work
Create Date: 2026-11-23 16:00:22.893948
"""

from __future__ import annotations

from alembic import op

revision = "0005_ticket_indexes"
down_revision = "0004_ticket_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index statements: SQLite needs no table rebuild for these.
    op.drop_index("ix_tickets_assigned_to_id", table_name="tickets")
    op.drop_index("ix_tickets_promised_at", table_name="tickets")
    op.create_index(
        "ix_tickets_assigned_to_id_created_at", "tickets", ["assigned_to_id", "created_at"]
    )
    op.create_index("ix_tickets_priority_created_at", "tickets", ["priority", "created_at"])
    op.create_index("ix_tickets_status_id_promised_at", "tickets", ["status_id", "promised_at"])
    op.execute("ANALYZE tickets")


def downgrade() -> None:
    op.drop_index("ix_tickets_status_id_promised_at", table_name="tickets")
    op.drop_index("ix_tickets_priority_created_at", table_name="tickets")
    op.drop_index("ix_tickets_assigned_to_id_created_at", table_name="tickets")
    op.create_index("ix_tickets_promised_at", "tickets", ["promised_at"])
    op.create_index("ix_tickets_assigned_to_id", "tickets", ["assigned_to_id"])
