"""Tickets per status, kept by triggers

Revision ID: 0006_ticket_status_counts
Revises: 0005_ticket_indexes
Create Date: 2026-11-23 16:10:00

A migration that rebuilds the ``tickets`` table (batch mode with recreate) drops these
triggers with it and must create them again; ``tests/migrations`` checks they exist at head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_ticket_status_counts"
down_revision = "0005_ticket_indexes"
branch_labels = None
depends_on = None

TRIGGERS = (
    """CREATE TRIGGER tickets_status_count_ai AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_status_counts (status_id, tickets) VALUES (new.status_id, 1)
        ON CONFLICT (status_id) DO UPDATE SET tickets = tickets + 1;
    END""",
    """CREATE TRIGGER tickets_status_count_au AFTER UPDATE OF status_id ON tickets
    WHEN old.status_id IS NOT new.status_id BEGIN
        UPDATE ticket_status_counts SET tickets = tickets - 1 WHERE status_id = old.status_id;
        INSERT INTO ticket_status_counts (status_id, tickets) VALUES (new.status_id, 1)
        ON CONFLICT (status_id) DO UPDATE SET tickets = tickets + 1;
    END""",
    """CREATE TRIGGER tickets_status_count_ad AFTER DELETE ON tickets BEGIN
        UPDATE ticket_status_counts SET tickets = tickets - 1 WHERE status_id = old.status_id;
    END""",
)


def upgrade() -> None:
    op.create_table(
        "ticket_status_counts",
        sa.Column("status_id", sa.Uuid(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status_id", name=op.f("pk_ticket_status_counts")),
    )
    op.execute(
        "INSERT INTO ticket_status_counts (status_id, tickets) "
        "SELECT status_id, count(*) FROM tickets GROUP BY status_id"
    )
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    for name in ("tickets_status_count_ai", "tickets_status_count_au", "tickets_status_count_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("ticket_status_counts")
