"""Money on a repair ticket: deposits taken at intake or any time before checkout, a
deposit paid back when the repair is called off, and the checkout that bills the ticket.

A deposit is a payment with the ticket and no document. The checkout is a sale (or an
invoice, when some is left on account) made by ``SaleService.complete`` from the cart
``checkout_cart`` builds; it applies the deposits and closes the ticket (see
``ticket_checkout``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Payment, StoreCreditEntry, Ticket, TicketStatus, User
from desktop.services import audit, journal
from desktop.services.cash_shifts import current_shift_id
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.ids import new_id
from desktop.services.money import format_money
from desktop.services.payments import payment_methods, settle, write_payments
from desktop.services.permissions import Permission, Role
from desktop.services.pricing import Totals
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_records import document_view, payment_view
from desktop.services.sales_types import Cart, DocumentView, PaymentInput, PaymentView
from desktop.services.shop import shop_profile
from desktop.services.text import FieldChecker
from desktop.services.ticket_charges import (
    charge_lines,
    checkout_document,
    deposit_balance,
    shop_totals,
    ticket_money,
)
from desktop.services.ticket_checkout import refuse_second_checkout
from desktop.services.ticket_types import MAX_MONEY, SHUT, existing_ticket


@dataclass(frozen=True)
class DepositTaken:
    """What taking a deposit did: its payments, the change to hand back, whether the
    drawer should open (cash), and the ticket's deposit balance now."""

    payments: tuple[PaymentView, ...]
    change: int
    open_drawer: bool
    deposits: int


@dataclass(frozen=True)
class TicketPayments:
    """The ticket's money as its Payments tab shows it."""

    ticket_id: uuid.UUID
    ticket_number: str
    # Payments on the ticket itself: deposits (+), refunds of them and deposits applied
    # to the checkout document (-).
    deposits: tuple[PaymentView, ...]
    deposit_balance: int
    document: DocumentView | None  # the sale or invoice it was checked out on
    amount_due: int


@dataclass(frozen=True)
class CheckoutPlan:
    """A ticket's checkout before it is completed: the cart, its totals, and how much of
    it the deposits pay."""

    cart: Cart
    totals: Totals
    deposit: int  # the deposits applied to this bill
    deposit_left: int  # deposits beyond the bill: still the customer's, to refund

    @property
    def due(self) -> int:
        return self.totals.total - self.deposit


class TicketPaymentService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- deposits ---------------------------------------------------------------------

    def take_deposit(self, ticket_id: uuid.UUID, payments: Sequence[PaymentInput]) -> DepositTaken:
        """Take a deposit (any amount, by one or several tenders) on a ticket that is not
        checked out, closed or cancelled. Cash may be more than the deposit (the rest is
        change); nothing goes on account. Raises ``ValidationError`` (keys ``payments``,
        ``payments.N.field``, ``ticket``), ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.SELL)
        if not payments:
            raise ValidationError({"payments": "Enter the deposit."})
        amount = sum(p.amount for p in payments)
        if amount > MAX_MONEY:
            raise ValidationError({"payments": "This deposit is too large."})
        with self.ctx.uow() as tx:
            session = tx.session
            ticket = self._open_ticket(session, ticket_id)
            profile = shop_profile(session)
            settlement = settle(
                session, profile, amount, payments, ticket.customer_id, allow_on_account=False
            )
            rows = write_payments(
                session,
                self.ctx,
                actor,
                settlement,
                ticket_id=ticket.id,
                customer_id=ticket.customer_id,
            )
            payload: dict[str, Any] = {
                "ticket": ticket.number,
                "rounding": settlement.rounding,
                "payments": [
                    [t.method.code, t.amount, t.change, t.tip, t.credit] for t in settlement.tenders
                ],
            }
            journal.append(session, self.ctx, "payment", payload)
            session.flush()
            taken = DepositTaken(
                payments=tuple(payment_view(row, actor.username) for row in rows),
                change=settlement.change,
                open_drawer=settlement.takes_cash,
                deposits=deposit_balance(session, ticket.id),
            )
            tx.commit()
            return taken

    def deposits(self, ticket_id: uuid.UUID) -> list[PaymentView]:
        """The payments on the ticket itself, oldest first: deposits, refunds of them,
        and deposits applied to its sale or invoice."""
        with self.ctx.uow() as tx:
            existing_ticket(tx.session, ticket_id)
            return _ticket_payments(tx.session, ticket_id)

    def refund_deposit(
        self,
        ticket_id: uuid.UUID,
        method_code: str,
        amount: int,
        reason: str,
        reference: str = "",
        approved_by: Actor | None = None,
    ) -> PaymentView:
        """Pay back some or all of the deposit left on the ticket (a repair called off, or
        a deposit larger than the bill): a negative payment, journaled and audited; as
        store credit it goes on the customer's balance. Never more than the deposits
        left. Raises ``ValidationError``, ``ApprovalRequired`` above the shop's refund
        limit without a manager, ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.SELL)
        check = FieldChecker()
        cleaned_reason = check.line("reason", reason, 500, required=True)
        cleaned_reference = check.line("reference", reference, 100)
        if not 0 < amount <= MAX_MONEY:
            check.fail("amount", "Enter an amount more than zero.")
        with self.ctx.uow() as tx:
            session = tx.session
            ticket = existing_ticket(session, ticket_id)
            profile = shop_profile(session)
            left = deposit_balance(session, ticket.id)
            if left <= 0:
                check.fail("amount", "No deposit is left on this ticket.")
            elif amount > left:
                shown = format_money(left, profile.currency, profile.locale)
                check.fail("amount", f"Only {shown} of the deposit is left to pay back.")
            methods = {m.code: m for m in payment_methods(session)}
            method = methods.get(method_code)
            if method is None or method.kind == "on_account":
                check.fail("method", "Choose how the money goes back.")
            elif method.needs_reference and not cleaned_reference:
                check.fail("reference", f"Enter the {method.name} reference.")
            check.raise_if_any()
            assert method is not None
            if amount > profile.refund_limit and not _may_refund(actor, approved_by):
                limit = format_money(profile.refund_limit, profile.currency, profile.locale)
                raise ApprovalRequired(f"Refunds above {limit} need a manager's approval.")
            row = Payment(
                ticket_id=ticket.id,
                customer_id=ticket.customer_id,
                method_code=method.code,
                method_kind=method.kind,
                method_name=method.name,
                amount=-amount,
                reference=cleaned_reference,
                shift_id=current_shift_id(session, self.ctx.station_code),
                user_id=actor.user_id,
                station_code=self.ctx.station_code,
            )
            session.add(row)
            if method.kind == "store_credit":
                session.add(
                    StoreCreditEntry(
                        customer_id=ticket.customer_id,
                        amount=amount,
                        reason=f"Deposit on {ticket.number}",
                        user_id=actor.user_id,
                        station_code=self.ctx.station_code,
                    )
                )
            details: dict[str, Any] = {
                "ticket": ticket.number,
                "method": method.code,
                "amount": amount,
                "reason": cleaned_reason,
            }
            journal.append(session, self.ctx, "refund", details)
            audit.record(
                session,
                self.ctx,
                "deposit_refunded",
                "ticket",
                ticket.number,
                **details,
                approved_by=approved_by.username if approved_by else "",
            )
            session.flush()
            view = payment_view(row, actor.username)
            tx.commit()
            return view

    # -- checkout ---------------------------------------------------------------------

    def checkout_cart(self, ticket_id: uuid.UUID) -> Cart:
        """The sale cart of the ticket's checkout: its labour (standard tax) and parts
        (their items' tax class and serials), or its estimate as one line when it has
        neither; the ticket's customer. Complete it with ``SaleService.complete``.
        Raises ``ValidationError`` when the ticket was already checked out or charges
        nothing, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            return _checkout_cart(tx.session, existing_ticket(tx.session, ticket_id))

    def plan_checkout(self, ticket_id: uuid.UUID) -> CheckoutPlan:
        """The checkout cart with its totals and the deposits it applies, for the screen.
        Raises as ``checkout_cart``."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            cart = _checkout_cart(session, existing_ticket(session, ticket_id))
            totals = shop_totals(session, cart.lines)
            deposits = deposit_balance(session, ticket_id)
            applied = max(min(deposits, totals.total), 0)
            return CheckoutPlan(cart, totals, applied, max(deposits - applied, 0))

    # -- reading ----------------------------------------------------------------------

    def overview(self, ticket_id: uuid.UUID) -> TicketPayments:
        """Deposits, the checkout document with its payments, and what is owed."""
        with self.ctx.uow() as tx:
            session = tx.session
            ticket = existing_ticket(session, ticket_id)
            document = checkout_document(session, ticket.id)
            return TicketPayments(
                ticket_id=ticket.id,
                ticket_number=ticket.number,
                deposits=tuple(_ticket_payments(session, ticket.id)),
                deposit_balance=deposit_balance(session, ticket.id),
                document=document_view(session, document.id) if document else None,
                amount_due=ticket_money(session, ticket).balance,
            )

    # -- helpers ----------------------------------------------------------------------

    @staticmethod
    def _open_ticket(session: Session, ticket_id: uuid.UUID) -> Ticket:
        """The ticket, if it may still take a deposit."""
        ticket = existing_ticket(session, ticket_id)
        status = session.get(TicketStatus, ticket.status_id)
        if status is not None and status.category in SHUT:
            raise ValidationError({"ticket": f"{ticket.number} is {status.name.lower()}."})
        document = checkout_document(session, ticket.id)
        if document is not None:
            raise ValidationError(
                {
                    "ticket": f"{ticket.number} was checked out on {document.number}: "
                    "take the payment on that document."
                }
            )
        return ticket


def _checkout_cart(session: Session, ticket: Ticket) -> Cart:
    refuse_second_checkout(session, ticket)
    lines = charge_lines(session, ticket)
    if not lines:
        raise ValidationError(
            {"ticket": f"{ticket.number} charges nothing yet: add labour or parts first."}
        )
    return Cart(
        id=new_id(), lines=tuple(lines), customer_id=ticket.customer_id, ticket_id=ticket.id
    )


def _ticket_payments(session: Session, ticket_id: uuid.UUID) -> list[PaymentView]:
    rows = session.execute(
        select(Payment, User.username)
        .outerjoin(User, User.id == Payment.user_id)
        .where(Payment.ticket_id == ticket_id, Payment.document_id.is_(None))
        .order_by(Payment.at, Payment.id)
    )
    return [payment_view(payment, name or "") for payment, name in rows]


def _may_refund(actor: Actor, approved_by: Actor | None) -> bool:
    managers = (Role.OWNER, Role.MANAGER)
    return actor.role in managers or (approved_by is not None and approved_by.role in managers)
