"""What sync had to choose, for managers: two stations' edits of one field, and values
that should be unique but came to be shared through sync (a SKU, a username).

The server records each conflict (``SyncConflict`` rows reach every station by sync). A
manager either accepts the value sync kept or restores the other one, which is a new
edit of its own: it wins over both and reaches every station like any other change.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Base, OutboxEntry, SyncConflict, User
from desktop.models.base import utc_now
from desktop.services import audit
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound, ValidationError
from desktop.services.permissions import Permission
from desktop.sync.hlc import Timestamp
from desktop.sync.outbox import REJECTED, Outbox, RejectedTransaction
from desktop.sync.schema import table_info
from desktop.sync.wire import WireError, to_python


@dataclass(frozen=True)
class ConflictSide:
    value: Any
    station: str
    user: str
    at: datetime | None


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    kind: str  # edit | duplicate
    table_name: str
    row_id: uuid.UUID
    field: str
    kept: ConflictSide
    other: ConflictSide
    other_row_id: uuid.UUID | None
    detected_at: datetime
    resolution: str  # "" while open, "kept" or "other"


class SyncConflictService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def open_count(self) -> int:
        with self.ctx.uow() as tx:
            return int(
                tx.session.scalar(select(func.count()).where(SyncConflict.resolved_at.is_(None)))
                or 0
            )

    def refused_count(self) -> int:
        """How many transactions made here the server refused (a number anyone may see)."""
        with self.ctx.uow() as tx:
            return int(
                tx.session.scalar(
                    select(func.count(OutboxEntry.txn_seq.distinct())).where(
                        OutboxEntry.status == REJECTED
                    )
                )
                or 0
            )

    def refused_changes(self, limit: int = 500) -> list[RejectedTransaction]:
        """Changes made here that the sync server refused, newest first, with its
        reason. Raises ``PermissionDenied``."""
        self.ctx.require(Permission.RESOLVE_SYNC_CONFLICTS)
        return Outbox(self.ctx.engine).rejected(limit)

    def list(self, *, include_resolved: bool = False, limit: int = 500) -> list[ConflictView]:
        """Conflicts, newest first. Raises ``PermissionDenied``."""
        self.ctx.require(Permission.RESOLVE_SYNC_CONFLICTS)
        with self.ctx.uow() as tx:
            statement = select(SyncConflict).order_by(SyncConflict.detected_at.desc()).limit(limit)
            if not include_resolved:
                statement = statement.where(SyncConflict.resolved_at.is_(None))
            rows = list(tx.session.scalars(statement))
            names = _user_names(tx.session, rows)
            return [_view(row, names) for row in rows]

    def keep(self, conflict_id: uuid.UUID) -> None:
        """Accept the value sync kept. Raises ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RESOLVE_SYNC_CONFLICTS)
        with self.ctx.uow() as tx:
            row = _open_conflict(tx.session, conflict_id)
            _resolve(row, actor.user_id, "kept")
            audit.record(
                tx.session, self.ctx, "sync_conflict_kept", row.table_name, str(row.row_id)
            )
            tx.commit()

    def restore_other(self, conflict_id: uuid.UUID) -> None:
        """Put back the value sync set aside, as a new edit. Raises ``NotFound``,
        ``ValidationError`` (a duplicate, or the row is gone), ``PermissionDenied``."""
        actor = self.ctx.require(Permission.RESOLVE_SYNC_CONFLICTS)
        with self.ctx.uow() as tx:
            row = _open_conflict(tx.session, conflict_id)
            if row.kind != "edit":
                raise ValidationError(
                    {"conflict": "Two rows share this value: change one of them instead."}
                )
            target = tx.session.get(_model(row.table_name), row.row_id)
            if target is None:
                raise ValidationError({"conflict": "The record was deleted since."})
            try:
                value = to_python(
                    table_info(row.table_name), {row.field: json.loads(row.other_value)}
                )[row.field]
            except WireError as exc:
                raise ValidationError({"conflict": str(exc)}) from exc
            setattr(target, _attribute(row.table_name, row.field), value)
            _resolve(row, actor.user_id, "other")
            audit.record(
                tx.session, self.ctx, "sync_conflict_restored", row.table_name, str(row.row_id)
            )
            tx.commit()


def _open_conflict(session: Session, conflict_id: uuid.UUID) -> SyncConflict:
    row = session.get(SyncConflict, conflict_id)
    if row is None or row.resolved_at is not None:
        raise NotFound("This conflict was resolved already.")
    return row


def _resolve(row: SyncConflict, user_id: uuid.UUID, resolution: str) -> None:
    row.resolved_at = utc_now()
    row.resolved_by = user_id
    row.resolution = resolution


def _model(table_name: str) -> type[Any]:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:  # type: ignore[attr-defined]
            return mapper.class_
    raise ValidationError({"conflict": f"Unknown table {table_name}."})


def _attribute(table_name: str, column: str) -> str:
    mapper = _model(table_name).__mapper__
    for attr in mapper.column_attrs:
        if attr.columns[0].name == column:
            return str(attr.key)
    raise ValidationError({"conflict": f"Unknown field {column}."})


def _user_names(session: Session, rows: list[SyncConflict]) -> dict[uuid.UUID, str]:
    ids = {u for row in rows for u in (row.kept_user_id, row.other_user_id) if u}
    if not ids:
        return {}
    found = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in found}


def _side(
    value: str, hlc: str, station: str, user: uuid.UUID | None, names: dict[uuid.UUID, str]
) -> ConflictSide:
    at = None
    if hlc:
        at = datetime.fromtimestamp(Timestamp.decode(hlc).wall_ms / 1000, UTC)
    return ConflictSide(json.loads(value), station, names.get(user, "") if user else "", at)


def _view(row: SyncConflict, names: dict[uuid.UUID, str]) -> ConflictView:
    return ConflictView(
        id=row.id,
        kind=row.kind,
        table_name=row.table_name,
        row_id=row.row_id,
        field=row.field,
        kept=_side(row.kept_value, row.kept_hlc, row.kept_station, row.kept_user_id, names),
        other=_side(row.other_value, row.other_hlc, row.other_station, row.other_user_id, names),
        other_row_id=row.other_row_id,
        detected_at=row.detected_at,
        resolution=row.resolution,
    )
