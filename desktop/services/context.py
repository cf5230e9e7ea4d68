"""The service context: session factory, station identity, clock and the signed-in user."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from desktop.models import User
from desktop.services.errors import PermissionDenied
from desktop.services.permissions import Permission, allowed
from desktop.services.uow import UnitOfWork
from desktop.sync import capture
from desktop.sync.hlc import HybridLogicalClock


@dataclass(frozen=True)
class Actor:
    """The user the services act for."""

    user_id: uuid.UUID
    username: str
    display_name: str
    role: str


class CapturingSession(Session):
    """Sessions of this class write the sync outbox automatically."""


capture.install(CapturingSession)


class ServiceContext:
    """What every service needs: one per running app (tests build their own)."""

    def __init__(self, engine: Engine, station_code: str, clock: HybridLogicalClock) -> None:
        self.engine = engine
        self.station_code = station_code
        self.clock = clock
        self.actor: Actor | None = None
        # Told after every commit that has changes for the sync server (from any thread).
        self.on_local_commit: Callable[[], None] | None = None
        self._session_factory = sessionmaker(
            engine, class_=CapturingSession, expire_on_commit=False
        )

    def set_station(self, code: str) -> None:
        """Adopt this station's code (at setup); the clock continues from where it was."""
        self.station_code = code
        last = self.clock.now().rsplit("-", 1)[0] + f"-{code}"
        self.clock = HybridLogicalClock(code, last=last, wall_clock=self.clock.wall_clock)

    def uow(self) -> UnitOfWork:
        """A unit of work; changes persist only through its ``commit()``."""
        session = self._session_factory()
        session.info[capture.CLOCK_KEY] = self.clock
        session.info[capture.USER_KEY] = self.actor.user_id if self.actor else None
        session.info[capture.COMMITTED_KEY] = self.on_local_commit
        return UnitOfWork(session)

    def require(self, permission: Permission) -> Actor:
        """The signed-in user, if their role grants ``permission``; else ``PermissionDenied``."""
        actor = self.actor
        if actor is None:
            raise PermissionDenied("Please sign in first.")
        actor = self._refreshed(actor)
        if not allowed(actor.role, permission):
            raise PermissionDenied(
                f"Your role ({actor.role.replace('_', ' ')}) may not {permission.description}."
            )
        return actor

    def _refreshed(self, actor: Actor) -> Actor:
        """The actor with the role stored now: a demotion or deactivation (here or synced
        from another station) takes effect at once, not at the next sign-in."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(User.role, User.active).where(User.id == actor.user_id)
            ).first()
        if row is None or not row.active:
            self.actor = None
            raise PermissionDenied("Your account is no longer active. Please sign in again.")
        if row.role != actor.role:
            actor = replace(actor, role=row.role)
            self.actor = actor
        return actor

    def can(self, permission: Permission) -> bool:
        return self.actor is not None and allowed(self.actor.role, permission)
