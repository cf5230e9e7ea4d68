"""Sync bookkeeping on the station: the outbox, tombstones, and search-index row ids."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Syncable, utc_now


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
    # The station's number for the transaction, given by the pusher in commit order: the
    # server applies them one after another and refuses a gap.
    txn_seq: Mapped[int | None] = mapped_column(default=None)
    # The server sequence this station had pulled when the change was made: a newer
    # write of the same field elsewhere is one it had not seen (a concurrent edit).
    base_seq: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        Index("ix_sync_outbox_status_seq", "status", "seq"),
        Index("ix_sync_outbox_txn_seq", "txn_seq", sqlite_where=text("txn_seq IS NOT NULL")),
    )


class RowClock(Base):
    """The clock of each field's current value of one mutable syncable row.

    ``clocks`` is JSON ``{"*": <clock of the insert>, "<column>": <clock of a later
    write>}`` (see ``desktop.sync.merge``). Rows without an entry are migration seeds,
    the same everywhere, at the zero clock.
    """

    __tablename__ = "sync_row_clocks"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    clocks: Mapped[str] = mapped_column(Text)


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


class SyncConflict(Syncable, Base):
    """A value sync had to choose, for a manager to review: two stations edited one field
    without seeing each other's edit ("edit"), or two rows came to share a value that
    should be unique, such as a SKU or a username ("duplicate").

    The server writes these; a manager who keeps the other value makes a new change and
    marks the conflict resolved.
    """

    __tablename__ = "sync_conflicts"

    kind: Mapped[str] = mapped_column(String(10))  # edit | duplicate
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(64))
    # JSON wire values. For "duplicate", other_row_id holds the second row.
    kept_value: Mapped[str] = mapped_column(Text, default="null")
    kept_hlc: Mapped[str] = mapped_column(String(40), default="")
    kept_station: Mapped[str] = mapped_column(String(8), default="")
    kept_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    other_value: Mapped[str] = mapped_column(Text, default="null")
    other_hlc: Mapped[str] = mapped_column(String(40), default="")
    other_station: Mapped[str] = mapped_column(String(8), default="")
    other_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    other_row_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    detected_at: Mapped[datetime] = mapped_column(default=utc_now)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # "" while open; "kept" (the chosen value stands) or "other" (the other was restored).
    resolution: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (
        Index(
            "ix_sync_conflicts_open",
            "detected_at",
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )
