"""Returns and refunds: a credit note (``CN-A-…``) reverses some or all lines of a completed
sale or an issued invoice. The returned units go back on the shelf or are written off;
the money goes first against what the customer still owes on the original, and the rest
is paid back by any method or kept as store credit.

Nothing of the original changes: the credit note is a new document, and a refund is a
negative payment on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Payment, SalesDocument, SalesLine, StoreCreditEntry
from desktop.services import audit, journal
from desktop.services.cash_shifts import current_shift_id
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.money import format_money
from desktop.services.numbering import next_number
from desktop.services.payments import payment_methods
from desktop.services.permissions import Permission, Role
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_records import document_view, existing_document
from desktop.services.sales_types import DocumentView, PaymentInput
from desktop.services.shop import shop_profile
from desktop.services.stock import (
    DEFAULT_LOCATION_ID,
    StockReference,
    record_movement,
    stock_item_ids,
)
from desktop.services.text import clean_line

REFUNDABLE = {("sale", "completed"), ("invoice", "issued")}


@dataclass(frozen=True)
class ReturnableLine:
    line_id: uuid.UUID
    description: str
    sku: str
    serial: str
    sold: int
    returned: int
    unit_gross: int  # what one unit cost the customer, after discounts
    stocked: bool  # a stock item (can go back on the shelf)

    @property
    def left(self) -> int:
        return self.sold - self.returned


@dataclass(frozen=True)
class ReturnLine:
    line_id: uuid.UUID
    quantity: int
    restock: bool = True  # False: the unit is faulty and written off


@dataclass(frozen=True)
class RefundPlan:
    """What a return is worth and how much of it reduces what is still owed."""

    credit: int
    against_balance: int

    @property
    def to_refund(self) -> int:
        return self.credit - self.against_balance


class ReturnService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def returnable(self, document_id: uuid.UUID) -> list[ReturnableLine]:
        """The original's lines with what is left to return. Raises ``NotFound``,
        ``ValidationError`` when the document cannot be refunded."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            original = existing_document(tx.session, document_id)
            _check_refundable(original)
            return _returnable(tx.session, document_id)

    def plan(self, document_id: uuid.UUID, lines: Sequence[ReturnLine]) -> RefundPlan:
        """The credit these lines give and how much goes against the open balance."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            original = existing_document(tx.session, document_id)
            _check_refundable(original)
            amounts = _credited(tx.session, document_id, lines)
            return _plan(tx.session, original, sum(a[2] for a in amounts.values()))

    def refund(
        self,
        document_id: uuid.UUID,
        lines: Sequence[ReturnLine],
        refunds: Sequence[PaymentInput],
        reason: str,
        approved_by: Actor | None = None,
    ) -> DocumentView:
        """Issue the credit note, restock or write off the units, apply the credit to the
        open balance, and pay back the rest through ``refunds`` (which must add up to it).

        Raises ``ValidationError`` (nothing to return, more than was sold, refunds that do
        not add up, store credit without a customer), ``ApprovalRequired`` above the
        shop's refund limit without a manager, ``NotFound``."""
        actor = self.ctx.require(Permission.SELL)
        reason = clean_line(reason)[:500]
        with self.ctx.uow() as tx:
            session = tx.session
            original = existing_document(session, document_id)
            _check_refundable(original)
            if not reason:
                raise ValidationError({"reason": "Say why the items come back."})
            amounts = _credited(session, document_id, lines)
            plan = _plan(session, original, sum(a[2] for a in amounts.values()))
            methods = _refund_methods(session, refunds, plan.to_refund, original.customer_id)
            profile = shop_profile(session)
            if (
                plan.to_refund > profile.refund_limit
                and actor.role not in (Role.OWNER, Role.MANAGER)
                and (approved_by is None or approved_by.role not in (Role.OWNER, Role.MANAGER))
            ):
                raise ApprovalRequired(
                    "Refunds above "
                    f"{format_money(profile.refund_limit, profile.currency, profile.locale)} "
                    "need a manager's approval."
                )
            note = self._credit_note(session, actor, original, amounts, lines, reason)
            self._settle(session, actor, original, note, plan, refunds, methods)
            payload: dict[str, Any] = {
                "number": note.number,
                "original": original.number,
                "total": note.total,
                "against_balance": plan.against_balance,
                "refunds": [[p.method_code, p.amount] for p in refunds],
            }
            journal.append(session, self.ctx, "credit_note", payload, note.id)
            audit.record(
                session,
                self.ctx,
                "refund",
                "sale",
                original.number or "",
                credit_note=note.number,
                amount=plan.to_refund,
                reason=reason,
                approved_by=approved_by.username if approved_by else "",
            )
            session.flush()
            view = document_view(session, note.id)
            tx.commit()
            return view

    def _credit_note(
        self,
        session: Session,
        actor: Actor,
        original: SalesDocument,
        amounts: dict[uuid.UUID, tuple[int, int, int]],
        lines: Sequence[ReturnLine],
        reason: str,
    ) -> SalesDocument:
        note = SalesDocument(
            kind="credit_note",
            status="issued",
            number=next_number(session, self.ctx.station_code, "credit_note"),
            customer_id=original.customer_id,
            ticket_id=original.ticket_id,
            original_id=original.id,
            station_code=self.ctx.station_code,
            user_id=actor.user_id,
            issued_at=datetime.now(UTC),
            currency=original.currency,
            prices_include_tax=original.prices_include_tax,
            rounding_mode=original.rounding_mode,
            notes=reason,
        )
        session.add(note)
        session.flush()
        reference = StockReference("credit_note", note.id)
        for position, wanted in enumerate(lines):
            source = session.get(SalesLine, wanted.line_id)
            assert source is not None  # checked by _credited
            net, tax, gross = amounts[wanted.line_id]
            session.add(
                SalesLine(
                    document_id=note.id,
                    position=position,
                    item_id=source.item_id,
                    description=source.description,
                    sku=source.sku,
                    quantity=wanted.quantity,
                    unit_price=source.unit_price,
                    unit_cost=source.unit_cost,
                    tax_class=source.tax_class,
                    tax_rate_bp=source.tax_rate_bp,
                    net=net,
                    tax=tax,
                    gross=gross,
                    serial=source.serial,
                    source_kind="sale_line",
                    source_id=source.id,
                    restock=wanted.restock,
                )
            )
            self._stock_back(session, actor, source, wanted, reference)
        note.subtotal = note.total = sum(a[2] for a in amounts.values())
        note.tax_total = sum(a[1] for a in amounts.values())
        return note

    def _stock_back(
        self,
        session: Session,
        actor: Actor,
        source: SalesLine,
        wanted: ReturnLine,
        reference: StockReference,
    ) -> None:
        """Returned units come back in; faulty ones leave again as a write-off, so the
        ledger shows both."""
        if source.item_id not in stock_item_ids(session, [source.item_id]):
            return
        assert source.item_id is not None
        for quantity, kind in ((wanted.quantity, "return"), (-wanted.quantity, "write_off")):
            if kind == "write_off" and wanted.restock:
                break
            steps = [(1 if quantity > 0 else -1)] * wanted.quantity if source.serial else [quantity]
            for step in steps:
                record_movement(
                    session, self.ctx, actor, source.item_id, DEFAULT_LOCATION_ID, step, kind,
                    reason="Returned" if kind == "return" else "Returned faulty",
                    reference=reference, serial=source.serial,
                )  # fmt: skip

    def _settle(
        self,
        session: Session,
        actor: Actor,
        original: SalesDocument,
        note: SalesDocument,
        plan: RefundPlan,
        refunds: Sequence[PaymentInput],
        methods: dict[str, tuple[str, str]],
    ) -> None:
        shift = current_shift_id(session, self.ctx.station_code)

        def pay(
            document_id: uuid.UUID, code: str, kind: str, name: str, amount: int, drawer: bool
        ) -> None:
            session.add(
                Payment(
                    document_id=document_id,
                    customer_id=original.customer_id,
                    method_code=code,
                    method_kind=kind,
                    method_name=name,
                    amount=amount,
                    shift_id=shift if drawer else None,
                    user_id=actor.user_id,
                    station_code=self.ctx.station_code,
                )
            )

        if plan.against_balance:
            # The pair moves the credit onto the original: neither is money in the drawer.
            credit = plan.against_balance
            pay(original.id, "credit_note", "credit", f"Credit note {note.number}", credit, False)
            pay(note.id, "credit_note", "credit", f"Applied to {original.number}", -credit, False)
        for refund in refunds:
            kind, name = methods[refund.method_code]
            pay(note.id, refund.method_code, kind, name, -refund.amount, True)
            if kind == "store_credit" and original.customer_id is not None:
                session.add(
                    StoreCreditEntry(
                        customer_id=original.customer_id,
                        amount=refund.amount,
                        reason=f"Refund {note.number}",
                        document_id=note.id,
                        user_id=actor.user_id,
                        station_code=self.ctx.station_code,
                    )
                )


def _check_refundable(original: SalesDocument) -> None:
    if (original.kind, original.status) not in REFUNDABLE:
        raise ValidationError(
            {"document": "Only a completed sale or an issued invoice can be refunded."}
        )


def _returned(
    session: Session, document_id: uuid.UUID
) -> dict[uuid.UUID, tuple[int, int, int, int]]:
    """Per original line: units, net, tax and gross already credited."""
    rows = session.execute(
        select(
            SalesLine.source_id,
            func.sum(SalesLine.quantity),
            func.sum(SalesLine.net),
            func.sum(SalesLine.tax),
            func.sum(SalesLine.gross),
        )
        .join(SalesDocument, SalesDocument.id == SalesLine.document_id)
        .where(
            SalesDocument.original_id == document_id,
            SalesDocument.kind == "credit_note",
            SalesLine.source_kind == "sale_line",
        )
        .group_by(SalesLine.source_id)
    )
    return {
        row[0]: (int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for row in rows
        if row[0] is not None
    }


def _returnable(session: Session, document_id: uuid.UUID) -> list[ReturnableLine]:
    returned = _returned(session, document_id)
    lines = session.scalars(
        select(SalesLine).where(SalesLine.document_id == document_id).order_by(SalesLine.position)
    ).all()
    stocked = stock_item_ids(session, (line.item_id for line in lines))
    return [
        ReturnableLine(
            line_id=line.id,
            description=line.description,
            sku=line.sku,
            serial=line.serial,
            sold=line.quantity,
            returned=returned.get(line.id, (0, 0, 0, 0))[0],
            unit_gross=line.gross // line.quantity,
            stocked=line.item_id in stocked,
        )
        for line in lines
    ]


def _credited(
    session: Session, document_id: uuid.UUID, lines: Sequence[ReturnLine]
) -> dict[uuid.UUID, tuple[int, int, int]]:
    """Net, tax and gross to credit per line. A part of a line is credited so that all
    its returns together come to exactly what was charged: the share is taken off the
    cumulative amount, never rounded on its own."""
    if not lines:
        raise ValidationError({"lines": "Choose what comes back."})
    returned = _returned(session, document_id)
    errors: dict[str, str] = {}
    amounts: dict[uuid.UUID, tuple[int, int, int]] = {}
    for index, wanted in enumerate(lines):
        line = session.get(SalesLine, wanted.line_id)
        if line is None or line.document_id != document_id or wanted.line_id in amounts:
            errors[f"lines.{index}"] = "This line is not on the document."
            continue
        before, *credited = returned.get(line.id, (0, 0, 0, 0))
        if wanted.quantity < 1:
            errors[f"lines.{index}.quantity"] = "Return at least one unit."
            continue
        if before + wanted.quantity > line.quantity:
            errors[f"lines.{index}.quantity"] = (
                f"Only {line.quantity - before} of “{line.description}” can still come back."
            )
            continue
        after = before + wanted.quantity
        amounts[line.id] = tuple(  # type: ignore[assignment]
            total * after // line.quantity - done
            for total, done in zip((line.net, line.tax, line.gross), credited, strict=True)
        )
    if errors:
        raise ValidationError(errors)
    return amounts


def _plan(session: Session, original: SalesDocument, credit: int) -> RefundPlan:
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.document_id == original.id)
    )
    owed = max(original.total + original.rounding - int(paid or 0), 0)
    return RefundPlan(credit, min(credit, owed))


def _refund_methods(
    session: Session,
    refunds: Sequence[PaymentInput],
    to_refund: int,
    customer_id: uuid.UUID | None,
) -> dict[str, tuple[str, str]]:
    methods = {m.code: m for m in payment_methods(session)}
    errors: dict[str, str] = {}
    for index, refund in enumerate(refunds):
        method = methods.get(refund.method_code)
        if method is None or method.kind == "on_account":
            errors[f"refunds.{index}.method"] = "Choose how the money goes back."
        elif method.kind == "store_credit" and customer_id is None:
            errors[f"refunds.{index}.method"] = "Store credit needs a customer on the sale."
        if refund.amount <= 0:
            errors[f"refunds.{index}.amount"] = "A refund must be more than zero."
    if not errors and sum(r.amount for r in refunds) != to_refund:
        errors["refunds"] = "The refunds must add up to what is paid back."
    if errors:
        raise ValidationError(errors)
    return {code: (m.kind, m.name) for code, m in methods.items()}
