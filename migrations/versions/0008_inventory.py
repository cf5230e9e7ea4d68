"""Inventory: items, barcodes, stock locations, the stock ledger and its levels

Revision ID: 0008_inventory
Revises: 0007_messages
Create Date: 2026-11-23 17:14:58

``stock_levels`` is derived from ``stock_movements`` by the triggers below, so the app,
sync and a bulk load all keep it right. The ledger is append-only: there is no update or
delete trigger on purpose. A migration that rebuilds ``stock_movements`` (batch mode with
recreate) drops the trigger with it and must create it again; ``tests/migrations`` checks
it exists at head.

Average cost is a moving average per item and location, in minor units: a movement that
adds units and carries a ``unit_cost`` (a receipt, a transfer in) sets it to
``(on_hand * average + quantity * unit_cost) / (on_hand + quantity)``, rounded half up;
when nothing (or less than nothing) was on hand the new average is the unit cost itself.
Other movements (sales, returns, adjustments, write-offs) keep the average.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008_inventory"
down_revision = "0007_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("cost_price", sa.Integer(), nullable=False),
        sa.Column("sell_price", sa.Integer(), nullable=False),
        sa.Column("tax_class", sa.String(length=30), nullable=False),
        sa.Column("low_stock_threshold", sa.Integer(), nullable=False),
        sa.Column("reorder_level", sa.Integer(), nullable=False),
        sa.Column("reorder_quantity", sa.Integer(), nullable=False),
        sa.Column("bin_location", sa.String(length=50), nullable=False),
        sa.Column("track_expiry", sa.Boolean(), nullable=False),
        sa.Column("serialized", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('stock', 'service')", name=op.f("ck_items_kind")),
        sa.CheckConstraint("cost_price >= 0", name=op.f("ck_items_cost_price")),
        sa.CheckConstraint("sell_price >= 0", name=op.f("ck_items_sell_price")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("sku", name=op.f("uq_items_sku")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_sort_name_id", ["sort_name", "id"], unique=False)

    op.create_table(
        "stock_levels",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("average_cost", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "location_id", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "stock_locations",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_locations")),
        sa.UniqueConstraint("name", name=op.f("uq_stock_locations_name")),
    )
    op.create_table(
        "item_barcodes",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("symbology", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_barcodes_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_barcodes")),
        sa.UniqueConstraint("code", name=op.f("uq_item_barcodes_code")),
    )
    with op.batch_alter_table("item_barcodes", schema=None) as batch_op:
        batch_op.create_index("ix_item_barcodes_item_id", ["item_id"], unique=False)

    op.create_table(
        "stock_movements",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_cost", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reference_kind", sa.String(length=30), nullable=False),
        sa.Column("reference_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("station_code", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_quantity")),
        sa.CheckConstraint(
            "unit_cost IS NULL OR unit_cost >= 0", name=op.f("ck_stock_movements_unit_cost")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stock_movements_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["stock_locations.id"],
            name=op.f("fk_stock_movements_location_id_stock_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_movements_item_id_location_id_at",
            ["item_id", "location_id", "at"],
            unique=False,
        )

    op.bulk_insert(
        sa.table(
            "stock_locations",
            sa.column("id", sa.Uuid()),
            sa.column("name", sa.String()),
            sa.column("active", sa.Boolean()),
        ),
        [{"id": DEFAULT_LOCATION_ID, "name": "Store", "active": True}],
    )
    op.execute(LEVEL_TRIGGER)


# Same namespace and key as desktop.services.ids.stable_id("stock_location", "store"):
# every station seeds the same row.
CATALOG_NAMESPACE = uuid.UUID("6b0b2f0e-3d0b-4f7c-9a51-2f3c1c9e7a10")
DEFAULT_LOCATION_ID = uuid.uuid5(CATALOG_NAMESPACE, "\x1f".join(("stock_location", "store")))

LEVEL_TRIGGER = """CREATE TRIGGER stock_movements_level_ai AFTER INSERT ON stock_movements BEGIN
    INSERT INTO stock_levels (item_id, location_id, on_hand, average_cost)
    VALUES (new.item_id, new.location_id, 0, 0)
    ON CONFLICT (item_id, location_id) DO NOTHING;
    UPDATE stock_levels SET
        average_cost = CASE
            WHEN new.quantity <= 0 OR new.unit_cost IS NULL THEN average_cost
            WHEN on_hand <= 0 THEN new.unit_cost
            ELSE (on_hand * average_cost + new.quantity * new.unit_cost
                  + (on_hand + new.quantity) / 2) / (on_hand + new.quantity)
        END,
        on_hand = on_hand + new.quantity
    WHERE item_id = new.item_id AND location_id = new.location_id;
END"""


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS stock_movements_level_ai")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_item_id_location_id_at")

    op.drop_table("stock_movements")
    with op.batch_alter_table("item_barcodes", schema=None) as batch_op:
        batch_op.drop_index("ix_item_barcodes_item_id")

    op.drop_table("item_barcodes")
    op.drop_table("stock_locations")
    op.drop_table("stock_levels")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_sort_name_id")

    op.drop_table("items")
