"""The dashboard's and reports' periods: what each covers and what it is compared with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from desktop.services.errors import ValidationError
from desktop.services.report_periods import MAX_DAYS, Period, PeriodKind, period

# A Thursday.
TODAY = date(2026, 3, 12)


def days(p: Period) -> tuple[date, date]:
    return p.first, p.last


def test_today_is_compared_with_yesterday() -> None:
    today = period("today", TODAY)
    assert days(today) == (TODAY, TODAY) and today.days == 1
    assert days(today.previous()) == (date(2026, 3, 11), date(2026, 3, 11))


def test_this_week_starts_on_the_locales_first_day_and_is_compared_up_to_the_same_day() -> None:
    monday_week = period("this_week", TODAY, locale="en_GB")
    assert days(monday_week) == (date(2026, 3, 9), TODAY)
    assert days(monday_week.previous()) == (date(2026, 3, 2), date(2026, 3, 5))
    sunday_week = period("this_week", TODAY, locale="en_US")
    assert days(sunday_week) == (date(2026, 3, 8), TODAY)
    # An unknown locale falls back to weeks that start on Monday.
    assert days(period("this_week", TODAY, locale="xx_NOWHERE")) == days(monday_week)


def test_this_month_so_far_is_compared_with_the_same_days_of_the_month_before() -> None:
    month = period(PeriodKind.THIS_MONTH, TODAY)
    assert days(month) == (date(2026, 3, 1), TODAY)
    assert days(month.previous()) == (date(2026, 2, 1), date(2026, 2, 12))
    # On the 31st the month before may be shorter: it is compared whole.
    end_of_march = period("this_month", date(2026, 3, 31))
    assert days(end_of_march.previous()) == (date(2026, 2, 1), date(2026, 2, 28))
    # January looks back into December of the year before.
    january = period("this_month", date(2027, 1, 5))
    assert days(january.previous()) == (date(2026, 12, 1), date(2026, 12, 5))


def test_last_month_is_whole_and_is_compared_with_the_whole_month_before() -> None:
    last = period("last_month", TODAY)
    assert days(last) == (date(2026, 2, 1), date(2026, 2, 28)) and last.days == 28
    assert days(last.previous()) == (date(2026, 1, 1), date(2026, 1, 31))
    assert days(period("last_month", date(2026, 1, 20))) == (date(2025, 12, 1), date(2025, 12, 31))


def test_a_custom_range_is_compared_with_as_many_days_just_before() -> None:
    custom = period("custom", TODAY, date(2026, 2, 20), date(2026, 3, 1))
    assert custom.days == 10
    assert days(custom.previous()) == (date(2026, 2, 10), date(2026, 2, 19))
    assert period("custom", TODAY, date(2016, 3, 13), date(2026, 3, 12)).days == 3652
    # Ten calendar years with three leap days are the longest.
    assert period("custom", TODAY, date(2012, 1, 1), date(2021, 12, 31)).days == MAX_DAYS


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (None, date(2026, 3, 1), "first and the last day"),
        (date(2026, 3, 1), None, "first and the last day"),
        (date(2026, 3, 2), date(2026, 3, 1), "comes before the first"),
        (date(2016, 3, 11), date(2026, 3, 12), "at most ten years"),
    ],
)
def test_a_custom_range_that_cannot_be_read_is_refused(
    first: date | None, last: date | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        period("custom", TODAY, first, last)
    assert set(refused.value.errors) == {"period"}


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValidationError, match="no period 'fortnight'"):
        period("fortnight", TODAY)


def test_bounds_are_the_local_midnights_in_utc_end_excluded() -> None:
    start, end = period("today", TODAY).bounds()
    assert start.tzinfo == UTC and end.tzinfo == UTC
    assert start.astimezone().replace(tzinfo=None) == datetime(2026, 3, 12)
    assert end.astimezone().replace(tzinfo=None) == datetime(2026, 3, 13)
    first, last = period("last_month", TODAY).bounds()
    # 28 days, give or take a clock change inside the month.
    assert abs(last - first - timedelta(days=28)) <= timedelta(hours=1)


def test_a_chart_steps_by_day_up_to_three_months_then_by_month() -> None:
    month = period("this_month", TODAY)
    steps = month.buckets()
    assert [b.first for b in steps] == [date(2026, 3, d) for d in range(1, 13)]
    assert not any(b.monthly for b in steps)
    quarter = period("custom", TODAY, date(2026, 1, 1), date(2026, 4, 2))
    assert quarter.days == 92 and len(quarter.buckets()) == 92
    longer = period("custom", TODAY, date(2026, 1, 15), date(2026, 4, 20))
    assert [b.first for b in longer.buckets()] == [
        date(2026, 1, 15), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
    ]  # fmt: skip
    ten_years = period("custom", TODAY, date(2016, 3, 13), date(2026, 3, 12))
    assert len(ten_years.buckets()) == 121 and all(b.monthly for b in ten_years.buckets())


@pytest.mark.parametrize("kind", ["today", "this_week", "last_month"])
def test_chart_steps_cover_the_period_end_to_end(kind: str) -> None:
    chosen = period(kind, TODAY)
    steps = chosen.buckets()
    start, end = chosen.bounds()
    assert steps[0].start == start and steps[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(steps))
    long = period("custom", TODAY, date(2020, 2, 29), date(2026, 3, 12))
    long_steps = long.buckets()
    assert long_steps[0].start == long.bounds()[0] and long_steps[-1].end == long.bounds()[1]
    assert all(a.end == b.start for a, b in pairwise(long_steps))
