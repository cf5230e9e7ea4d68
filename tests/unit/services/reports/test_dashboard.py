"""The dashboard's figures over the known week (see conftest), worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.errors import PermissionDenied
from desktop.services.report_periods import PeriodKind, period
from tests.unit.services.reports.conftest import STAFF_PASSWORD, KnownWeek

WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))


def test_revenue_is_money_received_on_documents_by_local_day(week: KnownWeek) -> None:
    figures = week.services.dashboard.figures(WEEK)
    # Friday: sale A 149.50 + sale B 10.00 + 13.00 + sale C's 15.00 = 187.50. The
    # deposits (20.00, 10.00 and its refund) are on no document yet.
    # Monday: invoice C 40.00 + 60.00 (23:30 local is Tuesday in UTC), the refund -23.00,
    # T1's checkout 140.00 by card + its 20.00 deposit applied = 237.00.
    assert [p.value for p in figures.trend.revenue_per_step] == [18750, 0, 0, 23700]
    assert figures.trend.current.revenue == 42450
    by_method = {p.label: p.value for p in figures.trend.revenue_by_method}
    # Cash 149.50 + 13.00 + 15.00 + 60.00 - 23.00; card 10.00 + 40.00 + 140.00.
    assert by_method == {"Cash": 21450, "Card": 19000, "Deposits applied": 2000}
    assert sum(by_method.values()) == figures.trend.current.revenue


def test_net_sales_and_gross_profit_exclude_tax_and_give_back_restocked_cost(
    week: KnownWeek,
) -> None:
    current = week.services.dashboard.trend(WEEK).current
    # Net: A 90.00 + 40.00, B 20.00, C 100.00, T1 labour 39.13 + screen 100.00, D 20.00,
    # less the returned case 20.00 = 389.13.
    assert current.net_sales == 38913
    # Cost: A 40.00 + 2 x 5.00, B 5.00, C 40.00, T1's screen 40.00, D 5.00, less the
    # case put back on the shelf 5.00 = 135.00.
    assert current.cost_of_sales == 13500
    assert current.gross_profit == 25413
    # Sales A, B, C, T1's checkout, D; the voided invoice and the held sale never count.
    assert current.sales == 5
    assert current.refunds == 2300


def test_tickets_pending_payments_and_the_drawer_now(week: KnownWeek) -> None:
    figures = week.services.dashboard.figures(WEEK)
    assert figures.now.statuses["cancelled"] == 1 and figures.now.statuses["ready"] == 1
    assert figures.now.statuses["closed"] == 1  # T1, paid in full at checkout
    assert figures.now.statuses["open"] == 1 and figures.now.statuses["in_progress"] == 1
    assert figures.now.waiting == 1 and figures.now.tickets == 6
    assert figures.now.overdue == 2  # T4 and T5; T6 has no promise
    # Invoice D owes 23.00 (C is paid off); T3 will charge 30.00 less its 5.00 deposit.
    assert (figures.now.pending_invoices, figures.now.pending_tickets) == (2300, 2500)
    assert figures.now.low_stock == 1
    # Float 100.00 + cash 149.50 + 13.00 + 15.00 + deposits 20.00 + 10.00 - 10.00
    # - the refund 23.00 + invoice C 60.00 + T3's deposit 5.00, + pay-in 5.00 - pay-out
    # 3.00 = 341.50.
    assert (figures.now.cash_in_drawer, figures.now.open_shifts) == (34150, 1)
    tom = next(load for load in figures.now.workload if load.technician_id == week.tom)
    assert tom.by_category == {"in_progress": 1}


def test_tickets_opened_and_completed_per_day_and_turnaround(week: KnownWeek) -> None:
    figures = week.services.dashboard.figures(WEEK)
    # T1 and T2 opened Friday; T1 completed Monday 10:30, 3 days and 1.5 hours after
    # (summer time took an hour: 72.5 hours of UTC).
    assert [p.value for p in figures.trend.opened_per_step] == [2, 0, 0, 0]
    assert [p.value for p in figures.trend.completed_per_step] == [0, 0, 0, 1]
    assert figures.trend.current.turnaround_days == pytest.approx(72.5 / 24)


def test_the_previous_period_is_empty_and_compared(week: KnownWeek) -> None:
    figures = week.services.dashboard.figures(WEEK)
    assert (figures.trend.previous.revenue, figures.trend.previous.sales) == (0, 0)
    assert figures.trend.previous.turnaround_days is None


def test_technicians_see_their_own_figures_and_not_the_shop(week: KnownWeek) -> None:
    services = week.services
    services.accounts.login("tom", STAFF_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            services.dashboard.figures(WEEK)
        mine = services.dashboard.technician_figures(WEEK)
    finally:
        services.accounts.login("owner", "owner-pass-1")
    assert mine.queue == {"in_progress": 1}
    assert mine.overdue == 1 and mine.completed == 1
    assert mine.labour_billed == 3913


def test_ten_years_are_charted_by_month(week: KnownWeek) -> None:
    ten_years = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2017, 1, 1), date(2026, 12, 31))
    figures = week.services.dashboard.figures(ten_years)
    assert len(figures.trend.revenue_per_step) == 120
    by_month = {p.label: p.value for p in figures.trend.revenue_per_step if p.value}
    assert by_month == {"Mar 2026": 42450}
    assert figures.trend.current.revenue == 42450


def test_an_empty_period_gives_zeros(week: KnownWeek) -> None:
    quiet = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 2, 1), date(2026, 2, 28))
    figures = week.services.dashboard.figures(quiet)
    assert figures.trend.current.revenue == figures.trend.current.sales == 0
    assert figures.trend.revenue_by_method == ()
    assert all(p.value == 0 for p in figures.trend.revenue_per_step)


def test_deposits_make_one_slice_and_credit_against_a_balance_none(shop) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.services.customers import CustomerInput
    from desktop.services.items import ItemInput
    from desktop.services.returns import ReturnLine
    from desktop.services.sales_types import PaymentInput
    from desktop.services.ticket_work import LabourInput
    from desktop.services.tickets import TicketInput

    customer = shop.customers.create(CustomerInput(first_name="Ana", last_name="Lima")).id
    for deposit in (2000, 1000):
        ticket = shop.tickets.create(TicketInput(customer, problem="Screen")).id
        shop.ticket_payments.take_deposit(ticket, [PaymentInput("cash", deposit)])
        shop.ticket_work.add_labour(ticket, LabourInput("Swap", flat_amount=5000))
        cart = shop.ticket_payments.checkout_cart(ticket)
        shop.sales.complete(cart, [PaymentInput("card", 5000 - deposit)])
    case = shop.items.create(ItemInput("Case", cost_price=500, sell_price=2300)).item.id
    shop.stock.receive(case, 2, 500)
    owed = replace(
        shop.sales.new_cart(), lines=(shop.sales.line_for_item(case),), customer_id=customer
    )
    invoice = shop.sales.complete(owed, [PaymentInput("on_account", 2300)]).document
    # Returned before it is paid: the credit goes against the balance, nothing paid back.
    shop.returns.refund(invoice.id, [ReturnLine(invoice.lines[0].id, 1)], [], "Wrong one")
    today = period(PeriodKind.TODAY, date.today())
    figures = shop.dashboard.figures(today)
    by_method = {p.label: p.value for p in figures.trend.revenue_by_method}
    # Two checkouts of 50.00: 30.00 + 40.00 by card and the two deposits applied.
    assert by_method == {"Card": 7000, "Deposits applied": 3000}
    assert sum(by_method.values()) == figures.trend.current.revenue == 10000
    table = shop.sales_reports.by_method(today)
    assert table.values("method") == ["Card", "Deposits applied"]
