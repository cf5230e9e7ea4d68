"""The audit log: who did what sensitive thing, when, at which station.

The log screen reads it in keyset pages, newest first by (at, id). The indexes on
(action, at) and (user_id, at) serve its filters, the one on (at) everything else: each
query puts its filter columns first and orders by ``at``, so SQLite walks one index in
order and stops at the page's end.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from desktop.models import AuditEvent
from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.permissions import Permission
from desktop.services.text import clean_line

# The most entries one page holds.
MAX_PAGE = 1000


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


@dataclass(frozen=True)
class AuditFilter:
    """Which events a page holds; empty fields do not filter."""

    start: datetime | None = None  # UTC (time-zone aware), included
    end: datetime | None = None  # UTC (time-zone aware), excluded
    action: str = ""
    user_id: uuid.UUID | None = None
    entity: str = ""
    text: str = ""  # part of the user name, the record's id or the details


ALL_EVENTS = AuditFilter()


@dataclass(frozen=True)
class AuditCursor:
    """Where the next page starts: just after the event at (``at``, ``id``)."""

    at: datetime
    id: uuid.UUID


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    next: AuditCursor | None  # None: this is the last page


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
        """The newest audit events (at most ``MAX_PAGE``). Raises ``PermissionDenied``
        below manager."""
        return list(self.page(AuditFilter(action=action or ""), limit=limit).entries)

    def page(
        self,
        where: AuditFilter = ALL_EVENTS,
        after: AuditCursor | None = None,
        limit: int = 200,
    ) -> AuditPage:
        """Up to ``limit`` events (at most ``MAX_PAGE``) matching ``where``, newest
        first; pass the page's ``next`` as ``after`` for the following one. Raises
        ``PermissionDenied`` below manager and ``ValidationError`` (``period``) for a
        time without a time zone or an end before the start."""
        self.ctx.require(Permission.VIEW_AUDIT)
        limit = max(1, min(limit, MAX_PAGE))
        statement = (
            select(AuditEvent)
            .where(*_conditions(where))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit + 1)
        )
        if after is not None:
            # "at <= " first: a range on the at column of whichever index SQLite picks.
            statement = statement.where(
                AuditEvent.at <= after.at,
                or_(AuditEvent.at < after.at, AuditEvent.id < after.id),
            )
        with self.ctx.uow() as tx:
            entries = [_entry(e) for e in tx.session.scalars(statement)]
        if len(entries) <= limit:
            return AuditPage(tuple(entries), None)
        last = entries[limit - 1]
        return AuditPage(tuple(entries[:limit]), AuditCursor(last.at, last.id))

    def actions(self) -> list[str]:
        """The actions the log holds, in alphabetical order (for the log's filter).
        Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_AUDIT)
        statement = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        with self.ctx.uow() as tx:
            return list(tx.session.scalars(statement))


def _conditions(where: AuditFilter) -> list[ColumnElement[bool]]:
    start, end = where.start, where.end
    # The log keeps UTC; a time without its zone could be local or UTC: refuse to guess.
    if any(bound is not None and bound.tzinfo is None for bound in (start, end)):
        raise ValidationError({"period": "The period's times have no time zone."})
    if start is not None and end is not None and end < start:
        raise ValidationError({"period": "The period ends before it starts."})
    conditions: list[ColumnElement[bool]] = []
    if where.action:
        conditions.append(AuditEvent.action == where.action)
    if where.user_id is not None:
        conditions.append(AuditEvent.user_id == where.user_id)
    if where.entity:
        conditions.append(AuditEvent.entity == where.entity)
    if start is not None:
        conditions.append(AuditEvent.at >= start)
    if end is not None:
        conditions.append(AuditEvent.at < end)
    text = clean_line(where.text)
    if text:
        pattern = f"%{_like_escaped(text)}%"
        conditions.append(
            or_(
                AuditEvent.username.like(pattern, escape="\\"),
                AuditEvent.entity_id.like(pattern, escape="\\"),
                AuditEvent.details.like(pattern, escape="\\"),
            )
        )
    return conditions


def _like_escaped(text: str) -> str:
    """``text`` matched literally by LIKE: its % and _ are no wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(
        id=event.id,
        at=event.at,
        username=event.username,
        station_code=event.station_code,
        action=event.action,
        entity=event.entity,
        entity_id=event.entity_id,
        details=json.loads(event.details) if event.details else {},
    )
