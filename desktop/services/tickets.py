"""Repair tickets: intake, status changes with history, assignment, notes, the bench list."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop.models import (
    Customer,
    Device,
    Ticket,
    TicketAssignment,
    TicketNote,
    TicketStatus,
    TicketStatusChange,
    User,
)
from desktop.models.base import utc_now
from desktop.services.context import ServiceContext
from desktop.services.customers import display_name
from desktop.services.errors import NotFound, ValidationError
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission, Role
from desktop.services.text import FieldChecker, clean_line

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


PRIORITIES = ("low", "normal", "high", "urgent")
FINISHED = {StatusCategory.COMPLETED, StatusCategory.CLOSED, StatusCategory.CANCELLED}


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

    @property
    def estimate_total(self) -> int:
        return self.estimate_labour + self.estimate_parts


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


class TicketService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def statuses(self) -> list[StatusInfo]:
        with self.ctx.uow() as tx:
            rows = tx.session.scalars(
                select(TicketStatus)
                .where(TicketStatus.active.is_(True))
                .order_by(TicketStatus.position)
            )
            return [status_info(s) for s in rows]

    def update_work(
        self,
        ticket_id: uuid.UUID,
        *,
        diagnosis: str,
        work_done: str,
        estimate_labour: int,
        estimate_parts: int,
        promised_at: datetime | None,
        priority: str,
    ) -> TicketDetail:
        """Save the bench fields of a ticket. Raises ``ValidationError``, ``NotFound``."""
        self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        values: dict[str, object] = {
            "diagnosis": check.text("diagnosis", diagnosis, 10_000),
            "work_done": check.text("work_done", work_done, 10_000),
        }
        for field, amount in (
            ("estimate_labour", estimate_labour),
            ("estimate_parts", estimate_parts),
        ):
            if not 0 <= amount <= MAX_MONEY:
                check.fail(field, "The estimate cannot be negative or absurdly large.")
            values[field] = amount
        if priority not in PRIORITIES:
            check.fail("priority", "Choose a priority.")
        if promised_at is not None and promised_at.tzinfo is None:
            check.fail("promised_at", "The promised time has no time zone.")
        values["priority"], values["promised_at"] = priority, promised_at
        check.raise_if_any()
        with self.ctx.uow() as tx:
            ticket = self._ticket(tx.session, ticket_id)
            for key, value in values.items():
                setattr(ticket, key, value)
            tx.commit()
            return self._detail(tx.session, ticket)

    def _validated(self, session: Session, data: TicketInput) -> dict[str, object]:
        check = FieldChecker()
        values: dict[str, object] = {
            "problem": check.text("problem", data.problem, 5000),
            "accessories": ", ".join(
                sorted({clean_line(a)[:50] for a in data.accessories if clean_line(a)})
            )[:500],
            "signature_consent": bool(data.signature_consent),
        }
        if not values["problem"]:
            check.fail("problem", "Describe the problem.")
        condition = {clean_line(k)[:60]: bool(v) for k, v in (data.condition or {}).items()}
        notes = check.text("condition_notes", data.condition_notes, 2000)
        values["condition"] = json.dumps({"items": condition, "notes": notes}, sort_keys=True)
        for field in ("estimate_labour", "estimate_parts"):
            amount = getattr(data, field)
            if not 0 <= amount <= MAX_MONEY:
                check.fail(field, "The estimate cannot be negative or absurdly large.")
            values[field] = amount
        if data.priority not in PRIORITIES:
            check.fail("priority", "Choose a priority.")
        values["priority"] = data.priority
        if data.promised_at is not None and data.promised_at.tzinfo is None:
            check.fail("promised_at", "The promised time has no time zone.")
        values["promised_at"] = data.promised_at
        customer = session.get(Customer, data.customer_id)
        if customer is None:
            check.fail("customer", "Choose a customer.")
        if data.device_id is not None:
            device = session.get(Device, data.device_id)
            if device is None or device.customer_id != data.customer_id:
                check.fail("device", "This device does not belong to the customer.")
        values["device_id"] = data.device_id
        values["customer_id"] = data.customer_id
        if data.warranty_of_id is not None and session.get(Ticket, data.warranty_of_id) is None:
            check.fail("warranty_of", "The earlier ticket does not exist.")
        values["warranty_of_id"] = data.warranty_of_id
        if data.assigned_to_id is not None:
            self._check_technician(session, check, data.assigned_to_id)
        values["assigned_to_id"] = data.assigned_to_id
        check.raise_if_any()
        return values

    @staticmethod
    def _check_technician(session: Session, check: FieldChecker, user_id: uuid.UUID) -> None:
        user = session.get(User, user_id)
        if user is None or not user.active or user.role == Role.FRONT_DESK.value:
            check.fail("assigned_to", "Choose an active technician, manager or owner.")

    def create(self, data: TicketInput) -> TicketDetail:
        """Open a ticket numbered ``T-<station>-<n>`` in the first open status.

        Raises ``ValidationError`` (nothing written, no number used) or ``PermissionDenied``.
        """
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            values = self._validated(tx.session, data)
            status = tx.session.scalar(
                select(TicketStatus)
                .where(
                    TicketStatus.category == StatusCategory.OPEN.value,
                    TicketStatus.active.is_(True),
                )
                .order_by(TicketStatus.position)
                .limit(1)
            )
            if status is None:
                raise ValidationError({"status": "No open ticket status is configured."})
            ticket = Ticket(
                number=next_number(tx.session, self.ctx.station_code, "ticket"),
                status_id=status.id,
                created_by_id=actor.user_id,
                **values,
            )
            tx.session.add(ticket)
            tx.session.flush()
            tx.session.add(
                TicketStatusChange(
                    ticket_id=ticket.id, to_status_id=status.id, user_id=actor.user_id
                )
            )
            if ticket.assigned_to_id is not None:
                tx.session.add(
                    TicketAssignment(
                        ticket_id=ticket.id,
                        technician_id=ticket.assigned_to_id,
                        user_id=actor.user_id,
                    )
                )
            tx.commit()
            return self._detail(tx.session, ticket)

    def _ticket(self, session: Session, ticket_id: uuid.UUID) -> Ticket:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("This ticket no longer exists.")
        return ticket

    def change_status(self, ticket_id: uuid.UUID, status_id: uuid.UUID, note: str = "") -> None:
        """Move a ticket to another status; the change is kept in its history."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        cleaned = check.text("note", note, 2000)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            ticket = self._ticket(tx.session, ticket_id)
            status = tx.session.get(TicketStatus, status_id)
            if status is None or not status.active:
                raise ValidationError({"status": "Choose a status."})
            if status.id == ticket.status_id:
                return
            tx.session.add(
                TicketStatusChange(
                    ticket_id=ticket.id,
                    from_status_id=ticket.status_id,
                    to_status_id=status.id,
                    user_id=actor.user_id,
                    note=cleaned,
                )
            )
            ticket.status_id = status.id
            tx.commit()

    def assign(self, ticket_id: uuid.UUID, technician_id: uuid.UUID | None) -> None:
        """Assign (or unassign with None) a technician; every reassignment is kept."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            ticket = self._ticket(tx.session, ticket_id)
            if technician_id is not None:
                check = FieldChecker()
                self._check_technician(tx.session, check, technician_id)
                check.raise_if_any()
            if ticket.assigned_to_id == technician_id:
                return
            ticket.assigned_to_id = technician_id
            tx.session.add(
                TicketAssignment(
                    ticket_id=ticket.id, technician_id=technician_id, user_id=actor.user_id
                )
            )
            tx.commit()

    def add_note(self, ticket_id: uuid.UUID, body: str, customer_visible: bool = False) -> None:
        """Append an internal or customer-visible note (notes are never edited)."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        text = check.text("body", body, 10_000)
        if not text:
            check.fail("body", "The note is empty.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            ticket = self._ticket(tx.session, ticket_id)
            tx.session.add(
                TicketNote(
                    ticket_id=ticket.id,
                    user_id=actor.user_id,
                    author=actor.display_name,
                    customer_visible=customer_visible,
                    body=text,
                )
            )
            tx.commit()

    def _filtered(self, statement: Select[Any], where: TicketFilter) -> Select[Any]:
        if where.ids is not None:
            statement = statement.where(Ticket.id.in_(where.ids))
        if where.status_ids is not None:
            statement = statement.where(Ticket.status_id.in_(where.status_ids))
        if where.categories is not None:
            statement = statement.where(TicketStatus.category.in_(where.categories))
        if where.technician_id is not None:
            statement = statement.where(Ticket.assigned_to_id == where.technician_id)
        if where.unassigned:
            statement = statement.where(Ticket.assigned_to_id.is_(None))
        if where.priority is not None:
            statement = statement.where(Ticket.priority == where.priority)
        if where.overdue:
            statement = statement.where(
                Ticket.promised_at < utc_now(),
                TicketStatus.category.not_in([c.value for c in FINISHED]),
            )
        if where.customer_id is not None:
            statement = statement.where(Ticket.customer_id == where.customer_id)
        if where.created_from is not None:
            statement = statement.where(Ticket.created_at >= where.created_from)
        if where.created_to is not None:
            statement = statement.where(Ticket.created_at < where.created_to)
        return statement

    def count(self, where: TicketFilter = TicketFilter()) -> int:
        with self.ctx.uow() as tx:
            statement = self._filtered(
                select(func.count())
                .select_from(Ticket)
                .join(TicketStatus, TicketStatus.id == Ticket.status_id),
                where,
            )
            return int(tx.session.scalar(statement) or 0)

    def page(
        self,
        where: TicketFilter = TicketFilter(),
        *,
        after: tuple[datetime, uuid.UUID] | None = None,
        limit: int = 100,
    ) -> list[TicketSummary]:
        """Newest tickets first; continue with ``after`` = (created_at, id) of the last row."""
        technician = aliased(User)
        columns: tuple[Any, ...] = (Ticket, TicketStatus, Customer, Device, technician.display_name)
        statement: Select[Any] = (
            select(*columns)
            .join(TicketStatus, TicketStatus.id == Ticket.status_id)
            .join(Customer, Customer.id == Ticket.customer_id)
            .outerjoin(Device, Device.id == Ticket.device_id)
            .outerjoin(technician, technician.id == Ticket.assigned_to_id)
        )
        statement = self._filtered(statement, where)
        if after is not None:
            statement = statement.where(
                (Ticket.created_at < after[0])
                | ((Ticket.created_at == after[0]) & (Ticket.id < after[1]))
            )
        statement = statement.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
        now = utc_now()
        with self.ctx.uow() as tx:
            return [
                TicketSummary(
                    id=ticket.id,
                    number=ticket.number,
                    customer_name=display_name(c.first_name, c.last_name, c.company),
                    device=" ".join(p for p in (d.brand, d.model) if p) if d else "",
                    status_name=status.name,
                    status_category=status.category,
                    priority=ticket.priority,
                    promised_at=ticket.promised_at,
                    technician=tech or "",
                    created_at=ticket.created_at,
                    overdue=ticket.promised_at is not None
                    and ticket.promised_at < now
                    and StatusCategory(status.category) not in FINISHED,
                )
                for ticket, status, c, d, tech in tx.session.execute(statement)
            ]

    def device_history(self, ticket_id: uuid.UUID) -> list[TicketSummary]:
        """Earlier tickets for the same device (same serial or IMEI, whoever brought it)
        and the customer's other tickets, newest first."""
        with self.ctx.uow() as tx:
            ticket = self._ticket(tx.session, ticket_id)
            device = tx.session.get(Device, ticket.device_id) if ticket.device_id else None
            same_device = select(Device.id).where(Device.id == ticket.device_id)
            if device is not None and (device.serial or device.imei):
                clauses = []
                if device.serial:
                    clauses.append(Device.serial == device.serial)
                if device.imei:
                    clauses.append(Device.imei == device.imei)
                same_device = select(Device.id).where(or_(*clauses))
            related = set(
                tx.session.scalars(
                    select(Ticket.id).where(
                        Ticket.id != ticket.id,
                        or_(
                            Ticket.customer_id == ticket.customer_id,
                            Ticket.device_id.in_(same_device),
                        ),
                    )
                )
            )
        if not related:
            return []
        return self.page(TicketFilter(ids=frozenset(related)), limit=len(related))

    def find_by_number(self, code: str) -> uuid.UUID | None:
        """The ticket whose number is ``code`` (as a scanner or a person typed it)."""
        number = clean_line(code).upper().replace(" ", "")[:30]
        if not number:
            return None
        with self.ctx.uow() as tx:
            return tx.session.scalar(select(Ticket.id).where(Ticket.number == number))

    def get(self, ticket_id: uuid.UUID) -> TicketDetail:
        with self.ctx.uow() as tx:
            return self._detail(tx.session, self._ticket(tx.session, ticket_id))

    def counts_by_status(self) -> dict[uuid.UUID, int]:
        with self.ctx.uow() as tx:
            rows = tx.session.execute(
                select(Ticket.status_id, func.count()).group_by(Ticket.status_id)
            )
            return {status_id: int(count) for status_id, count in rows}

    def _detail(self, session: Session, ticket: Ticket) -> TicketDetail:
        status = session.get(TicketStatus, ticket.status_id)
        customer = session.get(Customer, ticket.customer_id)
        assert status is not None and customer is not None
        condition = json.loads(ticket.condition or "{}")
        return TicketDetail(
            id=ticket.id,
            number=ticket.number,
            customer_id=ticket.customer_id,
            customer_name=display_name(customer.first_name, customer.last_name, customer.company),
            device_id=ticket.device_id,
            status=status_info(status),
            priority=ticket.priority,
            problem=ticket.problem,
            condition=dict(condition.get("items", {})),
            condition_notes=str(condition.get("notes", "")),
            accessories=tuple(a for a in ticket.accessories.split(", ") if a),
            estimate_labour=ticket.estimate_labour,
            estimate_parts=ticket.estimate_parts,
            promised_at=ticket.promised_at,
            warranty_of_id=ticket.warranty_of_id,
            assigned_to_id=ticket.assigned_to_id,
            signature_consent=ticket.signature_consent,
            created_at=ticket.created_at,
            history=self._history(session, ticket.id),
            diagnosis=ticket.diagnosis,
            work_done=ticket.work_done,
        )

    def _history(self, session: Session, ticket_id: uuid.UUID) -> tuple[HistoryEntry, ...]:
        names = {s.id: s.name for s in session.scalars(select(TicketStatus))}
        users = {u.id: u.display_name for u in session.scalars(select(User))}
        entries: list[HistoryEntry] = []
        for change in session.scalars(
            select(TicketStatusChange).where(TicketStatusChange.ticket_id == ticket_id)
        ):
            before = names.get(change.from_status_id) if change.from_status_id else None
            after = names.get(change.to_status_id, "?")
            text = f"{before} → {after}" if before else f"Opened as {after}"
            if change.note:
                text += f": {change.note}"
            entries.append(
                HistoryEntry(change.at, "status", text, users.get(change.user_id, ""))  # type: ignore[arg-type]
            )
        for assignment in session.scalars(
            select(TicketAssignment).where(TicketAssignment.ticket_id == ticket_id)
        ):
            who = users.get(assignment.technician_id, "") if assignment.technician_id else ""
            entries.append(
                HistoryEntry(
                    assignment.at,
                    "assignment",
                    f"Assigned to {who}" if who else "Unassigned",
                    users.get(assignment.user_id, ""),  # type: ignore[arg-type]
                )
            )
        for note in session.scalars(select(TicketNote).where(TicketNote.ticket_id == ticket_id)):
            entries.append(
                HistoryEntry(note.at, "note", note.body, note.author, note.customer_visible)
            )
        return tuple(sorted(entries, key=lambda e: e.at))


def is_overdue(detail: TicketDetail, now: datetime | None = None) -> bool:
    """Past its promised time and not finished."""
    if detail.promised_at is None or StatusCategory(detail.status.category) in FINISHED:
        return False
    return detail.promised_at < (now or utc_now())
