"""Repair tickets, their configurable statuses, and their append-only histories."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Syncable, Timestamped, utc_now


class TicketStatus(Syncable, Base):
    """A status the owner can rename, reorder or add; ``category`` drives behaviour."""

    __tablename__ = "ticket_statuses"

    name: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)
    notify_customer: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Ticket(Syncable, Timestamped, Base):
    __tablename__ = "tickets"

    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"), default=None)
    status_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket_statuses.id"))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    problem: Mapped[str] = mapped_column(Text, default="")
    # JSON object: checklist item -> true/false, plus free notes under "notes".
    condition: Mapped[str] = mapped_column(Text, default="{}")
    accessories: Mapped[str] = mapped_column(String(500), default="")
    estimate_labour: Mapped[int] = mapped_column(default=0)  # minor units
    estimate_parts: Mapped[int] = mapped_column(default=0)  # minor units
    promised_at: Mapped[datetime | None] = mapped_column(default=None)
    warranty_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    signature_consent: Mapped[bool] = mapped_column(default=False)
    diagnosis: Mapped[str] = mapped_column(Text, default="")
    work_done: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)

    __table_args__ = (
        Index("ix_tickets_status_id_created_at", "status_id", "created_at"),
        Index("ix_tickets_assigned_to_id", "assigned_to_id"),
        Index("ix_tickets_customer_id", "customer_id"),
        Index("ix_tickets_device_id", "device_id"),
        Index("ix_tickets_created_at_id", "created_at", "id"),
        Index("ix_tickets_promised_at", "promised_at"),
    )


class TicketStatusChange(Syncable, Base):
    __tablename__ = "ticket_status_changes"
    __append_only__ = True

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    from_status_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    to_status_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_ticket_status_changes_ticket_id", "ticket_id"),)


class TicketAssignment(Syncable, Base):
    __tablename__ = "ticket_assignments"
    __append_only__ = True

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    technician_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_ticket_assignments_ticket_id", "ticket_id"),)


class TicketNote(Syncable, Base):
    __tablename__ = "ticket_notes"
    __append_only__ = True

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    author: Mapped[str] = mapped_column(String(100), default="")
    customer_visible: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_ticket_notes_ticket_id", "ticket_id"),)
