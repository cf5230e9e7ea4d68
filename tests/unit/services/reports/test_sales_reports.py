"""Sales reports over the known week (see conftest), worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.errors import PermissionDenied
from desktop.services.report_periods import PeriodKind, period
from tests.unit.services.reports.conftest import STAFF_PASSWORD, KnownWeek

WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))
QUIET = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 2, 1), date(2026, 2, 28))


def test_sales_by_day_fall_on_the_local_day(week: KnownWeek) -> None:
    report = week.services.sales_reports.by_day(WEEK)
    friday = report.row_by("day", date(2026, 3, 6))
    # A 90.00 + 40.00, B 20.00, C 100.00 without tax; tax 13.50 + 6.00 + 3.00 + 15.00;
    # cost 40.00 + 10.00 + 5.00 + 40.00; received 149.50 + 23.00 + 15.00.
    assert (friday["documents"], friday["net"], friday["tax"]) == (3, 25000, 3750)
    assert (friday["cost"], friday["profit"], friday["received"]) == (9500, 15500, 18750)
    monday = report.row_by("day", date(2026, 3, 9))
    # T1's checkout 39.13 + 100.00 and D 20.00, less the returned case 20.00; tax
    # 5.87 + 15.00 + 3.00 - 3.00; cost 40.00 + 5.00 - 5.00 (the case went back).
    assert (monday["documents"], monday["net"], monday["tax"]) == (2, 13913, 2087)
    assert (monday["cost"], monday["received"]) == (4000, 23700)
    assert report.values("day") == [date(2026, 3, 6), date(2026, 3, 9)]  # quiet days left out
    assert report.totals is not None and report.totals[report.column("net")] == 38913


def test_the_tax_summary_declares_sales_less_refunds_per_rate(week: KnownWeek) -> None:
    report = week.services.sales_reports.tax_summary(WEEK)
    # One rate, 15 %: sales 250.00 + 139.13 + 20.00 = 409.13 without tax; the refund
    # 20.00; tax 37.50 + 20.87 = 58.37; with tax, what was sold less the refund:
    # 149.50 + 23.00 + 115.00 + 160.00 + 23.00 - 23.00 = 447.50.
    assert report.rows == ((1500, 40913, 2000, 38913, 5837, 44750),)
    assert report.totals == ("Total", 40913, 2000, 38913, 5837, 44750)


def test_sales_by_method_staff_item_and_category(week: KnownWeek) -> None:
    reports = week.services.sales_reports
    by_method = reports.by_method(WEEK)
    # Cash: A, B, C, C's last 60.00 and the refund paid back; card: B, C's 40.00, T1.
    assert by_method.row_by("method", "Cash") == {
        "method": "Cash", "payments": 5, "amount": 21450, "tips": 0,
    }  # fmt: skip
    assert by_method.row_by("method", "Card")["amount"] == 19000
    assert by_method.row_by("method", "Deposits applied")["amount"] == 2000
    by_staff = reports.by_staff(WEEK)
    owner = by_staff.row_by("staff", "Olivia Owner")
    assert (owner["documents"], owner["net"], owner["tax"], owner["refunds"]) == (
        5, 38913, 5837, 2300,
    )  # fmt: skip
    assert owner["profit"] == 25413
    by_item = reports.by_item(WEEK)
    # Screens: A, C and the one fitted on T1, 90.00 + 100.00 + 100.00, cost 3 x 40.00.
    assert by_item.row_by("item", "Screen") == {
        "item": "Screen", "sku": by_item.row_by("item", "Screen")["sku"],
        "quantity": 3, "net": 29000, "cost": 12000, "profit": 17000,
    }  # fmt: skip
    # Cases: A 2 + B 1 + D 1 - 1 returned.
    assert by_item.row_by("item", "Case")["quantity"] == 3
    assert by_item.row_by("item", "Screen swap")["net"] == 3913
    by_category = reports.by_category(WEEK)
    assert by_category.rows == (("No category", 7, 38913, 13500, 25413),)


def test_refunds_and_voids_list_the_credit_note_and_both_voids(week: KnownWeek) -> None:
    report = week.services.sales_reports.refunds_and_voids(WEEK)
    assert sorted(report.values("kind")) == ["Invoice voided", "Refund", "Sale voided"]
    refund = report.row_by("kind", "Refund")
    assert (refund["amount"], refund["details"]) == (2300, "put back on the shelf")
    # The held sale held one case (23.00); the voided invoice three (69.00).
    assert report.row_by("kind", "Sale voided")["amount"] == 2300
    assert report.row_by("kind", "Invoice voided")["amount"] == 6900
    # Money given back and sales never made do not add up: a sum for each, no total.
    assert report.totals is None
    assert [(p.label, p.value) for p in report.chart] == [("Refunds", 2300), ("Voids", 9200)]


def test_discounts_given(week: KnownWeek) -> None:
    report = week.services.sales_reports.discounts(WEEK)
    # 10 % off sale A's 115.00 screen; against 470.50 sold with tax (refund not taken
    # away) + the 11.50 given: 2.39 %.
    assert report.rows == (("Olivia Owner", 1150, 0, 1150, 239),)


def test_a_quiet_period_gives_empty_reports(week: KnownWeek) -> None:
    reports = week.services.sales_reports
    for report in (
        reports.by_day(QUIET),
        reports.by_item(QUIET),
        reports.by_category(QUIET),
        reports.by_method(QUIET),
        reports.by_staff(QUIET),
        reports.discounts(QUIET),
        reports.refunds_and_voids(QUIET),
        reports.tax_summary(QUIET),
    ):
        assert report.empty and report.totals is None, report.key


def test_technicians_may_not_read_sales_reports(week: KnownWeek) -> None:
    services = week.services
    services.accounts.login("tia", STAFF_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            services.sales_reports.tax_summary(WEEK)
    finally:
        services.accounts.login("owner", "owner-pass-1")
