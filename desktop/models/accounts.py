"""Staff accounts, login throttling and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Syncable, Timestamped, utc_now


class User(Syncable, Timestamped, Base):
    __tablename__ = "users"

    # Not unique: two stations offline can both take a value; the server reports the pair.
    username: Mapped[str] = mapped_column(String(50), index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    recovery_code_hash: Mapped[str | None] = mapped_column(String(200), default=None)


class LoginThrottle(Base):
    """Failed attempts per user name on this station (local; not synced)."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(50), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)


class AuditEvent(Syncable, Base):
    __tablename__ = "audit_events"
    __append_only__ = True

    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    username: Mapped[str] = mapped_column(String(50), default="")
    station_code: Mapped[str] = mapped_column(String(8), default="")
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_action_at", "action", "at"),
        Index("ix_audit_events_user_id_at", "user_id", "at"),
    )
