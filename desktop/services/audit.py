"""The audit log: who did what sensitive thing, when, at which station."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import AuditEvent
from desktop.services.context import ServiceContext
from desktop.services.permissions import Permission


@dataclass(frozen=True)
class AuditEntry:
    id: uuid.UUID
    at: datetime
    username: str
    station_code: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]


def record(
    session: Session,
    ctx: ServiceContext,
    action: str,
    entity: str = "",
    entity_id: str = "",
    username: str | None = None,
    **details: Any,
) -> None:
    """Add an audit event to the caller's transaction."""
    actor = ctx.actor
    session.add(
        AuditEvent(
            user_id=actor.user_id if actor else None,
            username=username if username is not None else (actor.username if actor else ""),
            station_code=ctx.station_code,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=json.dumps(details, ensure_ascii=False, default=str),
        )
    )


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def recent(self, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
        """The newest audit events. Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_AUDIT)
        with self.ctx.uow() as tx:
            query = select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)
            if action:
                query = query.where(AuditEvent.action == action)
            return [
                AuditEntry(
                    id=e.id,
                    at=e.at,
                    username=e.username,
                    station_code=e.station_code,
                    action=e.action,
                    entity=e.entity,
                    entity_id=e.entity_id,
                    details=json.loads(e.details) if e.details else {},
                )
                for e in tx.session.scalars(query)
            ]
