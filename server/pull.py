"""``GET /v1/pull``: the shop's changes after a station's cursor, in server order."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from server.context import Station
from server.log import LOG_COLUMNS, change_json, repeatable_read, require_in_log, shop_position

MAX_LIMIT = 5000


def pull(
    db: psycopg.Connection[DictRow],
    station: Station,
    since: int,
    limit: int,
    chain: str | None = None,
) -> dict[str, Any]:
    """Up to ``limit`` changes with seq > ``since``, the station's own left out (it has
    them). ``next`` is the last seq read, own changes included, so the cursor always moves;
    ``chain`` is the log's fingerprint there, for the station to send with its next pull.
    Raises 409 ``resync_required`` when ``since`` is outside the kept log or ``chain``
    (the fingerprint the station holds for ``since``) says the log was replaced."""
    repeatable_read(db)
    position = shop_position(db, station.shop_id)
    require_in_log(db, station.shop_id, since, chain, position)
    rows = db.execute(
        f"SELECT {LOG_COLUMNS}, chain FROM srv_change_log WHERE shop_id = %s AND seq > %s "
        "ORDER BY seq LIMIT %s",
        (station.shop_id, since, limit),
    ).fetchall()
    last = int(rows[-1]["seq"]) if rows else since
    return {
        "changes": [change_json(row) for row in rows if row["station_id"] != station.id],
        "next": last,
        "chain": bytes(rows[-1]["chain"]).hex() if rows else chain,
        "has_more": last < position["head"],
        "head": position["head"],
    }
