"""What one transaction writes, gathered in memory and sent in a few ``executemany``s:
mirror rows, row clocks and seqs, tombstones and change-log entries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from desktop.sync.merge import ROW_CLOCK, Decision
from desktop.sync.schema import TableInfo
from desktop.sync.wire import Change

Db = psycopg.Connection[DictRow]
Key = tuple[str, uuid.UUID]


@dataclass
class RowState:
    """A row as the server knows it: its clocks (None: never written through sync), the
    server seq of each field's last write, and whether it was deleted."""

    clocks: dict[str, str] | None = None
    seqs: dict[str, int] = field(default_factory=dict)
    tombstoned: bool = False

    @property
    def exists(self) -> bool:
        return self.clocks is not None and not self.tombstoned

    def seq_of(self, column: str) -> int:
        return self.seqs.get(column, self.seqs.get(ROW_CLOCK, 0))


_STATE_QUERY = (
    "SELECT k.t AS table_name, k.r AS row_id, c.clocks, c.seqs, ts.hlc AS tombstone "
    "FROM unnest(%s::text[], %s::uuid[]) AS k(t, r) "
    "LEFT JOIN srv_row_clocks c ON c.shop_id = %s AND c.table_name = k.t AND c.row_id = k.r "
    "LEFT JOIN srv_tombstones ts ON ts.shop_id = %s AND ts.table_name = k.t AND ts.row_id = k.r"
)


@dataclass
class WritePlan:
    shop_id: uuid.UUID
    station_id: uuid.UUID
    states: dict[Key, RowState] = field(default_factory=dict)
    # Mirror values to upsert per row (merged over the transaction's changes).
    upserts: dict[Key, dict[str, Any]] = field(default_factory=dict)
    deletes: set[Key] = field(default_factory=set)
    tombstones: dict[Key, tuple[str, int]] = field(default_factory=dict)
    log_rows: list[tuple[Any, ...]] = field(default_factory=list)

    def load_states(self, db: Db, keys: list[Key]) -> dict[Key, RowState]:
        """Clocks, seqs and tombstones of every row in ``keys``: one query."""
        unique = list(dict.fromkeys(keys))
        rows = db.execute(
            _STATE_QUERY,
            ([k[0] for k in unique], [k[1] for k in unique], self.shop_id, self.shop_id),
        ).fetchall()
        for row in rows:
            self.states[(row["table_name"], row["row_id"])] = RowState(
                row["clocks"], dict(row["seqs"] or {}), row["tombstone"] is not None
            )
        return self.states

    def state(self, table: str, row_id: uuid.UUID) -> RowState:
        return self.states.setdefault((table, row_id), RowState())

    def log(self, change: Change, seq: int, chain: bytes, server_made: bool = False) -> None:
        self.log_rows.append(
            (self.shop_id, seq, change.change_id, change.txn_id,
             None if server_made else self.station_id, change.station, change.table,
             change.row_id, change.op, Jsonb(dict(change.fields)), change.hlc, change.user_id,
             change.base_seq, chain, datetime.now(UTC))
        )  # fmt: skip

    def apply(
        self,
        change: Change,
        info: TableInfo,
        values: dict[str, Any],
        decision: Decision,
        state: RowState,
        seq: int,
    ) -> None:
        """Record what ``decision`` does to the row and keep ``state`` current."""
        key = (change.table, change.row_id)
        if decision.action == "delete":
            state.tombstoned = True
            self.upserts.pop(key, None)
            self.deletes.add(key)
            self.tombstones[key] = (change.hlc, seq)
            return
        if decision.action not in ("insert", "update"):
            return
        written = {name: values[name] for name in decision.write if name != "id"}
        self.upserts.setdefault(key, {}).update(written)
        if decision.action == "insert":
            state.clocks = decision.clocks or {ROW_CLOCK: change.hlc}
            state.seqs = {ROW_CLOCK: seq}
        else:
            state.clocks = dict(decision.clocks)
            state.seqs.update({name: seq for name in decision.won})

    def write(self, db: Db) -> None:
        """Send everything gathered to PostgreSQL."""
        self._write_mirror(db)
        with db.cursor() as cursor:
            clock_rows = [
                (self.shop_id, t, r, Jsonb(s.clocks), Jsonb(s.seqs))
                for (t, r), s in self.states.items()
                if s.clocks is not None and not s.tombstoned
            ]
            cursor.executemany(
                "INSERT INTO srv_row_clocks (shop_id, table_name, row_id, clocks, seqs) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (shop_id, table_name, row_id) "
                "DO UPDATE SET clocks = EXCLUDED.clocks, seqs = EXCLUDED.seqs",
                clock_rows,
            )
            cursor.executemany(
                "DELETE FROM srv_row_clocks WHERE shop_id = %s AND table_name = %s AND row_id = %s",
                [(self.shop_id, t, r) for t, r in self.tombstones],
            )
            cursor.executemany(
                "INSERT INTO srv_tombstones (shop_id, table_name, row_id, hlc, seq) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [(self.shop_id, t, r, hlc, seq) for (t, r), (hlc, seq) in self.tombstones.items()],
            )
            cursor.executemany(
                "INSERT INTO srv_change_log (shop_id, seq, change_id, txn_id, station_id, "
                "station_code, table_name, row_id, op, fields, hlc, user_id, base_seq, chain, "
                "received_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                self.log_rows,
            )

    def _write_mirror(self, db: Db) -> None:
        groups: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = defaultdict(list)
        for (table, row_id), values in self.upserts.items():
            columns = tuple(sorted(values))
            groups[(table, columns)].append((self.shop_id, row_id, *(values[c] for c in columns)))
        with db.cursor() as cursor:
            for (table, columns), rows in groups.items():
                cursor.executemany(_upsert_sql(table, columns), rows)
            by_table: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for table, row_id in self.deletes:
                by_table[table].append((self.shop_id, row_id))
            for table, rows in by_table.items():
                cursor.executemany(
                    sql.SQL("DELETE FROM {} WHERE shop_id = %s AND id = %s").format(
                        sql.Identifier(table)
                    ),
                    rows,
                )


def _upsert_sql(table: str, columns: tuple[str, ...]) -> sql.Composed:
    names = [sql.Identifier(c) for c in ("shop_id", "id", *columns)]
    placeholders = sql.SQL(", ").join(sql.Placeholder() * len(names))
    action: sql.Composable
    if columns:
        action = sql.SQL("DO UPDATE SET ") + sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns
        )
    else:
        action = sql.SQL("DO NOTHING")
    return sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (shop_id, id) {}").format(
        sql.Identifier(table), sql.SQL(", ").join(names), placeholders, action
    )
