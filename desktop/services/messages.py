"""Customer messages: queuing email and SMS in the outbox, the templates they are made
from, the shop's sending settings, and what the ticket screen shows about them.

Everything a customer receives goes through the ``messages`` table. A message is queued
in the same transaction as the event that caused it (a status change, an invoice), so it
exists exactly when the event does; ``MessageSender`` delivers it later, when online.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Customer,
    CustomerPhone,
    Device,
    Message,
    MessageAttachment,
    MessageTemplate,
    MessagingSettings,
    ShopProfile,
    Ticket,
    TicketStatus,
    TicketStatusChange,
)
from desktop.models.base import utc_now
from desktop.services import audit
from desktop.services.context import ServiceContext
from desktop.services.customers import display_name
from desktop.services.errors import NotFound, ValidationError
from desktop.services.ids import stable_id
from desktop.services.message_templates import (
    MAX_EMAIL_BODY,
    MAX_SMS_BODY,
    MAX_SUBJECT,
    PLACEHOLDERS,
    render,
    template_problem,
)
from desktop.services.message_transport import (
    SECURITY_MODES,
    SMS_FORMATS,
    MessagingConfig,
    OutgoingAttachment,
    OutgoingEmail,
    send_email,
    send_sms,
)
from desktop.services.money import format_money
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, is_email, is_phone
from desktop.services.ticket_charges import ticket_money

CHANNELS = ("email", "sms")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

__all__ = [
    "CHANNELS",
    "PLACEHOLDERS",
    "MessageInfo",
    "MessageService",
    "MessagingConfig",
    "OutgoingAttachment",
    "TemplateInfo",
    "enqueue_email",
    "enqueue_status_messages",
    "ticket_amount_due",
]


@dataclass(frozen=True)
class MessageInfo:
    """One message as the ticket (or invoice) screen shows it."""

    id: uuid.UUID
    channel: str  # email | sms
    recipient: str
    subject: str
    status: str  # queued | sending | sent | failed
    attempts: int
    last_error: str
    sent_at: datetime | None
    next_attempt_at: datetime | None
    created_at: datetime

    @property
    def will_retry(self) -> bool:
        """A failed message that the outbox will try again by itself."""
        return self.status == "failed" and self.next_attempt_at is not None


@dataclass(frozen=True)
class TemplateInfo:
    status_id: uuid.UUID
    channel: str
    subject: str
    body: str


def _message_info(m: Message) -> MessageInfo:
    return MessageInfo(
        m.id,
        m.channel,
        m.recipient,
        m.subject,
        m.status,
        m.attempts,
        m.last_error,
        m.sent_at,
        m.next_attempt_at,
        m.created_at,
    )


def template_id(status_id: uuid.UUID, channel: str) -> uuid.UUID:
    """The same id on every station, so two stations adding a template offline agree."""
    return stable_id("message_template", str(status_id), channel)


SETTINGS_ID = stable_id("messaging_settings")


def load_settings(session: Session) -> MessagingConfig:
    """The shop's sending settings (defaults until the owner saves them); no permission
    check, because the sender runs for the station, not for a user."""
    row = session.get(MessagingSettings, SETTINGS_ID)
    if row is None:
        return MessagingConfig()
    return MessagingConfig(**{f.name: getattr(row, f.name) for f in fields(MessagingConfig)})


# -- queuing ------------------------------------------------------------------------------


def ticket_amount_due(session: Session, ticket: Ticket) -> int:
    """What the customer owes for the ticket, in minor units: before checkout what it
    charges (labour and parts, or the estimate while it has neither) less the deposits
    paid; after checkout the balance of its sale or invoice. Negative when the shop owes
    the customer (a deposit larger than the bill)."""
    return ticket_money(session, ticket).balance


def _placeholder_values(session: Session, ticket: Ticket, status: TicketStatus) -> dict[str, str]:
    customer = session.get(Customer, ticket.customer_id)
    device = session.get(Device, ticket.device_id) if ticket.device_id else None
    shop = session.scalar(select(ShopProfile).limit(1))
    assert customer is not None
    device_name = " ".join(p for p in (device.brand, device.model) if p) if device else ""
    currency, locale = (shop.currency, shop.locale) if shop else ("USD", "en_US")
    return {
        "customer_name": display_name(customer.first_name, customer.last_name, customer.company),
        "ticket_number": ticket.number,
        "device": device_name or "device",
        "amount_due": format_money(ticket_amount_due(session, ticket), currency, locale),
        "shop_name": shop.name if shop else "",
        "shop_phone": shop.phone if shop else "",
        "status": status.name,
    }


def _insert(session: Session, ctx: ServiceContext, **values: object) -> Message | None:
    """Add a message unless one for the same event (``dedupe_key``) exists."""
    key = values["dedupe_key"]
    if session.scalar(select(Message.id).where(Message.dedupe_key == key)) is not None:
        return None
    message = Message(station_code=ctx.station_code, **values)
    session.add(message)
    return message


def enqueue_status_messages(
    session: Session,
    ctx: ServiceContext,
    ticket: Ticket,
    status: TicketStatus,
    change: TicketStatusChange,
) -> list[Message]:
    """Queue the customer's email and SMS for ``ticket`` entering ``status``, in the
    caller's transaction.

    A channel that is switched off, or has no template for the status, is skipped. When
    the customer has no email address or phone number, a failed message says so, so the
    ticket shows why the customer was not told. The same status change never queues twice.
    """
    session.flush()  # gives the status change its id
    settings = load_settings(session)
    templates = {
        t.channel: t
        for t in session.scalars(
            select(MessageTemplate).where(MessageTemplate.status_id == status.id)
        )
    }
    enabled = {"email": settings.email_enabled, "sms": settings.sms_enabled}
    values: dict[str, str] | None = None
    queued: list[Message] = []
    now = utc_now()
    for channel in CHANNELS:
        template = templates.get(channel)
        if template is None or not enabled[channel] or not template.body.strip():
            continue
        values = values or _placeholder_values(session, ticket, status)
        recipient = _recipient(session, ticket.customer_id, channel)
        common: dict[str, object] = {
            "channel": channel,
            "recipient": recipient,
            "subject": render(template.subject, values)[:MAX_SUBJECT] if channel == "email" else "",
            "body": render(template.body, values).strip(),
            "ticket_id": ticket.id,
            "subject_kind": "ticket",
            "subject_id": ticket.id,
            "dedupe_key": f"ticket:{ticket.id}:status-change:{change.id}:{channel}",
        }
        if recipient:
            message = _insert(session, ctx, status="queued", next_attempt_at=now, **common)
        else:
            reason = (
                "The customer has no email address."
                if channel == "email"
                else "The customer has no phone number."
            )
            message = _insert(session, ctx, status="failed", last_error=reason, **common)
        if message is not None:
            queued.append(message)
    return queued


def _recipient(session: Session, customer_id: uuid.UUID, channel: str) -> str:
    if channel == "email":
        email = session.scalar(select(Customer.email).where(Customer.id == customer_id))
        return email if email and is_email(email) else ""
    for number in session.scalars(
        select(CustomerPhone.number)
        .where(CustomerPhone.customer_id == customer_id)
        .order_by(CustomerPhone.position)
    ):
        if is_phone(number):
            return number
    return ""


def enqueue_email(
    session: Session,
    ctx: ServiceContext,
    *,
    to: str,
    subject: str,
    body: str,
    dedupe_key: str,
    subject_kind: str = "",
    subject_id: uuid.UUID | None = None,
    ticket_id: uuid.UUID | None = None,
    attachments: Sequence[OutgoingAttachment] = (),
) -> Message | None:
    """Queue one email (with attachments, such as an invoice PDF) in the caller's
    transaction; None when ``dedupe_key`` was queued before.

    ``dedupe_key`` names the event (``invoice:<id>:email:<n>``); ``subject_kind`` and
    ``subject_id`` say what the email is about, for ``MessageService.for_subject``.
    Raises ``ValidationError`` for a bad address, subject, body or attachment.
    """
    check = FieldChecker()
    address = check.email("to", to)
    if not address:
        check.fail("to", "Enter the customer's email address.")
    cleaned_subject = check.line("subject", subject, MAX_SUBJECT, required=True)
    cleaned_body = check.text("body", body, MAX_EMAIL_BODY)
    if not cleaned_body:
        check.fail("body", "The message is empty.")
    if sum(len(a.data) for a in attachments) > MAX_ATTACHMENT_BYTES:
        check.fail("attachments", "The attachments are larger than 10 MB.")
    check.raise_if_any()
    message = _insert(
        session,
        ctx,
        channel="email",
        recipient=address,
        subject=cleaned_subject,
        body=cleaned_body,
        ticket_id=ticket_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        dedupe_key=dedupe_key,
        status="queued",
        next_attempt_at=utc_now(),
    )
    if message is None:
        return None
    session.flush()
    for attachment in attachments:
        session.add(
            MessageAttachment(
                message_id=message.id,
                filename=attachment.filename[:200],
                content_type=attachment.content_type[:100],
                data=attachment.data,
            )
        )
    return message


# -- the service the screens use ----------------------------------------------------------


def check_settings(config: MessagingConfig) -> MessagingConfig:
    """The settings cleaned, or ``ValidationError`` naming each bad field."""
    check = FieldChecker()
    host = check.line("smtp_host", config.smtp_host, 253)
    if host and (" " in host or "/" in host):
        check.fail("smtp_host", "Enter the mail server's name, e.g. smtp.example.com.")
    if not 1 <= config.smtp_port <= 65535:
        check.fail("smtp_port", "The port is a number from 1 to 65535 (usually 587 or 465).")
    if config.smtp_security not in SECURITY_MODES:
        check.fail("smtp_security", "Choose none, STARTTLS or SSL.")
    username = check.line("smtp_username", config.smtp_username, 254)
    from_address = check.email("from_address", config.from_address)
    if config.email_enabled and not host:
        check.fail("smtp_host", "Enter the mail server to send email.")
    if config.email_enabled and not from_address:
        check.fail("from_address", "Enter the address emails come from.")
    url = check.line("sms_url", config.sms_url, 1000)
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            check.fail("sms_url", "Enter the gateway's web address, starting with https://.")
    elif config.sms_enabled:
        check.fail("sms_url", "Enter the SMS gateway's address to send SMS.")
    if config.sms_format not in SMS_FORMATS:
        check.fail("sms_format", "Choose JSON or form.")
    token = config.sms_token.strip()
    if len(token) > 500:
        check.fail("sms_token", "Too long: at most 500 characters.")
    if len(config.smtp_password) > 500:
        check.fail("smtp_password", "Too long: at most 500 characters.")
    check.raise_if_any()
    return MessagingConfig(
        email_enabled=config.email_enabled,
        smtp_host=host,
        smtp_port=config.smtp_port,
        smtp_security=config.smtp_security,
        smtp_username=username,
        smtp_password=config.smtp_password,
        from_address=from_address,
        sms_enabled=config.sms_enabled,
        sms_url=url,
        sms_token=token,
        sms_format=config.sms_format,
    )


class MessageService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- what was sent --------------------------------------------------------------------

    def for_ticket(self, ticket_id: uuid.UUID) -> list[MessageInfo]:
        """The ticket's messages, oldest first, with their delivery state."""
        with self.ctx.uow() as tx:
            return [
                _message_info(m)
                for m in tx.session.scalars(
                    select(Message)
                    .where(Message.ticket_id == ticket_id)
                    .order_by(Message.created_at, Message.id)
                )
            ]

    def for_subject(self, kind: str, subject_id: uuid.UUID) -> list[MessageInfo]:
        """The messages about one record (``"invoice"`` and its id), oldest first."""
        with self.ctx.uow() as tx:
            return [
                _message_info(m)
                for m in tx.session.scalars(
                    select(Message)
                    .where(Message.subject_kind == kind, Message.subject_id == subject_id)
                    .order_by(Message.created_at, Message.id)
                )
            ]

    def retry(self, message_id: uuid.UUID) -> MessageInfo:
        """Send a failed message again at the next run of the outbox.

        Only the station that queued a message sends it. Raises ``NotFound``,
        ``ValidationError`` (not failed, no recipient, queued at another station).
        """
        self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            message = tx.session.get(Message, message_id)
            if message is None:
                raise NotFound("This message no longer exists.")
            if message.status != "failed":
                raise ValidationError({"message": "Only a failed message can be sent again."})
            if not message.recipient:
                raise ValidationError(
                    {"message": "Add the customer's address first; this message has none."}
                )
            if message.station_code != self.ctx.station_code:
                raise ValidationError(
                    {"message": f"This message belongs to station {message.station_code}."}
                )
            message.status = "queued"
            message.attempts = 0
            message.next_attempt_at = utc_now()
            message.handed_over_at = None
            tx.commit()
            return _message_info(message)

    # -- settings ---------------------------------------------------------------------------

    def settings(self) -> MessagingConfig:
        """The sending settings, secrets included (owner)."""
        self.ctx.require(Permission.MANAGE_SHOP)
        with self.ctx.uow() as tx:
            return load_settings(tx.session)

    def save_settings(self, config: MessagingConfig) -> MessagingConfig:
        """Save the sending settings (owner). Raises ``ValidationError``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.MANAGE_SHOP)
        cleaned = check_settings(config)
        with self.ctx.uow() as tx:
            row = tx.session.get(MessagingSettings, SETTINGS_ID)
            if row is None:
                row = MessagingSettings(id=SETTINGS_ID)
                tx.session.add(row)
            for f in fields(MessagingConfig):
                setattr(row, f.name, getattr(cleaned, f.name))
            audit.record(tx.session, self.ctx, "messaging_settings_changed", "messaging")
            tx.commit()
        return cleaned

    def send_test_email(self, to: str, config: MessagingConfig | None = None) -> None:
        """Send a test email now with ``config`` (the form's values) or the saved settings.

        Raises ``ValidationError`` (bad address or settings), ``DeliveryError`` saying what
        the mail server answered, ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_SHOP)
        check = FieldChecker()
        address = check.email("test_email", to)
        if not address:
            check.fail("test_email", "Enter the address to send the test to.")
        check.raise_if_any()
        config = check_settings(config or self.settings())
        shop = self._shop_name()
        send_email(
            config,
            OutgoingEmail(
                message_id=uuid.uuid4(),
                to=address,
                subject=f"{shop}: test email",
                body=f"This test email from {shop} shows that sending email works.",
                sender_name=shop,
            ),
        )

    def send_test_sms(self, to: str, config: MessagingConfig | None = None) -> None:
        """Send a test SMS now with ``config`` or the saved settings.

        Raises ``ValidationError``, ``DeliveryError``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_SHOP)
        check = FieldChecker()
        number = check.line("test_phone", to, 50, required=True)
        if number and not is_phone(number):
            check.fail("test_phone", "This is not a phone number.")
        check.raise_if_any()
        config = check_settings(config or self.settings())
        shop = self._shop_name()
        send_sms(config, uuid.uuid4(), number, f"{shop}: this test SMS shows that SMS works.")

    def _shop_name(self) -> str:
        with self.ctx.uow() as tx:
            return tx.session.scalar(select(ShopProfile.name).limit(1)) or "Benchside"

    # -- templates --------------------------------------------------------------------------

    def templates(self, status_id: uuid.UUID) -> dict[str, TemplateInfo]:
        """The email and SMS template of a status (empty ones where none is saved)."""
        with self.ctx.uow() as tx:
            found = {
                t.channel: TemplateInfo(t.status_id, t.channel, t.subject, t.body)
                for t in tx.session.scalars(
                    select(MessageTemplate).where(MessageTemplate.status_id == status_id)
                )
            }
        return {c: found.get(c, TemplateInfo(status_id, c, "", "")) for c in CHANNELS}

    def save_template(
        self, status_id: uuid.UUID, channel: str, subject: str, body: str
    ) -> TemplateInfo:
        """Save what the customer receives on entering a status (owner); an empty body
        with an empty subject clears the template (nothing is sent on that channel).

        Raises ``ValidationError`` (unknown placeholder, empty body), ``NotFound``,
        ``PermissionDenied``.
        """
        try:
            return self.save_templates(status_id, {channel: (subject, body)})[0]
        except ValidationError as invalid:
            prefix = f"{channel}."
            raise ValidationError(
                {k.removeprefix(prefix): v for k, v in invalid.errors.items()}
            ) from None

    def save_templates(
        self, status_id: uuid.UUID, templates: Mapping[str, tuple[str, str]]
    ) -> list[TemplateInfo]:
        """Save a status's templates per channel ({"email": (subject, body), ...}) in one
        transaction: all are saved or none. Errors are keyed ``<channel>.<field>``.

        Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_SHOP)
        check = FieldChecker()
        cleaned: list[tuple[str, str, str]] = []
        for channel, (subject, body) in templates.items():
            if channel not in CHANNELS:
                raise ValidationError({"channel": "Choose email or SMS."})
            cleaned.append((channel, *_checked_template(check, channel, subject, body)))
        check.raise_if_any()
        with self.ctx.uow() as tx:
            if tx.session.get(TicketStatus, status_id) is None:
                raise NotFound("This status no longer exists.")
            for channel, subject, body in cleaned:
                row = tx.session.scalar(
                    select(MessageTemplate).where(
                        MessageTemplate.status_id == status_id,
                        MessageTemplate.channel == channel,
                    )
                )
                # Emptied rather than deleted: a tombstone would stop the same (stable) id
                # from being used again for this status and channel.
                if row is None and (subject or body):
                    row = MessageTemplate(
                        id=template_id(status_id, channel), status_id=status_id, channel=channel
                    )
                    tx.session.add(row)
                if row is not None:
                    row.subject, row.body = subject, body
            tx.commit()
        return [TemplateInfo(status_id, c, subject, body) for c, subject, body in cleaned]


def _checked_template(
    check: FieldChecker, channel: str, subject: str, body: str
) -> tuple[str, str]:
    """The cleaned subject and body; problems go to ``check`` as ``<channel>.<field>``."""
    limit = MAX_EMAIL_BODY if channel == "email" else MAX_SMS_BODY
    cleaned_subject = (
        check.line(f"{channel}.subject", subject, MAX_SUBJECT) if channel == "email" else ""
    )
    cleaned_body = check.text(f"{channel}.body", body, limit)
    if not cleaned_body and not cleaned_subject:
        return "", ""  # clears the template
    if not cleaned_body:
        check.fail(f"{channel}.body", "The message is empty.")
    if channel == "email" and not cleaned_subject:
        check.fail(f"{channel}.subject", "Enter a subject.")
    for field, text in (("subject", cleaned_subject), ("body", cleaned_body)):
        problem = template_problem(text)
        if problem:
            check.fail(f"{channel}.{field}", problem)
    return cleaned_subject, cleaned_body
