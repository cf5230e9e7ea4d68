"""Automatic change capture: every flush of a syncable row writes outbox entries.

Runs inside the flush, on the same connection and in the same transaction as the change,
so a rolled-back transaction leaves no outbox entry behind and a committed one always has
its entries. Services never write the outbox by hand.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

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


def _columns(obj: Syncable) -> list[tuple[str, str]]:
    """(attribute key, column name) pairs of a mapped object."""
    mapper = inspect(obj).mapper
    return [(attr.key, attr.columns[0].name) for attr in mapper.column_attrs]


def _inserted_fields(obj: Syncable) -> dict[str, Any]:
    return {column: wire_value(getattr(obj, key)) for key, column in _columns(obj)}


def _updated_fields(obj: Syncable) -> dict[str, Any]:
    state = inspect(obj)
    changed: dict[str, Any] = {}
    for key, column in _columns(obj):
        history = state.attrs[key].history
        if history.added or history.deleted:
            changed[column] = wire_value(getattr(obj, key))
    return changed


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    clock: HybridLogicalClock | None = session.info.get(CLOCK_KEY)
    if clock is None:
        return
    txn_id = session.info.setdefault(TXN_KEY, new_id())
    user_id = session.info.get(USER_KEY)
    rows: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []

    def add(obj: Syncable, op: str, fields: dict[str, Any]) -> None:
        hlc = clock.now()
        rows.append(
            {
                "change_id": new_id(),
                "txn_id": txn_id,
                "table_name": type(obj).__tablename__,  # type: ignore[attr-defined]
                "row_id": obj.id,
                "op": op,
                "fields": json.dumps(fields, sort_keys=True, ensure_ascii=False),
                "hlc": hlc,
                "station_code": clock.station,
                "user_id": user_id,
                "created_at": utc_now(),
                "status": "pending",
                "error": "",
            }
        )
        if op == "delete":
            tombstones.append(
                {
                    "table_name": type(obj).__tablename__,  # type: ignore[attr-defined]
                    "row_id": obj.id,
                    "hlc": hlc,
                    "deleted_at": utc_now(),
                }
            )

    for obj in session.new:
        if isinstance(obj, Syncable):
            add(obj, "insert", _inserted_fields(obj))
    for obj in session.dirty:
        if isinstance(obj, Syncable) and session.is_modified(obj, include_collections=False):
            if type(obj).__append_only__:
                raise RuntimeError(f"{type(obj).__name__} is append-only and cannot be edited")
            fields = _updated_fields(obj)
            if fields:
                add(obj, "update", fields)
    for obj in session.deleted:
        if isinstance(obj, Syncable):
            if type(obj).__append_only__:
                raise RuntimeError(f"{type(obj).__name__} is append-only and cannot be deleted")
            add(obj, "delete", {})

    connection = session.connection()
    if rows:
        connection.execute(insert(OutboxEntry.__table__), rows)
    if tombstones:
        connection.execute(insert(Tombstone.__table__).prefix_with("OR REPLACE"), tombstones)


def _forget_transaction(session: Session, *_: Any) -> None:
    session.info.pop(TXN_KEY, None)


def install(session_class: type[Session]) -> None:
    """Attach the capture to every session made by ``session_class`` (a sessionmaker's class)."""
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "after_commit", _forget_transaction)
    event.listen(session_class, "after_rollback", _forget_transaction)
