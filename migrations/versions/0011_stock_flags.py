"""Reorder flag per item and indexes for the item list

Revision ID: 0011_stock_flags
Revises: 0010_purchasing
Create Date: 2026-11-23 20:18:46

``item_stock.reorder`` marks an active stock item at or below its reorder level (above
0), kept by the same triggers as ``low`` (replaced here), so the reorder suggestions read
a partial index instead of every item. ``items`` gets indexes that give the item list its
order and count without reading the table: active items by name, a category by name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_stock_flags"
down_revision = "0010_purchasing"
branch_labels = None
depends_on = None

# 0010's flags (copied: migrations are frozen), and the new one beside them.
LOW = (
    "{i}.active AND {i}.kind = 'stock' AND {i}.low_stock_threshold > 0 "
    "AND {units} <= {i}.low_stock_threshold"
)
REORDER = (
    "{i}.active AND {i}.kind = 'stock' AND {i}.reorder_level > 0 AND {units} <= {i}.reorder_level"
)
TRIGGER_NAMES = (
    "items_stock_ai",
    "items_stock_au",
    "items_stock_ad",
    "stock_movements_item_stock_ai",
)


def _flags(i: str, units: str, with_reorder: bool) -> str:
    flags = f"low = {LOW.format(i=i, units=units)}"
    if with_reorder:
        flags += f", reorder = {REORDER.format(i=i, units=units)}"
    return flags


def _from_item(flag: str, units: str) -> str:
    return (
        f"coalesce((SELECT {flag.format(i='i', units=units)} "
        "FROM items i WHERE i.id = new.item_id), 0)"
    )


def _triggers(with_reorder: bool) -> list[str]:
    columns = "active, kind, low_stock_threshold" + (", reorder_level" if with_reorder else "")
    units = "item_stock.on_hand + new.quantity"
    movement_flags = f"low = {_from_item(LOW, units)}"
    if with_reorder:
        movement_flags += f", reorder = {_from_item(REORDER, units)}"
    return [
        f"""CREATE TRIGGER items_stock_ai AFTER INSERT ON items BEGIN
            INSERT INTO item_stock (item_id, on_hand, low) VALUES (new.id, 0, 0)
            ON CONFLICT (item_id) DO NOTHING;
            UPDATE item_stock SET {_flags("new", "on_hand", with_reorder)}
            WHERE item_id = new.id;
        END""",
        f"""CREATE TRIGGER items_stock_au AFTER UPDATE OF {columns} ON items BEGIN
            UPDATE item_stock SET {_flags("new", "on_hand", with_reorder)}
            WHERE item_id = new.id;
        END""",
        """CREATE TRIGGER items_stock_ad AFTER DELETE ON items BEGIN
            DELETE FROM item_stock WHERE item_id = old.id;
        END""",
        f"""CREATE TRIGGER stock_movements_item_stock_ai AFTER INSERT ON stock_movements BEGIN
            INSERT INTO item_stock (item_id, on_hand, low) VALUES (new.item_id, 0, 0)
            ON CONFLICT (item_id) DO NOTHING;
            UPDATE item_stock SET {movement_flags}, on_hand = on_hand + new.quantity
            WHERE item_id = new.item_id;
        END""",
    ]


def _replace_triggers(with_reorder: bool) -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in _triggers(with_reorder):
        op.execute(sql)


def upgrade() -> None:
    # In place: a rebuilt item_stock would break the triggers that write it.
    op.execute("ALTER TABLE item_stock ADD COLUMN reorder BOOLEAN DEFAULT 0 NOT NULL")
    op.create_index("ix_item_stock_on_hand", "item_stock", ["on_hand"], unique=False)
    op.create_index(
        "ix_item_stock_reorder",
        "item_stock",
        ["item_id"],
        unique=False,
        sqlite_where=sa.text("reorder = 1"),
    )
    op.create_index("ix_items_active_sort_name_id", "items", ["active", "sort_name", "id"])
    op.create_index(
        "ix_items_category_active_sort_name_id", "items", ["category", "active", "sort_name", "id"]
    )
    _replace_triggers(with_reorder=True)
    op.execute(
        "UPDATE item_stock SET reorder = coalesce((SELECT "
        + REORDER.format(i="i", units="item_stock.on_hand")
        + " FROM items i WHERE i.id = item_stock.item_id), 0)"
    )


def downgrade() -> None:
    _replace_triggers(with_reorder=False)
    op.execute("DROP INDEX ix_items_category_active_sort_name_id")
    op.execute("DROP INDEX ix_items_active_sort_name_id")
    op.execute("DROP INDEX ix_item_stock_reorder")
    op.execute("DROP INDEX ix_item_stock_on_hand")
    op.execute("ALTER TABLE item_stock DROP COLUMN reorder")
