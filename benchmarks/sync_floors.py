"""Floors of the sync benchmarks: the same rows written the plainest way there is.

- Push: every row the push stored in PostgreSQL (mirror rows, change-log entries, row
  clocks) read back and written again under another shop with plain psycopg ``COPY``.
- Pull and apply: every row the station ended up with, read back as SQLite stores it and
  inserted into a copy of the station taken before the pull, with plain ``sqlite3``
  ``executemany`` in one transaction (same pragmas as the app: WAL, synchronous=FULL).

Only the writing is timed; the reading back is preparation.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from benchmarks.sync_setup import SyncLab
from desktop.sync.wire import Transaction

Rows = tuple[list[str], list[tuple[Any, ...]]]


def row_ids(transactions: Sequence[Transaction]) -> dict[str, list[uuid.UUID]]:
    """Every row the transactions touch, by table (each row once)."""
    ids: dict[str, dict[uuid.UUID, None]] = defaultdict(dict)
    for txn in transactions:
        for change in txn.changes:
            ids[change.table][change.row_id] = None
    return {table: list(found) for table, found in ids.items()}


# -- PostgreSQL ---------------------------------------------------------------------------


def _stored_rows(
    db: psycopg.Connection[Any], shop_id: uuid.UUID, transactions: Sequence[Transaction]
) -> dict[str, Rows]:
    """What the push stored for ``transactions``, per table: (columns, rows)."""
    stored: dict[str, Rows] = {}
    change_ids = [c.change_id for t in transactions for c in t.changes]
    queries: list[tuple[str, sql.Composable, Sequence[Any]]] = [
        (
            table,
            sql.SQL("SELECT * FROM {} WHERE shop_id = %s AND id = ANY(%s)").format(
                sql.Identifier(table)
            ),
            (shop_id, ids),
        )
        for table, ids in row_ids(transactions).items()
    ]
    queries.append(
        (
            "srv_change_log",
            sql.SQL("SELECT * FROM srv_change_log WHERE shop_id = %s AND change_id = ANY(%s)"),
            (shop_id, change_ids),
        )
    )
    all_ids = [c.row_id for t in transactions for c in t.changes]
    queries.append(
        (
            "srv_row_clocks",
            sql.SQL("SELECT * FROM srv_row_clocks WHERE shop_id = %s AND row_id = ANY(%s)"),
            (shop_id, list(dict.fromkeys(all_ids))),
        )
    )
    for table, query, params in queries:
        with db.cursor() as cursor:
            cursor.execute(query, params)
            assert cursor.description is not None
            columns = [column.name for column in cursor.description]
            rows = [tuple(_adapted(v) for v in row) for row in cursor.fetchall()]
            stored[table] = (columns, rows)
    return stored


def _adapted(value: Any) -> Any:
    # jsonb comes back as dicts; psycopg writes them back only when told they are JSON.
    return Jsonb(value) if isinstance(value, dict) else value


def push_floor_s(lab: SyncLab, shop_id: uuid.UUID, transactions: Sequence[Transaction]) -> float:
    """Seconds to COPY every row the push of ``transactions`` stored, under a new shop."""
    floor_shop, _ = lab.shop("Floor shop")
    conninfo = lab.cluster.conninfo("benchside_bench")
    with psycopg.connect(conninfo) as db:
        stored = _stored_rows(db, shop_id, transactions)
    with psycopg.connect(conninfo) as db:
        started = time.perf_counter()
        with db.cursor() as cursor:
            for table, (columns, rows) in stored.items():
                shop_at = columns.index("shop_id")
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
                )
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row((*row[:shop_at], floor_shop, *row[shop_at + 1 :]))
        db.commit()
        return time.perf_counter() - started


# -- SQLite -------------------------------------------------------------------------------


def snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the backup API, WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _station_rows(path: Path, transactions: Sequence[Transaction]) -> dict[str, Rows]:
    connection = sqlite3.connect(path)
    try:
        found: dict[str, Rows] = {}
        for table, ids in row_ids(transactions).items():
            cursor = connection.execute(
                f'SELECT * FROM "{table}" WHERE id IN (SELECT value FROM json_each(?))',
                (_json_list([i.hex for i in ids]),),
            )
            columns = [d[0] for d in cursor.description]
            found[table] = (columns, cursor.fetchall())
        return found
    finally:
        connection.close()


def _json_list(values: list[str]) -> str:
    return "[" + ",".join(f'"{v}"' for v in values) + "]"


def apply_floor_s(station: Path, floor_copy: Path, transactions: Sequence[Transaction]) -> float:
    """Seconds to insert the rows ``station`` got from ``transactions`` into
    ``floor_copy`` (the station before it pulled them), with plain sqlite3."""
    rows = _station_rows(station, transactions)
    connection = sqlite3.connect(floor_copy, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=OFF")
        started = time.perf_counter()
        connection.execute("BEGIN")
        for table, (columns, values) in rows.items():
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()
