"""Sync: transaction numbers and pull base in the outbox, field clocks, the conflict log,
and natural keys that two stations may both take offline

Revision ID: 0014_sync
Revises: 0013_sparse_sales_indexes
Create Date: 2026-11-24 00:30:00

Field clocks are filled from the outbox, which holds every change this station made, so
a shop that syncs for the first time merges its own edits by their real clocks.

A SKU, a barcode, a username, a location or tax class or payment method code, a lot, a
supplier link, a count line, a message template and a message's dedupe key were unique.
Two stations offline can both take one of them, and a replica that refused the second row
would never match the others, so they become plain indexes: the services still refuse a
duplicate typed at one station, and the server reports a pair that met through sync.
SQLite drops a constraint only by rebuilding the table, which also drops its triggers
and may lose partial indexes, so both are saved first and put back; the rename runs in
SQLite's legacy mode because other tables' triggers name the table being rebuilt.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014_sync"
down_revision = "0013_sparse_sales_indexes"
branch_labels = None
depends_on = None

# (table, constraint, index, columns)
NATURAL_KEYS = (
    ("users", "uq_users_username", "ix_users_username", ("username",)),
    ("items", "uq_items_sku", "ix_items_sku", ("sku",)),
    ("item_barcodes", "uq_item_barcodes_code", "ix_item_barcodes_code", ("code",)),
    ("stock_locations", "uq_stock_locations_name", "ix_stock_locations_name", ("name",)),
    ("tax_classes", "uq_tax_classes_code", "ix_tax_classes_code", ("code",)),
    ("payment_methods", "uq_payment_methods_code", "ix_payment_methods_code", ("code",)),
    ("messages", "uq_messages_dedupe_key", "ix_messages_dedupe_key", ("dedupe_key",)),
    (
        "stock_lots",
        "item_code_expiry",
        "ix_stock_lots_item_id_code",
        ("item_id", "code", "expires_on"),
    ),
    (
        "item_suppliers",
        "item_supplier",
        "ix_item_suppliers_item_id_supplier_id",
        ("item_id", "supplier_id"),
    ),
    (
        "stock_count_lines",
        "count_item",
        "ix_stock_count_lines_count_id_item_id",
        ("count_id", "item_id"),
    ),
    (
        "message_templates",
        "uq_message_templates_status_id",
        "ix_message_templates_status_id_channel",
        ("status_id", "channel"),
    ),
)

# Syncable tables whose rows change after insert (ledgers never do), as of this revision.
MUTABLE_TABLES = (
    "cash_shifts", "customer_phones", "customers", "device_models", "devices",
    "item_barcodes", "item_suppliers", "items", "message_templates", "messages",
    "messaging_settings", "payment_methods", "purchase_order_lines", "purchase_orders",
    "sales_documents", "sales_lines", "shop_profile", "stations", "stock_count_lines",
    "stock_counts", "stock_locations", "stock_lots", "suppliers", "tax_classes",
    "ticket_attachments", "ticket_labour_lines", "ticket_parts", "ticket_statuses",
    "tickets", "users",
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch:
        batch.add_column(sa.Column("txn_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("base_seq", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "CREATE INDEX ix_sync_outbox_txn_seq ON sync_outbox (txn_seq) WHERE txn_seq IS NOT NULL"
    )
    op.create_table(
        "sync_row_clocks",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_sync_row_clocks")),
    )
    _create_conflicts()
    _fill_clocks_from_outbox()
    _settle_seed_times()
    for table, constraint, index, columns in NATURAL_KEYS:
        _rebuild_keeping_triggers(table, lambda batch, c=constraint: batch.drop_constraint(c))
        op.create_index(index, table, list(columns))


def downgrade() -> None:
    for table, constraint, index, columns in NATURAL_KEYS:
        op.drop_index(index, table_name=table)
        _rebuild_keeping_triggers(
            table,
            lambda batch, c=constraint, cols=columns: batch.create_unique_constraint(c, list(cols)),
        )
    op.drop_table("sync_conflicts")
    op.drop_table("sync_row_clocks")
    op.drop_index("ix_sync_outbox_txn_seq", table_name="sync_outbox")
    with op.batch_alter_table("sync_outbox") as batch:
        batch.drop_column("base_seq")
        batch.drop_column("txn_seq")


def _create_conflicts() -> None:
    op.create_table(
        "sync_conflicts",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("kept_value", sa.Text(), nullable=False),
        sa.Column("kept_hlc", sa.String(length=40), nullable=False),
        sa.Column("kept_station", sa.String(length=8), nullable=False),
        sa.Column("kept_user_id", sa.Uuid(), nullable=True),
        sa.Column("other_value", sa.Text(), nullable=False),
        sa.Column("other_hlc", sa.String(length=40), nullable=False),
        sa.Column("other_station", sa.String(length=8), nullable=False),
        sa.Column("other_user_id", sa.Uuid(), nullable=True),
        sa.Column("other_row_id", sa.Uuid(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("resolution", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.execute(
        "CREATE INDEX ix_sync_conflicts_open ON sync_conflicts (detected_at) "
        "WHERE resolved_at IS NULL"
    )


def _fill_clocks_from_outbox() -> None:
    """Each field's clock is that of the last captured change that wrote it."""
    connection = op.get_bind()
    clocks: dict[tuple[str, Any], dict[str, str]] = {}
    rows = connection.execute(
        sa.text(
            "SELECT table_name, row_id, op, fields, hlc FROM sync_outbox "
            f"WHERE table_name IN ({', '.join(repr(t) for t in MUTABLE_TABLES)}) ORDER BY seq"
        )
    )
    for table, row_id, change_op, fields, hlc in rows:
        key = (table, row_id)
        if change_op == "insert":
            clocks[key] = {"*": hlc}
        elif change_op == "update":
            entry = clocks.setdefault(key, {"*": "0000000000000000-00000-0"})
            entry.update(dict.fromkeys(json.loads(fields), hlc))
        else:
            clocks.pop(key, None)
    if clocks:
        connection.execute(
            sa.text("INSERT INTO sync_row_clocks (table_name, row_id, clocks) VALUES (:t, :r, :c)"),
            [
                {"t": table, "r": row_id, "c": json.dumps(value, sort_keys=True)}
                for (table, row_id), value in clocks.items()
            ],
        )


SEED_TIME = "2026-01-01 00:00:00.000000"


def _settle_seed_times() -> None:
    """Rows seeded by migrations carry the time each database was created. They merge at
    the zero clock, so each station would keep its own time forever: give every seeded
    row one fixed time, the same in every database."""
    connection = op.get_bind()
    captured: dict[tuple[str, str], dict[str, str]] = {
        (table, row_id): json.loads(clocks)
        for table, row_id, clocks in connection.execute(
            sa.text("SELECT table_name, row_id, clocks FROM sync_row_clocks")
        )
    }
    for table in MUTABLE_TABLES:
        columns = {row[1] for row in connection.execute(sa.text(f"PRAGMA table_info({table})"))}
        stamps = [name for name in ("created_at", "updated_at") if name in columns]
        # Seeds have name-based ids (UUID version 5); rows made at the counter are v7.
        seeded = sa.text(f"SELECT id FROM {table} WHERE substr(id, 13, 1) = '5'")
        for (row_id,) in connection.execute(seeded).fetchall():
            clocks = captured.get((table, row_id), {})
            if clocks.get("*", "0") > "0000000000000000-00000-0":
                continue
            for name in stamps:
                if name not in clocks:
                    connection.execute(
                        sa.text(f"UPDATE {table} SET {name} = :at WHERE id = :id"),
                        {"at": SEED_TIME, "id": row_id},
                    )


def _rebuild_keeping_triggers(table: str, alter: Any) -> None:
    connection = op.get_bind()
    # Triggers of other tables name this one (stock movements keep items' stock); the
    # modern rename would check them while the table is away and fail.
    op.execute("PRAGMA legacy_alter_table=ON")
    saved = connection.execute(
        sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :t "
            "AND type IN ('trigger', 'index') AND sql IS NOT NULL"
        ),
        {"t": table},
    ).fetchall()
    with op.batch_alter_table(table, recreate="always") as batch:
        alter(batch)
    op.execute("PRAGMA legacy_alter_table=OFF")
    for kind, name, sql in saved:
        op.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        op.execute(sql)
