"""The station applies what the server sends: pulled changes and bootstrap pages.

Everything in one call is one SQLite transaction, with the pull cursor saved in it, so a
station killed mid-apply restarts from the last batch it finished and never holds half a
batch. Rows are written with plain SQL and without the outbox: they came from elsewhere
and must not be sent back. The triggers that keep stock, ticket counts and search current
fire as they do for local writes.

Foreign keys are not enforced while applying: changes of several stations arrive in
server order, not in the order the rows were made, and a row deleted at one station may
still be pointed at by a row another made offline. The server keeps no foreign keys
either; every replica holds the same rows.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, text
from sqlalchemy.exc import IntegrityError

from desktop.models.shop import LocalSetting
from desktop.services.database import without_foreign_keys
from desktop.sync.capture import CHAIN_SETTING, CLOCK_SEEN_SETTING, CURSOR_SETTING
from desktop.sync.hlc import HybridLogicalClock
from desktop.sync.merge import Decision, decide, load_clocks
from desktop.sync.schema import TableInfo, table_info
from desktop.sync.wire import Change, WireError
from desktop.sync.write_batch import WriteBatch, delete_rows

log = logging.getLogger(__name__)

_NO_ID = uuid.UUID(int=0)

_STATES = (
    "SELECT 'row', id, NULL FROM {table} WHERE id IN (SELECT value FROM json_each(?1)) "
    "UNION ALL SELECT 'clocks', row_id, clocks FROM sync_row_clocks "
    "WHERE table_name = ?2 AND row_id IN (SELECT value FROM json_each(?1)) "
    "UNION ALL SELECT 'tombstone', row_id, NULL FROM sync_tombstones "
    "WHERE table_name = ?2 AND row_id IN (SELECT value FROM json_each(?1))"
)

_SEEN_CLOCK = text(
    "INSERT INTO local_settings (key, value) VALUES (:key, :value) "
    "ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)"
)


@dataclass(frozen=True)
class BootstrapRow:
    """One row of a snapshot page: its values and the clocks of its fields."""

    id: uuid.UUID
    fields: Mapping[str, Any]
    clocks: Mapping[str, str]


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    ignored: int
    skipped: int  # changes this station could not place (logged)


@dataclass
class _RowState:
    exists: bool
    clocks: dict[str, str] | None
    tombstoned: bool

    def decide(self, change: Change, info: TableInfo) -> Decision:
        return decide(
            change,
            exists=self.exists,
            clocks=self.clocks,
            tombstoned=self.tombstoned,
            append_only=info.append_only,
        )

    def written(self, decision: Decision, info: TableInfo) -> None:
        self.exists = True
        self.clocks = None if info.append_only else decision.clocks


class ChangeApplier:
    """Writes remote changes into the station's database under the merge rule."""

    def __init__(self, engine: Engine, clock: HybridLogicalClock) -> None:
        self.engine = engine
        self.clock = clock

    def apply_changes(
        self, changes: Sequence[Change], cursor: int | None, chain: str | None = None
    ) -> ApplyResult:
        """Apply ``changes`` (server order) and save ``cursor`` (with ``chain``, the
        server log's fingerprint there) with them, atomically.

        A change this database refuses (a number that exists here twice, which only a
        fault elsewhere can cause) is logged and left out, so it cannot stop this
        station from ever syncing again."""
        try:
            return self._apply_changes(changes, cursor, chain, one_by_one=False)
        except IntegrityError as exc:
            log.error("a pulled batch was refused (%s); applying it change by change", exc.orig)
            return self._apply_changes(changes, cursor, chain, one_by_one=True)

    def _apply_changes(
        self,
        changes: Sequence[Change],
        cursor: int | None,
        chain: str | None,
        *,
        one_by_one: bool,
    ) -> ApplyResult:
        with self._transaction() as connection:
            states = _load_states(connection, ((c.table, c.row_id) for c in changes))
            counts = {"applied": 0, "ignored": 0, "skipped": 0}
            batch = WriteBatch(connection)
            for change in changes:
                if one_by_one:
                    counts[_apply_alone(batch, change, states)] += 1
                else:
                    counts[_apply_one(batch, change, states)] += 1
            batch.flush()
            if cursor is not None:
                save_cursor(connection, cursor, chain)
            self._observe(connection, (change.hlc for change in changes))
        return ApplyResult(counts["applied"], counts["ignored"], counts["skipped"])

    def apply_rows(self, table: str, rows: Sequence[BootstrapRow]) -> None:
        """Merge one snapshot page of ``table`` into the station, atomically."""
        info = table_info(table)
        with self._transaction() as connection:
            states = _load_states(connection, ((table, row.id) for row in rows))
            batch = WriteBatch(connection)
            for row in rows:
                _merge_row(batch, info, row, states[(table, row.id)])
            batch.flush()
            self._observe(connection, (hlc for row in rows for hlc in row.clocks.values()))

    def apply_tombstones(self, tombstones: Sequence[tuple[str, uuid.UUID, str]]) -> None:
        """Record rows deleted elsewhere (table, id, clock) and remove them here."""
        with self._transaction() as connection:
            delete_rows(connection, tombstones)

    def _transaction(self) -> AbstractContextManager[Connection]:
        return applying(self.engine)

    def _observe(self, connection: Connection, clocks: Iterable[str]) -> None:
        """Move this station's clock past the newest it received, and remember that
        clock, so an edit made here after a restart still counts as later."""
        newest = max((hlc for hlc in clocks if hlc), default=None)
        if newest is not None:
            self.clock.observe(newest)
            connection.execute(_SEEN_CLOCK, {"key": CLOCK_SEEN_SETTING, "value": newest})


@contextmanager
def applying(engine: Engine) -> Iterator[Connection]:
    """One SQLite transaction for writing rows that come from the server: foreign keys
    off, and opened at once, so the savepoints inside it nest in it (SQLite's driver
    opens a transaction only before a write; a SAVEPOINT first would open one of its
    own, and its RELEASE would commit)."""
    with without_foreign_keys(engine) as connection, connection.begin():
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection


def save_cursor(connection: Connection, cursor: int, chain: str | None) -> None:
    """The server sequence this station has applied everything up to, and the log's
    fingerprint there (None: not known, the server will not check it)."""
    connection.execute(
        insert(LocalSetting).prefix_with("OR REPLACE").values(key=CURSOR_SETTING, value=str(cursor))
    )
    if chain is None:
        connection.execute(delete(LocalSetting).where(LocalSetting.key == CHAIN_SETTING))
    else:
        connection.execute(
            insert(LocalSetting).prefix_with("OR REPLACE").values(key=CHAIN_SETTING, value=chain)
        )


def _apply_alone(batch: WriteBatch, change: Change, states: dict[Any, _RowState]) -> str:
    """``_apply_one``, written at once under a savepoint: a refused change is logged and
    skipped, and its row's state is what it was before."""
    key = (change.table, change.row_id)
    before = replace(states[key])
    try:
        with batch.connection.begin_nested():
            outcome = _apply_one(batch, change, states)
            batch.flush()
            return outcome
    except IntegrityError as exc:
        states[key] = before
        log.error(
            "skipped %s of %s %s from station %s: %s",
            change.op, change.table, change.row_id, change.station, exc.orig,
        )  # fmt: skip
        return "skipped"


def _apply_one(batch: WriteBatch, change: Change, states: dict[Any, _RowState]) -> str:
    try:
        info = table_info(change.table)
    except WireError:
        log.warning("skipping change %s of unknown table %s", change.change_id, change.table)
        return "skipped"
    state = states[(change.table, change.row_id)]
    decision = state.decide(change, info)
    if decision.action == "missing":
        log.warning("skipping %s of %s %s: row not here", change.op, change.table, change.row_id)
        return "skipped"
    if decision.action == "ignore":
        return "ignored"
    if decision.action == "delete":
        batch.delete(info, change.row_id, change.hlc)
        state.exists, state.tombstoned, state.clocks = False, True, None
        return "applied"
    batch.write(info, change.row_id, decision)
    state.written(decision, info)
    return "applied"


def _merge_row(batch: WriteBatch, info: TableInfo, row: BootstrapRow, state: _RowState) -> None:
    """A snapshot row merges as the changes that made it: an insert of every field at
    the row's clock, then each later-written field at its own clock."""
    row_clock = row.clocks.get("*", "")
    steps: list[tuple[str, str, Mapping[str, Any]]] = [("insert", row_clock, row.fields)]
    later: dict[str, dict[str, Any]] = {}
    for column, hlc in row.clocks.items():
        if column != "*" and column in row.fields and hlc > row_clock:
            later.setdefault(hlc, {})[column] = row.fields[column]
    steps.extend(("update", hlc, later[hlc]) for hlc in sorted(later))
    for op, hlc, fields in steps:
        change = Change(_NO_ID, _NO_ID, info.name, row.id, op, fields, hlc, "")
        decision = state.decide(change, info)
        if decision.action in ("insert", "update"):
            batch.write(info, row.id, decision)
            state.written(decision, info)


def _load_states(
    connection: Connection, keys: Iterable[tuple[str, uuid.UUID]]
) -> dict[tuple[str, uuid.UUID], _RowState]:
    """Whether each row exists, its clocks and whether it was deleted: one query per
    table for the whole batch instead of three per change."""
    by_table: dict[str, set[uuid.UUID]] = {}
    for table, row_id in keys:
        by_table.setdefault(table, set()).add(row_id)
    states: dict[tuple[str, uuid.UUID], _RowState] = {}
    for table, ids in by_table.items():
        states.update(_table_states(connection, table, ids))
    return states


def _table_states(
    connection: Connection, table: str, ids: set[uuid.UUID]
) -> dict[tuple[str, uuid.UUID], _RowState]:
    states = {(table, row_id): _RowState(False, None, False) for row_id in ids}
    try:
        table_info(table)
    except WireError:
        return states
    # Ids as SQLite holds them (SQLAlchemy's Uuid: 32 hex digits), all in one parameter.
    by_hex = {row_id.hex: row_id for row_id in ids}
    query = _STATES.format(table=connection.dialect.identifier_preparer.quote(table))
    for kind, row_hex, clocks in connection.exec_driver_sql(
        query, (json.dumps(list(by_hex)), table)
    ):
        state = states[(table, by_hex[row_hex])]
        if kind == "row":
            state.exists = True
        elif kind == "clocks":
            state.clocks = load_clocks(clocks)
        else:
            state.tombstoned = True
    return states
