"""Repair tickets: intake, status changes with history, assignment, notes, the bench list."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop.models import (
    Customer,
    Device,
    ShopProfile,
    Ticket,
    TicketAssignment,
    TicketAttachment,
    TicketLabourLine,
    TicketNote,
    TicketSignature,
    TicketStatus,
    TicketStatusChange,
    TicketStatusCount,
    User,
)
from desktop.models.base import utc_now
from desktop.services.context import Actor, ServiceContext
from desktop.services.customers import display_name
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.messages import enqueue_status_messages
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission, Role
from desktop.services.text import FieldChecker, clean_line
from desktop.services.ticket_charges import ticket_money
from desktop.services.ticket_parts import parts_amount, settle_reserved_parts
from desktop.services.ticket_types import (
    DONE,
    FINISHED,
    MAX_MONEY,
    PRIORITIES,
    SHUT,
    Attachment,
    HistoryEntry,
    LabourLine,
    SignatureInfo,
    StatusCategory,
    StatusInfo,
    TicketDetail,
    TicketFilter,
    TicketInput,
    TicketSummary,
    WarrantyMatch,
    existing_ticket,
    is_overdue,
    status_info,
)

ALL_TICKETS = TicketFilter()


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
        passcode = check.line("passcode", data.passcode, 200)
        if passcode and data.device_id is None:
            check.fail("passcode", "Choose the device the passcode belongs to.")
        signer = check.line("signer_name", data.signer_name, 200)
        if data.signature_png:
            if not data.signature_consent:
                check.fail("signature_consent", "Tick that the customer agrees to the terms.")
            if not is_png(data.signature_png):
                check.fail("signature", "The signature image is missing or too large.")
        values["signer_name"] = signer
        values["device_id"] = data.device_id
        values["customer_id"] = data.customer_id
        if data.warranty_of_id is not None and session.get(Ticket, data.warranty_of_id) is None:
            check.fail("warranty_of", "The earlier ticket does not exist.")
        values["warranty_of_id"] = data.warranty_of_id
        if data.warranty_of_id is None and data.flag_warranty and data.device_id is not None:
            matches = _warranty_matches(session, data.device_id)
            values["warranty_of_id"] = matches[0].ticket_id if matches else None
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
            passcode = clean_line(data.passcode)[:200]
            if passcode and data.device_id is not None:
                device = tx.session.get(Device, data.device_id)
                assert device is not None  # checked in _validated
                device.passcode = passcode
            signer_name = str(values.pop("signer_name"))
            ticket = Ticket(
                number=next_number(tx.session, self.ctx.station_code, "ticket"),
                status_id=status.id,
                created_by_id=actor.user_id,
                **values,
            )
            tx.session.add(ticket)
            tx.session.flush()
            if data.signature_png:
                tx.session.add(
                    TicketSignature(
                        ticket_id=ticket.id,
                        purpose="intake",
                        image_png=data.signature_png,
                        signer_name=signer_name,
                        user_id=actor.user_id,
                    )
                )
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
            return self.detail_of(tx.session, ticket)

    def change_status(self, ticket_id: uuid.UUID, status_id: uuid.UUID, note: str = "") -> None:
        """Move a ticket to another status; the change is kept in its history, and entering
        a status that notifies the customer queues their email/SMS in the same transaction."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        cleaned = check.text("note", note, 2000)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            ticket = existing_ticket(tx.session, ticket_id)
            status = tx.session.get(TicketStatus, status_id)
            if status is None or not status.active:
                raise ValidationError({"status": "Choose a status."})
            if status.id == ticket.status_id:
                return
            current = tx.session.get(TicketStatus, ticket.status_id)
            assert current is not None
            self._check_status_move(current.category, status.category)
            move_ticket(tx.session, self.ctx, actor, ticket, status, cleaned)
            tx.commit()

    def _check_status_move(self, current: str, target: str) -> None:
        """Technicians may not close or cancel; front desk may not reopen a shut ticket."""
        if target in SHUT and not self.ctx.can(Permission.CLOSE_TICKETS):
            raise PermissionDenied("Only the front desk or a manager can close or cancel a ticket.")
        if current in SHUT and target not in SHUT and not self.ctx.can(Permission.REOPEN_TICKETS):
            raise PermissionDenied("Only a technician or a manager can reopen a closed ticket.")

    def assign(self, ticket_id: uuid.UUID, technician_id: uuid.UUID | None) -> None:
        """Assign (or unassign with None) a technician; every reassignment is kept."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            ticket = existing_ticket(tx.session, ticket_id)
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
            ticket = existing_ticket(tx.session, ticket_id)
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
        # Categories narrow through the status ids, so that the ticket indexes that start
        # with status_id serve them and a count needs no join.
        if where.categories is not None:
            statement = statement.where(
                Ticket.status_id.in_(
                    select(TicketStatus.id).where(TicketStatus.category.in_(where.categories))
                )
            )
        if where.technician_id is not None:
            statement = statement.where(Ticket.assigned_to_id == where.technician_id)
        if where.unassigned:
            statement = statement.where(Ticket.assigned_to_id.is_(None))
        if where.priority is not None:
            statement = statement.where(Ticket.priority == where.priority)
        if where.overdue:
            unfinished = select(TicketStatus.id).where(
                TicketStatus.category.not_in([c.value for c in FINISHED])
            )
            statement = statement.where(
                Ticket.status_id.in_(unfinished), Ticket.promised_at < utc_now()
            )
        if where.customer_id is not None:
            statement = statement.where(Ticket.customer_id == where.customer_id)
        if where.created_from is not None:
            statement = statement.where(Ticket.created_at >= where.created_from)
        if where.created_to is not None:
            statement = statement.where(Ticket.created_at < where.created_to)
        if where.number_prefix:
            # A range on the unique index instead of LIKE (which SQLite cannot index here).
            prefix = where.number_prefix
            statement = statement.where(Ticket.number >= prefix, Ticket.number < prefix + "\uffff")
        return statement

    def count(self, where: TicketFilter = ALL_TICKETS) -> int:
        with self.ctx.uow() as tx:
            statement = self._filtered(select(func.count()).select_from(Ticket), where)
            return int(tx.session.scalar(statement) or 0)

    def page(
        self,
        where: TicketFilter = ALL_TICKETS,
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
            ticket = existing_ticket(tx.session, ticket_id)
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

    def search_numbers(self, text: str, limit: int = 10) -> list[TicketSummary]:
        """Tickets whose number starts with what was typed or scanned (``t-a-1000``)."""
        prefix = normalized_number(text)
        if not prefix.startswith("T-") or len(prefix) < 3:
            return []
        return self.page(TicketFilter(number_prefix=prefix), limit=limit)

    def find_by_number(self, code: str) -> uuid.UUID | None:
        """The ticket whose number is ``code`` (as a scanner or a person typed it)."""
        number = normalized_number(code)
        if not number:
            return None
        with self.ctx.uow() as tx:
            return tx.session.scalar(select(Ticket.id).where(Ticket.number == number))

    def warranty_matches(self, device_id: uuid.UUID) -> list[WarrantyMatch]:
        """Finished repairs of this device (same serial or IMEI) still under warranty."""
        with self.ctx.uow() as tx:
            return _warranty_matches(tx.session, device_id)

    def get(self, ticket_id: uuid.UUID) -> TicketDetail:
        with self.ctx.uow() as tx:
            return self.detail_of(tx.session, existing_ticket(tx.session, ticket_id))

    def counts_by_status(self) -> dict[uuid.UUID, int]:
        with self.ctx.uow() as tx:
            rows = tx.session.execute(
                select(TicketStatusCount.status_id, TicketStatusCount.tickets)
            )
            return {status_id: int(count) for status_id, count in rows if count}

    def detail_of(self, session: Session, ticket: Ticket) -> TicketDetail:
        status = session.get(TicketStatus, ticket.status_id)
        customer = session.get(Customer, ticket.customer_id)
        assert status is not None and customer is not None
        condition = json.loads(ticket.condition or "{}")
        money = ticket_money(session, ticket)
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
            updated_at=ticket.updated_at,
            amount_due=money.balance,
            parts_total=parts_amount(session, ticket.id),
            deposits=money.deposits,
            checkout_id=money.document_id,
            checkout_number=money.document_number,
            warranty_days=ticket.warranty_days,
            warranty_until=_warranty_until(ticket, _shop_warranty_days(session)),
            completed_at=ticket.completed_at,
            estimate_approval=ticket.estimate_approval,
            estimate_approved_at=ticket.estimate_approved_at,
            estimate_approved_by=ticket.estimate_approved_by,
            labour=tuple(
                LabourLine(line.id, line.description, line.minutes, line.hourly_rate, line.amount)
                for line in session.scalars(
                    select(TicketLabourLine)
                    .where(TicketLabourLine.ticket_id == ticket.id)
                    .order_by(TicketLabourLine.position, TicketLabourLine.created_at)
                )
            ),
            attachments=tuple(
                Attachment(
                    a.id,
                    a.file_name,
                    a.original_name,
                    a.width,
                    a.height,
                    a.size_bytes,
                    a.caption,
                    a.at,
                )
                for a in session.scalars(
                    select(TicketAttachment)
                    .where(TicketAttachment.ticket_id == ticket.id)
                    .order_by(TicketAttachment.at)
                )
            ),
            signatures=tuple(
                SignatureInfo(sig.id, sig.purpose, sig.signer_name, sig.at)
                for (sig,) in session.execute(
                    select(TicketSignature)
                    .where(TicketSignature.ticket_id == ticket.id)
                    .order_by(TicketSignature.at)
                )
            ),
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


def move_ticket(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    ticket: Ticket,
    status: TicketStatus,
    note: str = "",
) -> None:
    """Put ``ticket`` in ``status`` inside the caller's transaction: the history entry,
    the start of the warranty, the reserved parts, and the customer's messages when the
    status notifies. The caller has checked that the actor may make this move."""
    current = session.get(TicketStatus, ticket.status_id)
    assert current is not None  # a foreign key
    if status.category == StatusCategory.CANCELLED.value:
        ticket.completed_at = None  # no repair, no warranty
    elif status.category in DONE and current.category not in DONE | SHUT:
        ticket.completed_at = utc_now()
    change = TicketStatusChange(
        ticket_id=ticket.id,
        from_status_id=ticket.status_id,
        to_status_id=status.id,
        user_id=actor.user_id,
        note=note,
    )
    session.add(change)
    ticket.status_id = status.id
    settle_reserved_parts(session, ctx, actor, ticket, status.category)
    if status.notify_customer:
        enqueue_status_messages(session, ctx, ticket, status, change)


MAX_SIGNATURE_BYTES = 512 * 1024


def normalized_number(code: str) -> str:
    """A document number as stored: upper case, no spaces (scanners and people vary)."""
    return clean_line(code).upper().replace(" ", "")[:30]


def is_png(data: bytes) -> bool:
    """A PNG small enough to keep as a signature."""
    return data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) <= MAX_SIGNATURE_BYTES


def _shop_warranty_days(session: Session) -> int:
    days = session.scalar(select(ShopProfile.warranty_days).limit(1))
    return int(days) if days is not None else 0


def _warranty_until(ticket: Ticket, shop_days: int) -> datetime | None:
    if ticket.completed_at is None:
        return None
    days = ticket.warranty_days if ticket.warranty_days is not None else shop_days
    return ticket.completed_at + timedelta(days=days) if days > 0 else None


def _warranty_matches(session: Session, device_id: uuid.UUID) -> list[WarrantyMatch]:
    device = session.get(Device, device_id)
    if device is None:
        return []
    same = [Device.id == device.id]
    if device.serial:
        same.append(Device.serial == device.serial)
    if device.imei:
        same.append(Device.imei == device.imei)
    shop_days = _shop_warranty_days(session)
    now = utc_now()
    matches = []
    for ticket in session.scalars(
        select(Ticket)
        .where(
            Ticket.completed_at.is_not(None),
            Ticket.device_id.in_(select(Device.id).where(or_(*same))),
        )
        .order_by(Ticket.completed_at.desc())
    ):
        until = _warranty_until(ticket, shop_days)
        if until is not None and until > now:
            matches.append(WarrantyMatch(ticket.id, ticket.number, until))
    return matches


__all__ = [
    "DONE",
    "FINISHED",
    "MAX_MONEY",
    "PRIORITIES",
    "SHUT",
    "Attachment",
    "HistoryEntry",
    "LabourLine",
    "SignatureInfo",
    "StatusCategory",
    "StatusInfo",
    "TicketDetail",
    "TicketFilter",
    "TicketInput",
    "TicketService",
    "TicketSummary",
    "WarrantyMatch",
    "existing_ticket",
    "is_overdue",
    "is_png",
    "move_ticket",
    "normalized_number",
    "status_info",
]
