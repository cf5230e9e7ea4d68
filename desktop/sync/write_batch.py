"""The writes of one apply, gathered and sent to SQLite table by table with executemany.

The applier decides every change against its row as it comes; only the writing waits.
Writing a row at a time cost several times SQLite's own work in statement overhead.

Gathered writes are written tables parents first (``BOOTSTRAP_ORDER``) and, within a
table, in the order the server sent them; a later update of a row joins the row's
pending write. The database ends as if each change had been written as it came, because
of what the triggers read:

- ``stock_movements`` (a ledger: inserts only) move ``stock_levels`` and ``item_stock``
  in the order they are written, which is kept. Their low-stock flags read ``items``,
  written before them; an item's own trigger sets the same flags from the stock it
  finds, and whichever of the two runs last sees the final item and stock.
- Search rows are rebuilt from the row and its phones or barcodes by whichever write
  comes last, which sees the final rows. ``item_barcodes`` has no update trigger: its
  updates are written in their place, after everything before them.
- Ticket counts add up the same in any order.
- A delete is written in its place, after everything before it.

The rowids SQLite gives search keys follow the order customers, devices and items are
inserted, so they can differ from a change-by-change apply; they never leave the station.
"""

from __future__ import annotations

import functools
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Delete,
    Dialect,
    Executable,
    Insert,
    Update,
    Uuid,
    bindparam,
    delete,
    insert,
    text,
    update,
)
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from desktop.models.base import utc_now
from desktop.models.sync import RowClock, Tombstone
from desktop.sync.merge import Clocks, Decision, dump_clocks
from desktop.sync.schema import BOOTSTRAP_ORDER, TableInfo, table_info
from desktop.sync.wire import to_python

# Tables whose rows other tables' triggers read but that have no update trigger of their
# own: what a later trigger reads depends on where such an update lands.
_UPDATED_IN_PLACE = frozenset({"item_barcodes"})

_SET_CLOCKS = text(
    "INSERT INTO sync_row_clocks (table_name, row_id, clocks) VALUES (:table, :row, :clocks) "
    "ON CONFLICT (table_name, row_id) DO UPDATE SET clocks = excluded.clocks"
).bindparams(bindparam("row", type_=Uuid()))

_FORGET_CLOCKS = delete(RowClock).where(
    RowClock.table_name == bindparam("table"), RowClock.row_id == bindparam("row")
)
_BURY = insert(Tombstone).prefix_with("OR REPLACE")

_TABLE_ORDER = {name: position for position, name in enumerate(BOOTSTRAP_ORDER)}


@dataclass
class _Write:
    """An insert or an update of one row, waiting to be written."""

    insert: bool
    values: dict[str, Any]


class WriteBatch:
    """Inserts, updates and row clocks of one apply, written at ``flush``."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._writes: dict[str, list[_Write]] = {}
        self._pending: dict[tuple[str, uuid.UUID], _Write] = {}
        self._clocks: dict[tuple[str, uuid.UUID], Clocks] = {}

    def write(self, info: TableInfo, row_id: uuid.UUID, decision: Decision) -> None:
        """Gather the insert or update ``decision`` makes of the row ``row_id``."""
        values = to_python(info, decision.write)
        if decision.action == "insert":
            values["id"] = row_id
            self._add(info.name, row_id, _Write(True, values))
        elif values and info.name in _UPDATED_IN_PLACE:
            self.flush()
            params = {**values, "row_id_": row_id}
            self.connection.execute(update_keeping(info.name, frozenset(params)), params)
        elif values:
            self._update(info, row_id, values)
        if not info.append_only:
            self._clocks[(info.name, row_id)] = decision.clocks

    def delete(self, info: TableInfo, row_id: uuid.UUID, hlc: str) -> None:
        """Remove the row here now, after everything gathered before it, and leave its
        tombstone."""
        self.flush()
        delete_rows(self.connection, [(info.name, row_id, hlc)])

    def flush(self) -> None:
        """Write everything gathered. The batch is empty afterwards even if SQLite
        refused something (the caller rolls back)."""
        writes, self._writes, self._pending = self._writes, {}, {}
        clocks, self._clocks = self._clocks, {}
        for table in sorted(writes, key=_TABLE_ORDER.__getitem__):
            for statement, params in _runs(table, writes[table]):
                execute_many(self.connection, statement, params)
        if clocks:
            execute_many(
                self.connection,
                _SET_CLOCKS,
                [
                    {"table": table, "row": row_id, "clocks": dump_clocks(row_clocks)}
                    for (table, row_id), row_clocks in clocks.items()
                ],
            )

    def _add(self, table: str, row_id: uuid.UUID, write: _Write) -> None:
        self._writes.setdefault(table, []).append(write)
        self._pending[(table, row_id)] = write

    def _update(self, info: TableInfo, row_id: uuid.UUID, values: dict[str, Any]) -> None:
        pending = self._pending.get((info.name, row_id))
        if pending is None:
            self._add(info.name, row_id, _Write(False, {**values, "row_id_": row_id}))
            return
        pending.values.update(values)


def delete_rows(connection: Connection, rows: Sequence[tuple[str, uuid.UUID, str]]) -> None:
    """Remove rows (table, id, clock of the delete), leave their tombstones and drop
    their clocks. Deletes commute, so each table's go in one statement."""
    if not rows:
        return
    by_table: dict[str, list[dict[str, Any]]] = {}
    for table, row_id, _ in rows:
        by_table.setdefault(table, []).append({"row_id_": row_id})
    for table, ids in by_table.items():
        execute_many(connection, _statements(table)[2], ids)
    deleted_at = utc_now()
    execute_many(
        connection,
        _BURY,
        [
            {"table_name": table, "row_id": row_id, "hlc": hlc, "deleted_at": deleted_at}
            for table, row_id, hlc in rows
        ],
    )
    execute_many(
        connection, _FORGET_CLOCKS, [{"table": table, "row": row_id} for table, row_id, _ in rows]
    )


def execute_many(
    connection: Connection, statement: Executable, params: list[dict[str, Any]]
) -> None:
    """``connection.execute(statement, params)``, every dict holding the same keys.

    SQLAlchemy's work per row of an executemany (building each row's parameters, then
    converting them) cost more than SQLite's: the statement is compiled once per set of
    keys, and each row goes to the driver as the tuple SQLAlchemy would have made, with
    the same type conversions. A statement for which SQLAlchemy fills in values itself (a
    column's Python default, updated_at's stamp) goes through it as usual."""
    direct = _direct(connection.dialect, statement, frozenset(params[0]))
    if direct is None:
        connection.execute(statement, params)
        return
    sql, binds = direct
    connection.exec_driver_sql(
        sql,
        [
            tuple([convert(row[name]) if convert else row[name] for name, convert in binds])
            for row in params
        ],
    )


# A statement's SQL and, in order, each parameter's name and conversion.
_Direct = tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]]
_COMPILED: weakref.WeakKeyDictionary[
    Dialect, dict[tuple[Executable, frozenset[str]], _Direct | None]
] = weakref.WeakKeyDictionary()


def _direct(dialect: Dialect, statement: Executable, keys: frozenset[str]) -> _Direct | None:
    """``statement``'s SQL for parameters ``keys`` and, in order, each parameter's name
    and SQLAlchemy's conversion of it for ``dialect``; None when SQLAlchemy must see each
    row. Compiled once per engine (its dialect)."""
    compiled = _COMPILED.setdefault(dialect, {})
    key = (statement, keys)
    if key not in compiled:
        compiled[key] = _compile(dialect, statement, keys)
    return compiled[key]


def _compile(dialect: Dialect, statement: Executable, keys: frozenset[str]) -> _Direct | None:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
    assert isinstance(compiled, SQLCompiler)
    if (
        compiled.positiontup is None
        or compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.escaped_bind_names
        or compiled.literal_execute_params
        or compiled.post_compile_params
    ):
        return None
    binds = tuple(
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in compiled.positiontup
    )
    return compiled.string, binds


_Run = tuple[Insert | Update, list[dict[str, Any]]]


def _runs(table: str, writes: list[_Write]) -> Iterator[_Run]:
    """Consecutive writes of one kind and one set of columns: one executemany each."""
    insert_row = _statements(table)[0]
    run: list[dict[str, Any]] = []
    run_insert = False
    for write in writes:
        if run and (write.insert != run_insert or write.values.keys() != run[0].keys()):
            yield (insert_row if run_insert else update_keeping(table, frozenset(run[0]))), run
            run = []
        run.append(write.values)
        run_insert = write.insert
    if run:
        yield (insert_row if run_insert else update_keeping(table, frozenset(run[0]))), run


@functools.cache
def _statements(table_name: str) -> tuple[Insert, Update, Delete]:
    """The table's insert, update by id and delete by id, built once: the values travel
    as parameters, so SQLAlchemy reuses the compiled statement."""
    table = table_info(table_name).table
    by_id = table.c.id == bindparam("row_id_")
    return insert(table), update(table).where(by_id), delete(table).where(by_id)


@functools.cache
def update_keeping(table_name: str, keys: frozenset[str]) -> Update:
    """The update by id of the columns ``keys``. A column the database layer stamps on
    every update that leaves it out (``updated_at``) keeps its value instead: the change
    lost that field to a later write, and every other replica keeps the later value."""
    table = table_info(table_name).table
    update_row = _statements(table_name)[1]
    kept = {
        column.name: column
        for column in table.columns
        if column.onupdate is not None and column.name not in keys
    }
    return update_row.values(kept) if kept else update_row
