"""The periods a manager picks for the dashboard and the reports, and what each is
compared with.

A period is whole local days, first and last included: "this month" on the 14th is the
1st to the 14th. Its comparison is the period just before it of the same shape: yesterday
for today, last week up to the same weekday for this week, the previous month up to the
same day for this month (a shorter month stops at its end), the whole month before for
last month, and the same number of days just before for a custom range. Queries take
``bounds()``: the local midnights at both ends, in UTC, end excluded.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from babel import Locale, UnknownLocaleError

from desktop.services.errors import ValidationError

# Ten years of days and the leap days among them: the longest period a report reads.
MAX_DAYS = 3653
# Charts of longer periods show months instead of days.
MAX_DAILY_BUCKETS = 92


class PeriodKind(StrEnum):
    TODAY = "today"
    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Bucket:
    """One step of a chart: a local day, or a month (``monthly``) from ``first``; its
    start and end (excluded) in UTC."""

    first: date
    monthly: bool
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last``, both included."""

    kind: PeriodKind
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The period's start and end (excluded) as UTC times: local midnights, so a
        day in a report is the day on the shop's clock."""
        return local_midnight(self.first), local_midnight(self.last + timedelta(days=1))

    def buckets(self) -> list[Bucket]:
        """The chart's steps across the period: each day, or each month when the period
        is longer than ``MAX_DAILY_BUCKETS`` days (the first and last month cut to the
        period). Contiguous: each ends where the next starts."""
        firsts: list[date] = []
        day = self.first
        while day <= self.last:
            firsts.append(day)
            if self.days <= MAX_DAILY_BUCKETS:
                day += timedelta(days=1)
            else:
                day = (_month_start(day) + timedelta(days=32)).replace(day=1)
        ends = [*firsts[1:], self.last + timedelta(days=1)]
        monthly = self.days > MAX_DAILY_BUCKETS
        return [
            Bucket(first, monthly, local_midnight(first), local_midnight(end))
            for first, end in zip(firsts, ends, strict=True)
        ]

    def previous(self) -> Period:
        """The period this one is compared with (see the module's docstring)."""
        if self.kind == PeriodKind.THIS_MONTH:
            first = _month_start(self.first - timedelta(days=1))
            return Period(self.kind, first, _same_day_or_month_end(first, self.last.day))
        if self.kind == PeriodKind.LAST_MONTH:
            first = _month_start(self.first - timedelta(days=1))
            return Period(self.kind, first, self.first - timedelta(days=1))
        span = timedelta(days=7 if self.kind == PeriodKind.THIS_WEEK else self.days)
        return Period(self.kind, self.first - span, self.last - span)


def period(
    kind: PeriodKind | str,
    today: date,
    first: date | None = None,
    last: date | None = None,
    *,
    locale: str = "en_US",
) -> Period:
    """The period ``kind`` as seen on ``today``; ``first`` and ``last`` only for a
    custom range. Weeks start on the locale's first day of the week. Raises
    ``ValidationError`` for an unknown kind, a custom range without both ends, ending
    before it starts, or longer than ten years."""
    try:
        kind = PeriodKind(kind)
    except ValueError:
        raise ValidationError({"period": f"There is no period {kind!r}."}) from None
    if kind == PeriodKind.TODAY:
        return Period(kind, today, today)
    if kind == PeriodKind.THIS_WEEK:
        back = (today.weekday() - _first_weekday(locale)) % 7
        return Period(kind, today - timedelta(days=back), today)
    if kind == PeriodKind.THIS_MONTH:
        return Period(kind, _month_start(today), today)
    if kind == PeriodKind.LAST_MONTH:
        end = _month_start(today) - timedelta(days=1)
        return Period(kind, _month_start(end), end)
    return _custom(first, last)


def _custom(first: date | None, last: date | None) -> Period:
    if first is None or last is None:
        raise ValidationError({"period": "Choose the first and the last day."})
    if last < first:
        raise ValidationError({"period": "The last day comes before the first."})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError({"period": "Choose at most ten years."})
    return Period(PeriodKind.CUSTOM, first, last)


def _first_weekday(locale: str) -> int:
    """Monday 0 … Sunday 6, as the locale's calendars start their weeks."""
    try:
        return int(Locale.parse(locale).first_week_day)
    except (UnknownLocaleError, ValueError, TypeError):
        return 0


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _same_day_or_month_end(month_start: date, day: int) -> date:
    last_day = calendar.monthrange(month_start.year, month_start.month)[1]
    return month_start.replace(day=min(day, last_day))


def local_midnight(day: date) -> datetime:
    """The UTC moment the shop's local ``day`` begins."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)
