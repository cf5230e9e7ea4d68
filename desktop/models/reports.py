"""Figures the dashboard and reports read instead of a year of rows, kept by triggers.

Every table here is derived data (migration 0015): never synced, filled from the base
tables when the migration runs and kept current by triggers, so it is right whoever writes
the base rows (the app, sync, a bulk load). Times fall into 15-minute UTC buckets written
``YYYY-MM-DD HH:MM``; every time zone's midnight is on such a boundary, so a local day is
a run of whole buckets. A missing user or technician is the zero UUID (``NO_ONE``), since
a NULL would never match in a primary key.
"""

from __future__ import annotations

import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base

NO_ONE = uuid.UUID(int=0)


class PaymentBucket(Base):
    """Money taken per bucket and payment method; ``on_document`` tells a payment on a
    sale, invoice or credit note from a deposit or a kept overpayment."""

    __tablename__ = "payment_buckets"
    __table_args__ = {"sqlite_with_rowid": False}  # stored in key order (migration 0016)

    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    method_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    method_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    on_document: Mapped[bool] = mapped_column(primary_key=True)
    payments: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int] = mapped_column(default=0)
    tip: Mapped[int] = mapped_column(default=0)


class SalesBucket(Base):
    """The lines of counted documents (completed sales, issued invoices and credit notes)
    per bucket of their document's ``issued_at``, kind, cashier and tax rate. Amounts are
    as the lines hold them (a credit note's are positive); ``cost`` is quantity times unit
    cost, ``restocked_cost`` the same over lines marked for restock."""

    __tablename__ = "sales_buckets"
    __table_args__ = {"sqlite_with_rowid": False}

    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    doc_kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tax_rate_bp: Mapped[int] = mapped_column(primary_key=True)
    lines: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[int] = mapped_column(default=0)
    net: Mapped[int] = mapped_column(default=0)
    tax: Mapped[int] = mapped_column(default=0)
    gross: Mapped[int] = mapped_column(default=0)
    line_discount: Mapped[int] = mapped_column(default=0)
    document_discount: Mapped[int] = mapped_column(default=0)
    cost: Mapped[int] = mapped_column(default=0)
    restocked_cost: Mapped[int] = mapped_column(default=0)


class DocumentBucket(Base):
    """Counted documents per bucket of ``issued_at``, kind and cashier: how many, and
    their totals with cash rounding."""

    __tablename__ = "document_buckets"
    __table_args__ = {"sqlite_with_rowid": False}

    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    doc_kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    documents: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)


class TicketWorkloadCount(Base):
    """How many tickets each technician holds per status (like ``ticket_status_counts``)."""

    __tablename__ = "ticket_workload_counts"

    status_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    technician_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tickets: Mapped[int] = mapped_column(default=0)
