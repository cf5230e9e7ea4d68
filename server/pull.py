"""``GET /v1/pull``: the shop's changes after a station's cursor, in server order.

PostgreSQL writes each change's JSON itself and the answer is those texts joined: a pull
of a thousand changes then costs the server no JSON parsing or encoding in Python, which
matters when ten stations pull what the others push while pushes wait on the shop lock.
"""

from __future__ import annotations

import json

import psycopg
from psycopg.rows import DictRow

from server.context import Station
from server.log import repeatable_read, require_in_log, shop_position

MAX_LIMIT = 5000

# The wire form of a change plus its ``seq`` (``desktop.sync.wire.Change.from_json``
# reads it); the station's own changes come without it, they are only counted.
_CHANGES = """
SELECT seq, chain, CASE WHEN station_id IS DISTINCT FROM %(station)s THEN json_build_object(
    'change_id', change_id, 'txn_id', txn_id, 'table', table_name, 'row_id', row_id,
    'op', op, 'fields', fields, 'hlc', hlc, 'station', station_code, 'user_id', user_id,
    'base_seq', base_seq, 'seq', seq)::text END AS doc
FROM srv_change_log WHERE shop_id = %(shop)s AND seq > %(since)s ORDER BY seq LIMIT %(limit)s
"""


def pull(
    db: psycopg.Connection[DictRow],
    station: Station,
    since: int,
    limit: int,
    chain: str | None = None,
) -> bytes:
    """The JSON answer: up to ``limit`` changes with seq > ``since``, the station's own
    left out (it has them). ``next`` is the last seq read, own changes included, so the
    cursor always moves; ``chain`` is the log's fingerprint there, for the station to
    send with its next pull. Raises 409 ``resync_required`` when ``since`` is outside the
    kept log or ``chain`` (the fingerprint the station holds for ``since``) says the log
    was replaced."""
    repeatable_read(db)
    position = shop_position(db, station.shop_id)
    require_in_log(db, station.shop_id, since, chain, position)
    rows = db.execute(
        _CHANGES, {"station": station.id, "shop": station.shop_id, "since": since, "limit": limit}
    ).fetchall()
    last = int(rows[-1]["seq"]) if rows else since
    tail = {
        "next": last,
        "chain": bytes(rows[-1]["chain"]).hex() if rows else chain,
        "has_more": last < position["head"],
        "head": position["head"],
    }
    changes = ",".join(row["doc"] for row in rows if row["doc"] is not None)
    return f'{{"changes":[{changes}],{json.dumps(tail)[1:]}'.encode()
