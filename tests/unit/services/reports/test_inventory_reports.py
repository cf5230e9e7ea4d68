"""The inventory reports over the known week (see conftest) and over a stockroom built
here with aged movements, expiring lots and stock below zero, worked out by hand."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from desktop.models import Item
from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.items import ItemInput
from desktop.services.report_periods import PeriodKind, period
from desktop.services.report_types import ReportTable
from desktop.services.setup import ShopSetup
from desktop.services.stock import LotInput
from desktop.services.suppliers import SupplierInput
from tests.unit.services.reports.conftest import (
    OWNER_PASSWORD,
    STAFF_PASSWORD,
    KnownWeek,
    at,
    local,
)

WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))
# The stockroom's "today": Thursday 10 April 2025.
TODAY = date(2025, 4, 10)


def _item_id(services: Services, name: str) -> uuid.UUID:
    with services.ctx.uow() as tx:
        found = tx.session.scalar(select(Item.id).where(Item.name == name))
    assert found is not None
    return found


# -- the known week ------------------------------------------------------------------------


def test_valuation_is_on_hand_at_average_cost(week: KnownWeek) -> None:
    report = week.services.inventory_reports.valuation()
    assert report.key == "stock_valuation"
    # Screen: 5 received - sale A 1 - sale C 1 - T1's part 1 = 2, at 40.00 = 80.00.
    # Case: 10 - A 2 - B 1 - D 1 + A's restocked return 1 = 7 (the voided invoice took
    # 3 and gave them back; the held sale took none), at 5.00 = 35.00.
    # Battery: 1 at 10.00. Most value first.
    assert [(r[0], r[3], r[4], r[5]) for r in report.rows] == [
        ("Screen", 2, 4000, 8000),
        ("Case", 7, 500, 3500),
        ("Battery", 1, 1000, 1000),
    ]
    assert report.totals == ("Total", None, None, 10, None, 12500)
    # Nothing has a category: one bar.
    assert [(p.label, p.value) for p in report.chart] == [("Uncategorised", 12500)]


def test_movements_per_kind_over_the_week(week: KnownWeek) -> None:
    report = week.services.inventory_reports.movements(WEEK)
    assert report.key == "stock_movements"
    # The receipts were on 2 March, before the week. Sold: A's screen 1 and cases 2,
    # B's case 1, C's screen 1, the voided invoice's 3 cases, D's case 1 = 6 movements,
    # 9 units out. T1's screen: 1 used. Returned: the voided invoice's 3 cases and A's
    # case = 2 movements, 4 units in.
    assert report.rows == (("Sold", 6, 0, 9), ("Used on tickets", 1, 0, 1), ("Returned", 2, 4, 0))
    assert report.totals == ("Total", 9, 4, 10)
    assert [p.drill["kind"] for p in report.chart] == ["sale", "ticket_part", "return"]
    only_returns = week.services.inventory_reports.movements(WEEK, kind="return")
    assert only_returns.rows == (("Returned", 2, 4, 0),)


def test_one_items_movements_are_listed_in_order(week: KnownWeek) -> None:
    screen = _item_id(week.services, "Screen")
    report = week.services.inventory_reports.movements(WEEK, item_id=screen)
    # Sale A at 10:00 and sale C at 12:00 on Friday, T1's part at 10:30 on Monday.
    assert [(r[0], r[1], r[2]) for r in report.rows] == [
        (local("2026-03-06 10:00").astimezone(UTC), "Sold", -1),
        (local("2026-03-06 12:00").astimezone(UTC), "Sold", -1),
        (local("2026-03-09 10:30").astimezone(UTC), "Used on tickets", -1),
    ]
    assert report.values("location") == ["Store"] * 3
    assert report.totals is not None and report.totals[report.column("quantity")] == -3


def test_an_empty_period_has_no_movements(week: KnownWeek) -> None:
    quiet = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 2, 1), date(2026, 2, 28))
    report = week.services.inventory_reports.movements(quiet)
    assert report.rows == () and report.totals is None and report.chart == ()


def test_an_unknown_movement_kind_is_refused(week: KnownWeek) -> None:
    with pytest.raises(ValidationError) as refused:
        week.services.inventory_reports.movements(WEEK, kind="theft")
    assert "kind" in refused.value.errors


def test_low_stock_in_the_week_is_the_battery(week: KnownWeek) -> None:
    report = week.services.inventory_reports.low_stock()
    # One battery left against a threshold of 2; no reorder level, so nothing to order,
    # no supplier, and its own cost.
    assert report.rows == (("Battery", report.rows[0][1], 1, 2, 0, 0, 0, "", 1000),)


def test_the_week_has_no_negative_stock(week: KnownWeek) -> None:
    assert week.services.inventory_reports.negative_stock().rows == ()


def test_reports_are_for_managers(week: KnownWeek) -> None:
    services = week.services
    reports = services.inventory_reports
    calls: tuple[Callable[[], ReportTable], ...] = (
        reports.valuation,
        lambda: reports.movements(WEEK),
        lambda: reports.slow_movers(date(2026, 3, 10)),
        reports.low_stock,
        lambda: reports.expiring(date(2026, 3, 10)),
        reports.negative_stock,
    )
    services.accounts.login("tom", STAFF_PASSWORD)
    try:
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
    finally:
        services.accounts.login("owner", OWNER_PASSWORD)


# -- the stockroom -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stockroom:
    services: Services
    items: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def stockroom(shop_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stockroom]:
    """Two locations, Store and Van. Every unit of an item cost the same except the
    cable's: 10 at 2.00 in the store, 5 at 2.60 in the van.

    - 5 Jan 2025: everything received. Cable as above; charger 4 at 15.00 (threshold 5);
      glue (tracks expiry) lots G0 2 (expired 1 April), G1 6 (20 April), G2 4 (2026),
      all at 3.00; protector 3 at 1.00 (threshold and reorder level 5, reorder 20,
      Parts Co preferred at 0.80); adapter 1 at 5.00 in the store, 2 in the van.
    - 5 Jan: the store's adapter adjusted down 3: -2 there.
    - 10 Jan: a store cable written off (its last outbound).
    - 5 Apr: a glue written off (from G0, the soonest to expire).
    - 8 Apr: a protector adjusted down 1.
    """
    services = Services.open(tmp_path_factory.mktemp("stockroom") / "stockroom.db")
    try:
        yield _make_stockroom(services)
    finally:
        services.close()


def _make_stockroom(shop: Services) -> Stockroom:
    items: dict[str, uuid.UUID] = {}
    stock = shop.stock
    with at("2025-01-05 09:00"):
        shop.setup.create_shop(ShopSetup("Stockroom", "USD", "owner", "Olivia", OWNER_PASSWORD))
        shop.accounts.login("owner", OWNER_PASSWORD)
        van = stock.add_location("Van").id
        for data in (
            ItemInput("Cable", sku="CAB", category="Cables", cost_price=200),
            ItemInput("Charger", sku="CHG", category="Chargers", low_stock_threshold=5),
            ItemInput("Glue", sku="GLU", category="Supplies", track_expiry=True),
            ItemInput(
                "Protector",
                sku="PRO",
                category="Supplies",
                cost_price=100,
                low_stock_threshold=5,
                reorder_level=5,
                reorder_quantity=20,
            ),
            ItemInput("Adapter", sku="ADA", category="Cables"),
        ):
            items[data.name] = shop.items.create(data).item.id
        stock.receive(items["Cable"], 10, 200)
        stock.receive(items["Cable"], 5, 260, van)
        stock.receive(items["Charger"], 4, 1500)
        for code, units, expires in (
            ("G0", 2, date(2025, 4, 1)),
            ("G1", 6, date(2025, 4, 20)),
            ("G2", 4, date(2026, 1, 1)),
        ):
            stock.receive(items["Glue"], units, 300, lot=LotInput(code, expires))
        stock.receive(items["Protector"], 3, 100)
        supplier = shop.suppliers.create(SupplierInput("Parts Co")).id
        shop.suppliers.link_item(supplier, items["Protector"], "P-1", 80, preferred=True)
        stock.receive(items["Adapter"], 1, 500)
        stock.receive(items["Adapter"], 2, 500, van)
        stock.adjust(items["Adapter"], -3, "Sold offline twice")
    with at("2025-01-10 12:00"):
        stock.write_off(items["Cable"], 1, "Frayed")
    with at("2025-04-05 12:00"):
        stock.write_off(items["Glue"], 1, "Dried out")
    with at("2025-04-08 12:00"):
        stock.adjust(items["Protector"], -1, "Miscounted")
    return Stockroom(shop, items)


def test_valuation_weighs_the_average_over_locations_that_hold_stock(
    stockroom: Stockroom,
) -> None:
    report = stockroom.services.inventory_reports.valuation()
    # Cable: store 9 at 2.00 = 18.00, van 5 at 2.60 = 13.00: 14 units, 31.00, average
    # 31.00 / 14 = 2.2143 -> 2.21. Charger 4 x 15.00 = 60.00. Glue 2 + 6 + 4 - 1 = 11 x
    # 3.00 = 33.00. Adapter: only the van's 2 x 5.00 = 10.00 (the store is at -2).
    # Protector 2 x 1.00 = 2.00.
    assert [(r[0], r[3], r[4], r[5]) for r in report.rows] == [
        ("Charger", 4, 1500, 6000),
        ("Glue", 11, 300, 3300),
        ("Cable", 14, 221, 3100),
        ("Adapter", 2, 500, 1000),
        ("Protector", 2, 100, 200),
    ]
    # 14 + 4 + 11 + 2 + 2 = 33 units; 60.00 + 33.00 + 31.00 + 10.00 + 2.00 = 136.00.
    assert report.totals == ("Total", None, None, 33, None, 13600)
    # Chargers 60.00; Cables 31.00 + 10.00; Supplies 33.00 + 2.00.
    assert [(p.label, p.value) for p in report.chart] == [
        ("Chargers", 6000),
        ("Cables", 4100),
        ("Supplies", 3500),
    ]


def test_valuation_of_one_category(stockroom: Stockroom) -> None:
    report = stockroom.services.inventory_reports.valuation("Cables")
    assert report.values("name") == ["Cable", "Adapter"]
    assert report.totals == ("Total", None, None, 16, None, 4100)
    assert stockroom.services.inventory_reports.valuation("Nothing").rows == ()


def test_slow_movers_have_stock_and_nothing_out_in_the_window(stockroom: Stockroom) -> None:
    report = stockroom.services.inventory_reports.slow_movers(TODAY, days=90)
    assert report.key == "slow_movers"
    # 90 days up to 10 April start on 11 January: the cable last left on 10 January and
    # the charger never did. The glue (5 April) and protector (8 April) moved; the
    # adapter has 0 over both locations. Most value first: 60.00, then 9x2.00 + 5x2.60.
    assert report.rows == (
        ("Charger", "CHG", 4, 6000, None),
        ("Cable", "CAB", 14, 3100, date(2025, 1, 10)),
    )
    assert report.totals == ("Total", None, 18, 9100, None)
    # 91 days reach back to 10 January: the cable's write-off is inside.
    longer = stockroom.services.inventory_reports.slow_movers(TODAY, days=91)
    assert longer.values("name") == ["Charger"]


@pytest.mark.parametrize("days", [0, -5])
def test_slow_movers_need_a_positive_number_of_days(stockroom: Stockroom, days: int) -> None:
    with pytest.raises(ValidationError) as refused:
        stockroom.services.inventory_reports.slow_movers(TODAY, days=days)
    assert "days" in refused.value.errors


def test_expiring_lots_include_the_expired(stockroom: Stockroom) -> None:
    report = stockroom.services.inventory_reports.expiring(TODAY, within_days=30)
    # Up to 10 May: G0 expired on 1 April (9 days ago) and holds 2 - 1 written off = 1;
    # G1 expires on 20 April (10 days) with its 6. G2 (2026) is out of the window.
    assert report.rows == (
        ("Glue", "GLU", "G0", date(2025, 4, 1), -9.0, 1, 300),
        ("Glue", "GLU", "G1", date(2025, 4, 20), 10.0, 6, 1800),
    )
    assert report.totals == ("Total", None, None, None, None, 7, 2100)
    assert stockroom.services.inventory_reports.expiring(TODAY, within_days=0).values("lot") == [
        "G0"
    ]


def test_low_stock_suggests_what_the_reorder_would(stockroom: Stockroom) -> None:
    report = stockroom.services.inventory_reports.low_stock()
    # Protector: 2 left (threshold 5); at or under its reorder level 5 with nothing on
    # order, so the reorder quantity 20 (more than 5 - 2 + 1 = 4), from Parts Co at 0.80.
    # Charger: 4 of threshold 5, no reorder level: nothing suggested, its cost 0.00.
    # Fewest first. The adapter has no threshold.
    assert report.rows == (
        ("Protector", "PRO", 2, 5, 5, 0, 20, "Parts Co", 80),
        ("Charger", "CHG", 4, 5, 0, 0, 0, "", 0),
    )


def test_negative_stock_lists_the_location_below_zero(stockroom: Stockroom) -> None:
    report = stockroom.services.inventory_reports.negative_stock()
    # The store had 1 adapter and let 3 go: -2. The van's 2 are fine.
    assert report.rows == (("Adapter", "ADA", "Store", -2),)
    assert report.totals == ("Total", None, None, -2)


def test_a_cables_movements_within_a_period(stockroom: Stockroom) -> None:
    january = period(PeriodKind.CUSTOM, TODAY, date(2025, 1, 1), date(2025, 1, 31))
    report = stockroom.services.inventory_reports.movements(
        january, item_id=stockroom.items["Cable"]
    )
    received = local("2025-01-05 09:00").astimezone(UTC)
    assert [(r[0], r[1], r[2], r[3]) for r in report.rows] == [
        (received, "Received", 10, "Store"),
        (received, "Received", 5, "Van"),
        (datetime(2025, 1, 10, 17, tzinfo=UTC), "Written off", -1, "Store"),  # 12:00 EST
    ]
    assert report.values("reason")[2] == "Frayed"
