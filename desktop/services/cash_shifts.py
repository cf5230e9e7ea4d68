"""Cash shifts: a station's drawer from its opening float to its closing count.

The counter opens the drawer for the day with a float, may pay cash in or out with a
reason, and closes the shift by counting the drawer note by note. Closing compares the
count with what the drawer should hold, takes the station's next Z number and keeps the
Z report as it was printed, so a reprint is the same paper. Money events (pay-ins,
pay-outs, opening the drawer without a sale, the Z report) go to the hash-chained
journal; all of them, and opening the shift, to the audit log.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.models import CashMovement, CashShift, ShopProfile
from desktop.services import audit, journal
from desktop.services.context import Actor, ServiceContext
from desktop.services.denominations import denominations
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.money import format_money, minor_digits
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission, Role
from desktop.services.shift_figures import display_name, expected_cash, sales_in_window
from desktop.services.shift_figures import shift_report as read_report
from desktop.services.shift_types import (
    CountedDenomination,
    ShiftReport,
    ShiftSummary,
    report_from_json,
    report_to_json,
)
from desktop.services.shop import shop_profile
from desktop.services.text import FieldChecker

MAX_REASON = 500
MAX_NOTE = 2000
MAX_MAJOR_UNITS = 100_000_000  # the largest amount the drawer takes, in whole units
RECENT_SHIFTS = 30
NOT_OPEN = "The drawer is not open. Open it for the day with its float first."


def current_shift_id(session: Session, station_code: str) -> uuid.UUID | None:
    """The open shift of ``station_code``, if its drawer is open for the day."""
    return session.scalar(
        select(CashShift.id).where(
            CashShift.station_code == station_code, CashShift.closed_at.is_(None)
        )
    )


def max_amount(currency: str) -> int:
    """The largest sane amount of ``currency`` in minor units (100 million whole units)."""
    return MAX_MAJOR_UNITS * int(10 ** minor_digits(currency))


def may_close(actor: Actor, opened_by: uuid.UUID | None) -> bool:
    """Whoever opened the drawer closes it; a manager or owner may close anyone's (the
    evening manager counting the drawer the morning assistant opened)."""
    return actor.user_id == opened_by or actor.role in (Role.OWNER, Role.MANAGER)


class CashShiftService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- opening and the running shift -----------------------------------------------------

    def open_shift(self, opening_float: int) -> ShiftSummary:
        """Open this station's drawer for the day with ``opening_float`` (minor units).

        Raises ``ValidationError`` (a negative or absurd float; the drawer already open,
        under ``shift``), ``PermissionDenied``."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            profile = shop_profile(session)
            check = FieldChecker()
            if not 0 <= opening_float <= max_amount(profile.currency):
                check.fail("opening_float", _amount_range(profile, allow_zero=True))
            self._refuse_if_open(session, profile, check)
            check.raise_if_any()
            shift = CashShift(
                station_code=self.ctx.station_code,
                opened_at=datetime.now(UTC),
                opened_by=actor.user_id,
                opening_float=opening_float,
            )
            session.add(shift)
            try:
                session.flush()
            except IntegrityError:
                # Another window of this station opened it a moment ago.
                session.rollback()
                self._refuse_if_open(session, profile, check)
                check.raise_if_any()
                raise
            audit.record(
                session,
                self.ctx,
                "cash_shift_opened",
                "cash_shift",
                str(shift.id),
                opening_float=opening_float,
            )
            summary = self._summary(session, shift, profile)
            tx.commit()
            return summary

    def current(self) -> ShiftSummary | None:
        """This station's open shift with its running figures, or None."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            shift = self._open_shift(tx.session)
            if shift is None:
                return None
            return self._summary(tx.session, shift, shop_profile(tx.session))

    # -- cash in and out of the drawer -----------------------------------------------------

    def pay_in(self, amount: int, reason: str) -> ShiftSummary:
        """Put cash into the drawer outside a sale (more change from the bank).

        Raises ``ValidationError`` (amount, reason, no open shift under ``shift``),
        ``PermissionDenied``."""
        return self._move_cash("pay_in", amount, reason)

    def pay_out(self, amount: int, reason: str) -> ShiftSummary:
        """Take cash out of the drawer outside a sale (a courier paid, cash to the bank);
        never more than the drawer should hold.

        Raises ``ValidationError`` (amount, reason, no open shift under ``shift``),
        ``PermissionDenied``."""
        return self._move_cash("pay_out", amount, reason)

    def _move_cash(self, kind: str, amount: int, reason: str) -> ShiftSummary:
        actor = self.ctx.require(Permission.SELL)
        check = FieldChecker()
        cleaned = check.line("reason", reason[: MAX_REASON * 4], MAX_REASON, required=True)
        with self.ctx.uow() as tx:
            session = tx.session
            profile = shop_profile(session)
            shift = self._open_shift(session)
            if not 0 < amount <= max_amount(profile.currency):
                check.fail("amount", _amount_range(profile, allow_zero=False))
            if shift is None:
                check.fail("shift", NOT_OPEN)
            elif kind == "pay_out" and "amount" not in check.errors:
                in_drawer = expected_cash(session, shift)
                if amount > in_drawer:
                    check.fail(
                        "amount",
                        "The drawer should hold only "
                        f"{format_money(max(in_drawer, 0), profile.currency, profile.locale)}.",
                    )
            check.raise_if_any()
            assert shift is not None
            movement = CashMovement(
                shift_id=shift.id,
                kind=kind,
                amount=amount,
                reason=cleaned,
                at=datetime.now(UTC),
                user_id=actor.user_id,
                station_code=self.ctx.station_code,
            )
            session.add(movement)
            payload: dict[str, Any] = {"shift": str(shift.id), "amount": amount, "reason": cleaned}
            journal.append(session, self.ctx, kind, payload)
            action = "cash_paid_in" if kind == "pay_in" else "cash_paid_out"
            audit.record(session, self.ctx, action, "cash_shift", str(shift.id), **payload)
            session.flush()
            summary = self._summary(session, shift, profile)
            tx.commit()
            return summary

    def record_drawer_opened(self, reason: str) -> None:
        """Record that the drawer is opened without a sale (change for a customer, a
        check); the caller then opens it. Allowed without an open shift, to count the
        float in. Raises ``ValidationError`` (reason), ``PermissionDenied``."""
        self.ctx.require(Permission.SELL)
        check = FieldChecker()
        cleaned = check.line("reason", reason[: MAX_REASON * 4], MAX_REASON, required=True)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            shift_id = current_shift_id(tx.session, self.ctx.station_code)
            payload = {"shift": str(shift_id) if shift_id else None, "reason": cleaned}
            journal.append(tx.session, self.ctx, "drawer_open", payload)
            audit.record(
                tx.session, self.ctx, "drawer_opened", "cash_shift", str(shift_id or ""), **payload
            )
            tx.commit()

    # -- reports and closing ----------------------------------------------------------------

    def x_report(self) -> ShiftReport:
        """The open shift's figures so far; nothing is closed or numbered.
        Raises ``ValidationError`` (no open shift), ``PermissionDenied``."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            shift = self._open_shift(tx.session)
            if shift is None:
                raise ValidationError({"shift": NOT_OPEN})
            return read_report(tx.session, shift, datetime.now(UTC))

    def close_shift(
        self, counted: Mapping[int, int], note: str = "", shift_id: uuid.UUID | None = None
    ) -> ShiftReport:
        """Close this station's open shift with the drawer's count and return its Z report.

        ``counted`` maps a note or coin (minor units) to how many were counted; an
        amount counted as a whole goes under ``LOOSE`` (1) as that many minor units.
        With ``shift_id`` (the shift the counter saw), a shift closed meanwhile is not
        mistaken for the one opened after it. Whoever opened the drawer closes it; a
        manager or owner may close a shift someone else opened.

        Raises ``ValidationError`` (a count per ``counted.<value>``, the total under
        ``counted``, ``note``, no open shift or already closed under ``shift``),
        ``PermissionDenied``."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            profile = shop_profile(session)
            check = FieldChecker()
            cleaned_note = check.text("note", note[: MAX_NOTE * 4], MAX_NOTE)
            counts = _checked_counts(check, counted, profile)
            shift = self._open_shift(session)
            if shift is None or (shift_id is not None and shift.id != shift_id):
                check.fail("shift", self._not_open_message(session, shift_id))
            check.raise_if_any()
            assert shift is not None
            if not may_close(actor, shift.opened_by):
                raise PermissionDenied(
                    f"{display_name(session, shift.opened_by) or 'Someone else'} opened this "
                    "drawer: only they or a manager can close it."
                )
            report = self._close(session, shift, actor, counts, cleaned_note)
            tx.commit()
            return report

    def _close(
        self,
        session: Session,
        shift: CashShift,
        actor: Actor,
        counts: tuple[CountedDenomination, ...],
        note: str,
    ) -> ShiftReport:
        closed_at = datetime.now(UTC)
        z_number = next_number(session, self.ctx.station_code, "z_report")
        shift.closed_at, shift.closed_by, shift.z_number = closed_at, actor.user_id, z_number
        counted_cash = sum(c.total for c in counts)
        report = replace(
            read_report(session, shift, closed_at),
            z_number=z_number,
            counted_cash=counted_cash,
            denominations=counts,
            note=note,
        )
        shift.expected_cash = report.expected_cash
        shift.counted_cash = counted_cash
        shift.counted_denominations = json.dumps({str(c.value): c.count for c in counts})
        shift.z_report = report_to_json(report)
        figures: dict[str, Any] = {
            "shift": str(shift.id),
            "z_number": z_number,
            "opened_at": shift.opened_at.isoformat(),
            "closed_at": closed_at.isoformat(),
            "opening_float": shift.opening_float,
            "sales": report.sales_total,
            "refunds": report.refunds_total,
            "cash_takings": report.cash_takings,
            "pay_ins": report.pay_ins,
            "pay_outs": report.pay_outs,
            "expected": report.expected_cash,
            "counted": counted_cash,
            "over_short": report.over_short,
        }
        journal.append(session, self.ctx, "z_report", figures)
        audit.record(session, self.ctx, "cash_shift_closed", "cash_shift", str(shift.id), **figures)
        return report

    def z_report(self, shift_id: uuid.UUID) -> ShiftReport:
        """A closed shift's Z report exactly as it was printed.
        Raises ``NotFound`` (no such shift, or not closed yet), ``PermissionDenied``."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            shift = tx.session.get(CashShift, shift_id)
            if shift is None or not shift.z_report:
                raise NotFound("This shift has no Z report: it is not closed.")
            return report_from_json(shift.z_report)

    def recent_shifts(
        self, limit: int = RECENT_SHIFTS, all_stations: bool = False
    ) -> list[ShiftSummary]:
        """This station's shifts (or every station's), the newest first."""
        self.ctx.require(Permission.SELL)
        statement = select(CashShift).order_by(CashShift.opened_at.desc()).limit(min(limit, 500))
        if not all_stations:
            statement = statement.where(CashShift.station_code == self.ctx.station_code)
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            return [self._summary(tx.session, s, profile) for s in tx.session.scalars(statement)]

    # -- helpers ---------------------------------------------------------------------------

    def _open_shift(self, session: Session) -> CashShift | None:
        shift_id = current_shift_id(session, self.ctx.station_code)
        return session.get(CashShift, shift_id) if shift_id is not None else None

    def _refuse_if_open(self, session: Session, profile: ShopProfile, check: FieldChecker) -> None:
        shift = self._open_shift(session)
        if shift is not None:
            since = _when(shift.opened_at, profile.locale)
            by = display_name(session, shift.opened_by)
            check.fail(
                "shift",
                f"The drawer is already open since {since}" + (f" ({by})." if by else "."),
            )

    def _not_open_message(self, session: Session, shift_id: uuid.UUID | None) -> str:
        seen = session.get(CashShift, shift_id) if shift_id is not None else None
        if seen is not None and seen.z_number:
            return f"This shift is already closed ({seen.z_number})."
        return NOT_OPEN

    def _summary(self, session: Session, shift: CashShift, profile: ShopProfile) -> ShiftSummary:
        if shift.closed_at is None:
            sales_count, sales_total = sales_in_window(session, shift, datetime.now(UTC))
            expected = expected_cash(session, shift)
        elif shift.z_report:
            closed = report_from_json(shift.z_report)
            sales_count, sales_total = closed.sales_count, closed.sales_total
            expected = closed.expected_cash
        else:  # closed at another station, its report not synced here yet
            sales_count, sales_total, expected = 0, 0, shift.expected_cash or 0
        return ShiftSummary(
            id=shift.id,
            station_code=shift.station_code,
            opened_at=shift.opened_at,
            opened_by=display_name(session, shift.opened_by),
            opened_by_id=shift.opened_by,
            opening_float=shift.opening_float,
            expected_cash=expected,
            sales_count=sales_count,
            sales_total=sales_total,
            currency=profile.currency,
            locale=profile.locale,
            closed_at=shift.closed_at,
            closed_by=display_name(session, shift.closed_by),
            counted_cash=shift.counted_cash,
            z_number=shift.z_number or "",
        )


def _checked_counts(
    check: FieldChecker, counted: Mapping[int, int], profile: ShopProfile
) -> tuple[CountedDenomination, ...]:
    """The counted notes and coins, largest first, with any wrong count reported."""
    known = denominations(profile.currency)
    limit = max_amount(profile.currency)
    counts: list[CountedDenomination] = []
    if len(counted) > 100:
        check.fail("counted", "Count each note and coin once.")
        return ()
    for value, count in counted.items():
        field = f"counted.{value}"
        if not isinstance(value, int) or not known.accepts(value):
            check.fail(field, f"{value} is not a note or coin of {known.currency}.")
        elif not isinstance(count, int) or count < 0:
            check.fail(field, "Count zero or more.")
        elif value * count > limit:
            check.fail(field, "This count is too large.")
        elif count:
            counts.append(CountedDenomination(value, count))
    if "counted" not in check.errors and sum(c.total for c in counts) > limit:
        check.fail("counted", "This count is too large.")
    return tuple(sorted(counts, key=lambda c: c.value, reverse=True))


def _amount_range(profile: ShopProfile, allow_zero: bool) -> str:
    top = format_money(max_amount(profile.currency), profile.currency, profile.locale)
    lowest = "zero" if allow_zero else "more than zero"
    return f"Enter an amount from {lowest} up to {top}."


def _when(value: datetime, locale: str) -> str:
    local = value.astimezone()
    return str(format_datetime(local, "short", tzinfo=local.tzinfo, locale=locale))
