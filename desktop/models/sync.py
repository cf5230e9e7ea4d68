"""Sync bookkeeping on the station: the outbox, tombstones, and search-index row ids."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, utc_now


class OutboxEntry(Base):
    """One captured change to one row; all entries of a local transaction share ``txn_id``."""

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    change_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    txn_id: Mapped[uuid.UUID]
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    fields: Mapped[str] = mapped_column(Text)  # JSON object: column -> wire value
    hlc: Mapped[str] = mapped_column(String(40))
    station_code: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | rejected
    error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_sync_outbox_status_seq", "status", "seq"),)


class Tombstone(Base):
    """A deleted syncable row, so that a late update from elsewhere cannot bring it back."""

    __tablename__ = "sync_tombstones"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hlc: Mapped[str] = mapped_column(String(40))
    deleted_at: Mapped[datetime] = mapped_column(default=utc_now)


class SearchKey(Base):
    """Stable integer row ids for the FTS5 indexes (UUID tables have no stable rowid)."""

    __tablename__ = "search_keys"

    rowid: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(unique=True)
