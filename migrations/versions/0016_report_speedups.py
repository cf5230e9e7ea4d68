"""When each item last left stock, and movements by time with their quantities

Revision ID: 0016_report_speedups
Revises: 0015_report_aggregates
Create Date: 2026-11-24 07:10:00

The slow movers report asked, for each item in stock, whether any movement took units out
since a cutoff: at 5M movements that read most of the ledger. ``item_stock.last_out_at``
keeps the latest time a movement took units out (filled here, then kept by the movement
trigger of 0011, replaced with it). A movement undone later (a refused sync change) may
leave it later than the remaining ledger says: the item then looks recently moved.
The movements report sums quantities by time and kind; with the quantity in the index it
reads the index alone. The valuation sums each item's levels; an index holding them
spares a table lookup per level.

The bucket tables of 0015 become WITHOUT ROWID tables, stored in the order of their keys:
a period's buckets are then one run of rows, not an index run plus a lookup per row. The
triggers that write them are saved, dropped while the tables are rebuilt, and put back.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_report_speedups"
down_revision = "0015_report_aggregates"
branch_labels = None
depends_on = None

# 0011's flags (copied: migrations are frozen).
LOW = (
    "{i}.active AND {i}.kind = 'stock' AND {i}.low_stock_threshold > 0 "
    "AND {units} <= {i}.low_stock_threshold"
)
REORDER = (
    "{i}.active AND {i}.kind = 'stock' AND {i}.reorder_level > 0 AND {units} <= {i}.reorder_level"
)


def _from_item(flag: str) -> str:
    units = "item_stock.on_hand + new.quantity"
    return (
        f"coalesce((SELECT {flag.format(i='i', units=units)} "
        "FROM items i WHERE i.id = new.item_id), 0)"
    )


def _movement_trigger(with_last_out: bool) -> str:
    last_out = (
        ", last_out_at = CASE WHEN new.quantity < 0 AND (last_out_at IS NULL "
        "OR new.at > last_out_at) THEN new.at ELSE last_out_at END"
        if with_last_out
        else ""
    )
    return f"""CREATE TRIGGER stock_movements_item_stock_ai AFTER INSERT ON stock_movements BEGIN
        INSERT INTO item_stock (item_id, on_hand, low) VALUES (new.item_id, 0, 0)
        ON CONFLICT (item_id) DO NOTHING;
        UPDATE item_stock SET low = {_from_item(LOW)}, reorder = {_from_item(REORDER)},
        on_hand = on_hand + new.quantity{last_out}
        WHERE item_id = new.item_id;
    END"""


BUCKET_TABLES = ("payment_buckets", "sales_buckets", "document_buckets")


def _rebuild_buckets(without_rowid: bool) -> None:
    """Each bucket table rebuilt with (or without) a rowid, its rows and the triggers
    that write it kept."""
    connection = op.get_bind()
    writers = [
        tuple(row)
        for row in connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND ("
            + " OR ".join(f"sql LIKE '%{table}%'" for table in BUCKET_TABLES)
            + ")"
        )
    ]
    for name, _sql in writers:
        op.execute(f"DROP TRIGGER {name}")
    for table in BUCKET_TABLES:
        created = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).scalar_one()
        # A renamed table's statement names it in quotes.
        columns = created.removesuffix(" WITHOUT ROWID").split("(", 1)[1]
        body = f"CREATE TABLE {table}_rebuilt ({columns}"
        op.execute(body + (" WITHOUT ROWID" if without_rowid else ""))
        op.execute(f"INSERT INTO {table}_rebuilt SELECT * FROM {table}")
        op.execute(f"DROP TABLE {table}")
        op.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    for _name, sql in writers:
        op.execute(sql)


def upgrade() -> None:
    op.add_column("item_stock", sa.Column("last_out_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE item_stock SET last_out_at = (SELECT max(m.at) FROM stock_movements m "
        "WHERE m.item_id = item_stock.item_id AND m.quantity < 0)"
    )
    op.execute("DROP TRIGGER stock_movements_item_stock_ai")
    op.execute(_movement_trigger(with_last_out=True))
    op.execute("DROP INDEX ix_stock_movements_at_kind")
    op.execute("CREATE INDEX ix_stock_movements_at_kind ON stock_movements (at, kind, quantity)")
    op.execute(
        "CREATE INDEX ix_stock_levels_item_id_on_hand ON stock_levels "
        "(item_id, on_hand, average_cost)"
    )
    _rebuild_buckets(without_rowid=True)


def downgrade() -> None:
    _rebuild_buckets(without_rowid=False)
    op.execute("DROP INDEX ix_stock_levels_item_id_on_hand")
    op.execute("DROP INDEX ix_stock_movements_at_kind")
    op.execute("CREATE INDEX ix_stock_movements_at_kind ON stock_movements (at, kind)")
    op.execute("DROP TRIGGER stock_movements_item_stock_ai")
    op.execute(_movement_trigger(with_last_out=False))
    op.drop_column("item_stock", "last_out_at")
