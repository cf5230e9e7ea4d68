"""What a repair ticket charges and what has been paid on it: the lines its checkout bills,
the deposits taken and not yet applied, and the sale or invoice it was checked out on.

One place for these figures, so that the ticket window, the customer's "ready" message
and the checkout dialog never disagree about what the customer owes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Item,
    Payment,
    SalesDocument,
    Ticket,
    TicketLabourLine,
    TicketPart,
    TicketStatus,
)
from desktop.services.pricing import Totals
from desktop.services.sales_records import cart_totals
from desktop.services.sales_types import CartLine
from desktop.services.shop import shop_profile
from desktop.services.tax_classes import tax_rates
from desktop.services.ticket_types import StatusCategory

# Where a checkout line came from (``SalesLine.source_kind``).
LABOUR_SOURCE = "ticket_labour"
PART_SOURCE = "ticket_part"
ESTIMATE_SOURCE = "ticket_estimate"
TICKET_SOURCES = (LABOUR_SOURCE, PART_SOURCE, ESTIMATE_SOURCE)
# ``Payment.method_kind`` of the pair of rows that moves a deposit onto the document.
DEPOSIT_KIND = "deposit"
# Repair labour is charged at the standard rate: the shop has no setting of its own for it.
LABOUR_TAX_CLASS = "standard"
# A ticket is checked out once one of these holds its charges.
CHECKOUT_STATES = (("sale", "completed"), ("invoice", "issued"))


@dataclass(frozen=True)
class TicketMoney:
    """The ticket's figures in minor units. Before checkout ``charges`` are what the
    checkout would bill; after it, the document's ``balance`` is what is owed."""

    charges: int
    deposits: int  # paid on the ticket and not yet applied to a document (refunds taken off)
    document_id: uuid.UUID | None
    document_number: str
    document_balance: int

    @property
    def checked_out(self) -> bool:
        return self.document_id is not None

    @property
    def balance(self) -> int:
        """What the customer still owes (negative: the shop owes them)."""
        owed = self.document_balance if self.checked_out else self.charges
        return owed - self.deposits


def charge_lines(session: Session, ticket: Ticket) -> list[CartLine]:
    """The lines a checkout of ``ticket`` bills: its labour and its parts (used or reserved),
    or, when it has neither, its estimate as one line (not once the repair is cancelled:
    only the work actually charged, a diagnosis say, is still owed)."""
    lines = [
        CartLine(
            description=line.description[:300],
            quantity=1,
            unit_price=line.amount,
            tax_class=LABOUR_TAX_CLASS,
            source_kind=LABOUR_SOURCE,
            source_id=line.id,
        )
        for line in session.scalars(
            select(TicketLabourLine)
            .where(TicketLabourLine.ticket_id == ticket.id)
            .order_by(TicketLabourLine.position, TicketLabourLine.created_at)
        )
    ]
    lines += [
        CartLine(
            description=item.name[:300],
            quantity=part.quantity,
            unit_price=part.unit_price,
            tax_class=item.tax_class,
            item_id=item.id,
            sku=item.sku,
            serial=part.serial,
            source_kind=PART_SOURCE,
            source_id=part.id,
        )
        for part, item in session.execute(
            select(TicketPart, Item)
            .join(Item, Item.id == TicketPart.item_id)
            .where(TicketPart.ticket_id == ticket.id, TicketPart.status != "removed")
            .order_by(TicketPart.created_at, TicketPart.id)
        )
    ]
    estimate = ticket.estimate_labour + ticket.estimate_parts
    status = session.get(TicketStatus, ticket.status_id)
    cancelled = status is not None and status.category == StatusCategory.CANCELLED.value
    if not lines and estimate > 0 and not cancelled:
        lines.append(
            CartLine(
                description=f"Repair {ticket.number} as estimated",
                quantity=1,
                unit_price=estimate,
                tax_class=LABOUR_TAX_CLASS,
                source_kind=ESTIMATE_SOURCE,
                source_id=ticket.id,
            )
        )
    return lines


def shop_totals(session: Session, lines: Sequence[CartLine]) -> Totals:
    """The totals of ``lines`` under the shop's terms, as completing a sale would store them."""
    profile = shop_profile(session)
    terms = SalesDocument(
        prices_include_tax=profile.prices_include_tax,
        rounding_mode=profile.rounding_mode,
        discount_kind="",
        discount_value=0,
    )
    return cart_totals(lines, tax_rates(session), terms)


def deposit_balance(session: Session, ticket_id: uuid.UUID) -> int:
    """Deposits on the ticket not yet applied to a document, less what was refunded."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.ticket_id == ticket_id, Payment.document_id.is_(None)
            )
        )
        or 0
    )


def deposits_paid(session: Session, ticket_id: uuid.UUID) -> int:
    """Money the customer paid on the ticket ahead of checkout, less refunds, whether or
    not it has since been applied to the document (for the claim receipt)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.ticket_id == ticket_id,
                Payment.document_id.is_(None),
                Payment.method_kind != DEPOSIT_KIND,
            )
        )
        or 0
    )


def checkout_document(session: Session, ticket_id: uuid.UUID) -> SalesDocument | None:
    """The completed sale or issued invoice the ticket was checked out on, if any."""
    for document in session.scalars(
        select(SalesDocument)
        .where(SalesDocument.ticket_id == ticket_id)
        .order_by(SalesDocument.issued_at)
    ):
        if (document.kind, document.status) in CHECKOUT_STATES:
            return document
    return None


def document_balance(session: Session, document: SalesDocument) -> int:
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.document_id == document.id)
    )
    return document.total + document.rounding - int(paid or 0)


def ticket_money(session: Session, ticket: Ticket) -> TicketMoney:
    document = checkout_document(session, ticket.id)
    deposits = deposit_balance(session, ticket.id)
    if document is not None:
        return TicketMoney(
            0, deposits, document.id, document.number or "", document_balance(session, document)
        )
    lines = charge_lines(session, ticket)
    charges = shop_totals(session, lines).total if lines else 0
    return TicketMoney(charges, deposits, None, "", 0)
