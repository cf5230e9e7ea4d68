"""Z report history and cash over/short, over a shop with three closed shifts worked out
by hand (and the known week of conftest, whose only shift is still open).

The drawer shop (America/New_York; prices include 15 % tax, a widget sells for 10.00):
- Shift 1, Monday 29 June 08:00-18:00, opened and closed by Olivia with a 100.00
  float: a walk-in sale of 2 widgets paid 20.00 cash, a sale of 3 widgets paid 30.00 by
  card. Expected 100.00 + 20.00 = 120.00; counted 120.00.
- Shift 2, Tuesday 30 June 08:00-17:00, opened by Fay (front desk) with a 50.00 float
  and closed by Olivia: one widget sold for 10.00 cash. Expected 60.00; counted 59.95,
  0.05 short.
- Shift 3, Tuesday 30 June 18:00-22:30 (02:30 on 1 July in UTC), Olivia, a 20.00
  float, no sales; counted 20.10, 0.10 over.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlalchemy import select, update

from desktop.models import ShopProfile, Station, TaxClass
from desktop.services.container import Services
from desktop.services.denominations import LOOSE
from desktop.services.errors import PermissionDenied
from desktop.services.items import ItemInput
from desktop.services.report_periods import PeriodKind, period
from desktop.services.sales_types import PaymentInput
from desktop.services.setup import ShopSetup
from tests.unit.services.reports.conftest import (
    OWNER_PASSWORD,
    STAFF_PASSWORD,
    KnownWeek,
    at,
    local,
)

TODAY = date(2026, 7, 1)
TWO_DAYS = period(PeriodKind.CUSTOM, TODAY, date(2026, 6, 29), date(2026, 6, 30))
JULY_FIRST = period(PeriodKind.CUSTOM, TODAY, date(2026, 7, 1), date(2026, 7, 1))
WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))


@dataclass(frozen=True)
class DrawerShop:
    services: Services
    z_numbers: tuple[str, str, str]
    station: str


@pytest.fixture(scope="module")
def drawers(shop_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DrawerShop]:
    services = Services.open(tmp_path_factory.mktemp("drawers") / "drawers.db")
    try:
        yield _make_drawer_shop(services)
    finally:
        services.close()


def _make_drawer_shop(shop: Services) -> DrawerShop:
    def sell(widgets: int, payment: PaymentInput) -> None:
        cart = replace(shop.sales.new_cart(), lines=(shop.sales.line_for_item(widget, widgets),))
        shop.sales.complete(cart, [payment])

    with at("2026-06-28 08:00"):
        shop.setup.create_shop(ShopSetup("Drawers", "USD", "owner", "Olivia", OWNER_PASSWORD))
        shop.accounts.login("owner", OWNER_PASSWORD)
        with shop.ctx.uow() as tx:
            tx.session.execute(update(ShopProfile).values(prices_include_tax=True))
            tx.session.execute(
                update(TaxClass).where(TaxClass.code == "standard").values(rate_bp=1500)
            )
            tx.commit()
            station = tx.session.scalars(select(Station.name)).one()
        shop.accounts.add_user("fay", "Fay", "front_desk", STAFF_PASSWORD)
        widget = shop.items.create(ItemInput("Widget", cost_price=400, sell_price=1000)).item.id
        shop.stock.receive(widget, 50, 400)
    with at("2026-06-29 08:00"):
        shop.cash_shifts.open_shift(10000)
    with at("2026-06-29 09:00"):
        sell(2, PaymentInput("cash", 2000))
    with at("2026-06-29 10:00"):
        sell(3, PaymentInput("card", 3000))
    with at("2026-06-29 18:00"):
        first = shop.cash_shifts.close_shift({LOOSE: 12000}).z_number
    with at("2026-06-30 08:00"):
        shop.accounts.login("fay", STAFF_PASSWORD)
        shop.cash_shifts.open_shift(5000)
    with at("2026-06-30 11:00"):
        sell(1, PaymentInput("cash", 1000))
    with at("2026-06-30 17:00"):
        shop.accounts.login("owner", OWNER_PASSWORD)
        second = shop.cash_shifts.close_shift({LOOSE: 5995}).z_number
    with at("2026-06-30 18:00"):
        shop.cash_shifts.open_shift(2000)
    with at("2026-06-30 22:30"):
        third = shop.cash_shifts.close_shift({LOOSE: 2010}).z_number
    return DrawerShop(shop, (first, second, third), station)


def test_z_history_lists_the_shifts_closed_in_the_period_newest_first(
    drawers: DrawerShop,
) -> None:
    report = drawers.services.cash_reports.z_history(TWO_DAYS)
    assert report.key == "z_reports"
    first, second, third = drawers.z_numbers
    station = drawers.station
    assert report.rows == (
        # Shift 3 closed at 22:30 on 30 June here, already 1 July in UTC: still in the
        # period. No sales; 20.10 counted against 20.00.
        (third, station, local("2026-06-30 18:00"), local("2026-06-30 22:30"), "Olivia",
         2000, 2000, 2010, 10, 0),
        # Shift 2: Fay opened it, Olivia closed it. Expected 50.00 + 10.00 cash; 0.05
        # short. The Z report's sales: the one widget, 10.00.
        (second, station, local("2026-06-30 08:00"), local("2026-06-30 17:00"), "Olivia",
         5000, 6000, 5995, -5, 1000),
        # Shift 1: expected 100.00 + 20.00 cash (the card sale is not in the drawer);
        # its sales 20.00 + 30.00.
        (first, station, local("2026-06-29 08:00"), local("2026-06-29 18:00"), "Olivia",
         10000, 12000, 12000, 0, 5000),
    )  # fmt: skip
    # Over/short 0.10 - 0.05 + 0 = 0.05; sales 0 + 10.00 + 50.00. Floats, expected and
    # counted cash are each drawer's own and are not added up.
    assert report.totals == ("Total", None, None, None, None, None, None, None, 5, 6000)


def test_z_history_goes_by_the_local_day_a_shift_closed(drawers: DrawerShop) -> None:
    # Nothing closed on 1 July on the shop's clock, though shift 3 did in UTC.
    report = drawers.services.cash_reports.z_history(JULY_FIRST)
    assert (report.rows, report.totals) == ((), None)


def test_over_short_shows_each_shift_in_order_with_who_opened_it(drawers: DrawerShop) -> None:
    report = drawers.services.cash_reports.over_short(TWO_DAYS)
    assert report.key == "over_short"
    first, second, third = drawers.z_numbers
    station = drawers.station
    assert report.rows == (
        (first, station, local("2026-06-29 18:00"), "Olivia", 12000, 12000, 0),
        (second, station, local("2026-06-30 17:00"), "Fay", 6000, 5995, -5),
        (third, station, local("2026-06-30 22:30"), "Olivia", 2000, 2010, 10),
    )
    # Expected 120.00 + 60.00 + 20.00; counted 120.00 + 59.95 + 20.10; 0.05 over in all.
    assert report.totals == ("Total", None, None, None, 20000, 20005, 5)
    assert [(p.label, p.value) for p in report.chart] == [(first, 0), (second, -5), (third, 10)]
    assert report.values("over_short") == [p.value for p in report.chart]


def test_an_open_shift_is_in_no_cash_report(week: KnownWeek) -> None:
    # The week's only shift, opened on Friday, was never closed.
    reports = week.services.cash_reports
    for report in (reports.z_history(WEEK), reports.over_short(WEEK)):
        assert (report.rows, report.totals, report.chart) == ((), None, ())


def test_staff_below_manager_may_not_see_cash_reports(drawers: DrawerShop) -> None:
    services = drawers.services
    services.accounts.add_user("tech", "Tech", "technician", STAFF_PASSWORD)
    try:
        for username in ("tech", "fay"):
            services.accounts.login(username, STAFF_PASSWORD)
            with pytest.raises(PermissionDenied):
                services.cash_reports.z_history(TWO_DAYS)
            with pytest.raises(PermissionDenied):
                services.cash_reports.over_short(TWO_DAYS)
    finally:
        services.accounts.login("owner", OWNER_PASSWORD)
