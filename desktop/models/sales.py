"""Selling: tax classes, payment methods, sales documents (sales, invoices, credit notes)
and their lines, payments, store credit, cash shifts and the hash-chained journal.

Financial records are never edited after issue: a refund is a credit note, a void keeps
the document with its reason, and payments, store credit, cash movements and the journal
only ever insert.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Syncable, Timestamped, utc_now


class TaxClass(Syncable, Timestamped, Base):
    """A rate items refer to by ``code`` (``items.tax_class``): standard, reduced, zero."""

    __tablename__ = "tax_classes"

    # Not unique: two stations offline can both take a value; the server reports the pair.
    code: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(60))
    rate_bp: Mapped[int] = mapped_column(default=0)  # basis points: 1500 == 15.00 %
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("rate_bp >= 0 AND rate_bp <= 10000", name="rate_bp"),)


class PaymentMethod(Syncable, Timestamped, Base):
    """A way to pay the shop offers. ``kind`` drives behaviour: only ``cash`` gives
    change and opens the drawer, ``store_credit`` spends the customer's balance,
    ``on_account`` leaves the amount owing on an invoice."""

    __tablename__ = "payment_methods"

    # Not unique: two stations offline can both take a value; the server reports the pair.
    code: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    needs_reference: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        CheckConstraint(
            "kind IN ('cash', 'card', 'bank', 'mobile', 'store_credit', 'on_account', 'other')",
            name="kind",
        ),
    )


class SalesDocument(Syncable, Timestamped, Base):
    """A counter sale (``S-A-…``), an invoice (``INV-A-…``) or a credit note (``CN-A-…``).

    Totals are computed by the service from the lines and stored as issued. Sales are
    ``held`` (parked, no number yet), ``completed`` or ``voided``; invoices ``draft``,
    ``issued`` or ``void``; credit notes ``issued``. Paid, partly paid and overdue follow
    from the payments and the due date."""

    __tablename__ = "sales_documents"

    kind: Mapped[str] = mapped_column(String(12))
    number: Mapped[str | None] = mapped_column(String(30), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(12))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), default=None)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    # A credit note's sale or invoice.
    original_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sales_documents.id"), default=None
    )
    station_code: Mapped[str] = mapped_column(String(10), default="")
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    issued_at: Mapped[datetime | None] = mapped_column(default=None)
    due_date: Mapped[date | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3))
    prices_include_tax: Mapped[bool] = mapped_column(default=True)
    rounding_mode: Mapped[str] = mapped_column(String(10), default="line")  # line | document
    discount_kind: Mapped[str] = mapped_column(String(10), default="")  # '' | percent | amount
    discount_value: Mapped[int] = mapped_column(default=0)  # bp or minor units
    subtotal: Mapped[int] = mapped_column(default=0)  # lines after their own discounts
    discount_total: Mapped[int] = mapped_column(default=0)  # the whole-document discount
    tax_total: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # Cash rounding to the smallest coin, added to what is payable (may be negative).
    rounding: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    hold_label: Mapped[str] = mapped_column(String(100), default="")
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    voided_at: Mapped[datetime | None] = mapped_column(default=None)
    voided_by: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("kind IN ('sale', 'invoice', 'credit_note')", name="kind"),
        CheckConstraint("discount_value >= 0", name="discount_value"),
        Index("ix_sales_documents_customer_id_issued_at", "customer_id", "issued_at"),
        # Covers the reports' counts and sums of documents by kind, status and time.
        Index(
            "ix_sales_documents_kind_status_issued_at",
            "kind",
            "status",
            "issued_at",
            "customer_id",
            "user_id",
            "total",
        ),
        # Few documents have a ticket or an original: partial indexes keep their
        # statistics about those few, so SQLite uses them (migration 0013).
        Index(
            "ix_sales_documents_ticket_id", "ticket_id", sqlite_where=text("ticket_id IS NOT NULL")
        ),
        Index(
            "ix_sales_documents_original_id",
            "original_id",
            sqlite_where=text("original_id IS NOT NULL"),
        ),
        Index("ix_sales_documents_issued_at", "issued_at"),
    )


class SalesLine(Syncable, Base):
    """One line of a sales document; amounts are for the whole line, in minor units."""

    __tablename__ = "sales_lines"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sales_documents.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("items.id"), default=None)
    description: Mapped[str] = mapped_column(String(300))
    sku: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[int]
    unit_price: Mapped[int]
    unit_cost: Mapped[int | None] = mapped_column(default=None)
    discount_kind: Mapped[str] = mapped_column(String(10), default="")
    discount_value: Mapped[int] = mapped_column(default=0)
    line_discount: Mapped[int] = mapped_column(default=0)  # the line's own discount
    document_discount: Mapped[int] = mapped_column(default=0)  # its share of the whole
    tax_class: Mapped[str] = mapped_column(String(30), default="standard")
    tax_rate_bp: Mapped[int] = mapped_column(default=0)
    net: Mapped[int] = mapped_column(default=0)
    tax: Mapped[int] = mapped_column(default=0)
    gross: Mapped[int] = mapped_column(default=0)
    serial: Mapped[str] = mapped_column(String(64), default="")
    # Where a line came from: a ticket's part or labour line, or the sale line a credit
    # note refunds. Ticket parts already left stock with the ticket.
    source_kind: Mapped[str] = mapped_column(String(20), default="")
    source_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # Credit notes: whether the units go back on the shelf (else written off).
    restock: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
        Index("ix_sales_lines_document_id", "document_id"),
        Index("ix_sales_lines_source_id", "source_id", sqlite_where=text("source_id IS NOT NULL")),
        Index("ix_sales_lines_item_id", "item_id"),
    )


class Payment(Syncable, Base):
    """Money in (positive) or out (a refund, negative). A deposit is a payment on a ticket
    before it has an invoice; applying it moves it with a pair of ``deposit`` rows."""

    __tablename__ = "payments"
    __append_only__ = True

    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sales_documents.id"), default=None
    )
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    method_code: Mapped[str] = mapped_column(String(30))
    method_kind: Mapped[str] = mapped_column(String(20))
    method_name: Mapped[str] = mapped_column(String(60), default="")
    amount: Mapped[int]
    tendered: Mapped[int | None] = mapped_column(default=None)  # cash handed over
    change: Mapped[int] = mapped_column(default=0)
    tip: Mapped[int] = mapped_column(default=0)
    reference: Mapped[str] = mapped_column(String(100), default="")
    shift_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    station_code: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount"),
        # With the amount, a document's paid sum reads the index alone.
        Index("ix_payments_document_id_amount", "document_id", "amount"),
        Index("ix_payments_ticket_id", "ticket_id", sqlite_where=text("ticket_id IS NOT NULL")),
        Index("ix_payments_shift_id", "shift_id", sqlite_where=text("shift_id IS NOT NULL")),
        Index("ix_payments_at", "at"),
    )


class StoreCreditEntry(Syncable, Base):
    """The customer's store credit ledger: issued (positive) or spent (negative)."""

    __tablename__ = "store_credit_entries"
    __append_only__ = True

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500), default="")
    document_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    station_code: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount"),
        Index("ix_store_credit_entries_customer_id", "customer_id"),
    )


class CashShift(Syncable, Timestamped, Base):
    """A drawer's day at one station: opening float, then a closing count and Z report."""

    __tablename__ = "cash_shifts"

    station_code: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime] = mapped_column(default=utc_now)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    opening_float: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    expected_cash: Mapped[int | None] = mapped_column(default=None)
    counted_cash: Mapped[int | None] = mapped_column(default=None)
    # JSON: denomination in minor units -> how many were counted.
    counted_denominations: Mapped[str] = mapped_column(Text, default="{}")
    z_number: Mapped[str | None] = mapped_column(String(30), unique=True, default=None)
    # JSON snapshot of the Z report as it was printed, so a reprint is the same paper.
    z_report: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("opening_float >= 0", name="opening_float"),
        Index(
            "ix_cash_shifts_open_station",
            "station_code",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index("ix_cash_shifts_station_code_opened_at", "station_code", "opened_at"),
    )


class CashMovement(Syncable, Base):
    """Cash put into (pay-in) or taken from (pay-out) the drawer outside a sale."""

    __tablename__ = "cash_movements"
    __append_only__ = True

    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cash_shifts.id"))
    kind: Mapped[str] = mapped_column(String(10))  # pay_in | pay_out
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    station_code: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("kind IN ('pay_in', 'pay_out')", name="kind"),
        Index("ix_cash_movements_shift_id", "shift_id"),
    )


class JournalEntry(Syncable, Base):
    """One link of a station's hash chain over its money events (sale, payment, refund,
    void, credit note, drawer open, Z report). ``hash`` covers ``prev_hash`` and the
    entry's own content, so editing or removing an entry breaks the chain after it."""

    __tablename__ = "journal_entries"
    __append_only__ = True

    station_code: Mapped[str] = mapped_column(String(10))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utc_now)
    kind: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON of what happened
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("station_code", "seq", name="station_seq"),
        Index("ix_journal_entries_document_id", "document_id"),
        Index("ix_journal_entries_kind_at", "kind", "at"),
    )
