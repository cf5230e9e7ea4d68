"""The item list's filtered count and pages, and where an item was used."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.services.container import Services
from desktop.services.item_lists import ItemFilter
from desktop.services.items import ItemInput
from desktop.services.stock import LotInput


def _items(shop: Services, count: int) -> None:
    for n in range(count):
        shop.items.create(ItemInput(f"Part {n:03d}", category="Even" if n % 2 == 0 else "Odd"))


def test_pages_by_keyset_and_offset_agree(shop: Services) -> None:
    _items(shop, 45)
    lists = shop.item_lists
    everything = ItemFilter()
    assert lists.count(everything) == 45
    first = lists.page(everything, limit=20)
    second = lists.page(everything, after=(first[-1].sort_name, first[-1].id), limit=20)
    assert second == lists.page(everything, offset=20, limit=20)
    assert [row.name for row in first[:2]] == ["Part 000", "Part 001"]
    assert second[0].name == "Part 020"


def test_filters_combine(shop: Services) -> None:
    _items(shop, 10)
    lists = shop.item_lists
    odd = ItemFilter(category="Odd", text="Part 00")
    assert [row.name for row in lists.page(odd)] == [
        "Part 001",
        "Part 003",
        "Part 005",
        "Part 007",
        "Part 009",
    ]
    assert lists.count(odd) == 5
    assert lists.count(ItemFilter(out_of_stock=True)) == 10
    assert lists.categories() == ["Even", "Odd"]


def test_stock_filters_read_item_stock_and_lots(shop: Services) -> None:
    glue = shop.items.create(ItemInput("Glue", track_expiry=True)).item
    cable = shop.items.create(ItemInput("Cable", low_stock_threshold=2)).item
    shop.stock.receive(glue.id, 3, 100, lot=LotInput("A", date.today() + timedelta(days=5)))
    shop.stock.write_off(cable.id, 2, "Lost")
    lists = shop.item_lists
    assert [r.name for r in lists.page(ItemFilter(expiring_within_days=7))] == ["Glue"]
    assert lists.page(ItemFilter(expiring_within_days=2)) == []
    negative = lists.page(ItemFilter(negative_stock=True))
    assert [(r.name, r.on_hand, r.low) for r in negative] == [("Cable", -2, True)]
    assert [r.name for r in lists.page(ItemFilter(low_stock=True))] == ["Cable"]
    assert [(lot.code, lot.on_hand) for lot in lists.lots(glue.id)] == [("A", 3)]


def test_archived_items_show_only_when_asked(shop: Services) -> None:
    item = shop.items.create(ItemInput("Old part")).item
    shop.items.archive(item.id)
    assert shop.item_lists.count(ItemFilter()) == 0
    assert [r.active for r in shop.item_lists.page(ItemFilter(include_archived=True))] == [False]


def test_absurd_input_is_bounded(shop: Services) -> None:
    _items(shop, 3)
    lists = shop.item_lists
    assert lists.page(ItemFilter(text="x" * 10_000_000)) == []
    assert lists.count(ItemFilter(expiring_within_days=10**9)) == 0
    assert len(lists.page(ItemFilter(), limit=10**9)) == 3
