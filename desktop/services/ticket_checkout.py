"""What completing a repair ticket's cart adds to the sale, inside the sale's transaction:
the ticket's deposits count as paid, its reserved parts leave stock, and the ticket is
closed (paid and picked up) or completed (picked up with money left on account).

``SaleService.complete`` calls ``checkout_deposit`` before settling the tenders and
``finish_checkout`` after writing them, so a checkout is wholly there or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Payment, SalesDocument, Ticket, TicketNote, TicketStatus
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.sales_types import Cart, CartLine
from desktop.services.ticket_charges import (
    DEPOSIT_KIND,
    TICKET_SOURCES,
    charge_lines,
    checkout_document,
    deposit_balance,
    document_balance,
)
from desktop.services.ticket_parts import use_reserved_parts
from desktop.services.ticket_types import SHUT, StatusCategory, existing_ticket
from desktop.services.tickets import move_ticket


def checkout_deposit(session: Session, cart: Cart, total: int) -> int:
    """The part of ``total`` that the cart's ticket's deposits pay (0 for a counter sale).

    Raises ``ValidationError`` when the ticket was already checked out, when its labour or
    parts changed since the cart was built (check it out again), or when a counter sale
    carries a ticket's lines. Raises ``NotFound`` for a ticket that is gone."""
    if cart.ticket_id is None:
        if any(line.source_kind in TICKET_SOURCES for line in cart.lines):
            raise ValidationError({"lines": "A repair's lines are checked out from its ticket."})
        return 0
    ticket = existing_ticket(session, cart.ticket_id)
    refuse_second_checkout(session, ticket)
    if _ticket_lines(cart.lines) != _ticket_lines(charge_lines(session, ticket)):
        raise ValidationError(
            {
                "lines": f"The labour or parts of {ticket.number} changed meanwhile; "
                "start the checkout again."
            }
        )
    return max(min(deposit_balance(session, ticket.id), total), 0)


def refuse_second_checkout(session: Session, ticket: Ticket) -> None:
    document = checkout_document(session, ticket.id)
    if document is not None:
        raise ValidationError(
            {"ticket": f"{ticket.number} was already checked out on {document.number}."}
        )


def finish_checkout(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    ticket_id: uuid.UUID,
    document: SalesDocument,
    deposit: int,
) -> None:
    """Apply ``deposit`` to the issued ``document``, use the ticket's reserved parts, and
    close or complete the ticket.

    The deposit moves with a pair of ``deposit`` rows: +X on the document (it counts as
    paid there) and -X on the ticket (its deposit balance goes back down). Cash deposits
    were counted in the drawer when they were taken, so these rows carry no shift and
    the drawer and shift figures leave their method kind out: moving money that is
    already in the shop is not takings."""
    ticket = existing_ticket(session, ticket_id)
    if deposit:
        _apply_deposit(session, ctx, actor, ticket, document, deposit)
    use_reserved_parts(session, ctx, actor, ticket)
    session.flush()
    owing = document_balance(session, document) > 0
    _record_pickup(session, ctx, actor, ticket, document.number or "", owing)


def close_when_paid(
    session: Session, ctx: ServiceContext, actor: Actor, document: SalesDocument, balance: int
) -> None:
    """A ticket checked out with the rest on account closes when that rest is paid."""
    if document.ticket_id is None or balance > 0:
        return
    ticket = existing_ticket(session, document.ticket_id)
    _record_pickup(session, ctx, actor, ticket, document.number or "", owing=False)


def _ticket_lines(lines: Sequence[CartLine]) -> list[tuple[str, str, str, int, int, str]]:
    """What must match between a cart and its ticket: the ticket's own lines as billed."""
    return sorted(
        (
            line.source_kind,
            str(line.source_id),
            str(line.item_id),
            line.quantity,
            line.unit_price,
            line.serial,
        )
        for line in lines
        if line.source_kind in TICKET_SOURCES
    )


def _apply_deposit(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    ticket: Ticket,
    document: SalesDocument,
    amount: int,
) -> None:
    for document_id, name, signed in (
        (document.id, f"Deposit on {ticket.number}", amount),
        (None, f"Applied to {document.number}", -amount),
    ):
        session.add(
            Payment(
                document_id=document_id,
                ticket_id=ticket.id,
                customer_id=ticket.customer_id,
                method_code=DEPOSIT_KIND,
                method_kind=DEPOSIT_KIND,
                method_name=name[:60],
                amount=signed,
                shift_id=None,
                user_id=actor.user_id,
                station_code=ctx.station_code,
            )
        )


def _record_pickup(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    ticket: Ticket,
    number: str,
    owing: bool,
) -> None:
    """Paid in full: the ticket goes to the shop's first "closed" status. Money left on
    account: to the first "completed" status, so that the bench sees it is not settled.
    Taking payment is the counter's job, so this move needs no right to close tickets.
    A ticket already closed or cancelled, or already where it would go, keeps its status
    and the checkout is noted in its history instead."""
    if owing:
        category, note = StatusCategory.COMPLETED, f"Picked up, the rest on account ({number})"
    else:
        category, note = StatusCategory.CLOSED, f"Paid and picked up ({number})"
    target = session.scalar(
        select(TicketStatus)
        .where(TicketStatus.category == category.value, TicketStatus.active.is_(True))
        .order_by(TicketStatus.position)
        .limit(1)
    )
    current = session.get(TicketStatus, ticket.status_id)
    assert current is not None  # a foreign key
    if target is None or current.category in SHUT or current.category == target.category:
        session.add(
            TicketNote(
                ticket_id=ticket.id, user_id=actor.user_id, author=actor.display_name, body=note
            )
        )
        return
    move_ticket(session, ctx, actor, ticket, target, note)
