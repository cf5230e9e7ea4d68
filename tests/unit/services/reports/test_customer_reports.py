"""Customer balances, receivables aging and top customers, over the known week (see
conftest) and over a shop of invoices of known ages, worked out by hand.

The aged shop (America/New_York; every price includes 15 % tax, a widget sells for
10.00), on Tuesday 30 June 2026:
- Ana: invoice 1, 10 widgets = 100.00, issued 20 June (10 days old), due 15 July;
  invoice 2, 5 widgets = 50.00, issued 15 May (46 days), due 1 June: overdue, 20.00
  paid on 20 May, so 30.00 owed. She also bought 3 widgets (30.00, by card) on 29 June,
  and brought one back (10.00, by card) on 30 June.
- Bo: invoice 3, 20 widgets = 200.00, issued 20 April (71 days); invoice 4, 4 widgets
  = 40.00, issued 1 March (121 days).
- Cy: invoice 5, 1 widget = 10.00, issued 30 May 23:30 local (31 days old; already
  31 May in UTC, 30 days); invoice 6, 2 widgets = 20.00, issued 31 May 00:30 (30 days);
  15.00 store credit.
- Dee: invoice 7, 3 widgets = 30.00, issued 1 June and paid in full on 2 June; 25.00
  store credit.
- A walk-in customer bought 2 widgets (20.00, cash) on 29 June.
Invoices 3 to 7 are due on 31 December.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import select, update

from desktop.models import Customer, ShopProfile, TaxClass
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.invoice_lists import owed_by
from desktop.services.invoices import InvoiceDraft
from desktop.services.items import ItemInput
from desktop.services.payments import store_credit_balance
from desktop.services.report_periods import PeriodKind, period
from desktop.services.returns import ReturnLine
from desktop.services.sales_types import PaymentInput
from desktop.services.setup import ShopSetup
from tests.unit.services.reports.conftest import (
    OWNER_PASSWORD,
    STAFF_PASSWORD,
    KnownWeek,
    at,
)

WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))
TODAY = date(2026, 6, 30)
MAY = period(PeriodKind.CUSTOM, TODAY, date(2026, 5, 1), date(2026, 5, 31))
JUNE = period(PeriodKind.CUSTOM, TODAY, date(2026, 6, 1), date(2026, 6, 30))
LATER = date(2026, 12, 31)


@dataclass(frozen=True)
class AgedShop:
    services: Services


@pytest.fixture(scope="module")
def aged(shop_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgedShop]:
    services = Services.open(tmp_path_factory.mktemp("aged") / "aged.db")
    try:
        _make_aged_shop(services)
        yield AgedShop(services)
    finally:
        services.close()


def _make_aged_shop(shop: Services) -> None:
    with at("2026-02-20 08:00"):
        shop.setup.create_shop(ShopSetup("Aged Repairs", "USD", "owner", "Olivia", OWNER_PASSWORD))
        shop.accounts.login("owner", OWNER_PASSWORD)
        with shop.ctx.uow() as tx:
            tx.session.execute(update(ShopProfile).values(prices_include_tax=True))
            tx.session.execute(
                update(TaxClass).where(TaxClass.code == "standard").values(rate_bp=1500)
            )
            tx.commit()
        widget = shop.items.create(ItemInput("Widget", cost_price=400, sell_price=1000)).item.id
        shop.stock.receive(widget, 100, 400)
        people = {
            name: shop.customers.create(CustomerInput(first_name=name)).id
            for name in ("Ana", "Bo", "Cy", "Dee")
        }

    def invoice(when: str, who: str, widgets: int, due: date) -> None:
        with at(when):
            draft = shop.invoices.create_draft(
                InvoiceDraft(
                    customer_id=people[who],
                    lines=(shop.sales.line_for_item(widget, widgets),),
                    due_date=due,
                )
            )
            invoices[when] = shop.invoices.issue(draft.id).id

    invoices: dict[str, uuid.UUID] = {}
    invoice("2026-03-01 10:00", "Bo", 4, LATER)
    invoice("2026-04-20 10:00", "Bo", 20, LATER)
    invoice("2026-05-15 10:00", "Ana", 5, date(2026, 6, 1))
    with at("2026-05-20 10:00"):
        shop.invoices.pay(invoices["2026-05-15 10:00"], [PaymentInput("card", 2000)])
    invoice("2026-05-30 23:30", "Cy", 1, LATER)
    invoice("2026-05-31 00:30", "Cy", 2, LATER)
    invoice("2026-06-01 10:00", "Dee", 3, LATER)
    with at("2026-06-02 10:00"):
        shop.invoices.pay(invoices["2026-06-01 10:00"], [PaymentInput("card", 3000)])
        shop.invoices.issue_store_credit(people["Cy"], 1500, "Late repair")
        shop.invoices.issue_store_credit(people["Dee"], 2500, "Price match")
    invoice("2026-06-20 10:00", "Ana", 10, date(2026, 7, 15))
    with at("2026-06-29 08:00"):
        shop.cash_shifts.open_shift(10000)
    with at("2026-06-29 09:00"):
        walk_in = replace(shop.sales.new_cart(), lines=(shop.sales.line_for_item(widget, 2),))
        shop.sales.complete(walk_in, [PaymentInput("cash", 2000)])
    with at("2026-06-29 10:00"):
        cart = replace(
            shop.sales.new_cart(),
            lines=(shop.sales.line_for_item(widget, 3),),
            customer_id=people["Ana"],
        )
        bought = shop.sales.complete(cart, [PaymentInput("card", 3000)]).document
    with at("2026-06-30 10:00"):
        line = shop.sales.document(bought.id).lines[0]
        shop.returns.refund(
            bought.id, [ReturnLine(line.id, 1)], [PaymentInput("card", 1000)], "Spare"
        )


# -- balances -----------------------------------------------------------------------------


def test_balances_add_what_each_customer_owes_and_their_store_credit(aged: AgedShop) -> None:
    report = aged.services.customer_reports.balances(TODAY)
    assert report.key == "customer_balances"
    # Bo: 200.00 + 40.00. Ana: 100.00 + (50.00 - 20.00 paid), of which invoice 2's 30.00
    # is past its 1 June due date. Cy: 10.00 + 20.00 owed, 15.00 credit. Dee: invoice 7
    # paid off, 25.00 credit, so the shop owes her.
    assert report.rows == (
        ("Bo", 2, 24000, 0, 0, 24000),
        ("Ana", 2, 13000, 3000, 0, 13000),
        ("Cy", 2, 3000, 0, 1500, 1500),
        ("Dee", 0, 0, 0, 2500, -2500),
    )
    # 240.00 + 130.00 + 30.00 = 400.00 owed; 15.00 + 25.00 = 40.00 credit.
    assert report.totals == ("Total", 6, 40000, 3000, 4000, 36000)


def test_balances_follow_the_account_screens_figures(aged: AgedShop) -> None:
    """Each row is what ``owed_by`` and ``store_credit_balance`` say of the customer."""
    report = aged.services.customer_reports.balances(TODAY)
    with aged.services.ctx.uow() as tx:
        for customer in tx.session.scalars(select(Customer)):
            row = report.row_by("customer", customer.first_name)
            assert row["owed"] == owed_by(tx.session, customer.id)
            assert row["store_credit"] == store_credit_balance(tx.session, customer.id)


def test_balances_of_the_week_show_rita_owing_invoice_d(week: KnownWeek) -> None:
    report = week.services.customer_reports.balances(date(2026, 3, 10))
    # Invoice C (115.00) was paid 15.00 + 40.00 + 60.00; invoice D owes its 23.00, due
    # 14 days after Monday. Ben's invoice was voided: it owes nothing.
    assert report.rows == (("Rita Sousa", 1, 2300, 0, 0, 2300),)
    assert report.totals == ("Total", 1, 2300, 0, 0, 2300)
    # The pending invoices of the dashboard are the same debt.
    assert report.totals[2] == week.services.dashboard.now().pending_invoices
    later = week.services.customer_reports.balances(date(2026, 3, 24))
    assert later.row_by("customer", "Rita Sousa")["overdue"] == 2300


# -- aging --------------------------------------------------------------------------------


def test_aging_puts_each_balance_in_the_bucket_of_its_local_issue_day(aged: AgedShop) -> None:
    report = aged.services.customer_reports.receivables_aging(TODAY)
    assert report.key == "receivables_aging"
    assert [c.key for c in report.columns] == [
        "customer", "invoices", "days_0_30", "days_31_60", "days_61_90", "days_over_90",
        "total", "overdue",
    ]  # fmt: skip
    assert report.rows == (
        # Invoice 3 is 71 days old, invoice 4 121 days.
        ("Bo", 2, 0, 0, 20000, 4000, 24000, 0),
        # Invoice 1 10 days; invoice 2 46 days, its 30.00 overdue.
        ("Ana", 2, 10000, 3000, 0, 0, 13000, 3000),
        # Invoice 6 (31 May) is 30 days old; invoice 5, at 23:30 on 30 May, 31 days,
        # though it was already 31 May in UTC.
        ("Cy", 2, 2000, 1000, 0, 0, 3000, 0),
    )
    # Dee's invoice is paid off: she owes nothing and has no row.
    assert report.totals == ("Total", 6, 12000, 4000, 20000, 4000, 40000, 3000)
    assert [(p.label, p.value) for p in report.chart] == [
        ("0–30 days", 12000),
        ("31–60 days", 4000),
        ("61–90 days", 20000),
        ("Over 90 days", 4000),
    ]


def test_aging_total_equals_what_the_balances_report_says_is_owed(aged: AgedShop) -> None:
    reports = aged.services.customer_reports
    aging, balances = reports.receivables_aging(TODAY), reports.balances(TODAY)
    assert aging.totals is not None and balances.totals is not None
    assert aging.values("total") == [v for v in balances.values("owed") if v]
    assert aging.totals[aging.column("total")] == balances.totals[balances.column("owed")]


def test_aging_moves_invoice_d_on_its_31st_local_day(week: KnownWeek) -> None:
    reports = week.services.customer_reports
    # Invoice D was issued on Monday 9 March: 30 days old on 8 April, 31 on 9 April.
    assert reports.receivables_aging(date(2026, 4, 8)).rows == (
        ("Rita Sousa", 1, 2300, 0, 0, 0, 2300, 2300),
    )
    assert reports.receivables_aging(date(2026, 4, 9)).rows == (
        ("Rita Sousa", 1, 0, 2300, 0, 0, 2300, 2300),
    )
    # On the Tuesday after the week it is a day old and not due yet.
    assert reports.receivables_aging(date(2026, 3, 10)).rows == (
        ("Rita Sousa", 1, 2300, 0, 0, 0, 2300, 0),
    )


# -- top customers ------------------------------------------------------------------------


def test_top_customers_net_their_refunds_and_leave_walk_ins_out(aged: AgedShop) -> None:
    report = aged.services.customer_reports.top_customers(JUNE)
    assert report.key == "top_customers"
    # Ana: invoice 1 100.00 + her sale 30.00 - the refund 10.00; Dee: invoice 7 30.00
    # (issued in June; when it was paid does not matter). The walk-in sale's 20.00 has
    # no customer.
    assert report.rows == (("Ana", 2, 1, 12000), ("Dee", 1, 0, 3000))
    assert report.totals == ("Total of these", 3, 1, 15000)
    assert [(p.label, p.value) for p in report.chart] == [("Ana", 12000), ("Dee", 3000)]
    assert any("without a customer" in note for note in report.notes)


def test_top_customers_count_documents_by_their_local_issue_day(aged: AgedShop) -> None:
    report = aged.services.customer_reports.top_customers(MAY)
    # Ana's invoice 2 is 50.00 (20.00 paid, but sales count when issued); Cy's invoices
    # 5 and 6, both in May on the shop's clock: 10.00 + 20.00.
    assert report.rows == (("Ana", 1, 0, 5000), ("Cy", 2, 0, 3000))
    assert aged.services.customer_reports.top_customers(MAY, limit=1).rows == (("Ana", 1, 0, 5000),)


def test_top_customers_of_the_week(week: KnownWeek) -> None:
    report = week.services.customer_reports.top_customers(WEEK)
    # Rita: sale C 115.00 (an invoice), T1's checkout 160.00 and invoice D 23.00. Ben's
    # only invoice was voided; sales A and B and A's refund have no customer.
    assert report.rows == (("Rita Sousa", 3, 0, 29800),)


def test_top_customers_refuse_a_limit_out_of_range(aged: AgedShop) -> None:
    with pytest.raises(ValidationError) as refused:
        aged.services.customer_reports.top_customers(JUNE, limit=0)
    assert "limit" in refused.value.errors


# -- empty periods and permissions --------------------------------------------------------


def test_an_empty_period_or_a_day_before_any_invoice_gives_empty_tables(aged: AgedShop) -> None:
    reports = aged.services.customer_reports
    quiet = period(PeriodKind.CUSTOM, TODAY, date(2025, 1, 1), date(2025, 1, 31))
    top = reports.top_customers(quiet)
    assert (top.rows, top.totals, top.chart) == ((), None, ())
    ten_years = period(PeriodKind.CUSTOM, TODAY, date(2016, 7, 1), date(2026, 6, 30))
    # Everything counted: Ana 50.00 + 120.00, Bo 240.00, Cy 30.00, Dee 30.00.
    assert reports.top_customers(ten_years).values("spent") == [24000, 17000, 3000, 3000]


def test_technicians_may_not_see_customer_reports(aged: AgedShop) -> None:
    services = aged.services
    services.accounts.add_user("tech", "Tech", "technician", STAFF_PASSWORD)
    services.accounts.login("tech", STAFF_PASSWORD)
    try:
        reports = services.customer_reports
        with pytest.raises(PermissionDenied):
            reports.balances(TODAY)
        with pytest.raises(PermissionDenied):
            reports.receivables_aging(TODAY)
        with pytest.raises(PermissionDenied):
            reports.top_customers(JUNE)
    finally:
        services.accounts.login("owner", OWNER_PASSWORD)
