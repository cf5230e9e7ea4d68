"""Every report of the catalog runs over the known week, under its own key, and only for
the roles that may read it."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.report_catalog import REPORTS, ReportRequest, run_report, spec
from desktop.services.report_periods import PeriodKind, period
from tests.unit.services.reports.conftest import OWNER_PASSWORD, STAFF_PASSWORD, KnownWeek

TODAY = date(2026, 3, 10)
WEEK = ReportRequest(period(PeriodKind.CUSTOM, TODAY, date(2026, 3, 6), date(2026, 3, 9)), TODAY)


def test_every_report_runs_under_its_own_key(week: KnownWeek) -> None:
    keys = [report.key for report in REPORTS]
    assert len(keys) == len(set(keys))
    for report in REPORTS:
        table = run_report(week.services, report.key, WEEK)
        assert table.key == report.key
        assert all(len(row) == len(table.columns) for row in table.rows), report.key


def test_reports_that_take_days_use_their_default_or_the_days_given(week: KnownWeek) -> None:
    # T3 became ready on Tuesday 10 March: ready for 0 days then, 7 days on the 17th.
    later = ReportRequest(WEEK.period, date(2026, 3, 17))
    assert spec("ready_not_collected").default_days == 7
    assert len(run_report(week.services, "ready_not_collected", later).rows) == 1
    fewer = ReportRequest(WEEK.period, date(2026, 3, 16))
    assert run_report(week.services, "ready_not_collected", fewer).empty
    assert len(run_report(week.services, "ready_not_collected", ReportRequest(
        WEEK.period, date(2026, 3, 16), days=6
    )).rows) == 1  # fmt: skip
    with pytest.raises(ValidationError):
        run_report(week.services, "ready_not_collected", ReportRequest(WEEK.period, TODAY, -1))


def test_an_unknown_report_is_refused(week: KnownWeek) -> None:
    with pytest.raises(ValidationError):
        run_report(week.services, "wages", WEEK)


@pytest.mark.parametrize("who", ["tom", "front"])
def test_no_report_runs_for_technicians_or_front_desk(week: KnownWeek, who: str) -> None:
    services = week.services
    if who == "front" and "front" not in {u.username for u in services.accounts.list_users()}:
        services.accounts.add_user("front", "Front", "front_desk", STAFF_PASSWORD)
    services.accounts.login(who, STAFF_PASSWORD)
    try:
        for report in REPORTS:
            with pytest.raises(PermissionDenied):
                run_report(services, report.key, WEEK)
    finally:
        services.accounts.login("owner", OWNER_PASSWORD)
