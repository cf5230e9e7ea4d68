"""Undoing, on this station, a transaction the server refused.

The server refuses a transaction it may not apply (a technician making themselves owner
at a PC that had not yet heard their role was lowered). Every other station then lacks
it; this one must lose it too, or it differs from the shop for good. The server's answer
carries the rows the transaction touched as the server has them (``server.refused``);
each goes back to that:

- a field whose value is still the refused write takes the server's value and clock; a
  field edited here since keeps the newer edit (it is in the outbox and goes to the
  server on its own);
- a row the refused transaction inserted or deleted takes the server's row whole, or
  goes when the server has none; a row the server deleted is deleted here too.

Nothing here goes to the outbox: it restores what the server already holds.

One case cannot be undone: a refused edit of a row every database is created with that
the server never received (it holds no value for the field). The edit then stays, and
the log says so.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from desktop.models.sync import RowClock, Tombstone
from desktop.sync.apply import applying
from desktop.sync.merge import ROW_CLOCK, ZERO_HLC, dump_clocks, field_clock, load_clocks
from desktop.sync.schema import TableInfo, table_info
from desktop.sync.wire import Change, WireError, to_python
from desktop.sync.write_batch import delete_rows, update_keeping

log = logging.getLogger(__name__)

Key = tuple[str, uuid.UUID]


def put_back(
    engine: Engine, refused: Sequence[Change], current: Sequence[Mapping[str, Any]]
) -> int:
    """Return each row ``refused`` touched to the server's state ``current``, in one
    transaction. Returns how many rows changed. A row that cannot be put back is logged
    and left as it is: it must never stop this station from syncing."""
    by_row: dict[Key, list[Change]] = {}
    for change in refused:
        by_row.setdefault((change.table, change.row_id), []).append(change)
    changed = 0
    with applying(engine) as connection:
        for entry in current:
            try:
                info = table_info(str(entry["table"]))
                row_id = uuid.UUID(str(entry["id"]))
            except (KeyError, ValueError, WireError):
                continue
            changes = by_row.get((info.name, row_id))
            if not changes:
                continue
            try:
                with connection.begin_nested():
                    changed += _put_back_row(connection, info, row_id, changes, entry)
            except (SQLAlchemyError, WireError) as exc:
                log.error("could not put back %s %s after a refusal: %s", info.name, row_id, exc)
    return changed


def _put_back_row(
    connection: Connection,
    info: TableInfo,
    row_id: uuid.UUID,
    changes: Sequence[Change],
    entry: Mapping[str, Any],
) -> int:
    state = entry.get("state")
    exists, clocks, tombstone = _local_row(connection, info, row_id)
    # Made or removed by the refused transaction itself, not by a later edit here
    # (which is in the outbox and reaches the server on its own).
    inserted = exists and any(
        change.op == "insert" and change.hlc == field_clock(clocks, ROW_CLOCK) for change in changes
    )
    deleted = not exists and any(
        change.op == "delete" and change.hlc == tombstone for change in changes
    )
    if state == "deleted":
        if not exists:
            return 0
        delete_rows(connection, [(info.name, row_id, str(entry.get("hlc") or ZERO_HLC))])
        return 1
    if state == "absent":
        if inserted:
            _remove(connection, info, row_id)
            return 1
        if not any(change.op == "insert" for change in changes):
            log.warning(
                "cannot undo a refused edit of %s %s: the server never received that row",
                info.name, row_id,
            )  # fmt: skip
        return 0
    if state != "row":
        return 0
    fields = to_python(info, entry.get("fields") or {})
    server_clocks = dict(entry.get("clocks") or {})
    if inserted or deleted:
        _replace(connection, info, row_id, exists, fields, server_clocks)
        return 1
    if not exists:
        return 0
    return _revert_fields(connection, info, row_id, changes, clocks, fields, server_clocks)


def _revert_fields(
    connection: Connection,
    info: TableInfo,
    row_id: uuid.UUID,
    changes: Sequence[Change],
    clocks: dict[str, str] | None,
    fields: dict[str, Any],
    server_clocks: dict[str, str],
) -> int:
    """Fields still holding a refused write take the server's value and clock."""
    refused_clocks = {change.hlc for change in changes}
    columns = {
        column
        for change in changes
        for column in change.fields
        if column != "id" and field_clock(clocks, column) in refused_clocks
    }
    known = {
        column
        for column in columns & fields.keys()
        if fields[column] is not None or field_clock(server_clocks, column) != ZERO_HLC
    }
    unknown = sorted(columns - known)
    if unknown:
        log.warning(
            "cannot undo a refused edit of %s.%s of %s: the server holds no value for it",
            info.name, ", ".join(unknown), row_id,
        )  # fmt: skip
    values = {column: fields[column] for column in known}
    if not values:
        return 0
    _update(connection, info, row_id, values)
    new_clocks = dict(clocks or {ROW_CLOCK: ZERO_HLC})
    row_clock = new_clocks.get(ROW_CLOCK, ZERO_HLC)
    for column in values:
        server_clock = field_clock(server_clocks, column)
        if server_clock == row_clock:
            new_clocks.pop(column, None)
        else:
            new_clocks[column] = server_clock
    _save_clocks(connection, info, row_id, new_clocks)
    return 1


def _replace(
    connection: Connection,
    info: TableInfo,
    row_id: uuid.UUID,
    exists: bool,
    fields: dict[str, Any],
    server_clocks: dict[str, str],
) -> None:
    """The row as the server has it, whole: the refused transaction made or removed it."""
    connection.execute(
        delete(Tombstone).where(Tombstone.table_name == info.name, Tombstone.row_id == row_id)
    )
    values = {name: value for name, value in fields.items() if name != "id"}
    if exists:
        if values:
            _update(connection, info, row_id, values)
    else:
        connection.execute(insert(info.table).values({**values, "id": row_id}))
    _save_clocks(connection, info, row_id, server_clocks)


def _update(
    connection: Connection, info: TableInfo, row_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Set ``values`` and nothing else: ``updated_at`` keeps its value unless given, as
    the server's copy does."""
    params = {**values, "row_id_": row_id}
    connection.execute(update_keeping(info.name, frozenset(params)), params)


def _remove(connection: Connection, info: TableInfo, row_id: uuid.UUID) -> None:
    connection.execute(delete(info.table).where(info.table.c.id == row_id))
    connection.execute(
        delete(RowClock).where(RowClock.table_name == info.name, RowClock.row_id == row_id)
    )


def _save_clocks(
    connection: Connection, info: TableInfo, row_id: uuid.UUID, clocks: dict[str, str]
) -> None:
    if info.append_only:
        return
    connection.execute(
        insert(RowClock)
        .prefix_with("OR REPLACE")
        .values(table_name=info.name, row_id=row_id, clocks=dump_clocks(clocks))
    )


def _local_row(
    connection: Connection, info: TableInfo, row_id: uuid.UUID
) -> tuple[bool, dict[str, str] | None, str | None]:
    """Whether the row is here, its field clocks, and the clock of its delete."""
    exists = (
        connection.execute(select(info.table.c.id).where(info.table.c.id == row_id)).first()
        is not None
    )
    clocks = connection.execute(
        select(RowClock.clocks).where(RowClock.table_name == info.name, RowClock.row_id == row_id)
    ).scalar()
    tombstone = connection.execute(
        select(Tombstone.hlc).where(Tombstone.table_name == info.name, Tombstone.row_id == row_id)
    ).scalar()
    return exists, load_clocks(clocks), tombstone
