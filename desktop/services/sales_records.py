"""Reading and writing the rows of sales documents: lines from computed totals, and the
frozen ``DocumentView`` every screen and printed document is made from."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Customer,
    CustomerPhone,
    Payment,
    SalesDocument,
    SalesLine,
    Ticket,
    User,
)
from desktop.services.customers import display_name
from desktop.services.errors import NotFound
from desktop.services.pricing import Discount, LineInput, TaxBand, Totals, compute_totals
from desktop.services.sales_types import (
    Cart,
    CartLine,
    DocumentKind,
    DocumentSummary,
    DocumentView,
    LineView,
    PartyInfo,
    PaymentView,
)

# A sale that never completed, or a document that no longer counts.
NOT_OWING = ("held", "voided", "void", "draft")


def line_inputs(lines: Sequence[CartLine], rates: dict[str, int]) -> list[LineInput]:
    return [
        LineInput(line.quantity, line.unit_price, rates.get(line.tax_class, 0), line.discount)
        for line in lines
    ]


def cart_totals(
    lines: Sequence[CartLine],
    rates: dict[str, int],
    document: SalesDocument,
) -> Totals:
    """The totals of ``lines`` under the document's own tax settings."""
    return compute_totals(
        line_inputs(lines, rates),
        prices_include_tax=document.prices_include_tax,
        rounding_mode="document" if document.rounding_mode == "document" else "line",
        discount=Discount.stored(document.discount_kind, document.discount_value),
    )


def write_lines(
    session: Session,
    document: SalesDocument,
    lines: Sequence[CartLine],
    totals: Totals,
    rates: dict[str, int],
    unit_costs: dict[uuid.UUID, int] | None = None,
) -> None:
    """Replace the document's lines with ``lines`` and store its totals."""
    delete_lines(session, document.id)
    costs = unit_costs or {}
    for position, (line, amounts) in enumerate(zip(lines, totals.lines, strict=True)):
        session.add(
            SalesLine(
                document_id=document.id,
                position=position,
                item_id=line.item_id,
                description=line.description,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                unit_cost=costs.get(line.item_id) if line.item_id else None,
                discount_kind=line.discount.kind if line.discount else "",
                discount_value=line.discount.value if line.discount else 0,
                line_discount=amounts.line_discount,
                document_discount=amounts.document_discount,
                tax_class=line.tax_class,
                tax_rate_bp=rates.get(line.tax_class, 0),
                net=amounts.net,
                tax=amounts.tax,
                gross=amounts.gross,
                serial=line.serial,
                source_kind=line.source_kind,
                source_id=line.source_id,
            )
        )
    document.subtotal = totals.subtotal
    document.discount_total = totals.discount_total
    document.tax_total = totals.tax_total
    document.total = totals.total


def cart_of(view: DocumentView) -> Cart:
    """The cart a stored document was made from, to carry on with (a held sale, a draft
    invoice) or to issue it again under the current terms."""
    return Cart(
        id=view.id,
        lines=tuple(
            CartLine(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_class=line.tax_class,
                item_id=line.item_id,
                sku=line.sku,
                discount=Discount.stored(line.discount_kind, line.discount_value),
                serial=line.serial,
                source_kind=line.source_kind,
                source_id=line.source_id,
            )
            for line in view.lines
        ),
        customer_id=view.customer.id if view.customer else None,
        discount=Discount.stored(view.discount_kind, view.discount_value),
        notes=view.notes,
        ticket_id=view.ticket_id,
    )


def delete_lines(session: Session, document_id: uuid.UUID) -> None:
    """Delete the lines of a document still being made (a held sale, a draft), one by one
    so that each deletion reaches the other stations."""
    for line in session.scalars(select(SalesLine).where(SalesLine.document_id == document_id)):
        session.delete(line)
    session.flush()


def existing_document(session: Session, document_id: uuid.UUID) -> SalesDocument:
    document = session.get(SalesDocument, document_id)
    if document is None:
        raise NotFound("This sale or invoice no longer exists.")
    return document


def party(session: Session, customer_id: uuid.UUID | None) -> PartyInfo | None:
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    phone = session.scalar(
        select(CustomerPhone.number)
        .where(CustomerPhone.customer_id == customer_id)
        .order_by(CustomerPhone.position)
        .limit(1)
    )
    return PartyInfo(
        id=customer.id,
        name=display_name(customer.first_name, customer.last_name, customer.company),
        phone=phone or "",
        email=customer.email,
        address=customer.address,
    )


def document_view(session: Session, document_id: uuid.UUID) -> DocumentView:
    """Everything a screen or printout shows of one document. Raises ``NotFound``."""
    document = existing_document(session, document_id)
    lines = session.scalars(
        select(SalesLine).where(SalesLine.document_id == document_id).order_by(SalesLine.position)
    ).all()
    payments = session.execute(
        select(Payment, User.username)
        .outerjoin(User, User.id == Payment.user_id)
        .where(Payment.document_id == document_id)
        .order_by(Payment.at, Payment.id)
    ).all()
    line_views = tuple(_line_view(line) for line in lines)
    original_number = ""
    if document.original_id is not None:
        original_number = (
            session.scalar(
                select(SalesDocument.number).where(SalesDocument.id == document.original_id)
            )
            or ""
        )
    ticket_number = ""
    if document.ticket_id is not None:
        ticket_number = (
            session.scalar(select(Ticket.number).where(Ticket.id == document.ticket_id)) or ""
        )
    credit_notes = tuple(
        number
        for number in session.scalars(
            select(SalesDocument.number)
            .where(SalesDocument.original_id == document_id)
            .order_by(SalesDocument.issued_at)
        )
        if number
    )
    username = (
        session.scalar(select(User.username).where(User.id == document.user_id))
        if document.user_id
        else None
    )
    return DocumentView(
        id=document.id,
        kind=DocumentKind(document.kind),
        number=document.number or "",
        status=document.status,
        currency=document.currency,
        prices_include_tax=document.prices_include_tax,
        subtotal=document.subtotal,
        discount_total=document.discount_total,
        tax_total=document.tax_total,
        total=document.total,
        rounding=document.rounding,
        lines=line_views,
        bands=bands_of(line_views),
        payments=tuple(payment_view(p, name or "") for p, name in payments),
        issued_at=document.issued_at,
        created_at=document.created_at,
        due_date=document.due_date,
        customer=party(session, document.customer_id),
        ticket_id=document.ticket_id,
        ticket_number=ticket_number,
        original_id=document.original_id,
        original_number=original_number,
        station_code=document.station_code,
        username=username or "",
        notes=document.notes,
        discount_kind=document.discount_kind,
        discount_value=document.discount_value,
        void_reason=document.void_reason,
        hold_label=document.hold_label,
        credit_notes=credit_notes,
    )


def bands_of(lines: Sequence[LineView]) -> tuple[TaxBand, ...]:
    bands: dict[int, tuple[int, int, int]] = {}
    for line in lines:
        net, tax, gross = bands.get(line.tax_rate_bp, (0, 0, 0))
        bands[line.tax_rate_bp] = (net + line.net, tax + line.tax, gross + line.gross)
    return tuple(TaxBand(rate, *sums) for rate, sums in sorted(bands.items()))


def paid_amounts(session: Session, document_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not document_ids:
        return {}
    rows = session.execute(
        select(Payment.document_id, func.sum(Payment.amount))
        .where(Payment.document_id.in_(document_ids))
        .group_by(Payment.document_id)
    )
    return {document_id: int(total) for document_id, total in rows if document_id is not None}


class SummaryFields(Protocol):
    """What ``summaries`` reads of a document: a ``SalesDocument``, or a row of
    ``SUMMARY_COLUMNS`` (much cheaper to load for long lists)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def number(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def customer_id(self) -> uuid.UUID | None: ...
    @property
    def issued_at(self) -> datetime | None: ...
    @property
    def due_date(self) -> date | None: ...
    @property
    def total(self) -> int: ...
    @property
    def rounding(self) -> int: ...
    @property
    def currency(self) -> str: ...


SUMMARY_COLUMNS = (
    SalesDocument.id,
    SalesDocument.kind,
    SalesDocument.number,
    SalesDocument.status,
    SalesDocument.customer_id,
    SalesDocument.issued_at,
    SalesDocument.due_date,
    SalesDocument.total,
    SalesDocument.rounding,
    SalesDocument.currency,
)


def summaries(
    session: Session,
    documents: Sequence[SummaryFields],
    paid: Mapping[uuid.UUID, int] | None = None,
) -> list[DocumentSummary]:
    """List rows for ``documents`` with what was paid on each (``paid``, when the caller
    summed it already), in two queries."""
    if paid is None:
        paid = paid_amounts(session, [d.id for d in documents])
    customer_ids = {d.customer_id for d in documents if d.customer_id}
    names = {
        row.id: display_name(row.first_name, row.last_name, row.company)
        for row in session.execute(
            select(Customer.id, Customer.first_name, Customer.last_name, Customer.company).where(
                Customer.id.in_(customer_ids)
            )
        )
    }
    return [
        DocumentSummary(
            id=d.id,
            kind=DocumentKind(d.kind),
            number=d.number or "",
            status=d.status,
            customer_name=names.get(d.customer_id, "") if d.customer_id else "",
            issued_at=d.issued_at,
            due_date=d.due_date,
            total=d.total + d.rounding,
            paid=paid.get(d.id, 0),
            currency=d.currency,
        )
        for d in documents
    ]


def _line_view(line: SalesLine) -> LineView:
    return LineView(
        id=line.id,
        position=line.position,
        description=line.description,
        sku=line.sku,
        quantity=line.quantity,
        unit_price=line.unit_price,
        line_discount=line.line_discount,
        document_discount=line.document_discount,
        tax_rate_bp=line.tax_rate_bp,
        net=line.net,
        tax=line.tax,
        gross=line.gross,
        item_id=line.item_id,
        serial=line.serial,
        unit_cost=line.unit_cost,
        discount_kind=line.discount_kind,
        discount_value=line.discount_value,
        tax_class=line.tax_class,
        source_kind=line.source_kind,
        source_id=line.source_id,
        restock=line.restock,
    )


def payment_view(payment: Payment, username: str) -> PaymentView:
    return PaymentView(
        id=payment.id,
        at=payment.at,
        method_code=payment.method_code,
        method_name=payment.method_name,
        method_kind=payment.method_kind,
        amount=payment.amount,
        tendered=payment.tendered,
        change=payment.change,
        tip=payment.tip,
        reference=payment.reference,
        username=username,
    )
