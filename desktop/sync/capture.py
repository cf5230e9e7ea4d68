"""Automatic change capture: every flush of a syncable row writes outbox entries.

Mapper events run inside the flush (cascaded deletes of orphans included), on the same
connection and in the same transaction as the change,
so a rolled-back transaction leaves no outbox entry behind and a committed one always has
its entries. Services never write the outbox by hand.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, event, insert, inspect
from sqlalchemy.orm import Mapper, Session, object_session

from desktop.models.base import Syncable, utc_now
from desktop.models.sync import OutboxEntry, Tombstone
from desktop.services.ids import new_id
from desktop.sync.hlc import HybridLogicalClock

TXN_KEY = "sync_txn_id"
CLOCK_KEY = "sync_clock"
USER_KEY = "sync_user_id"


def wire_value(value: Any) -> Any:
    """A column value as it travels in JSON."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


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
        },
    )
    if op == "delete":
        connection.execute(
            insert(Tombstone).prefix_with("OR REPLACE"),
            {"table_name": table, "row_id": obj.id, "hlc": hlc, "deleted_at": utc_now()},
        )


def capture_bulk_inserts(session: Session, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Outbox entries for rows inserted with one Core ``executemany`` (an import), where
    no mapper event fires: the same entries a flush of those objects would write. Each
    row must hold every column of its table, by column name."""
    clock: HybridLogicalClock | None = session.info.get(CLOCK_KEY)
    if clock is None or not rows:
        return
    txn_id = session.info.setdefault(TXN_KEY, new_id())
    user_id = session.info.get(USER_KEY)
    now = utc_now()
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
                "hlc": clock.now(),
                "station_code": clock.station,
                "user_id": user_id,
                "created_at": now,
                "status": "pending",
                "error": "",
            }
            for row in rows
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


def install(session_class: type[Session]) -> None:
    """Capture changes of every syncable table; only sessions of ``session_class`` carry a
    clock, so only they write the outbox."""
    if not event.contains(Syncable, "after_insert", _after_insert):
        event.listen(Syncable, "after_insert", _after_insert, propagate=True)
        event.listen(Syncable, "after_update", _after_update, propagate=True)
        event.listen(Syncable, "after_delete", _after_delete, propagate=True)
    event.listen(session_class, "after_commit", _forget_transaction)
    event.listen(session_class, "after_rollback", _forget_transaction)
