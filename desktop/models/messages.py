"""Customer messages (email, SMS): the one outbox every notification goes through, the
templates they are rendered from, and the shop's sending settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Syncable, Timestamped


class Message(Syncable, Timestamped, Base):
    """One email or SMS to one recipient, from queued to sent or failed.

    Only the station that queued a message (``station_code``) ever sends it, and
    ``dedupe_key`` names the event that caused it, so one event is never queued twice.
    ``status`` is queued | sending | sent | failed; a failed message with a
    ``next_attempt_at`` will be retried, one without it waits for a person.
    """

    __tablename__ = "messages"

    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    # What the message is about when that is not a ticket (e.g. "invoice" and its id).
    subject_kind: Mapped[str] = mapped_column(String(30), default="")
    subject_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    station_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set just before the message is handed to the mail server or gateway: a message
    # interrupted after this point may have been delivered, so it is never resent blindly.
    handed_over_at: Mapped[datetime | None] = mapped_column(default=None)
    # Unique per station in practice; two stations may queue one event offline.
    dedupe_key: Mapped[str] = mapped_column(String(200), index=True)

    __table_args__ = (
        Index(
            "ix_messages_station_code_status_next_attempt_at",
            "station_code",
            "status",
            "next_attempt_at",
        ),
        Index("ix_messages_ticket_id", "ticket_id"),
        Index("ix_messages_subject_kind_subject_id", "subject_kind", "subject_id"),
    )


class MessageAttachment(Syncable, Base):
    """A file sent with an email (an invoice PDF), kept as bytes with its message so the
    outbox can send it later, offline or after a restart."""

    __tablename__ = "message_attachments"
    __append_only__ = True

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_message_attachments_message_id", "message_id"),)


class MessageTemplate(Syncable, Timestamped, Base):
    """What the customer receives when a ticket enters ``status_id``, per channel."""

    __tablename__ = "message_templates"

    status_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ticket_statuses.id"))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")

    # Not unique: two stations may add one template offline.
    __table_args__ = (Index("ix_message_templates_status_id_channel", "status_id", "channel"),)


class MessagingSettings(Syncable, Timestamped, Base):
    """How the shop sends email and SMS: one row, synced, so every station sends alike.

    The SMTP password and the gateway token are stored here in plain text for now; they
    move to the operating system's keyring when sync to a server arrives, so that they
    never travel in the sync log.
    """

    __tablename__ = "messaging_settings"

    email_enabled: Mapped[bool] = mapped_column(default=False)
    smtp_host: Mapped[str] = mapped_column(String(253), default="")
    smtp_port: Mapped[int] = mapped_column(default=587)
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls")
    smtp_username: Mapped[str] = mapped_column(String(254), default="")
    smtp_password: Mapped[str] = mapped_column(String(500), default="")
    from_address: Mapped[str] = mapped_column(String(254), default="")
    sms_enabled: Mapped[bool] = mapped_column(default=False)
    sms_url: Mapped[str] = mapped_column(String(1000), default="")
    sms_token: Mapped[str] = mapped_column(String(500), default="")
    sms_format: Mapped[str] = mapped_column(String(10), default="json")  # json | form
