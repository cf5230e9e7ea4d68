from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from desktop.models import OutboxEntry, StockMovement
from desktop.services.container import Services
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.items import ItemInput
from desktop.services.stock import (
    DEFAULT_LOCATION_ID,
    LotInput,
    StockReference,
    apply_movement,
)
from tests.unit.conftest import add_staff, sign_in_as


def _item(shop: Services, name: str = "iPhone 12 screen", threshold: int = 0) -> uuid.UUID:
    return shop.items.create(ItemInput(name, low_stock_threshold=threshold)).item.id


def test_every_shop_has_the_store_location(shop: Services) -> None:
    assert [(loc.id, loc.name) for loc in shop.stock.locations()] == [
        (DEFAULT_LOCATION_ID, "Store")
    ]


def test_receiving_adds_stock_and_moves_the_average_cost(shop: Services) -> None:
    item = _item(shop)
    po = uuid.uuid4()
    first = shop.stock.receive(item, 10, 1000, reference=StockReference("purchase_order", po))
    assert first.on_hand == 10
    assert first.movement.reference_kind == "purchase_order"
    assert first.movement.reference_id == po
    assert first.movement.station_code == "A"
    shop.stock.receive(item, 5, 1300)
    [level] = shop.stock.levels(item)
    assert (level.location_name, level.on_hand) == ("Store", 15)
    assert level.average_cost == 1100  # (10 * 1000 + 5 * 1300) / 15
    shop.stock.receive(item, 1, None)  # unknown cost: the average stays
    assert shop.stock.levels(item)[0].average_cost == 1100


def test_average_cost_rounds_half_up() -> None:
    assert apply_movement((2, 100), 1, 101) == (3, 100)  # 300.33
    assert apply_movement((1, 100), 1, 101) == (2, 101)  # 100.5
    assert apply_movement((-2, 0), 5, 700) == (3, 700)  # nothing on hand: the new cost
    assert apply_movement((4, 700), -3, None) == (1, 700)


def test_adjusting_needs_a_reason_and_goes_to_the_audit_log(shop: Services) -> None:
    item = _item(shop)
    with pytest.raises(ValidationError) as refused:
        shop.stock.adjust(item, 2, "  ")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(ValidationError):
        shop.stock.adjust(item, 0, "nothing")
    change = shop.stock.adjust(item, 2, "Found in the drawer")
    assert (change.on_hand, change.movement.kind) == (2, "adjustment")
    entry = shop.audit.recent(action="stock_adjusted")[0]
    assert entry.details["reason"] == "Found in the drawer"
    assert entry.details["quantity"] == 2


def test_write_off_takes_units_out(shop: Services) -> None:
    item = _item(shop)
    shop.stock.receive(item, 4, 800)
    change = shop.stock.write_off(item, 1, "Cracked on arrival")
    assert (change.on_hand, change.movement.quantity) == (3, -1)
    assert shop.stock.levels(item)[0].average_cost == 800
    assert [m.kind for m in shop.stock.movements(item)] == ["write_off", "receive"]


def test_transfer_moves_units_at_the_source_cost_in_one_go(shop: Services) -> None:
    item = _item(shop)
    van = shop.stock.add_location("Van").id
    shop.stock.receive(item, 6, 900)
    out, into = shop.stock.transfer(item, DEFAULT_LOCATION_ID, van, 2)
    assert (out.on_hand, into.on_hand) == (4, 2)
    assert into.movement.reference_id == out.movement.id
    assert shop.stock.on_hand(item) == 6
    assert shop.stock.on_hand(item, van) == 2
    assert {lvl.location_name: lvl.average_cost for lvl in shop.stock.levels(item)} == {
        "Store": 900,
        "Van": 900,
    }
    with pytest.raises(ValidationError):
        shop.stock.transfer(item, van, van, 1)
    with pytest.raises(NotFound):
        shop.stock.transfer(item, van, uuid.uuid4(), 1)
    assert shop.stock.on_hand(item, van) == 2  # the failed transfer left nothing behind


def test_a_location_name_is_unique(shop: Services) -> None:
    with pytest.raises(ValidationError):
        shop.stock.add_location("store")


def test_a_service_has_no_stock(shop: Services) -> None:
    service = shop.items.create(ItemInput("Diagnosis", kind="service")).item.id
    with pytest.raises(ValidationError, match="is a service"):
        shop.stock.receive(service, 1, 0)
    assert shop.stock.movements(service) == []


def test_negative_stock_is_recorded_and_listed(shop: Services) -> None:
    item = _item(shop)
    shop.stock.receive(item, 1, 500)
    change = shop.stock.write_off(item, 3, "Two counters sold the last one offline")
    assert change.on_hand == -2
    [negative] = shop.stock.negative_stock()
    assert (negative.item_id, negative.on_hand) == (item, -2)


def test_low_stock_lists_active_stock_items_at_or_below_threshold(shop: Services) -> None:
    low = _item(shop, "Battery", threshold=3)
    plenty = _item(shop, "Screen", threshold=3)
    empty = _item(shop, "Glass", threshold=1)
    _item(shop, "Sticker")  # no threshold: never listed
    archived = _item(shop, "Old case", threshold=5)
    shop.items.create(ItemInput("Labour", kind="service", low_stock_threshold=9))
    shop.items.archive(archived)
    shop.stock.receive(low, 3, 100)
    shop.stock.receive(plenty, 4, 100)
    assert [(r.item_id, r.on_hand) for r in shop.stock.low_stock()] == [(empty, 0), (low, 3)]
    shop.stock.write_off(plenty, 1, "Dropped")  # down to its threshold
    shop.stock.receive(low, 1, 100)  # above it again
    assert [r.item_id for r in shop.stock.low_stock()] == [empty, plenty]
    shop.items.restore(archived)
    assert [r.item_id for r in shop.stock.low_stock()] == [empty, archived, plenty]


def test_receiving_is_for_everyone_but_corrections_are_for_managers(shop: Services) -> None:
    item = _item(shop)
    add_staff(shop, "tess", "technician")
    sign_in_as(shop, "tess")
    shop.stock.receive(item, 2, 100)
    with pytest.raises(PermissionDenied):
        shop.stock.adjust(item, -1, "Lost")
    with pytest.raises(PermissionDenied):
        shop.stock.write_off(item, 1, "Broken")
    with pytest.raises(PermissionDenied):
        shop.stock.add_location("My van")
    assert shop.stock.on_hand(item) == 2


def test_movements_are_append_only(shop: Services) -> None:
    item = _item(shop)
    shop.stock.receive(item, 2, 100)
    with shop.ctx.uow() as tx:
        movement = tx.session.scalars(select(StockMovement)).one()
        movement.quantity = 20
        with pytest.raises(RuntimeError, match="append-only"):
            tx.session.flush()
    with shop.ctx.uow() as tx:
        tx.session.delete(tx.session.scalars(select(StockMovement)).one())
        with pytest.raises(RuntimeError, match="append-only"):
            tx.session.flush()
    assert shop.stock.on_hand(item) == 2


def test_levels_match_the_ledger_after_many_random_movements(shop: Services) -> None:
    rng = random.Random(5)
    items = [_item(shop, f"Part {n}") for n in range(4)]
    locations = [DEFAULT_LOCATION_ID, shop.stock.add_location("Van").id]
    for _ in range(300):
        item, location = rng.choice(items), rng.choice(locations)
        action = rng.randrange(4)
        if action == 0:
            shop.stock.receive(
                item,
                rng.randint(1, 20),
                rng.choice([None, rng.randint(0, 5000)]),
                location_id=location,
            )
        elif action == 1:
            shop.stock.adjust(item, rng.choice([-3, -1, 1, 4]), "Count", location_id=location)
        elif action == 2:
            shop.stock.write_off(item, rng.randint(1, 5), "Broken", location_id=location)
        else:
            shop.stock.transfer(
                item, location, next(x for x in locations if x != location), rng.randint(1, 6)
            )

    raw = sqlite3.connect(shop.path)
    try:
        kept = {
            (uuid.UUID(i), uuid.UUID(loc)): (on_hand, cost)
            for i, loc, on_hand, cost in raw.execute(
                "SELECT item_id, location_id, on_hand, average_cost FROM stock_levels"
            )
        }
        summed = dict(
            raw.execute(
                "SELECT item_id || location_id, sum(quantity) FROM stock_movements "
                "GROUP BY item_id, location_id"
            )
        )
    finally:
        raw.close()
    assert kept == shop.stock.recompute_levels()
    assert {i.hex + loc.hex: level[0] for (i, loc), level in kept.items()} == summed
    raw = sqlite3.connect(shop.path)
    try:
        totals = dict(raw.execute("SELECT item_id, on_hand FROM item_stock"))
    finally:
        raw.close()
    per_item: dict[str, int] = {}
    for (i, _loc), (on_hand, _cost) in kept.items():
        per_item[i.hex] = per_item.get(i.hex, 0) + on_hand
    assert totals == per_item
    assert any(on_hand < 0 for on_hand, _ in kept.values())
    assert sum(shop.stock.on_hand(i) for i in items) == sum(summed.values())


def test_movements_are_synced_and_levels_are_not(shop: Services) -> None:
    item = _item(shop)
    shop.stock.receive(item, 2, 100)
    with shop.ctx.uow() as tx:
        tables = set(tx.session.scalars(select(OutboxEntry.table_name)))
    assert {"items", "stock_movements"} <= tables
    assert "stock_levels" not in tables


def test_expiring_items_arrive_in_lots_and_leave_soonest_expiry_first(shop: Services) -> None:
    glue = shop.items.create(ItemInput("B-7000 glue", track_expiry=True)).item.id
    with pytest.raises(ValidationError) as raised:
        shop.stock.receive(glue, 5, 300)
    assert "expiry" in raised.value.errors["expires_on"]
    shop.stock.receive(glue, 5, 300, lot=LotInput("L2", date(2027, 3, 1)))
    shop.stock.receive(glue, 4, 300, lot=LotInput("L1", date(2027, 1, 1)))
    shop.stock.receive(glue, 1, 300, lot=LotInput("L1", date(2027, 1, 1)))  # same lot
    today = date(2026, 12, 1)
    assert [(e.code, e.on_hand) for e in shop.stock.expiring(60, today)] == [("L1", 5)]
    assert [(e.code, e.on_hand) for e in shop.stock.expiring(120, today)] == [
        ("L1", 5),
        ("L2", 5),
    ]
    shop.stock.write_off(glue, 7, "Used up in repairs")  # 5 from L1, then 2 from L2
    assert [(e.code, e.on_hand) for e in shop.stock.expiring(120, today)] == [("L2", 3)]
    assert shop.stock.on_hand(glue) == 3


def test_serialized_items_arrive_and_leave_by_serial(shop: Services) -> None:
    phone = shop.items.create(ItemInput("Used iPhone 11", serialized=True)).item.id
    with pytest.raises(ValidationError, match="one serial per unit"):
        shop.stock.receive(phone, 2, 20000, serials=["IMEI-1"])
    with pytest.raises(ValidationError, match="listed twice"):
        shop.stock.receive(phone, 2, 20000, serials=["IMEI-1", "IMEI-1"])
    change = shop.stock.receive(phone, 2, 20000, serials=["IMEI-1", " IMEI-2 "])
    assert change.on_hand == 2
    assert shop.stock.serials_in_stock(phone) == ["IMEI-1", "IMEI-2"]
    with pytest.raises(ValidationError, match="already in stock"):
        shop.stock.receive(phone, 1, 20000, serials=["IMEI-2"])
    plain = _item(shop, "Case")
    with pytest.raises(ValidationError, match="not serialized"):
        shop.stock.receive(plain, 1, 100, serials=["X"])
    assert shop.stock.on_hand(phone) == 2
