"""Reading invoices in lists: the invoice screen's filtered, keyset-paged list and a
customer's account (what they owe, their store credit, their documents).

Paid, partly paid and overdue are not stored: they follow from the payments and the due
date, so the filters for them compare each invoice's payments with its total in SQL.
The ``sales_documents`` indexes on (kind, status, issued_at), (customer_id, issued_at)
and (issued_at) give the order; drafts, which have no issue date, come first, newest
first by their time-ordered ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, func, or_, select, text
from sqlalchemy.orm import Session

from desktop.models import Customer, Payment, SalesDocument, SearchKey, ShopProfile
from desktop.services.customers import customer_match_sql, display_name
from desktop.services.errors import NotFound, ValidationError
from desktop.services.payments import store_credit_balance
from desktop.services.sales_records import SUMMARY_COLUMNS, SummaryFields, summaries
from desktop.services.sales_types import (
    DocumentKind,
    DocumentSummary,
    DocumentView,
    PaymentStatus,
)
from desktop.services.text import clean_line

MAX_PAGE = 500
HISTORY_LIMIT = 2_000


class InvoiceStatus(StrEnum):
    """What the invoice list shows for each invoice; each invoice has exactly one."""

    DRAFT = "draft"
    ISSUED = "issued"  # nothing paid yet, not yet due
    PARTIAL = "partial"
    PAID = "paid"
    OVERDUE = "overdue"
    VOID = "void"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "issued": "Issued",
            "partial": "Partially paid",
            "paid": "Paid",
            "overdue": "Overdue",
            "void": "Void",
        }[self.value]


@dataclass(frozen=True)
class InvoiceFilter:
    status: InvoiceStatus | None = None
    customer_id: uuid.UUID | None = None
    text: str = ""  # the start of a number, or part of the customer's name, phone, email
    issued_from: date | None = None  # local dates, both included; a draft's is its creation
    issued_to: date | None = None


@dataclass(frozen=True)
class InvoiceRow:
    """One row of the invoice list or a customer's history."""

    summary: DocumentSummary
    status: InvoiceStatus

    @property
    def id(self) -> uuid.UUID:
        return self.summary.id


@dataclass(frozen=True)
class CustomerAccount:
    customer_id: uuid.UUID
    name: str
    currency: str
    owed: int  # the balances of their issued invoices
    store_credit: int
    history: tuple[InvoiceRow, ...]  # every sale, invoice and credit note, newest first
    more_history: bool = False  # older documents left out of ``history``


def status_of(summary: DocumentSummary | DocumentView, today: date) -> InvoiceStatus:
    """The one status the invoice list and the invoice screen show for a document."""
    if summary.status == "draft":
        return InvoiceStatus.DRAFT
    if summary.status in ("void", "voided"):
        return InvoiceStatus.VOID
    return {
        PaymentStatus.PAID: InvoiceStatus.PAID,
        PaymentStatus.DUE: InvoiceStatus.OVERDUE,
        PaymentStatus.PARTIAL: InvoiceStatus.PARTIAL,
        PaymentStatus.UNPAID: InvoiceStatus.ISSUED,
    }[summary.payment_status(today)]


# -- the invoice list ---------------------------------------------------------------------


def _paid() -> Any:
    return (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.document_id == SalesDocument.id)
        .correlate(SalesDocument)
        .scalar_subquery()
    )


def _balance_conditions(status: InvoiceStatus, today: date) -> list[ColumnElement[bool]]:
    """Issued invoices in one payment state, as ``status_of`` decides it."""
    paid = _paid()
    balance = SalesDocument.total + SalesDocument.rounding - paid
    not_due = or_(SalesDocument.due_date.is_(None), SalesDocument.due_date >= today)
    if status == InvoiceStatus.PAID:
        return [balance <= 0]
    if status == InvoiceStatus.OVERDUE:
        return [SalesDocument.due_date < today, balance > 0]
    if status == InvoiceStatus.PARTIAL:
        return [not_due, paid > 0, balance > 0]
    return [not_due, paid <= 0, balance > 0]


def _local_start(day: date) -> datetime:
    """The UTC moment the station's local ``day`` begins."""
    return datetime.combine(day, time()).astimezone()


def _filtered(statement: Select[Any], where: InvoiceFilter, today: date) -> Select[Any]:
    statement = statement.where(SalesDocument.kind == "invoice")
    if where.customer_id is not None:
        statement = statement.where(SalesDocument.customer_id == where.customer_id)
    cleaned = clean_line(where.text)[:100]
    if cleaned:
        number = cleaned.upper()
        # A range on the unique number index instead of LIKE (which SQLite cannot index).
        matches: list[ColumnElement[bool]] = [
            and_(SalesDocument.number >= number, SalesDocument.number < number + "\uffff")
        ]
        found = customer_match_sql(cleaned)
        if found is not None:
            sql, params, _ = found
            rowids = text(sql).bindparams(**params).columns(rowid=Integer)
            customers = select(SearchKey.entity_id).where(SearchKey.rowid.in_(rowids))
            matches.append(SalesDocument.customer_id.in_(customers))
        statement = statement.where(or_(*matches))
    status = where.status
    if status == InvoiceStatus.DRAFT:
        statement = statement.where(SalesDocument.status == "draft")
    elif status == InvoiceStatus.VOID:
        statement = statement.where(SalesDocument.status == "void")
    elif status is not None:
        statement = statement.where(
            SalesDocument.status == "issued", *_balance_conditions(status, today)
        )
    return statement


def _dated(statement: Select[Any], where: InvoiceFilter, drafts: bool) -> Select[Any]:
    if where.issued_from and where.issued_to and where.issued_from > where.issued_to:
        raise ValidationError({"issued_to": "The end of the period is before its start."})
    column = SalesDocument.created_at if drafts else SalesDocument.issued_at
    if where.issued_from is not None:
        statement = statement.where(column >= _local_start(where.issued_from))
    if where.issued_to is not None:
        statement = statement.where(column < _local_start(where.issued_to + timedelta(days=1)))
    return statement


def _wants_drafts(where: InvoiceFilter) -> bool:
    return where.status in (None, InvoiceStatus.DRAFT)


def _wants_issued(where: InvoiceFilter) -> bool:
    return where.status != InvoiceStatus.DRAFT


def _summary_select() -> Select[Any]:
    columns: tuple[Any, ...] = SUMMARY_COLUMNS
    return select(*columns)


def invoice_page(
    session: Session,
    where: InvoiceFilter,
    after: tuple[datetime | None, uuid.UUID] | None,
    limit: int,
    today: date,
) -> list[InvoiceRow]:
    """Drafts first (newest first), then issued and void invoices, newest issue first;
    ``after`` is the (issued_at, id) of the last row already shown."""
    limit = max(1, min(limit, MAX_PAGE))
    documents: list[SummaryFields] = []
    in_drafts = after is None or after[0] is None
    if _wants_drafts(where) and in_drafts:
        statement = _dated(_filtered(_summary_select(), where, today), where, drafts=True)
        statement = statement.where(SalesDocument.status == "draft")
        if after is not None:
            statement = statement.where(SalesDocument.id < after[1])
        # issued_at (NULL for every draft) first, so that the (kind, status, issued_at)
        # index finds the drafts instead of a walk of every document in id order.
        statement = statement.order_by(
            SalesDocument.issued_at.desc(), SalesDocument.id.desc()
        ).limit(limit)
        documents.extend(session.execute(statement))
    if _wants_issued(where) and len(documents) < limit:
        statement = _dated(_filtered(_summary_select(), where, today), where, drafts=False)
        statement = statement.where(SalesDocument.issued_at.is_not(None))
        if after is not None and after[0] is not None:
            issued_at, last_id = after
            statement = statement.where(
                (SalesDocument.issued_at < issued_at)
                | ((SalesDocument.issued_at == issued_at) & (SalesDocument.id < last_id))
            )
        statement = statement.order_by(
            SalesDocument.issued_at.desc(), SalesDocument.id.desc()
        ).limit(limit - len(documents))
        documents.extend(session.execute(statement))
    return [InvoiceRow(s, status_of(s, today)) for s in summaries(session, documents)]


def invoice_count(session: Session, where: InvoiceFilter, today: date) -> int:
    total = 0
    counting = select(func.count()).select_from(SalesDocument)
    if _wants_drafts(where):
        statement = _dated(_filtered(counting, where, today), where, drafts=True)
        total += session.scalar(statement.where(SalesDocument.status == "draft")) or 0
    if _wants_issued(where):
        statement = _dated(_filtered(counting, where, today), where, drafts=False)
        total += session.scalar(statement.where(SalesDocument.issued_at.is_not(None))) or 0
    return int(total)


# -- a customer's account -----------------------------------------------------------------


def owed_by(session: Session, customer_id: uuid.UUID) -> int:
    """The balances of the customer's issued invoices (on-account counter sales are
    issued invoices too); a void invoice owes nothing."""
    issued = (
        SalesDocument.customer_id == customer_id,
        SalesDocument.kind == "invoice",
        SalesDocument.status == "issued",
    )
    charged = session.scalar(
        select(func.coalesce(func.sum(SalesDocument.total + SalesDocument.rounding), 0)).where(
            *issued
        )
    )
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0))
        .join(SalesDocument, SalesDocument.id == Payment.document_id)
        .where(*issued)
    )
    return int(charged or 0) - int(paid or 0)


def customer_account(session: Session, customer_id: uuid.UUID, today: date) -> CustomerAccount:
    """Raises ``NotFound`` for a customer who is gone."""
    customer = session.execute(
        select(Customer.first_name, Customer.last_name, Customer.company).where(
            Customer.id == customer_id
        )
    ).first()
    if customer is None:
        raise NotFound("This customer no longer exists.")
    documents = _history(session, customer_id)
    more = len(documents) > HISTORY_LIMIT
    documents = documents[:HISTORY_LIMIT]
    rows = summaries(session, documents, {d.id: d.paid for d in documents})
    if more:
        owed = owed_by(session, customer_id)
    else:  # every issued invoice is in the history: no need to ask the database again
        owed = sum(
            s.balance for s in rows if s.kind is DocumentKind.INVOICE and s.status == "issued"
        )
    return CustomerAccount(
        customer_id=customer_id,
        name=display_name(customer.first_name, customer.last_name, customer.company),
        currency=session.scalar(select(ShopProfile.currency).limit(1)) or "",
        owed=owed,
        store_credit=store_credit_balance(session, customer_id),
        history=tuple(InvoiceRow(s, status_of(s, today)) for s in rows),
        more_history=more,
    )


def _history(session: Session, customer_id: uuid.UUID) -> Sequence[Any]:
    """The customer's documents with what was paid on each, drafts first then newest
    issue first; sales still on hold or abandoned at the counter are no part of it."""
    return session.execute(
        select(*SUMMARY_COLUMNS, _paid().label("paid"))
        .where(
            SalesDocument.customer_id == customer_id,
            SalesDocument.status.not_in(("held", "voided")),
        )
        .order_by(
            SalesDocument.issued_at.is_(None).desc(),
            SalesDocument.issued_at.desc(),
            SalesDocument.id.desc(),
        )
        .limit(HISTORY_LIMIT + 1)
    ).all()
