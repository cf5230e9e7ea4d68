"""Concurrent edits: the server writes a ``sync_conflicts`` row, as a change of its own.

Two stations edited one field concurrently when the write that the incoming change beat,
or lost to, was logged after the incoming change's station last pulled (its seq is above
the change's ``base_seq``), came from another station, and holds a different value. The
merge rule has already picked the winner; the conflict row lets a manager review it on
every station.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow

from desktop.services.ids import new_id
from desktop.sync.hlc import Timestamp
from desktop.sync.merge import Decision, field_clock
from desktop.sync.schema import NATURAL_KEYS, TableInfo, table_info
from desktop.sync.wire import Change, to_python, wire_value
from server.shoplog import SERVER_STATION, ShopLog
from server.writes import RowState, WritePlan

CONFLICTS_TABLE = "sync_conflicts"
Key = tuple[str, uuid.UUID]


@dataclass(frozen=True)
class Side:
    """One of the two writes of a field: its value, clock, station and user."""

    value: Any
    hlc: str
    user_id: uuid.UUID | None = None

    @property
    def station(self) -> str:
        return Timestamp.decode(self.hlc).station


def _writer(hlc: str) -> str:
    return Timestamp.decode(hlc).station


class ConflictFinder:
    """Collects the conflict rows of one station transaction."""

    def __init__(self, db: psycopg.Connection[DictRow], shop: ShopLog, plan: WritePlan) -> None:
        self._db = db
        self._shop = shop
        self._plan = plan
        self._rows: dict[Key, dict[str, Any]] = {}
        self._found: list[tuple[Change, TableInfo, dict[str, Any]]] = []
        self._txn_id = new_id()

    def check(
        self, change: Change, info: TableInfo, values: dict[str, Any], decision: Decision,
        state: RowState,
    ) -> None:  # fmt: skip
        """Look for concurrent edits in ``change`` before ``decision`` is applied."""
        if info.append_only or change.op != "update" or not state.exists:
            return
        for column in decision.won:
            if column in info.quiet:
                continue
            other_hlc = field_clock(state.clocks, column)
            if self._concurrent(change, state, column, other_hlc):
                old = self._value(info, change.row_id, column)
                if old != values[column]:
                    mine = Side(values[column], change.hlc, change.user_id)
                    other = Side(old, other_hlc, self._writer_of(state, column))
                    self._record(change, column, kept=mine, other=other)
        for column, winner_hlc in decision.lost.items():
            if column in info.quiet:
                continue
            if self._concurrent(change, state, column, winner_hlc):
                current = self._value(info, change.row_id, column)
                if current != values[column]:
                    mine = Side(values[column], change.hlc, change.user_id)
                    kept = Side(current, winner_hlc, self._writer_of(state, column))
                    self._record(change, column, kept=kept, other=mine)

    def check_duplicate(
        self, change: Change, info: TableInfo, values: dict[str, Any], decision: Decision
    ) -> None:
        """Report a row whose natural key (a SKU, a username) another row already has."""
        key = NATURAL_KEYS.get(info.name)
        if key is None or decision.action not in ("insert", "update"):
            return
        if not set(key) & set(decision.write):
            return
        wanted = {
            column: values[column] if column in values else self._value(info, change.row_id, column)
            for column in key
        }
        if any(value is None or value == "" for value in wanted.values()):
            return
        query = sql.SQL("SELECT id FROM {} WHERE shop_id = %s AND id <> %s AND {} LIMIT 1").format(
            sql.Identifier(info.name),
            sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in key),
        )
        other = self._db.execute(
            query, (self._shop.shop_id, change.row_id, *wanted.values())
        ).fetchone()
        if other is None:
            return
        value = wanted[key[-1]] if len(key) == 1 else wanted
        self._record(
            change, ",".join(key), kept=Side(value, change.hlc, change.user_id),
            other=Side(value, change.hlc), kind="duplicate", other_row=other["id"],
        )  # fmt: skip

    def _concurrent(self, change: Change, state: RowState, column: str, other_hlc: str) -> bool:
        return state.seq_of(column) > change.base_seq and _writer(other_hlc) != change.station

    def _writer_of(self, state: RowState, column: str) -> uuid.UUID | None:
        """The user whose change wrote the field's current value (from the log)."""
        row = self._db.execute(
            "SELECT user_id FROM srv_change_log WHERE shop_id = %s AND seq = %s",
            (self._shop.shop_id, state.seq_of(column)),
        ).fetchone()
        return row["user_id"] if row else None

    def _value(self, info: TableInfo, row_id: uuid.UUID, column: str) -> Any:
        """The field's value now: written earlier in this transaction, else stored."""
        key = (info.name, row_id)
        pending = self._plan.upserts.get(key, {})
        if column in pending:
            return pending[column]
        if key not in self._rows:
            query = sql.SQL("SELECT * FROM {} WHERE shop_id = %s AND id = %s").format(
                sql.Identifier(info.name)
            )
            row = self._db.execute(query, (self._shop.shop_id, row_id)).fetchone()
            self._rows[key] = dict(row or {})
        return self._rows[key].get(column)

    def _record(
        self, change: Change, column: str, kept: Side, other: Side, kind: str = "edit",
        other_row: uuid.UUID | None = None,
    ) -> None:  # fmt: skip
        hlc = self._shop.server_hlc(after=max(kept.hlc, other.hlc))
        fields = {
            "id": str(new_id()),
            "kind": kind,
            "table_name": change.table,
            "row_id": str(change.row_id),
            "field": column,
            "kept_value": json.dumps(_plain(kept.value)),
            "kept_hlc": kept.hlc,
            "kept_station": kept.station,
            "kept_user_id": wire_value(kept.user_id),
            "other_value": json.dumps(_plain(other.value)),
            "other_hlc": other.hlc,
            "other_station": other.station,
            "other_user_id": wire_value(other.user_id),
            "other_row_id": wire_value(other_row),
            "detected_at": datetime.now(UTC).isoformat(),
            "resolved_at": None,
            "resolved_by": None,
            "resolution": "",
        }
        conflict = Change(
            change_id=new_id(), txn_id=self._txn_id, table=CONFLICTS_TABLE,
            row_id=uuid.UUID(fields["id"]), op="insert", fields=fields, hlc=hlc,
            station=SERVER_STATION, user_id=None, base_seq=0,
        )  # fmt: skip
        info = table_info(CONFLICTS_TABLE)
        self._found.append((conflict, info, to_python(info, fields)))

    def rows(self) -> list[tuple[Change, TableInfo, dict[str, Any]]]:
        """The conflict rows found, as server-made insert changes."""
        return self._found


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: wire_value(v) for k, v in value.items()}
    return wire_value(value)
