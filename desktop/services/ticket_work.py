"""Bench work on a ticket: its editable fields, labour lines, signatures and estimate approval."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Ticket, TicketLabourLine, TicketSignature
from desktop.models.base import utc_now
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, clean_line
from desktop.services.ticket_types import chargeable_ticket
from desktop.services.tickets import (
    MAX_MONEY,
    PRIORITIES,
    TicketDetail,
    TicketService,
    existing_ticket,
    is_png,
)

SIGNATURE_PURPOSES = ("intake", "estimate")


@dataclass(frozen=True)
class BenchFields:
    """The fields a technician edits on an open ticket."""

    diagnosis: str = ""
    work_done: str = ""
    estimate_labour: int = 0
    estimate_parts: int = 0
    promised_at: datetime | None = None
    priority: str = "normal"
    warranty_days: int | None = None

    @classmethod
    def of(cls, detail: TicketDetail) -> BenchFields:
        return cls(**{f.name: getattr(detail, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class WorkSaved:
    """The saved ticket, and what someone else changed since the editor was opened.

    ``theirs`` holds fields another user changed that this save left alone (now shown);
    ``overwritten`` holds fields both changed, with the other user's value this save replaced.
    """

    ticket: TicketDetail
    theirs: dict[str, object]
    overwritten: dict[str, object]


@dataclass(frozen=True)
class LabourInput:
    description: str
    minutes: int | None = None  # None = flat price
    hourly_rate: int = 0
    flat_amount: int = 0


def labour_amount(data: LabourInput) -> int:
    """Minutes at the hourly rate, rounded half up to the minor unit; or the flat price."""
    if data.minutes is None:
        return data.flat_amount
    return (data.minutes * data.hourly_rate + 30) // 60


class TicketWorkService:
    def __init__(self, ctx: ServiceContext, tickets: TicketService) -> None:
        self.ctx = ctx
        self.tickets = tickets

    @staticmethod
    def _checked(edit: BenchFields) -> dict[str, object]:
        check = FieldChecker()
        values: dict[str, object] = {
            "diagnosis": check.text("diagnosis", edit.diagnosis, 10_000),
            "work_done": check.text("work_done", edit.work_done, 10_000),
            "estimate_labour": edit.estimate_labour,
            "estimate_parts": edit.estimate_parts,
            "promised_at": edit.promised_at,
            "priority": edit.priority,
            "warranty_days": edit.warranty_days,
        }
        for field in ("estimate_labour", "estimate_parts"):
            if not 0 <= getattr(edit, field) <= MAX_MONEY:
                check.fail(field, "The estimate cannot be negative or absurdly large.")
        if edit.priority not in PRIORITIES:
            check.fail("priority", "Choose a priority.")
        if edit.promised_at is not None and edit.promised_at.tzinfo is None:
            check.fail("promised_at", "The promised time has no time zone.")
        if edit.warranty_days is not None and not 0 <= edit.warranty_days <= 3650:
            check.fail("warranty_days", "Between 0 and 3650 days.")
        check.raise_if_any()
        return values

    def update_work(
        self, ticket_id: uuid.UUID, edit: BenchFields, base: BenchFields | None = None
    ) -> WorkSaved:
        """Save the bench fields. With ``base`` (the values the editor showed), only the
        fields this user changed are written, so two stations editing one ticket each keep
        their own changes; where both changed a field, this (the last) save wins.

        Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.EDIT_TICKETS)
        values = self._checked(edit)
        with self.ctx.uow() as tx:
            ticket = existing_ticket(tx.session, ticket_id)
            current = {name: getattr(ticket, name) for name in values}
            before = asdict(base) if base is not None else current
            theirs: dict[str, object] = {}
            overwritten: dict[str, object] = {}
            for name, value in values.items():
                mine = value != before[name]
                other = current[name] != before[name]
                if mine:
                    setattr(ticket, name, value)
                    if other and current[name] != value:
                        overwritten[name] = current[name]
                elif other:
                    theirs[name] = current[name]
            tx.commit()
            return WorkSaved(self.tickets.detail_of(tx.session, ticket), theirs, overwritten)

    def add_labour(self, ticket_id: uuid.UUID, data: LabourInput) -> TicketDetail:
        """Add a labour line. Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        values = self._labour_values(data)
        with self.ctx.uow() as tx:
            ticket = chargeable_ticket(tx.session, ticket_id, "labour")
            position = tx.session.scalar(
                select(func.coalesce(func.max(TicketLabourLine.position), 0)).where(
                    TicketLabourLine.ticket_id == ticket.id
                )
            )
            tx.session.add(
                TicketLabourLine(
                    ticket_id=ticket.id,
                    position=int(position or 0) + 1,
                    user_id=actor.user_id,
                    **values,
                )
            )
            tx.commit()
            return self.tickets.detail_of(tx.session, ticket)

    def update_labour(self, line_id: uuid.UUID, data: LabourInput) -> TicketDetail:
        self.ctx.require(Permission.EDIT_TICKETS)
        values = self._labour_values(data)
        with self.ctx.uow() as tx:
            line = self._line(tx.session, line_id)
            chargeable_ticket(tx.session, line.ticket_id, "labour")
            for key, value in values.items():
                setattr(line, key, value)
            tx.commit()
            return self.tickets.detail_of(tx.session, existing_ticket(tx.session, line.ticket_id))

    def remove_labour(self, line_id: uuid.UUID) -> TicketDetail:
        self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            line = self._line(tx.session, line_id)
            ticket = chargeable_ticket(tx.session, line.ticket_id, "labour")
            tx.session.delete(line)
            tx.commit()
            return self.tickets.detail_of(tx.session, ticket)

    @staticmethod
    def _labour_values(data: LabourInput) -> dict[str, object]:
        check = FieldChecker()
        description = check.line("labour_description", data.description, 500, required=True)
        if data.minutes is not None and not 1 <= data.minutes <= 100_000:
            check.fail("labour_minutes", "Between 1 minute and 100,000 minutes.")
        for field, amount in (
            ("labour_rate", data.hourly_rate),
            ("labour_amount", data.flat_amount),
        ):
            if not 0 <= amount <= MAX_MONEY:
                check.fail(field, "The amount cannot be negative or absurdly large.")
        check.raise_if_any()
        return {
            "description": description,
            "minutes": data.minutes,
            "hourly_rate": data.hourly_rate if data.minutes is not None else 0,
            "amount": labour_amount(data),
        }

    def sign(
        self, ticket_id: uuid.UUID, purpose: str, image_png: bytes, signer_name: str = ""
    ) -> TicketDetail:
        """Keep the customer's on-screen signature. Signing the estimate approves it.

        Raises ``ValidationError`` (not a PNG, too large, unknown purpose), ``NotFound``.
        """
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        name = check.line("signer_name", signer_name, 200)
        if purpose not in SIGNATURE_PURPOSES:
            check.fail("purpose", "Unknown kind of signature.")
        if not is_png(image_png):
            check.fail("signature", "The signature image is missing or too large.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            ticket = existing_ticket(tx.session, ticket_id)
            signature = TicketSignature(
                ticket_id=ticket.id,
                at=utc_now(),
                purpose=purpose,
                image_png=image_png,
                signer_name=name,
                user_id=actor.user_id,
            )
            tx.session.add(signature)
            if purpose == "intake":
                ticket.signature_consent = True
            else:
                self._approve(ticket, "signature", name, actor.user_id, signature.at)
            tx.commit()
            return self.tickets.detail_of(tx.session, ticket)

    def approve_estimate_by_phone(self, ticket_id: uuid.UUID, approved_by: str) -> TicketDetail:
        """Record that the customer approved the estimate on the phone (who, and now)."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        check = FieldChecker()
        who = check.line("approved_by", approved_by, 200, required=True)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            ticket = existing_ticket(tx.session, ticket_id)
            self._approve(ticket, "phone", who, actor.user_id, utc_now())
            tx.commit()
            return self.tickets.detail_of(tx.session, ticket)

    @staticmethod
    def _approve(ticket: Ticket, how: str, who: str, user_id: uuid.UUID, at: datetime) -> None:
        ticket.estimate_approval = how
        ticket.estimate_approved_by = clean_line(who)[:200]
        ticket.estimate_approved_at = at
        ticket.estimate_recorded_by_id = user_id

    def signature_png(self, signature_id: uuid.UUID) -> bytes:
        with self.ctx.uow() as tx:
            signature = tx.session.get(TicketSignature, signature_id)
            if signature is None:
                raise NotFound("This signature no longer exists.")
            return signature.image_png

    @staticmethod
    def _line(session: Session, line_id: uuid.UUID) -> TicketLabourLine:
        line = session.get(TicketLabourLine, line_id)
        if line is None:
            raise NotFound("This labour line no longer exists.")
        return line
