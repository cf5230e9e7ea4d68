from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from desktop.models import StockCountLine, StockMovement
from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.items import ItemInput
from desktop.services.stock import DEFAULT_LOCATION_ID, record_movement
from desktop.services.stock_counts import ALL_ITEMS, CountScope, line_id
from tests.unit.conftest import add_staff, sign_in_as

SCREEN_EAN = "4006381333931"
BATTERY_EAN = "5901234123457"


def _item(shop: Services, name: str, code: str = "", **fields: object) -> uuid.UUID:
    codes = (code,) if code else ()
    return shop.items.create(ItemInput(name, barcodes=codes, **fields)).item.id  # type: ignore[arg-type]


def _sell(shop: Services, item_id: uuid.UUID, units: int) -> None:
    """A sale booked at the counter while the count runs."""
    assert shop.ctx.actor is not None
    with shop.ctx.uow() as tx:
        record_movement(
            tx.session, shop.ctx, shop.ctx.actor, item_id, DEFAULT_LOCATION_ID, -units, "sale"
        )
        tx.commit()


def test_a_count_of_everything_takes_numbers_and_adds_lines_as_items_are_scanned(
    shop: Services,
) -> None:
    screen = _item(shop, "iPhone 12 screen", SCREEN_EAN)
    shop.stock.receive(screen, 5, 2000)
    first = shop.counts.start()
    second = shop.counts.start()
    assert (first.number, second.number) == ("CNT-A-00001", "CNT-A-00002")
    assert first.scope == ALL_ITEMS
    assert first.started_by == "Olivia Owner"
    assert shop.counts.sheet(first.id).counted == ()

    shop.counts.count_scan(first.id, SCREEN_EAN)
    scanned = shop.counts.count_scan(first.id, f" {SCREEN_EAN} ")
    assert (scanned.line.name, scanned.line.expected, scanned.line.counted) == (
        "iPhone 12 screen",
        5,
        2,
    )
    assert scanned.line.variance == -3
    assert scanned.line.variance_value == -6000


def test_unknown_codes_services_and_items_outside_the_scope_are_refused(shop: Services) -> None:
    _item(shop, "Screen", SCREEN_EAN, category="Screens")
    _item(shop, "Battery", BATTERY_EAN, category="Batteries")
    _item(shop, "Diagnosis", "LAB-1", kind="service")
    count = shop.counts.start(scope=CountScope(category="screens"))
    assert count.scope == "Category: screens"
    with pytest.raises(ValidationError, match="No item has the barcode 123"):
        shop.counts.count_scan(count.id, "123")
    with pytest.raises(ValidationError, match="not part of this count"):
        shop.counts.count_scan(count.id, BATTERY_EAN)
    with pytest.raises(ValidationError, match="service"):
        shop.counts.count_scan(count.id, "LAB-1")
    with pytest.raises(ValidationError):
        shop.counts.count_scan(count.id, "x" * 10_000_000)
    with pytest.raises(ValidationError, match="No active stock item"):
        shop.counts.start(scope=CountScope(brand="Nobody"))


def test_a_filtered_count_lists_the_items_nobody_counted(shop: Services) -> None:
    a = _item(shop, "Screen A", category="Screens", bin_location="A-01")
    b = _item(shop, "Screen B", category="Screens", bin_location="A-02")
    _item(shop, "Battery", category="Batteries", bin_location="A-03")
    shop.stock.receive(b, 4, 1000)
    count = shop.counts.start(scope=CountScope(bin_prefix="A-0", category="Screens"))
    shop.counts.set_counted(count.id, a, 1)
    sheet = shop.counts.sheet(count.id)
    assert [line.item_id for line in sheet.counted] == [a]
    assert [(line.item_id, line.counted) for line in sheet.uncounted] == [(b, None)]
    assert sheet.uncounted_total == 1


def test_expected_is_taken_at_the_first_count_so_sales_during_the_count_stay(
    shop: Services,
) -> None:
    screen = _item(shop, "Screen", SCREEN_EAN)
    shop.stock.receive(screen, 10, 1500)
    count = shop.counts.start()
    _sell(shop, screen, 1)  # before it is counted: part of the snapshot
    for _ in range(8):
        shop.counts.count_scan(count.id, SCREEN_EAN)
    _sell(shop, screen, 2)  # sold from the counted shelf while others are counted
    sheet = shop.counts.sheet(count.id)
    [line] = sheet.counted
    assert (line.expected, line.counted, line.variance) == (9, 8, -1)
    assert (sheet.variance_units, sheet.variance_value) == (-1, -1500)

    posted = shop.counts.approve(count.id)
    assert posted.movements == 1
    assert posted.changes.stock == frozenset({screen})
    assert posted.changes.stock_counts == frozenset({count.id})
    # 10 - 1 - 2 sold, and one unit found missing by the count.
    assert shop.stock.on_hand(screen) == 6


def test_approval_posts_one_movement_per_difference_and_levels_match_the_ledger(
    shop: Services,
) -> None:
    over = _item(shop, "Over", SCREEN_EAN)
    under = _item(shop, "Under")
    exact = _item(shop, "Exact")
    never = _item(shop, "Never received", cost_price=700)
    for item, units in ((over, 2), (under, 6), (exact, 3)):
        shop.stock.receive(item, units, 1000)
    count = shop.counts.start()
    shop.counts.set_counted(count.id, over, 3)
    shop.counts.set_counted(count.id, under, 1)
    shop.counts.set_counted(count.id, exact, 3)
    shop.counts.set_counted(count.id, never, 2)
    sheet = shop.counts.sheet(count.id)
    assert sheet.variance_units == 1 - 5 + 0 + 2
    assert sheet.variance_value == 1000 - 5000 + 2 * 700

    posted = shop.counts.approve(count.id)
    assert (posted.count.status, posted.count.approved_by) == ("approved", "Olivia Owner")
    with shop.ctx.uow() as tx:
        movements = tx.session.scalars(
            select(StockMovement).where(StockMovement.reference_id == count.id)
        ).all()
        posted_units = {
            m.item_id: (m.quantity, m.kind, m.reference_kind, m.unit_cost) for m in movements
        }
    assert posted_units == {
        over: (1, "count", "stock_count", 1000),
        under: (-5, "count", "stock_count", None),
        never: (2, "count", "stock_count", 700),
    }
    levels = {
        key: value
        for key, value in shop.stock.recompute_levels().items()
        if key[1] == DEFAULT_LOCATION_ID
    }
    for item in (over, under, exact, never):
        [level] = shop.stock.levels(item)
        assert levels[(item, DEFAULT_LOCATION_ID)] == (level.on_hand, level.average_cost)
    assert [shop.stock.on_hand(i) for i in (over, under, exact, never)] == [3, 1, 3, 2]
    entry = shop.audit.recent(action="stock_count_approved")[0]
    assert entry.details["movements"] == 3
    with pytest.raises(ValidationError, match="closed"):
        shop.counts.count_scan(count.id, SCREEN_EAN)


def test_not_counted_items_are_left_alone_or_zeroed_as_the_approver_chooses(
    shop: Services,
) -> None:
    counted = _item(shop, "Counted", SCREEN_EAN)
    forgotten = _item(shop, "Forgotten")
    shop.stock.receive(counted, 2, 100)
    shop.stock.receive(forgotten, 4, 100)
    keep = shop.counts.start()
    shop.counts.count_scan(keep.id, SCREEN_EAN)
    assert [line.item_id for line in shop.counts.sheet(keep.id).uncounted] == [forgotten]
    shop.counts.approve(keep.id)
    assert (shop.stock.on_hand(counted), shop.stock.on_hand(forgotten)) == (1, 4)

    zero = shop.counts.start()
    shop.counts.count_scan(zero.id, SCREEN_EAN)
    posted = shop.counts.approve(zero.id, uncounted_as_zero=True)
    assert posted.movements == 1  # the counted one matches now; the forgotten one goes
    assert (shop.stock.on_hand(counted), shop.stock.on_hand(forgotten)) == (1, 0)
    assert shop.counts.sheet(zero.id).uncounted_total == 0


def test_counting_is_for_everyone_but_approving_is_for_managers(shop: Services) -> None:
    screen = _item(shop, "Screen", SCREEN_EAN)
    shop.stock.receive(screen, 1, 100)
    add_staff(shop, "tess", "technician")
    sign_in_as(shop, "tess")
    count = shop.counts.start()
    shop.counts.count_scan(count.id, SCREEN_EAN)
    with pytest.raises(PermissionDenied):
        shop.counts.approve(count.id)
    assert shop.counts.get(count.id).status == "open"
    with shop.ctx.uow() as tx:
        assert (
            tx.session.scalars(select(StockMovement).where(StockMovement.kind == "count")).all()
            == []
        )


def test_cancel_closes_the_count_without_touching_stock(shop: Services) -> None:
    screen = _item(shop, "Screen", SCREEN_EAN)
    shop.stock.receive(screen, 3, 100)
    count = shop.counts.start()
    shop.counts.set_counted(count.id, screen, 0)
    add_staff(shop, "tess", "technician")
    sign_in_as(shop, "tess")
    with pytest.raises(PermissionDenied):
        shop.counts.cancel(count.id)
    shop.accounts.login("owner", "owner-pass-1")
    assert shop.counts.cancel(count.id).status == "cancelled"
    assert shop.stock.on_hand(screen) == 3
    with pytest.raises(ValidationError):
        shop.counts.approve(count.id)
    assert [c.status for c in shop.counts.counts()] == ["cancelled"]
    assert shop.audit.recent(action="stock_count_cancelled")[0].details["number"] == count.number


def test_typed_quantities_are_checked(shop: Services) -> None:
    screen = _item(shop, "Screen")
    count = shop.counts.start()
    for bad in (-1, 10_000_000):
        with pytest.raises(ValidationError) as refused:
            shop.counts.set_counted(count.id, screen, bad)
        assert set(refused.value.errors) == {"counted"}
    assert shop.counts.set_counted(count.id, screen, 4).line.counted == 4
    assert shop.counts.set_counted(count.id, screen, 2).line.counted == 2


def test_a_line_has_the_same_id_on_every_station(shop: Services) -> None:
    screen = _item(shop, "Screen", SCREEN_EAN)
    count = shop.counts.start()
    shop.counts.count_scan(count.id, SCREEN_EAN)
    with shop.ctx.uow() as tx:
        assert tx.session.scalars(select(StockCountLine.id)).all() == [line_id(count.id, screen)]
