"""Invoices: drafted by hand or from a held counter sale, issued (numbered, stock taken,
journaled), paid in parts, voided while nothing was paid, and emailed as a PDF.

A draft is not yet a financial record: it is edited freely and may be deleted. Issuing
totals it again under the shop's current terms and fixes it for good; from then on only
payments, a credit note or a void follow it, each a record of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Customer,
    Message,
    Payment,
    SalesDocument,
    StockMovement,
)
from desktop.services import audit, journal
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import NotFound, ValidationError
from desktop.services.ids import new_id
from desktop.services.invoice_lists import (
    CustomerAccount,
    InvoiceFilter,
    InvoiceRow,
    customer_account,
    invoice_count,
    invoice_page,
)
from desktop.services.messages import OutgoingAttachment, enqueue_email
from desktop.services.money import format_money
from desktop.services.payments import settle, store_credit_balance, write_payments
from desktop.services.permissions import Permission
from desktop.services.pricing import Discount, Totals
from desktop.services.sales import apply_terms, check_cart, price_overrides, take_stock, unit_costs
from desktop.services.sales_records import (
    cart_of,
    cart_totals,
    delete_lines,
    document_view,
    existing_document,
    write_lines,
)
from desktop.services.sales_settings import next_invoice_number
from desktop.services.sales_types import Cart, CartLine, DocumentView, PaymentInput
from desktop.services.shop import shop_profile
from desktop.services.stock import StockReference, record_movement
from desktop.services.tax_classes import tax_rates
from desktop.services.text import FieldChecker, clean_line
from desktop.services.ticket_checkout import close_when_paid
from desktop.services.ticket_types import MAX_MONEY

# Far enough for any real terms, near enough to catch a year typed wrong.
MAX_DUE_DAYS = 5 * 365
MAX_NOTES = 4_000
# The invoice as the station prints it on a sheet (A4 or Letter).
PdfRenderer = Callable[[DocumentView], bytes]


@dataclass(frozen=True)
class InvoiceDraft:
    """What the invoice editor holds. ``due_date`` None: the shop's payment terms, counted
    from the day the invoice is issued."""

    customer_id: uuid.UUID | None
    lines: tuple[CartLine, ...]
    notes: str = ""
    due_date: date | None = None
    discount: Discount | None = None


@dataclass(frozen=True)
class InvoicePaid:
    """What a payment did: the invoice now, the change to hand back, and whether cash
    was taken (the drawer opens)."""

    document: DocumentView
    change: int
    open_drawer: bool


class InvoiceService:
    def __init__(self, ctx: ServiceContext, render_pdf: PdfRenderer) -> None:
        self.ctx = ctx
        self._render_pdf = render_pdf

    # -- drafts -------------------------------------------------------------------------

    def create_draft(self, draft: InvoiceDraft) -> DocumentView:
        """Save a new draft invoice (no number yet). Raises ``ValidationError`` (no
        customer, bad lines, a due date in the past), ``NotFound`` (customer gone)."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            document = SalesDocument(id=new_id(), kind="invoice", status="draft")
            self._write_draft(tx.session, actor, document, draft, new=True)
            view = document_view(tx.session, document.id)
            tx.commit()
            return view

    def update_draft(self, document_id: uuid.UUID, draft: InvoiceDraft) -> DocumentView:
        """Replace everything of a draft: customer, lines, discount, notes, due date.
        Raises ``ValidationError`` (as ``create_draft``, or the invoice is issued),
        ``NotFound``."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            document = _draft(tx.session, document_id)
            self._write_draft(tx.session, actor, document, draft)
            view = document_view(tx.session, document.id)
            tx.commit()
            return view

    def delete_draft(self, document_id: uuid.UUID) -> None:
        """Throw a draft away; it never had a number. Raises ``ValidationError`` for an
        issued invoice (void it instead), ``NotFound``."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            document = _draft(tx.session, document_id)
            delete_lines(tx.session, document.id)
            tx.session.delete(document)
            tx.commit()

    def from_held_sale(
        self, sale_id: uuid.UUID, customer_id: uuid.UUID | None = None
    ) -> DocumentView:
        """Turn a sale on hold into a draft invoice with the same lines, for ``customer_id``
        or the sale's own customer. Raises ``ValidationError`` (not on hold, no
        customer), ``NotFound``."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            sale = existing_document(session, sale_id)
            if (sale.kind, sale.status) != ("sale", "held"):
                raise ValidationError({"sale": "Only a sale on hold can become an invoice."})
            cart = cart_of(document_view(session, sale_id))
            draft = InvoiceDraft(
                customer_id=customer_id or sale.customer_id,
                lines=cart.lines,
                notes=cart.notes,
                discount=cart.discount,
            )
            sale.kind, sale.status, sale.hold_label = "invoice", "draft", ""
            self._write_draft(session, actor, sale, draft)
            view = document_view(session, sale_id)
            tx.commit()
            return view

    def _write_draft(
        self,
        session: Session,
        actor: Actor,
        document: SalesDocument,
        draft: InvoiceDraft,
        new: bool = False,
    ) -> None:
        cart, due_date = _checked_draft(session, document, draft)
        profile = shop_profile(session)
        apply_terms(document, profile, cart, self.ctx, actor)
        document.due_date = due_date
        rates = tax_rates(session)
        totals = cart_totals(cart.lines, rates, document)
        if new:
            session.add(document)
        session.flush()
        write_lines(session, document, cart.lines, totals, rates)
        session.flush()

    # -- issuing ------------------------------------------------------------------------

    def issue(self, document_id: uuid.UUID, approved_by: Actor | None = None) -> DocumentView:
        """Number the draft (``INV-…`` with the shop's prefix), total it under the shop's
        terms now, take its stock items off the shelf and journal it; from then on it
        cannot change. The due date is the draft's, else the shop's payment terms.

        Raises ``ValidationError`` (already issued, no lines, a due date now past, a serial
        not in stock), ``ApprovalRequired`` (a discount or price the role may not give,
        unless ``approved_by`` is a manager), ``NotFound``."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            document = _draft(session, document_id)
            cart, due_date = _checked_draft(session, document, _draft_of(session, document))
            profile = shop_profile(session)
            apply_terms(document, profile, cart, self.ctx, actor)
            rates = tax_rates(session)
            totals = cart_totals(cart.lines, rates, document)
            overrides = price_overrides(session, profile, actor, cart, totals, approved_by)
            write_lines(
                session, document, cart.lines, totals, rates, unit_costs(session, cart.lines)
            )
            now = datetime.now(UTC)
            document.number = next_invoice_number(session, self.ctx.station_code)
            document.status = "issued"
            document.issued_at = now
            document.due_date = (
                due_date or (now + timedelta(days=profile.payment_terms_days)).date()
            )
            take_stock(session, self.ctx, actor, StockReference("invoice", document.id), cart.lines)
            journal.append(
                session, self.ctx, "invoice", _issue_payload(document, cart, totals), document.id
            )
            audit.record(
                session, self.ctx, "invoice_issued", "invoice", document.number,
                total=document.total,
            )  # fmt: skip
            for action, details in overrides:
                audit.record(session, self.ctx, action, "invoice", document.number, **details)
            session.flush()
            view = document_view(session, document.id)
            tx.commit()
            return view

    # -- payments -----------------------------------------------------------------------

    def pay(self, document_id: uuid.UUID, payments: Sequence[PaymentInput]) -> InvoicePaid:
        """Take ``payments`` towards what is still owed on an issued invoice (or a sale
        left partly on account); less than the balance is a part payment. Cash rounding
        applies when cash settles the rest.

        Raises ``ValidationError`` (a draft or void invoice, nothing owed, tenders the
        shop refuses or more than is owed by card), ``NotFound``."""
        actor = self.ctx.require(Permission.SELL)
        if not payments:
            raise ValidationError({"payments": "Add a payment."})
        with self.ctx.uow() as tx:
            session = tx.session
            document = existing_document(session, document_id)
            _check_payable(document)
            balance = document_view(session, document_id).balance
            if balance <= 0:
                raise ValidationError({"payments": f"{_name(document)} is already paid."})
            profile = shop_profile(session)
            settlement = settle(
                session, profile, balance, payments, document.customer_id,
                allow_on_account=False, allow_partial=True,
            )  # fmt: skip
            # The last cash payment settles the invoice to the smallest coin.
            document.rounding += settlement.rounding
            write_payments(
                session,
                self.ctx,
                actor,
                settlement,
                document_id=document.id,
                customer_id=document.customer_id,
            )
            session.flush()
            view = document_view(session, document.id)
            journal.append(
                session,
                self.ctx,
                "payment",
                {
                    "number": document.number,
                    "rounding": settlement.rounding,
                    "balance": view.balance,
                    "payments": [
                        [t.method.code, t.amount, t.change, t.tip, t.credit]
                        for t in settlement.tenders
                    ],
                },
                document.id,
            )
            close_when_paid(session, self.ctx, actor, document, view.balance)
            tx.commit()
        return InvoicePaid(view, settlement.change, settlement.takes_cash)

    # -- voiding ------------------------------------------------------------------------

    def void(self, document_id: uuid.UUID, reason: str) -> DocumentView:
        """Void an issued invoice nothing was paid on: its stock comes back, and the
        invoice stays with its number and the reason. Raises ``ValidationError`` (no
        reason, a draft, payments taken: refund them with a credit note first),
        ``PermissionDenied`` (below manager), ``NotFound``."""
        actor = self.ctx.require(Permission.VOID_INVOICES)
        check = FieldChecker()
        reason = check.line("reason", reason, 500)
        if not reason:
            check.fail("reason", "Say why the invoice is voided.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            session = tx.session
            document = existing_document(session, document_id)
            if document.kind != "invoice" or document.status != "issued":
                message = {
                    "draft": "A draft has no number yet: delete it instead.",
                    "void": "This invoice is already void.",
                }.get(document.status, "Only an issued invoice can be voided.")
                raise ValidationError({"invoice": message})
            paid = session.scalar(
                select(func.count()).select_from(Payment).where(Payment.document_id == document.id)
            )
            if paid:
                raise ValidationError(
                    {"invoice": "Payments were taken on this invoice. "
                     "Refund the payments with a credit note first."}
                )  # fmt: skip
            items = self._stock_back(session, actor, document)
            document.status = "void"
            document.void_reason = reason
            document.voided_at = datetime.now(UTC)
            document.voided_by = actor.user_id
            details: dict[str, Any] = {
                "number": document.number,
                "total": document.total,
                "reason": reason,
            }
            journal.append(session, self.ctx, "void", details, document.id)
            audit.record(
                session, self.ctx, "invoice_voided", "invoice", document.number or "",
                total=document.total, reason=reason, items=items,
            )  # fmt: skip
            session.flush()
            view = document_view(session, document.id)
            tx.commit()
            return view

    def _stock_back(self, session: Session, actor: Actor, document: SalesDocument) -> int:
        """Each unit the invoice took comes back to where it left from, by the same lot
        and serial; returns how many movements that made."""
        taken = session.scalars(
            select(StockMovement)
            .where(StockMovement.reference_id == document.id, StockMovement.kind == "sale")
            .order_by(StockMovement.at, StockMovement.id)
        ).all()
        reference = StockReference("invoice", document.id)
        for movement in taken:
            record_movement(
                session, self.ctx, actor, movement.item_id, movement.location_id,
                -movement.quantity, "return", reason=f"Invoice {document.number} voided",
                reference=reference, lot_id=movement.lot_id, serial=movement.serial,
            )  # fmt: skip
        return len(taken)

    # -- store credit -------------------------------------------------------------------

    def issue_store_credit(self, customer_id: uuid.UUID, amount: int, reason: str) -> int:
        """Give the customer store credit by hand (a goodwill gesture, a price match);
        returns their new balance. Raises ``ValidationError`` (amount not above zero or
        absurd, no reason), ``PermissionDenied`` (below manager), ``NotFound``."""
        from desktop.models import StoreCreditEntry

        actor = self.ctx.require(Permission.ISSUE_STORE_CREDIT)
        check = FieldChecker()
        reason = check.line("reason", reason, 500)
        if not reason:
            check.fail("reason", "Say why the customer gets this credit.")
        if not 0 < amount <= MAX_MONEY:
            check.fail("amount", "Enter an amount above zero.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            session = tx.session
            if session.get(Customer, customer_id) is None:
                raise NotFound("This customer no longer exists.")
            session.add(
                StoreCreditEntry(
                    customer_id=customer_id,
                    amount=amount,
                    reason=reason,
                    user_id=actor.user_id,
                    station_code=self.ctx.station_code,
                )
            )
            payload = {"customer": str(customer_id), "amount": amount, "reason": reason}
            journal.append(session, self.ctx, "store_credit", payload)
            audit.record(
                session, self.ctx, "store_credit_issued", "customer", str(customer_id),
                amount=amount, reason=reason,
            )  # fmt: skip
            session.flush()
            balance = store_credit_balance(session, customer_id)
            tx.commit()
            return balance

    # -- email --------------------------------------------------------------------------

    def email(self, document_id: uuid.UUID, to: str = "") -> str:
        """Queue the invoice as a PDF attachment to the customer's address (or ``to``);
        the message outbox sends it when online and keeps its state for the invoice
        (``MessageService.for_subject("invoice", id)``). Returns the address.

        Raises ``ValidationError`` (no address, a draft or void invoice), ``NotFound``."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            view = _emailable(tx.session, document_id)
            profile = shop_profile(tx.session)
            shop_name, locale, bank = profile.name, profile.locale, profile.bank_details
        check = FieldChecker()
        address = check.email("to", to[:1000] or (view.customer.email if view.customer else ""))
        if not address:
            check.fail("to", "The customer has no email address: enter one.")
        check.raise_if_any()
        pdf = self._render_pdf(view)  # outside the transaction: rendering takes a while
        with self.ctx.uow() as tx:
            session = tx.session
            view = _emailable(session, document_id)
            sent_before = session.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.subject_kind == "invoice", Message.subject_id == document_id)
            )
            enqueue_email(
                session,
                self.ctx,
                to=address,
                subject=f"Invoice {view.number} from {shop_name}",
                body=_email_body(view, shop_name, locale, bank),
                dedupe_key=f"invoice:{document_id}:email:{int(sent_before or 0) + 1}",
                subject_kind="invoice",
                subject_id=document_id,
                attachments=[OutgoingAttachment(f"{view.number}.pdf", "application/pdf", pdf)],
            )
            tx.commit()
        return address

    # -- reading ------------------------------------------------------------------------

    def document(self, document_id: uuid.UUID) -> DocumentView:
        with self.ctx.uow() as tx:
            return document_view(tx.session, document_id)

    def draft(self, document_id: uuid.UUID) -> InvoiceDraft:
        """A draft as the editor holds it. Raises ``ValidationError`` for an issued
        invoice, ``NotFound``."""
        with self.ctx.uow() as tx:
            return _draft_of(tx.session, _draft(tx.session, document_id))

    def page(
        self,
        where: InvoiceFilter = InvoiceFilter(),  # noqa: B008
        *,
        after: tuple[datetime | None, uuid.UUID] | None = None,
        limit: int = 100,
    ) -> list[InvoiceRow]:
        """Invoices newest first, drafts on top; continue with ``after`` = (issued_at,
        id) of the last row. Raises ``ValidationError`` for a date range the wrong way
        round."""
        with self.ctx.uow() as tx:
            return invoice_page(tx.session, where, after, limit, date.today())

    def count(self, where: InvoiceFilter = InvoiceFilter()) -> int:  # noqa: B008
        with self.ctx.uow() as tx:
            return invoice_count(tx.session, where, date.today())

    def customer_account(self, customer_id: uuid.UUID) -> CustomerAccount:
        """What the customer owes on invoices, their store credit and their documents,
        newest first. Raises ``NotFound``."""
        with self.ctx.uow() as tx:
            return customer_account(tx.session, customer_id, date.today())


def _issue_payload(document: SalesDocument, cart: Cart, totals: Totals) -> dict[str, Any]:
    """What the journal keeps of an issued invoice: its total (which ``journal.verify``
    checks against the document), tax, customer, due date and lines."""
    return {
        "number": document.number,
        "total": document.total,
        "tax": totals.tax_total,
        "customer": str(document.customer_id),
        "due": document.due_date.isoformat() if document.due_date else None,
        "lines": [
            [line.sku or line.description, line.quantity, amounts.gross]
            for line, amounts in zip(cart.lines, totals.lines, strict=True)
        ],
    }


def _draft(session: Session, document_id: uuid.UUID) -> SalesDocument:
    document = existing_document(session, document_id)
    if document.kind != "invoice":
        raise ValidationError({"invoice": "This is not an invoice."})
    if document.status != "draft":
        raise ValidationError(
            {"invoice": f"Invoice {document.number} is issued; an issued invoice cannot change."}
        )
    return document


def _draft_of(session: Session, document: SalesDocument) -> InvoiceDraft:
    cart = cart_of(document_view(session, document.id))
    return InvoiceDraft(
        customer_id=document.customer_id,
        lines=cart.lines,
        notes=document.notes,
        due_date=document.due_date,
        discount=cart.discount,
    )


def _checked_draft(
    session: Session, document: SalesDocument, draft: InvoiceDraft
) -> tuple[Cart, date | None]:
    """The draft as a cart with its notes cleaned, and its due date; every problem at
    once as ``ValidationError``. Raises ``NotFound`` for a customer who is gone."""
    errors: dict[str, str] = {}
    try:
        check_cart(Cart(id=document.id, lines=draft.lines), "invoice")
    except ValidationError as invalid:
        errors.update(invalid.errors)
    check = FieldChecker()
    notes = check.text("notes", draft.notes, MAX_NOTES)
    errors.update(check.errors)
    if draft.customer_id is None:
        errors["customer"] = "Choose the customer the invoice is for."
    today = date.today()
    if draft.due_date is not None:
        if draft.due_date < today:
            errors["due_date"] = "The due date has passed: choose today or later."
        elif draft.due_date > today + timedelta(days=MAX_DUE_DAYS):
            errors["due_date"] = "The due date is more than five years away."
    if errors:
        raise ValidationError(errors)
    if session.get(Customer, draft.customer_id) is None:
        raise NotFound("This customer no longer exists.")
    cart = Cart(
        id=document.id,
        lines=tuple(_cleaned_line(line) for line in draft.lines),
        customer_id=draft.customer_id,
        discount=draft.discount,
        notes=notes,
        ticket_id=document.ticket_id,
    )
    return cart, draft.due_date


def _cleaned_line(line: CartLine) -> CartLine:
    from dataclasses import replace

    return replace(line, description=clean_line(line.description)[:300], sku=line.sku[:64])


def _check_payable(document: SalesDocument) -> None:
    if document.status in ("void", "voided"):
        raise ValidationError({"invoice": f"This {_noun(document)} is void; it cannot be paid."})
    if document.status == "draft":
        raise ValidationError({"invoice": "Issue the invoice before taking payment."})
    if document.status == "held":
        raise ValidationError({"invoice": "This sale is on hold; complete it at the counter."})
    if document.kind == "credit_note":
        raise ValidationError({"invoice": "A credit note is paid back as a refund."})


def _noun(document: SalesDocument) -> str:
    return "invoice" if document.kind == "invoice" else "sale"


def _name(document: SalesDocument) -> str:
    return f"{'Invoice' if document.kind == 'invoice' else 'Sale'} {document.number}"


def _emailable(session: Session, document_id: uuid.UUID) -> DocumentView:
    document = existing_document(session, document_id)
    if document.kind != "invoice" or document.status != "issued":
        if document.status == "draft":
            raise ValidationError({"invoice": "Issue the invoice before emailing it."})
        raise ValidationError({"invoice": "This invoice is void; it is not sent."})
    return document_view(session, document_id)


def _email_body(view: DocumentView, shop_name: str, locale: str, bank_details: str) -> str:
    customer = view.customer.name if view.customer else ""
    total = format_money(view.payable, view.currency, locale)
    owing = ""
    if 0 < view.balance < view.payable:
        owing = f" ({format_money(view.balance, view.currency, locale)} still to pay)"
    due = f", due on {view.due_date.isoformat()}" if view.due_date and view.balance > 0 else ""
    parts = [
        f"Dear {customer}," if customer else "Hello,",
        f"Please find attached invoice {view.number} for {total}{owing}{due}.",
        f"You can pay by bank transfer to:\n{bank_details}"
        if bank_details and view.balance > 0
        else "",
        f"Kind regards,\n{shop_name}",
    ]
    return "\n\n".join(part for part in parts if part)
