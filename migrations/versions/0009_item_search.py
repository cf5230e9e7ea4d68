"""Item search: an FTS5 trigram index over name, SKU, brand, category and barcodes

Revision ID: 0009_item_search
Revises: 0008_inventory
Create Date: 2026-11-23 17:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0009_item_search"
down_revision = "0008_inventory"
branch_labels = None
depends_on = None

# The same shapes as 0002 (copied: migrations are frozen).
SEARCH_KEYS_INSERT = "INSERT OR IGNORE INTO search_keys(entity_id) VALUES ({id})"
KEY = "(SELECT rowid FROM search_keys WHERE entity_id = {id})"
BARCODES = "(SELECT coalesce(group_concat(code, ' '), '') FROM item_barcodes WHERE item_id = {id})"
ITEM_ROW = (
    "INSERT INTO item_fts(rowid, name, sku, details, barcodes) VALUES ("
    + KEY.format(id="{i}.id")
    + ", {i}.name, {i}.sku, {i}.brand || ' ' || {i}.category, "
    + BARCODES.format(id="{i}.id")
    + ")"
)
BARCODES_REFRESH = (
    "UPDATE item_fts SET barcodes = "
    + BARCODES.format(id="{b}.item_id")
    + " WHERE rowid = "
    + KEY.format(id="{b}.item_id")
)

TRIGGERS = [
    f"""CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
        {SEARCH_KEYS_INSERT.format(id="new.id")};
        {ITEM_ROW.format(i="new")};
    END""",
    f"""CREATE TRIGGER items_fts_au AFTER UPDATE OF name, sku, brand, category ON items BEGIN
        DELETE FROM item_fts WHERE rowid = {KEY.format(id="old.id")};
        {ITEM_ROW.format(i="new")};
    END""",
    f"""CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN
        DELETE FROM item_fts WHERE rowid = {KEY.format(id="old.id")};
        DELETE FROM search_keys WHERE entity_id = old.id;
    END""",
    f"""CREATE TRIGGER item_barcodes_fts_ai AFTER INSERT ON item_barcodes BEGIN
        {BARCODES_REFRESH.format(b="new")};
    END""",
    f"""CREATE TRIGGER item_barcodes_fts_ad AFTER DELETE ON item_barcodes BEGIN
        {BARCODES_REFRESH.format(b="old")};
    END""",
]
TRIGGER_NAMES = (
    "items_fts_ai",
    "items_fts_au",
    "items_fts_ad",
    "item_barcodes_fts_ai",
    "item_barcodes_fts_ad",
)


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE item_fts USING fts5(name, sku, details, barcodes, tokenize='trigram')"
    )
    for sql in TRIGGERS:
        op.execute(sql)
    # Index what the database already holds.
    op.execute("INSERT INTO search_keys(entity_id) SELECT id FROM items ORDER BY id")
    op.execute(ITEM_ROW.format(i="i").replace("VALUES (", "SELECT ")[:-1] + " FROM items i")


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS item_fts")
    op.execute("DELETE FROM search_keys WHERE entity_id IN (SELECT id FROM items)")
