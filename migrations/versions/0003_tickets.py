"""tickets

Revision ID: 0003_tickets
Revises: 0002_search
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003_tickets"
down_revision = "0002_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_statuses",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("notify_customer", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_statuses")),
    )
    op.create_table(
        "tickets",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("status_id", sa.Uuid(), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("accessories", sa.String(length=500), nullable=False),
        sa.Column("estimate_labour", sa.Integer(), nullable=False),
        sa.Column("estimate_parts", sa.Integer(), nullable=False),
        sa.Column("promised_at", sa.DateTime(), nullable=True),
        sa.Column("warranty_of_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_to_id", sa.Uuid(), nullable=True),
        sa.Column("signature_consent", sa.Boolean(), nullable=False),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("work_done", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"], ["users.id"], name=op.f("fk_tickets_assigned_to_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_tickets_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_tickets_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["status_id"], ["ticket_statuses.id"], name=op.f("fk_tickets_status_id_ticket_statuses")
        ),
        sa.ForeignKeyConstraint(
            ["warranty_of_id"], ["tickets.id"], name=op.f("fk_tickets_warranty_of_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_assigned_to_id", ["assigned_to_id"], unique=False)
        batch_op.create_index("ix_tickets_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_tickets_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_tickets_device_id", ["device_id"], unique=False)
        batch_op.create_index("ix_tickets_promised_at", ["promised_at"], unique=False)
        batch_op.create_index(
            "ix_tickets_status_id_created_at", ["status_id", "created_at"], unique=False
        )

    op.create_table(
        "ticket_assignments",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("technician_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_assignments_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_assignments")),
    )
    with op.batch_alter_table("ticket_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_assignments_ticket_id", ["ticket_id"], unique=False)

    op.create_table(
        "ticket_notes",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("customer_visible", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_notes_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_notes")),
    )
    with op.batch_alter_table("ticket_notes", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_notes_ticket_id", ["ticket_id"], unique=False)

    op.create_table(
        "ticket_status_changes",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("from_status_id", sa.Uuid(), nullable=True),
        sa.Column("to_status_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_status_changes_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_status_changes")),
    )
    with op.batch_alter_table("ticket_status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_status_changes_ticket_id", ["ticket_id"], unique=False)

    op.bulk_insert(_statuses_table(), _default_statuses())


# Same namespace as desktop.services.ids.CATALOG_NAMESPACE: every station seeds equal ids.
CATALOG_NAMESPACE = uuid.UUID("6b0b2f0e-3d0b-4f7c-9a51-2f3c1c9e7a10")

DEFAULT_STATUSES = [
    # name, category, notify the customer on entry
    ("New", "open", False),
    ("Diagnosing", "in_progress", False),
    ("Waiting for approval", "waiting_customer", True),
    ("Waiting for parts", "waiting_parts", False),
    ("In repair", "in_progress", False),
    ("Ready for pickup", "ready", True),
    ("Completed", "completed", False),
    ("Closed", "closed", False),
    ("Cancelled", "cancelled", False),
]


def _statuses_table() -> sa.TableClause:
    return sa.table(
        "ticket_statuses",
        sa.column("id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("category", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("notify_customer", sa.Boolean()),
        sa.column("active", sa.Boolean()),
    )


def _default_statuses() -> list[dict[str, object]]:
    return [
        {
            "id": uuid.uuid5(CATALOG_NAMESPACE, "\x1f".join(("ticket_status", name.casefold()))),
            "name": name,
            "category": category,
            "position": position,
            "notify_customer": notify,
            "active": True,
        }
        for position, (name, category, notify) in enumerate(DEFAULT_STATUSES)
    ]


def downgrade() -> None:
    with op.batch_alter_table("ticket_status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_status_changes_ticket_id")

    op.drop_table("ticket_status_changes")
    with op.batch_alter_table("ticket_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_notes_ticket_id")

    op.drop_table("ticket_notes")
    with op.batch_alter_table("ticket_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_assignments_ticket_id")

    op.drop_table("ticket_assignments")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_id_created_at")
        batch_op.drop_index("ix_tickets_promised_at")
        batch_op.drop_index("ix_tickets_device_id")
        batch_op.drop_index("ix_tickets_customer_id")
        batch_op.drop_index("ix_tickets_created_at_id")
        batch_op.drop_index("ix_tickets_assigned_to_id")

    op.drop_table("tickets")
    op.drop_table("ticket_statuses")
