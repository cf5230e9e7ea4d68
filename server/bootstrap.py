"""``GET /v1/bootstrap``: a new station downloads the shop's current rows, page by page."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow

from desktop.sync.merge import ZERO_HLC
from desktop.sync.schema import BOOTSTRAP_ORDER
from desktop.sync.wire import wire_value
from server.context import Station
from server.errors import ApiError
from server.log import repeatable_read, shop_position
from server.mirror import MIRROR_TABLES

MAX_ROWS = 10_000
TOMBSTONES = "_tombstones"

Db = psycopg.Connection[DictRow]


def start(db: Db, station: Station) -> dict[str, Any]:
    """The cursor to pull from once the pages are applied, and the tables to page through."""
    repeatable_read(db)
    position = shop_position(db, station.shop_id)
    return {
        "cursor": position["head"],
        "chain": position["chain"].hex(),
        "tables": [*BOOTSTRAP_ORDER, TOMBSTONES],
    }


def _written_fields(row: dict[str, Any], clocks: dict[str, str]) -> dict[str, Any]:
    """The row's values that were ever written through sync. A migration-seeded row that
    was only updated holds just those fields; the station keeps its own for the rest."""
    default = clocks.get("*", ZERO_HLC)
    return {
        name: wire_value(value)
        for name, value in row.items()
        if name not in ("shop_id", "clocks") and clocks.get(name, default) > ZERO_HLC
    }


def rows_page(
    db: Db, station: Station, table: str, after: uuid.UUID | None, limit: int
) -> dict[str, Any]:
    """One page of ``table``'s rows after id ``after``, with their clocks; raises 404 for a
    table that is not synced."""
    repeatable_read(db)
    if table == TOMBSTONES:
        return _tombstones_page(db, station, after, limit)
    if table not in MIRROR_TABLES:
        raise ApiError(404, "unknown_table", f"There is no synced table {table!r}.")
    query = sql.SQL(
        "SELECT m.*, c.clocks FROM {table} m LEFT JOIN srv_row_clocks c ON c.shop_id = m.shop_id "
        "AND c.table_name = %s AND c.row_id = m.id WHERE m.shop_id = %s AND m.id > %s "
        "ORDER BY m.id LIMIT %s"
    ).format(table=sql.Identifier(table))
    rows = db.execute(query, (table, station.shop_id, after or uuid.UUID(int=0), limit)).fetchall()
    page = []
    for row in rows:
        clocks = row["clocks"] or {}
        page.append(
            {"id": str(row["id"]), "fields": _written_fields(row, clocks), "clocks": clocks}
        )
    return {"rows": page, "next_after": page[-1]["id"] if len(page) == limit else None}


def _tombstones_page(
    db: Db, station: Station, after: uuid.UUID | None, limit: int
) -> dict[str, Any]:
    rows = db.execute(
        "SELECT table_name, row_id, hlc FROM srv_tombstones WHERE shop_id = %s AND row_id > %s "
        "ORDER BY row_id LIMIT %s",
        (station.shop_id, after or uuid.UUID(int=0), limit),
    ).fetchall()
    page = [{"id": str(r["row_id"]), "table": r["table_name"], "hlc": r["hlc"]} for r in rows]
    return {"rows": page, "next_after": page[-1]["id"] if len(page) == limit else None}
