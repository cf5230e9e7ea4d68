"""The figures of a cash shift, read from the payments, cash movements, sales documents
and journal of its station: what the X and Z reports print and the drawer should hold.

A shift owns the payments stamped with its id and its cash movements. Sales documents
carry no shift, so a shift's sales are those its station issued between the opening and
the closing of the drawer.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from desktop.models import (
    CashMovement,
    CashShift,
    JournalEntry,
    Payment,
    SalesDocument,
    SalesLine,
    Station,
    User,
)
from desktop.services.shift_types import CashMovementView, MethodTakings, ShiftReport, TaxLine
from desktop.services.shop import shop_profile

SALE_KINDS = ("sale", "invoice")
# Held sales and draft invoices are not sold yet; voided ones never were.
ISSUED_STATUSES = ("completed", "issued")
# Moving a ticket's deposit onto its invoice writes a pair of "deposit" rows: the money
# was counted when the deposit was taken, so these rows are not takings.
TRANSFER_KIND = "deposit"


def cash_takings(session: Session, shift_id: uuid.UUID) -> int:
    """Cash the shift's payments put in the drawer, less cash refunds paid out of it.
    Payment amounts are what was applied to the documents, so change is already out."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.shift_id == shift_id, Payment.method_kind == "cash"
            )
        )
        or 0
    )


def movement_totals(session: Session, shift_id: uuid.UUID) -> tuple[int, int]:
    """Pay-ins and pay-outs of the shift."""
    totals = {
        kind: amount
        for kind, amount in session.execute(
            select(CashMovement.kind, func.sum(CashMovement.amount))
            .where(CashMovement.shift_id == shift_id)
            .group_by(CashMovement.kind)
        )
    }
    return int(totals.get("pay_in") or 0), int(totals.get("pay_out") or 0)


def expected_cash(session: Session, shift: CashShift) -> int:
    """What the drawer should hold: the float, plus cash taken, plus pay-ins, less
    pay-outs."""
    pay_ins, pay_outs = movement_totals(session, shift.id)
    return shift.opening_float + cash_takings(session, shift.id) + pay_ins - pay_outs


def sales_in_window(session: Session, shift: CashShift, until: datetime) -> tuple[int, int]:
    """How many sales and invoices the shift's station issued while it was open, and
    their total."""
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(SalesDocument.total), 0)).where(
            *_in_window(shift, until), SalesDocument.kind.in_(SALE_KINDS)
        )
    ).one()
    return int(row[0]), int(row[1])


def display_name(session: Session, user_id: uuid.UUID | None) -> str:
    if user_id is None:
        return ""
    return session.scalar(select(User.display_name).where(User.id == user_id)) or ""


def shift_report(session: Session, shift: CashShift, taken_at: datetime) -> ShiftReport:
    """The shift's figures up to ``taken_at`` (its closing time for a Z report), without
    the count: closing adds that."""
    until = shift.closed_at or taken_at
    profile = shop_profile(session)
    station_name = session.scalar(select(Station.name).where(Station.code == shift.station_code))
    sales_count, sales_total = sales_in_window(session, shift, until)
    refunds = session.execute(
        select(func.count(), func.coalesce(func.sum(SalesDocument.total), 0)).where(
            *_in_window(shift, until), SalesDocument.kind == "credit_note"
        )
    ).one()
    pay_ins, pay_outs = movement_totals(session, shift.id)
    cash = cash_takings(session, shift.id)
    return ShiftReport(
        shift_id=shift.id,
        shop_name=profile.name,
        shop_address=profile.address,
        shop_phone=profile.phone,
        shop_tax_id=profile.tax_id,
        station_code=shift.station_code,
        station_name=station_name or "",
        currency=profile.currency,
        locale=profile.locale,
        opened_at=shift.opened_at,
        opened_by=display_name(session, shift.opened_by),
        taken_at=taken_at,
        opening_float=shift.opening_float,
        sales_count=sales_count,
        sales_total=sales_total,
        refunds_count=int(refunds[0]),
        refunds_total=int(refunds[1]),
        voids_count=_voids(session, shift, until),
        discounts_total=_discounts(session, shift, until),
        tips_total=int(
            session.scalar(
                select(func.coalesce(func.sum(Payment.tip), 0)).where(Payment.shift_id == shift.id)
            )
            or 0
        ),
        taxes=_taxes(session, shift, until),
        takings=_takings(session, shift.id),
        cash_movements=_movements(session, shift.id),
        cash_takings=cash,
        expected_cash=shift.opening_float + cash + pay_ins - pay_outs,
        closed_at=shift.closed_at,
        closed_by=display_name(session, shift.closed_by),
    )


def _in_window(shift: CashShift, until: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        SalesDocument.station_code == shift.station_code,
        SalesDocument.issued_at >= shift.opened_at,
        SalesDocument.issued_at <= until,
        SalesDocument.status.in_(ISSUED_STATUSES),
    )


def _voids(session: Session, shift: CashShift, until: datetime) -> int:
    """Voids journaled at the station while the shift was open: abandoned sales (even
    those never held, which have no document) and voided invoices."""
    return int(
        session.scalar(
            select(func.count()).where(
                JournalEntry.station_code == shift.station_code,
                JournalEntry.kind == "void",
                JournalEntry.at >= shift.opened_at,
                JournalEntry.at <= until,
            )
        )
        or 0
    )


def _discounts(session: Session, shift: CashShift, until: datetime) -> int:
    """Discounts given on the shift's sales: each line's own and its share of a whole-sale
    discount. Refunds are reported apart and do not take discounts back."""
    return int(
        session.scalar(
            select(
                func.coalesce(func.sum(SalesLine.line_discount + SalesLine.document_discount), 0)
            )
            .join(SalesDocument, SalesDocument.id == SalesLine.document_id)
            .where(*_in_window(shift, until), SalesDocument.kind.in_(SALE_KINDS))
        )
        or 0
    )


def _taxes(session: Session, shift: CashShift, until: datetime) -> tuple[TaxLine, ...]:
    sign = case((SalesDocument.kind == "credit_note", -1), else_=1)
    rows = session.execute(
        select(
            SalesLine.tax_rate_bp,
            func.sum(sign * SalesLine.net),
            func.sum(sign * SalesLine.tax),
            func.sum(sign * SalesLine.gross),
        )
        .join(SalesDocument, SalesDocument.id == SalesLine.document_id)
        .where(*_in_window(shift, until))
        .group_by(SalesLine.tax_rate_bp)
        .order_by(SalesLine.tax_rate_bp.desc())
    )
    return tuple(TaxLine(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows)


def _takings(session: Session, shift_id: uuid.UUID) -> tuple[MethodTakings, ...]:
    rows = session.execute(
        select(Payment.method_name, Payment.method_kind, func.count(), func.sum(Payment.amount))
        .where(Payment.shift_id == shift_id, Payment.method_kind != TRANSFER_KIND)
        .group_by(Payment.method_name, Payment.method_kind)
        .order_by(Payment.method_kind != "cash", Payment.method_name)
    )
    return tuple(MethodTakings(r[0] or r[1], r[1], int(r[2]), int(r[3])) for r in rows)


def _movements(session: Session, shift_id: uuid.UUID) -> tuple[CashMovementView, ...]:
    rows = session.execute(
        select(CashMovement, User.display_name)
        .outerjoin(User, User.id == CashMovement.user_id)
        .where(CashMovement.shift_id == shift_id)
        .order_by(CashMovement.at)
    )
    return tuple(CashMovementView(m.at, m.kind, m.amount, m.reason, name or "") for m, name in rows)
