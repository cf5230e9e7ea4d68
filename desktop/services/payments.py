"""Taking money: checking the tenders offered against what is due and writing them.

One function decides how tenders settle an amount, for counter sales, invoice payments
and ticket deposits alike: cash may be more than is due (the rest is change), other
methods may not, unless the shop keeps the extra as a tip or the customer's store credit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Payment, PaymentMethod, ShopProfile, StoreCreditEntry
from desktop.services.cash_shifts import current_shift_id
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.money import format_money
from desktop.services.pricing import cash_rounded
from desktop.services.sales_types import PaymentInput, PaymentMethodInfo
from desktop.services.text import clean_line
from desktop.services.ticket_types import MAX_MONEY

MAX_TENDERS = 20


@dataclass(frozen=True)
class Tender:
    """A tender as it will be written: what it pays, the change, a tip, extra credit."""

    method: PaymentMethodInfo
    amount: int
    tendered: int | None
    change: int
    tip: int
    credit: int  # overpayment kept as the customer's store credit
    reference: str


@dataclass(frozen=True)
class Settlement:
    tenders: tuple[Tender, ...]
    rounding: int  # cash rounding added to what was due
    on_account: int  # left owing on an invoice

    @property
    def change(self) -> int:
        return sum(t.change for t in self.tenders)

    @property
    def takes_cash(self) -> bool:
        return any(t.method.kind == "cash" for t in self.tenders)


def method_info(method: PaymentMethod) -> PaymentMethodInfo:
    return PaymentMethodInfo(
        id=method.id,
        code=method.code,
        name=method.name,
        kind=method.kind,
        needs_reference=method.needs_reference,
        active=method.active,
        position=method.position,
    )


def payment_methods(session: Session, include_retired: bool = False) -> list[PaymentMethodInfo]:
    query = select(PaymentMethod).order_by(PaymentMethod.position, PaymentMethod.name)
    if not include_retired:
        query = query.where(PaymentMethod.active == True)  # noqa: E712
    return [method_info(m) for m in session.scalars(query)]


def store_credit_balance(session: Session, customer_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(StoreCreditEntry.amount), 0)).where(
                StoreCreditEntry.customer_id == customer_id
            )
        )
        or 0
    )


def settle(
    session: Session,
    profile: ShopProfile,
    due: int,
    offered: Sequence[PaymentInput],
    customer_id: uuid.UUID | None,
    allow_on_account: bool = True,
    allow_partial: bool = False,
) -> Settlement:
    """How ``offered`` tenders pay ``due`` (minor units, cash rounding not yet applied).

    With ``allow_partial`` (a payment towards an invoice) tenders may pay less than is
    due; cash rounding then applies only when they settle all of it.

    Raises ``ValidationError`` (keys ``payments.N.field`` and ``payments``) for an unknown
    or retired method, a zero or negative amount, a missing reference, a card paying more
    than is due, store credit or on account without a customer, more store credit than
    the customer has, or tenders that leave something unpaid."""
    methods = {m.code: m for m in payment_methods(session)}
    errors: dict[str, str] = {}
    if len(offered) > MAX_TENDERS:
        raise ValidationError({"payments": f"At most {MAX_TENDERS} payments on one document."})
    cash_index = _settling_cash(offered, methods)
    rounding = 0
    if cash_index is not None and profile.cash_rounding > 1:
        non_cash = sum(p.amount for i, p in enumerate(offered) if i != cash_index)
        cash_due = max(due - non_cash, 0)
        rounding = cash_rounded(cash_due, profile.cash_rounding) - cash_due
    if allow_partial and sum(p.amount for p in offered) < due + rounding:
        rounding = 0
    remaining = due + rounding
    tenders: list[Tender] = []
    credit_used = 0
    for index, payment in enumerate(offered):
        key = f"payments.{index}"
        method = methods.get(payment.method_code)
        if method is None:
            errors[f"{key}.method"] = "Choose a payment method the shop accepts."
            continue
        handed = payment.tendered if method.kind == "cash" and payment.tendered else payment.amount
        if payment.amount <= 0 or handed <= 0:
            errors[f"{key}.amount"] = "A payment must be more than zero."
            continue
        if handed > MAX_MONEY:
            errors[f"{key}.amount"] = "This amount is too large."
            continue
        reference = clean_line(payment.reference)[:100]
        if method.needs_reference and not reference:
            errors[f"{key}.reference"] = f"Enter the {method.name} reference."
        if method.kind in ("store_credit", "on_account") and customer_id is None:
            errors[f"{key}.method"] = f"{method.name} needs a customer on the sale."
        if method.kind == "on_account" and not allow_on_account:
            errors[f"{key}.method"] = "This document cannot be put on account."
        applied = min(handed, max(remaining, 0))
        if applied == 0:
            errors[f"{key}.amount"] = "Nothing is left to pay; remove this payment."
            continue
        extra = handed - applied
        change = tip = credit = 0
        if extra:
            if method.kind == "cash":
                change = extra
            elif payment.overpayment == "tip" and profile.tips_allowed:
                tip = extra
            elif payment.overpayment == "credit" and customer_id is not None:
                credit = extra
            else:
                errors[f"{key}.amount"] = (
                    f"{method.name} cannot pay more than is due "
                    f"({format_money(max(remaining, 0), profile.currency, profile.locale)})."
                )
        if method.kind == "store_credit":
            credit_used += applied
        remaining -= applied
        tenders.append(
            Tender(
                method,
                applied,
                handed if method.kind == "cash" else None,
                change,
                tip,
                credit,
                reference,
            )
        )
    if credit_used and customer_id is not None:
        balance = store_credit_balance(session, customer_id)
        if credit_used > balance:
            errors["payments"] = (
                "The customer has only "
                f"{format_money(balance, profile.currency, profile.locale)} of store credit."
            )
    on_account = sum(t.amount for t in tenders if t.method.kind == "on_account")
    if remaining > 0 and not allow_partial and "payments" not in errors:
        errors["payments"] = (
            f"{format_money(remaining, profile.currency, profile.locale)} is still due. "
            "Add a payment or put it on account."
        )
    if errors:
        raise ValidationError(errors)
    return Settlement(tuple(tenders), rounding, on_account)


def write_payments(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    settlement: Settlement,
    *,
    document_id: uuid.UUID | None = None,
    ticket_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
) -> list[Payment]:
    """Insert the settlement's payments (on account leaves money owing: no row) and the
    store credit they spend or leave; the caller commits."""
    shift = current_shift_id(session, ctx.station_code)
    rows: list[Payment] = []
    for tender in settlement.tenders:
        if tender.method.kind == "on_account":
            continue
        row = _payment(ctx, actor, tender, tender.amount, shift)
        row.document_id, row.ticket_id, row.customer_id = document_id, ticket_id, customer_id
        session.add(row)
        rows.append(row)
        if customer_id is not None and tender.method.kind == "store_credit":
            _credit(session, ctx, actor, customer_id, -tender.amount, "Paid with", document_id)
        if customer_id is not None and tender.credit:
            # The extra is money in for the customer's credit, not for the document.
            extra = _payment(ctx, actor, tender, tender.credit, shift)
            extra.customer_id, extra.tip = customer_id, 0
            session.add(extra)
            rows.append(extra)
            _credit(session, ctx, actor, customer_id, tender.credit, "Overpaid", document_id)
    return rows


def _payment(
    ctx: ServiceContext, actor: Actor, tender: Tender, amount: int, shift: uuid.UUID | None
) -> Payment:
    return Payment(
        method_code=tender.method.code,
        method_kind=tender.method.kind,
        method_name=tender.method.name,
        amount=amount,
        tendered=tender.tendered,
        change=tender.change,
        tip=tender.tip,
        reference=tender.reference,
        shift_id=shift,
        user_id=actor.user_id,
        station_code=ctx.station_code,
    )


def _credit(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    customer_id: uuid.UUID,
    amount: int,
    reason: str,
    document_id: uuid.UUID | None,
) -> None:
    session.add(
        StoreCreditEntry(
            customer_id=customer_id,
            amount=amount,
            reason=reason,
            document_id=document_id,
            user_id=actor.user_id,
            station_code=ctx.station_code,
        )
    )


def _settling_cash(
    offered: Sequence[PaymentInput], methods: dict[str, PaymentMethodInfo]
) -> int | None:
    """The index of the cash tender that settles the balance (the last cash one): cash
    rounding applies to what is paid in cash only."""
    found = None
    for index, payment in enumerate(offered):
        method = methods.get(payment.method_code)
        if method is not None and method.kind == "cash":
            found = index
    return found
