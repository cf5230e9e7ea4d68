"""What the ticket services take and give: statuses and their categories, intake input,
the ticket as a screen shows it, and the bench list's filter and rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from desktop.models import Ticket, TicketStatus
from desktop.models.base import utc_now
from desktop.services.errors import NotFound, ValidationError

MAX_MONEY = 100_000_000_00  # one hundred million in major units


class StatusCategory(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_PARTS = "waiting_parts"
    WAITING_CUSTOMER = "waiting_customer"
    READY = "ready"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """How screens and reports name the category."""
        return {
            "open": "Open",
            "in_progress": "In progress",
            "waiting_parts": "Waiting for parts",
            "waiting_customer": "Waiting for customer",
            "ready": "Ready for pickup",
            "completed": "Completed",
            "closed": "Closed",
            "cancelled": "Cancelled",
        }[self.value]


PRIORITIES = ("low", "normal", "high", "urgent")
# A ticket in one of these cannot be late any more: the repair is done (or called off).
FINISHED = {
    StatusCategory.READY,
    StatusCategory.COMPLETED,
    StatusCategory.CLOSED,
    StatusCategory.CANCELLED,
}
# Leaving one of these is reopening; entering one needs the right to close.
SHUT = {StatusCategory.CLOSED.value, StatusCategory.CANCELLED.value}
# The repair is done: the warranty runs from the first time a ticket gets here.
DONE = {StatusCategory.COMPLETED.value, StatusCategory.CLOSED.value}


@dataclass(frozen=True)
class TicketInput:
    customer_id: uuid.UUID
    device_id: uuid.UUID | None = None
    problem: str = ""
    condition: Mapping[str, bool] | None = None
    condition_notes: str = ""
    accessories: Sequence[str] = ()
    estimate_labour: int = 0
    estimate_parts: int = 0
    promised_at: datetime | None = None
    priority: str = "normal"
    warranty_of_id: uuid.UUID | None = None
    assigned_to_id: uuid.UUID | None = None
    signature_consent: bool = False
    # Link the ticket to an earlier repair of the same device whose warranty still runs.
    flag_warranty: bool = True
    # Given at the counter: stored on the device (empty leaves the stored one alone).
    passcode: str = ""
    # The customer's signature under the terms, drawn on screen (PNG), and their name.
    signature_png: bytes = b""
    signer_name: str = ""


@dataclass(frozen=True)
class WarrantyMatch:
    ticket_id: uuid.UUID
    number: str
    until: datetime


@dataclass(frozen=True)
class StatusInfo:
    id: uuid.UUID
    name: str
    category: str
    position: int
    notify_customer: bool


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # status | assignment | note
    text: str
    author: str
    customer_visible: bool = False


@dataclass(frozen=True)
class LabourLine:
    id: uuid.UUID
    description: str
    minutes: int | None
    hourly_rate: int
    amount: int


@dataclass(frozen=True)
class Attachment:
    id: uuid.UUID
    file_name: str
    original_name: str
    width: int
    height: int
    size_bytes: int
    caption: str
    at: datetime


@dataclass(frozen=True)
class SignatureInfo:
    id: uuid.UUID
    purpose: str  # intake | estimate
    signer_name: str
    at: datetime


@dataclass(frozen=True)
class TicketDetail:
    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    customer_name: str
    device_id: uuid.UUID | None
    status: StatusInfo
    priority: str
    problem: str
    condition: dict[str, bool]
    condition_notes: str
    accessories: tuple[str, ...]
    estimate_labour: int
    estimate_parts: int
    promised_at: datetime | None
    warranty_of_id: uuid.UUID | None
    assigned_to_id: uuid.UUID | None
    signature_consent: bool
    created_at: datetime
    history: tuple[HistoryEntry, ...]
    diagnosis: str = ""
    work_done: str = ""
    updated_at: datetime | None = None
    warranty_days: int | None = None
    warranty_until: datetime | None = None
    completed_at: datetime | None = None
    estimate_approval: str = ""
    estimate_approved_at: datetime | None = None
    estimate_approved_by: str = ""
    labour: tuple[LabourLine, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    signatures: tuple[SignatureInfo, ...] = ()
    # What the customer owes (``messages.ticket_amount_due``): the charges less the
    # deposits before checkout, the balance of the sale or invoice after it.
    amount_due: int = 0
    parts_total: int | None = None  # None: no parts on the ticket yet
    deposits: int = 0  # paid ahead and not yet applied to a sale or invoice
    checkout_id: uuid.UUID | None = None  # the sale or invoice it was checked out on
    checkout_number: str = ""

    @property
    def estimate_total(self) -> int:
        return self.estimate_labour + self.estimate_parts

    @property
    def labour_total(self) -> int:
        return sum(line.amount for line in self.labour)

    def signature(self, purpose: str) -> SignatureInfo | None:
        """The newest signature given for ``purpose`` (intake or estimate)."""
        found = [s for s in self.signatures if s.purpose == purpose]
        return found[-1] if found else None


@dataclass(frozen=True)
class TicketFilter:
    """What the bench list shows; every field narrows it (None = no narrowing)."""

    ids: frozenset[uuid.UUID] | None = None
    status_ids: frozenset[uuid.UUID] | None = None
    categories: frozenset[str] | None = None
    technician_id: uuid.UUID | None = None
    unassigned: bool = False
    priority: str | None = None
    overdue: bool = False
    customer_id: uuid.UUID | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    number_prefix: str | None = None  # "T-A-100" finds T-A-10001, T-A-10002…


@dataclass(frozen=True)
class TicketSummary:
    id: uuid.UUID
    number: str
    customer_name: str
    device: str
    status_name: str
    status_category: str
    priority: str
    promised_at: datetime | None
    technician: str
    created_at: datetime
    overdue: bool


def status_info(status: TicketStatus) -> StatusInfo:
    return StatusInfo(
        status.id, status.name, status.category, status.position, status.notify_customer
    )


def is_overdue(detail: TicketDetail, now: datetime | None = None) -> bool:
    """Past its promised time and not finished."""
    if detail.promised_at is None or StatusCategory(detail.status.category) in FINISHED:
        return False
    return detail.promised_at < (now or utc_now())


def existing_ticket(session: Session, ticket_id: uuid.UUID) -> Ticket:
    """The ticket, or ``NotFound`` when it is gone (deleted elsewhere, a stale screen)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("This ticket no longer exists.")
    return ticket


def chargeable_ticket(session: Session, ticket_id: uuid.UUID, field: str) -> Ticket:
    """The ticket, if its charges may still change (not closed or cancelled); otherwise a
    ``ValidationError`` on ``field``."""
    ticket = existing_ticket(session, ticket_id)
    status = session.get(TicketStatus, ticket.status_id)
    if status is not None and status.category in SHUT:
        raise ValidationError(
            {field: "This ticket is closed: reopen it to change what it charges."}
        )
    return ticket
