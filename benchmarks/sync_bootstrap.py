"""Loading a big shop onto a new station: the shop is built straight into the server's
tables with ``COPY`` (pushing a million rows would take longer than the load measured),
then a station in its own process loads it through the real engine and server.

The rows are the template transactions' final rows (a sale's document as completed, its
lines, payments, movements and journal entry; a check-in's customer, phone, device,
ticket and status change) with the clocks the server would have kept for them: the
insert's clock, and a later clock for each field written after it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from benchmarks.sync_setup import DATABASE, SyncLab
from benchmarks.sync_shop import Copier
from desktop.services.container import Services
from desktop.sync.wire import Transaction
from server.mirror import MIRROR_TABLES

FLUSH_ROWS = 50_000
STATION_TIMEOUT_S = 1800


@dataclass(frozen=True)
class BootstrapRun:
    rows: int
    seconds: float
    station_peak_mb: float
    server_peak_mb: float


def final_rows(txn: Transaction) -> Iterator[tuple[str, uuid.UUID, dict[str, Any], dict[str, str]]]:
    """(table, id, wire fields, clocks) of every row ``txn`` leaves behind."""
    rows: dict[tuple[str, uuid.UUID], tuple[dict[str, Any], dict[str, str]]] = {}
    for change in txn.changes:
        key = (change.table, change.row_id)
        if change.op == "insert":
            rows[key] = (dict(change.fields), {"*": change.hlc})
        elif change.op == "update" and key in rows:
            fields, clocks = rows[key]
            fields.update(change.fields)
            clocks.update(dict.fromkeys(change.fields, change.hlc))
    for (table, row_id), (fields, clocks) in rows.items():
        yield table, row_id, fields, clocks


class ShopWriter:
    """Mirror rows and their clocks for one shop, gathered and sent in COPY batches."""

    def __init__(self, db: psycopg.Connection[Any], shop_id: uuid.UUID) -> None:
        self.db = db
        self.shop_id = shop_id
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.clocks: list[tuple[Any, ...]] = []
        self.written = 0

    def add(
        self, table: str, row_id: uuid.UUID, fields: Mapping[str, Any], clocks: dict[str, str]
    ) -> None:
        names = MIRROR_TABLES[table].columns.keys()
        values = {**fields, "shop_id": self.shop_id, "id": row_id}
        self.rows[table].append(tuple(values.get(name) for name in names))
        self.clocks.append((self.shop_id, table, row_id, Jsonb(clocks), Jsonb({"*": 0})))
        self.written += 1
        if len(self.clocks) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        with self.db.cursor() as cursor:
            for table, rows in self.rows.items():
                columns = list(MIRROR_TABLES[table].columns.keys())
                self._copy(cursor, table, columns, rows)
            self._copy(
                cursor, "srv_row_clocks", ["shop_id", "table_name", "row_id", "clocks", "seqs"],
                self.clocks,
            )  # fmt: skip
        self.rows.clear()
        self.clocks = []

    @staticmethod
    def _copy(
        cursor: psycopg.Cursor[Any], table: str, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _copy_shop_setup(db: psycopg.Connection[Any], source: uuid.UUID, target: uuid.UUID) -> None:
    """The source shop's rows (users, settings, items, seeds) and clocks, as the big
    shop's own."""
    for table, mirror in MIRROR_TABLES.items():
        others = [sql.Identifier(c.name) for c in mirror.columns if c.name != "shop_id"]
        db.execute(
            sql.SQL(
                "INSERT INTO {t} (shop_id, {cols}) SELECT %s, {cols} FROM {t} WHERE shop_id = %s"
            ).format(t=sql.Identifier(table), cols=sql.SQL(", ").join(others)),
            (target, source),
        )
    db.execute(
        "INSERT INTO srv_row_clocks (shop_id, table_name, row_id, clocks, seqs) "
        "SELECT %s, table_name, row_id, clocks, seqs FROM srv_row_clocks WHERE shop_id = %s",
        (target, source),
    )


def build_big_shop(lab: SyncLab, source_shop: uuid.UUID, copier: Copier, rows: int) -> uuid.UUID:
    """A shop holding ``source_shop``'s setup and ``rows`` more rows; its branch id."""
    shop_id, branch_id = lab.shop("Big shop")
    with psycopg.connect(lab.cluster.conninfo(DATABASE)) as db:
        _copy_shop_setup(db, source_shop, shop_id)
        writer = ShopWriter(db, shop_id)
        while writer.written < rows:
            for table, row_id, fields, clocks in final_rows(copier.next()):
                writer.add(table, row_id, fields, clocks)
        writer.flush()
        db.execute("ANALYZE")
    return branch_id


def load_shop(lab: SyncLab, branch_id: uuid.UUID) -> BootstrapRun:
    """A new station loads the shop of ``branch_id`` in a child process; the server is
    restarted first so that its peak memory is this load's."""
    path = lab.root / f"bootstrap-{uuid.uuid4().hex[:6]}.db"
    Services.open(path).close()  # migrated before the clock starts
    lab.server.restart()
    lab.reconnect()
    station = lab.enroll(branch_id)
    command = [
        sys.executable, "-m", "benchmarks.sync_station", "--db", str(path),
        "--url", lab.server.base_url, f"--token={station.token}",
        "--station-id", str(station.station_id),
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=STATION_TIMEOUT_S, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"the loading station failed:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return BootstrapRun(
        rows=int(report["rows"]),
        seconds=seconds,
        station_peak_mb=float(report["peak_rss_mb"]),
        server_peak_mb=lab.server.peak_rss_mb(),
    )
