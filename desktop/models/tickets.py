"""Repair tickets, their configurable statuses, and their append-only histories."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, text
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
    # Per-ticket warranty override in days; None = the shop's default.
    warranty_days: Mapped[int | None] = mapped_column(default=None)
    # When the repair was last completed (or closed after being done); the warranty runs
    # from it. A cancelled ticket never has one.
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    # How the customer approved the estimate: "" (not yet), "signature" or "phone".
    estimate_approval: Mapped[str] = mapped_column(String(20), default="")
    estimate_approved_at: Mapped[datetime | None] = mapped_column(default=None)
    # For a phone approval: who approved on the customer's side, as the staff member noted it.
    estimate_approved_by: Mapped[str] = mapped_column(String(200), default="")
    # Who recorded the approval; no foreign key, so that adding it did not rebuild the table.
    estimate_recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_tickets_status_id_created_at", "status_id", "created_at"),
        # Each filter of the bench list has an index that also yields its newest-first order.
        Index("ix_tickets_assigned_to_id_created_at", "assigned_to_id", "created_at"),
        Index("ix_tickets_customer_id", "customer_id"),
        Index("ix_tickets_device_id", "device_id"),
        Index("ix_tickets_created_at_id", "created_at", "id"),
        Index("ix_tickets_status_id_promised_at", "status_id", "promised_at"),
        Index("ix_tickets_priority_created_at", "priority", "created_at"),
        # Reports (migration 0015): finished work per day and technician, and comebacks.
        Index(
            "ix_tickets_completed_at",
            "completed_at",
            "assigned_to_id",
            "created_at",
            sqlite_where=text("completed_at IS NOT NULL"),
        ),
        Index(
            "ix_tickets_warranty_of_id",
            "created_at",
            "warranty_of_id",
            sqlite_where=text("warranty_of_id IS NOT NULL"),
        ),
    )


class TicketStatusCount(Base):
    """How many tickets each status holds, kept by triggers on ``tickets`` (see migration
    0006), so the bench's per-status buttons need not count a million rows. Derived data:
    never synced, and correct whoever writes the tickets (the app, sync, a bulk load)."""

    __tablename__ = "ticket_status_counts"

    status_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tickets: Mapped[int] = mapped_column(default=0)


class TicketStatusChange(Syncable, Base):
    __tablename__ = "ticket_status_changes"
    __append_only__ = True

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    from_status_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    to_status_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_ticket_status_changes_ticket_id_at", "ticket_id", "at"),)


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


class TicketLabourLine(Syncable, Timestamped, Base):
    """Work charged on a ticket: minutes at an hourly rate, or a flat price."""

    __tablename__ = "ticket_labour_lines"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    description: Mapped[str] = mapped_column(String(500))
    minutes: Mapped[int | None] = mapped_column(default=None)
    hourly_rate: Mapped[int] = mapped_column(default=0)  # minor units per hour
    amount: Mapped[int] = mapped_column(default=0)  # minor units, what the customer pays
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_ticket_labour_lines_ticket_id", "ticket_id"),
        CheckConstraint("amount >= 0", name="amount"),
    )


class TicketPart(Syncable, Timestamped, Base):
    """A part put into a repair. ``reserved`` holds it for the ticket without touching the
    ledger; ``used`` has taken it out of stock (a ``ticket_part`` movement referencing this
    row); ``removed`` gave it back (a ``return`` movement when it had been used)."""

    __tablename__ = "ticket_parts"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    quantity: Mapped[int]
    unit_price: Mapped[int] = mapped_column(default=0)  # minor units, what the customer pays
    serial: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(10), default="used")
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_ticket_parts_ticket_id", "ticket_id"),
        Index("ix_ticket_parts_item_id_status", "item_id", "status"),
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
        CheckConstraint("status IN ('reserved', 'used', 'removed')", name="status"),
    )


class TicketAttachment(Syncable, Base):
    """A photo of the device; the file lives under the data dir's ``attachments`` folder."""

    __tablename__ = "ticket_attachments"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    file_name: Mapped[str] = mapped_column(String(200))  # relative to the attachments dir
    original_name: Mapped[str] = mapped_column(String(260), default="")
    content_type: Mapped[str] = mapped_column(String(50), default="image/jpeg")
    size_bytes: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    caption: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_ticket_attachments_ticket_id", "ticket_id"),)


class TicketSignature(Syncable, Base):
    """A customer's signature drawn on screen, as a small PNG; never changed once given."""

    __tablename__ = "ticket_signatures"
    __append_only__ = True

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    purpose: Mapped[str] = mapped_column(String(20))  # intake | estimate
    image_png: Mapped[bytes] = mapped_column(LargeBinary)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_ticket_signatures_ticket_id", "ticket_id"),)
