"""Automatic change capture: every flush of a syncable row writes outbox entries.

Mapper events run inside the flush (cascaded deletes of orphans included), on the same
connection and in the same transaction as the change,
so a rolled-back transaction leaves no outbox entry behind and a committed one always has
its entries. Services never write the outbox by hand.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Uuid, bindparam, delete, event, insert, inspect, select, text
from sqlalchemy.orm import Mapper, Session, object_session

from desktop.models.base import Syncable, utc_now
from desktop.models.shop import LocalSetting
from desktop.models.sync import OutboxEntry, RowClock, Tombstone
from desktop.services.ids import new_id
from desktop.sync.hlc import HybridLogicalClock
from desktop.sync.merge import ROW_CLOCK, dump_clocks
from desktop.sync.wire import wire_value

TXN_KEY = "sync_txn_id"
CLOCK_KEY = "sync_clock"
USER_KEY = "sync_user_id"
BASE_KEY = "sync_base_seq"
# A callable run after a commit that wrote outbox entries (the sync runner's "push soon").
COMMITTED_KEY = "sync_committed"
# The server sequence this station has pulled up to (kept by the sync engine).
CURSOR_SETTING = "sync_cursor"
# The server log's fingerprint at the cursor: tells a server restored from an older
# backup, whose numbers after it name other changes.
CHAIN_SETTING = "sync_cursor_chain"
# The newest clock value received from elsewhere: the station's clock restarts past it.
CLOCK_SEEN_SETTING = "sync_clock_seen"
# JSON position of loading the whole shop from the server; present while one is due.
BOOTSTRAP_SETTING = "sync_bootstrap"
BOOTSTRAP_DUE = '{"started": false}'

_SET_CLOCKS = text(
    "INSERT INTO sync_row_clocks (table_name, row_id, clocks) VALUES (:table, :row, :clocks) "
    "ON CONFLICT (table_name, row_id) DO UPDATE SET clocks = excluded.clocks"
).bindparams(bindparam("row", type_=Uuid()))
_ADD_CLOCKS = text(
    "INSERT INTO sync_row_clocks (table_name, row_id, clocks) VALUES (:table, :row, :clocks) "
    "ON CONFLICT (table_name, row_id) DO UPDATE "
    "SET clocks = json_patch(sync_row_clocks.clocks, excluded.clocks)"
).bindparams(bindparam("row", type_=Uuid()))


def _columns(obj: Syncable) -> list[tuple[str, str, bool]]:
    """(attribute key, column name, has an on-update default) of a mapped object."""
    mapper = inspect(obj).mapper
    return [
        (attr.key, attr.columns[0].name, attr.columns[0].onupdate is not None)
        for attr in mapper.column_attrs
    ]


def _inserted_fields(obj: Syncable) -> dict[str, Any]:
    return {column: wire_value(getattr(obj, key)) for key, column, _ in _columns(obj)}


def _updated_fields(obj: Syncable) -> dict[str, Any]:
    state = inspect(obj)
    changed: dict[str, Any] = {}
    for key, column, _automatic in _columns(obj):
        history = state.attrs[key].history
        if history.added or history.deleted:
            changed[column] = wire_value(getattr(obj, key))
    if changed:
        # On-update defaults (updated_at) are set by the flush, outside attribute history.
        for key, column, automatic in _columns(obj):
            if automatic:
                changed[column] = wire_value(getattr(obj, key))
    return changed


def _capture(connection: Connection, obj: Syncable, op: str, fields: dict[str, Any]) -> None:
    session = object_session(obj)
    clock: HybridLogicalClock | None = session.info.get(CLOCK_KEY) if session else None
    if session is None or clock is None:
        return
    table = type(obj).__tablename__  # type: ignore[attr-defined]
    hlc = clock.now()
    if BASE_KEY not in session.info:
        session.info[BASE_KEY] = read_cursor(connection)
    connection.execute(
        insert(OutboxEntry),
        {
            "change_id": new_id(),
            "txn_id": session.info.setdefault(TXN_KEY, new_id()),
            "table_name": table,
            "row_id": obj.id,
            "op": op,
            "fields": json.dumps(fields, sort_keys=True, ensure_ascii=False),
            "hlc": hlc,
            "station_code": clock.station,
            "user_id": session.info.get(USER_KEY),
            "created_at": utc_now(),
            "status": "pending",
            "error": "",
            "base_seq": session.info[BASE_KEY],
        },
    )
    if op == "delete":
        connection.execute(
            insert(Tombstone).prefix_with("OR REPLACE"),
            {"table_name": table, "row_id": obj.id, "hlc": hlc, "deleted_at": utc_now()},
        )
        connection.execute(
            delete(RowClock).where(RowClock.table_name == table, RowClock.row_id == obj.id)
        )
    elif not type(obj).__append_only__:
        _record_clocks(connection, table, obj.id, op, fields, hlc)


def _record_clocks(
    connection: Connection, table: str, row_id: uuid.UUID, op: str, fields: dict[str, Any], hlc: str
) -> None:
    """The row's field clocks after a local write: what sync merges against."""
    if op == "insert":
        connection.execute(
            _SET_CLOCKS, {"table": table, "row": row_id, "clocks": dump_clocks({ROW_CLOCK: hlc})}
        )
    else:
        connection.execute(
            _ADD_CLOCKS,
            {"table": table, "row": row_id, "clocks": dump_clocks(dict.fromkeys(fields, hlc))},
        )


def read_cursor(connection: Connection) -> int:
    """The server sequence this station has applied everything up to."""
    value = connection.execute(
        select(LocalSetting.value).where(LocalSetting.key == CURSOR_SETTING)
    ).scalar()
    return int(value) if value else 0


def read_chain(connection: Connection) -> str | None:
    """The server log's fingerprint at the cursor, when known."""
    value = connection.execute(
        select(LocalSetting.value).where(LocalSetting.key == CHAIN_SETTING)
    ).scalar()
    return str(value) if value else None


def capture_bulk_inserts(session: Session, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Outbox entries for rows inserted with one Core ``executemany`` (an import), where
    no mapper event fires: the same entries a flush of those objects would write. Each
    row must hold every column of its table, by column name."""
    clock: HybridLogicalClock | None = session.info.get(CLOCK_KEY)
    if clock is None or not rows:
        return
    txn_id = session.info.setdefault(TXN_KEY, new_id())
    user_id = session.info.get(USER_KEY)
    base_seq = session.info.setdefault(BASE_KEY, read_cursor(session.connection()))
    now = utc_now()
    hlcs = [clock.now() for _ in rows]
    session.execute(
        insert(OutboxEntry.__table__),  # type: ignore[arg-type]  # Core: no ORM bulk path
        [
            {
                "change_id": new_id(),
                "txn_id": txn_id,
                "table_name": table,
                "row_id": row["id"],
                "op": "insert",
                "fields": json.dumps(
                    {k: wire_value(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False
                ),
                "hlc": hlc,
                "station_code": clock.station,
                "user_id": user_id,
                "created_at": now,
                "status": "pending",
                "error": "",
                "base_seq": base_seq,
            }
            for row, hlc in zip(rows, hlcs, strict=True)
        ],
    )
    from desktop.sync.schema import table_info

    if table_info(table).append_only:
        return
    session.execute(
        _SET_CLOCKS,
        [
            {"table": table, "row": row["id"], "clocks": dump_clocks({ROW_CLOCK: hlc})}
            for row, hlc in zip(rows, hlcs, strict=True)
        ],
    )


def _after_insert(mapper: Mapper[Any], connection: Connection, obj: Syncable) -> None:
    _capture(connection, obj, "insert", _inserted_fields(obj))


def _after_update(mapper: Mapper[Any], connection: Connection, obj: Syncable) -> None:
    fields = _updated_fields(obj)
    if not fields:
        return
    if type(obj).__append_only__:
        raise RuntimeError(f"{type(obj).__name__} is append-only and cannot be edited")
    _capture(connection, obj, "update", fields)


def _after_delete(mapper: Mapper[Any], connection: Connection, obj: Syncable) -> None:
    if type(obj).__append_only__:
        raise RuntimeError(f"{type(obj).__name__} is append-only and cannot be deleted")
    _capture(connection, obj, "delete", {})


def _forget_transaction(session: Session, *_: Any) -> None:
    session.info.pop(TXN_KEY, None)
    session.info.pop(BASE_KEY, None)


def _after_commit(session: Session) -> None:
    wrote = TXN_KEY in session.info
    _forget_transaction(session)
    committed = session.info.get(COMMITTED_KEY)
    if wrote and committed is not None:
        committed()


def install(session_class: type[Session]) -> None:
    """Capture changes of every syncable table; only sessions of ``session_class`` carry a
    clock, so only they write the outbox."""
    if not event.contains(Syncable, "after_insert", _after_insert):
        event.listen(Syncable, "after_insert", _after_insert, propagate=True)
        event.listen(Syncable, "after_update", _after_update, propagate=True)
        event.listen(Syncable, "after_delete", _after_delete, propagate=True)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_rollback", _forget_transaction)
