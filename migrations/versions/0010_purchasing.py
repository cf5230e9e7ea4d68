"""Suppliers, purchase orders, stock counts, lots and serials, parts on tickets, and the
per-item stock total behind the low-stock list

Revision ID: 0010_purchasing
Revises: 0009_item_search
Create Date: 2026-11-23 19:20:30

``item_stock`` holds each item's units over all locations and a ``low`` flag (an active
stock item with a low-stock threshold, at or below it), kept by triggers on ``items`` and
``stock_movements``; a partial index over the low rows makes the low-stock list a short
read at any catalog size. Item search now also finds compatible models: the item FTS
triggers are replaced so ``details`` carries them.

The new ledger columns are added in place (``ALTER TABLE ADD COLUMN``): rebuilding
``stock_movements`` would drop its level trigger. The downgrade drops them the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_purchasing"
down_revision = "0009_item_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_stock",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("low", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_stock")),
    )
    with op.batch_alter_table("item_stock", schema=None) as batch_op:
        batch_op.create_index(
            "ix_item_stock_low", ["on_hand"], unique=False, sqlite_where=sa.text("low = 1")
        )

    op.create_table(
        "suppliers",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=1000), nullable=False),
        sa.Column("terms", sa.String(length=200), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("lead_time_days >= 0", name=op.f("ck_suppliers_lead_time_days")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
    )
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.create_index("ix_suppliers_sort_name", ["sort_name"], unique=False)

    op.create_table(
        "item_suppliers",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_sku", sa.String(length=64), nullable=False),
        sa.Column("cost_price", sa.Integer(), nullable=True),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "cost_price IS NULL OR cost_price >= 0", name=op.f("ck_item_suppliers_cost_price")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_suppliers_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_item_suppliers_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_suppliers")),
        sa.UniqueConstraint("item_id", "supplier_id", name="item_supplier"),
    )
    with op.batch_alter_table("item_suppliers", schema=None) as batch_op:
        batch_op.create_index("ix_item_suppliers_supplier_id", ["supplier_id"], unique=False)

    op.create_table(
        "purchase_orders",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(), nullable=True),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'ordered', 'partial', 'received', 'closed', 'cancelled')",
            name=op.f("ck_purchase_orders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["stock_locations.id"],
            name=op.f("fk_purchase_orders_location_id_stock_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_purchase_orders_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_purchase_orders_number")),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index("ix_purchase_orders_status", ["status"], unique=False)
        batch_op.create_index("ix_purchase_orders_supplier_id", ["supplier_id"], unique=False)

    op.create_table(
        "stock_counts",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("scope", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("started_by", sa.Uuid(), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'approved', 'cancelled')", name=op.f("ck_stock_counts_status")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["stock_locations.id"],
            name=op.f("fk_stock_counts_location_id_stock_locations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_counts")),
        sa.UniqueConstraint("number", name=op.f("uq_stock_counts_number")),
    )
    op.create_table(
        "stock_lots",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stock_lots_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_lots")),
        sa.UniqueConstraint("item_id", "code", "expires_on", name="item_code_expiry"),
    )
    with op.batch_alter_table("stock_lots", schema=None) as batch_op:
        batch_op.create_index("ix_stock_lots_expires_on", ["expires_on"], unique=False)

    op.create_table(
        "purchase_order_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost", sa.Integer(), nullable=False),
        sa.Column("supplier_sku", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_order_lines_quantity")),
        sa.CheckConstraint("unit_cost >= 0", name=op.f("ck_purchase_order_lines_unit_cost")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_purchase_order_lines_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_lines_order_id_purchase_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_lines")),
    )
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.create_index("ix_purchase_order_lines_item_id", ["item_id"], unique=False)
        batch_op.create_index("ix_purchase_order_lines_order_id", ["order_id"], unique=False)

    op.create_table(
        "stock_count_lines",
        sa.Column("count_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("counted_at", sa.DateTime(), nullable=True),
        sa.Column("average_cost", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "counted IS NULL OR counted >= 0", name=op.f("ck_stock_count_lines_counted")
        ),
        sa.ForeignKeyConstraint(
            ["count_id"],
            ["stock_counts.id"],
            name=op.f("fk_stock_count_lines_count_id_stock_counts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_stock_count_lines_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count_lines")),
        sa.UniqueConstraint("count_id", "item_id", name="count_item"),
    )
    op.create_table(
        "ticket_parts",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('reserved', 'used', 'removed')", name=op.f("ck_ticket_parts_status")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_ticket_parts_quantity")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_ticket_parts_unit_price")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_ticket_parts_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["stock_locations.id"],
            name=op.f("fk_ticket_parts_location_id_stock_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_parts_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_parts")),
    )
    with op.batch_alter_table("ticket_parts", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_parts_item_id_status", ["item_id", "status"], unique=False)
        batch_op.create_index("ix_ticket_parts_ticket_id", ["ticket_id"], unique=False)

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "compatible_models", sa.String(length=1000), server_default="", nullable=False
            )
        )

    with op.batch_alter_table("shop_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "ticket_parts_mode", sa.String(length=10), server_default="consume", nullable=False
            )
        )

    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lot_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("serial", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.create_index(
            "ix_stock_movements_lot_id",
            ["lot_id"],
            unique=False,
            sqlite_where=sa.text("lot_id IS NOT NULL"),
        )
        batch_op.create_index("ix_stock_movements_reference_id", ["reference_id"], unique=False)
        batch_op.create_index(
            "ix_stock_movements_serial",
            ["serial", "item_id"],
            unique=False,
            sqlite_where=sa.text("serial <> ''"),
        )

    for name in ITEM_FTS_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name}")
    for sql in ITEM_STOCK_TRIGGERS + ITEM_FTS_TRIGGERS:
        op.execute(sql)
    op.execute(ITEM_STOCK_FILL)
    op.execute(
        "UPDATE item_fts SET details = (SELECT i.brand || ' ' || i.category || ' ' || "
        "i.compatible_models FROM items i JOIN search_keys k ON k.entity_id = i.id "
        "WHERE k.rowid = item_fts.rowid)"
    )


def downgrade() -> None:
    for name in ITEM_STOCK_TRIGGER_NAMES + ITEM_FTS_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in OLD_ITEM_FTS_TRIGGERS:
        op.execute(sql)
    op.execute("DROP INDEX ix_stock_movements_serial")
    op.execute("DROP INDEX ix_stock_movements_reference_id")
    op.execute("DROP INDEX ix_stock_movements_lot_id")
    # In place, like the upgrade: a rebuilt table would lose its triggers.
    op.execute("ALTER TABLE stock_movements DROP COLUMN serial")
    op.execute("ALTER TABLE stock_movements DROP COLUMN lot_id")
    op.execute("ALTER TABLE shop_profile DROP COLUMN ticket_parts_mode")
    op.execute("ALTER TABLE items DROP COLUMN compatible_models")
    op.execute(
        "UPDATE item_fts SET details = (SELECT i.brand || ' ' || i.category "
        "FROM items i JOIN search_keys k ON k.entity_id = i.id WHERE k.rowid = item_fts.rowid)"
    )

    with op.batch_alter_table("ticket_parts", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_parts_ticket_id")
        batch_op.drop_index("ix_ticket_parts_item_id_status")

    op.drop_table("ticket_parts")
    op.drop_table("stock_count_lines")
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_purchase_order_lines_order_id")
        batch_op.drop_index("ix_purchase_order_lines_item_id")

    op.drop_table("purchase_order_lines")
    with op.batch_alter_table("stock_lots", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_lots_expires_on")

    op.drop_table("stock_lots")
    op.drop_table("stock_counts")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_purchase_orders_supplier_id")
        batch_op.drop_index("ix_purchase_orders_status")

    op.drop_table("purchase_orders")
    with op.batch_alter_table("item_suppliers", schema=None) as batch_op:
        batch_op.drop_index("ix_item_suppliers_supplier_id")

    op.drop_table("item_suppliers")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index("ix_suppliers_sort_name")

    op.drop_table("suppliers")
    with op.batch_alter_table("item_stock", schema=None) as batch_op:
        batch_op.drop_index("ix_item_stock_low", sqlite_where=sa.text("low = 1"))

    op.drop_table("item_stock")


LOW = (
    "{i}.active AND {i}.kind = 'stock' AND {i}.low_stock_threshold > 0 "
    "AND {units} <= {i}.low_stock_threshold"
)
ITEM_STOCK_TRIGGERS = [
    f"""CREATE TRIGGER items_stock_ai AFTER INSERT ON items BEGIN
        INSERT INTO item_stock (item_id, on_hand, low) VALUES (new.id, 0, 0)
        ON CONFLICT (item_id) DO NOTHING;
        UPDATE item_stock SET low = {LOW.format(i="new", units="on_hand")}
        WHERE item_id = new.id;
    END""",
    f"""CREATE TRIGGER items_stock_au
    AFTER UPDATE OF active, kind, low_stock_threshold ON items BEGIN
        UPDATE item_stock SET low = {LOW.format(i="new", units="on_hand")}
        WHERE item_id = new.id;
    END""",
    """CREATE TRIGGER items_stock_ad AFTER DELETE ON items BEGIN
        DELETE FROM item_stock WHERE item_id = old.id;
    END""",
    f"""CREATE TRIGGER stock_movements_item_stock_ai AFTER INSERT ON stock_movements BEGIN
        INSERT INTO item_stock (item_id, on_hand, low) VALUES (new.item_id, 0, 0)
        ON CONFLICT (item_id) DO NOTHING;
        UPDATE item_stock SET
            low = coalesce((SELECT {LOW.format(i="i", units="item_stock.on_hand + new.quantity")}
                            FROM items i WHERE i.id = new.item_id), 0),
            on_hand = on_hand + new.quantity
        WHERE item_id = new.item_id;
    END""",
]
ITEM_STOCK_TRIGGER_NAMES = [
    "items_stock_ai",
    "items_stock_au",
    "items_stock_ad",
    "stock_movements_item_stock_ai",
]
ITEM_STOCK_FILL = f"""INSERT INTO item_stock (item_id, on_hand, low)
    SELECT s.id, s.units, {LOW.format(i="s", units="s.units")}
    FROM (SELECT i.*, coalesce((SELECT sum(l.on_hand) FROM stock_levels l
                                WHERE l.item_id = i.id), 0) AS units
          FROM items i) s"""

# The item FTS triggers of 0009 with compatible models in ``details`` (0009's shapes are
# copied: migrations are frozen).
KEY = "(SELECT rowid FROM search_keys WHERE entity_id = {id})"
BARCODES = "(SELECT coalesce(group_concat(code, ' '), '') FROM item_barcodes WHERE item_id = {id})"


def _item_row(details: str) -> str:
    return (
        "INSERT INTO item_fts(rowid, name, sku, details, barcodes) VALUES ("
        + KEY.format(id="new.id")
        + f", new.name, new.sku, {details}, "
        + BARCODES.format(id="new.id")
        + ")"
    )


def _item_fts_triggers(details: str, columns: str) -> list[str]:
    return [
        f"""CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
            INSERT OR IGNORE INTO search_keys(entity_id) VALUES (new.id);
            {_item_row(details)};
        END""",
        f"""CREATE TRIGGER items_fts_au AFTER UPDATE OF {columns} ON items BEGIN
            DELETE FROM item_fts WHERE rowid = {KEY.format(id="old.id")};
            {_item_row(details)};
        END""",
    ]


ITEM_FTS_TRIGGER_NAMES = ["items_fts_ai", "items_fts_au"]
ITEM_FTS_TRIGGERS = _item_fts_triggers(
    "new.brand || ' ' || new.category || ' ' || new.compatible_models",
    "name, sku, brand, category, compatible_models",
)
OLD_ITEM_FTS_TRIGGERS = _item_fts_triggers(
    "new.brand || ' ' || new.category", "name, sku, brand, category"
)
