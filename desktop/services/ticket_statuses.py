"""The ticket statuses an owner configures: names, categories, order, retirement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from desktop.models import Ticket, TicketStatus
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound, ValidationError
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker
from desktop.services.tickets import StatusCategory, StatusInfo, status_info


class TicketStatusService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def save_status(
        self,
        name: str,
        category: str,
        notify_customer: bool = False,
        status_id: uuid.UUID | None = None,
    ) -> StatusInfo:
        """Add a status (at the end) or rename/recategorise one (owner)."""
        self.ctx.require(Permission.MANAGE_TICKET_STATUSES)
        check = FieldChecker()
        cleaned = check.line("name", name, 60, required=True)
        if category not in {c.value for c in StatusCategory}:
            check.fail("category", "Choose a category.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            clash = tx.session.scalar(
                select(TicketStatus.id).where(
                    func.lower(TicketStatus.name) == cleaned.lower(),
                    TicketStatus.active.is_(True),
                )
            )
            if clash is not None and clash != status_id:
                raise ValidationError({"name": "A status with this name exists."})
            if status_id is None:
                last = tx.session.scalar(select(func.max(TicketStatus.position)))
                status = TicketStatus(position=(last or 0) + 1)
                tx.session.add(status)
            else:
                found = tx.session.get(TicketStatus, status_id)
                if found is None:
                    raise NotFound("This status no longer exists.")
                status = found
            status.name, status.category = cleaned, category
            status.notify_customer = notify_customer
            tx.commit()
            return status_info(status)

    def reorder_statuses(self, ordered_ids: Sequence[uuid.UUID]) -> None:
        """Put the statuses in this order (owner)."""
        self.ctx.require(Permission.MANAGE_TICKET_STATUSES)
        with self.ctx.uow() as tx:
            for position, status_id in enumerate(ordered_ids):
                status = tx.session.get(TicketStatus, status_id)
                if status is None:
                    raise NotFound("A status no longer exists.")
                status.position = position
            tx.commit()

    def deactivate_status(self, status_id: uuid.UUID) -> None:
        """Hide a status from new use; refused while tickets are in it or when it is the
        last open status (owner)."""
        self.ctx.require(Permission.MANAGE_TICKET_STATUSES)
        with self.ctx.uow() as tx:
            status = tx.session.get(TicketStatus, status_id)
            if status is None:
                raise NotFound("This status no longer exists.")
            in_use = tx.session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.status_id == status_id)
            )
            if in_use:
                raise ValidationError(
                    {"status": f"{in_use} ticket(s) are in this status; move them first."}
                )
            if status.category == StatusCategory.OPEN.value:
                others = tx.session.scalar(
                    select(func.count())
                    .select_from(TicketStatus)
                    .where(
                        TicketStatus.category == StatusCategory.OPEN.value,
                        TicketStatus.active.is_(True),
                        TicketStatus.id != status_id,
                    )
                )
                if not others:
                    raise ValidationError({"status": "New tickets need an open status."})
            status.active = False
            tx.commit()
