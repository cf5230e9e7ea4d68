from __future__ import annotations

import pytest

from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, RecordInUse, ValidationError
from desktop.services.items import ItemInput
from tests.unit.conftest import add_staff, sign_in_as


def test_an_item_without_a_sku_gets_the_stations_next_number(shop: Services) -> None:
    first = shop.items.create(ItemInput("iPhone 12 screen")).item
    second = shop.items.create(ItemInput("iPhone 12 battery")).item
    assert (first.sku, second.sku) == ("ITM-A-000001", "ITM-A-000002")


def test_a_generated_sku_skips_one_typed_by_hand(shop: Services) -> None:
    shop.items.create(ItemInput("Typed", sku="itm-a-000001"))
    assert shop.items.create(ItemInput("Generated")).item.sku == "ITM-A-000002"


def test_a_duplicate_sku_is_refused_naming_the_item_that_has_it(shop: Services) -> None:
    shop.items.create(ItemInput("iPhone 12 screen", sku="SCR-IP12"))
    with pytest.raises(ValidationError) as refused:
        shop.items.create(ItemInput("Other screen", sku=" scr-ip12 "))
    assert refused.value.errors["sku"] == "The SKU SCR-IP12 already belongs to “iPhone 12 screen”."


def test_a_duplicate_barcode_is_refused_naming_the_item_that_has_it(shop: Services) -> None:
    shop.items.create(ItemInput("USB-C cable", sku="CBL-1", barcodes=["5901234123457"]))
    other = shop.items.create(ItemInput("Charger")).item
    with pytest.raises(ValidationError) as refused:
        shop.items.update(other.id, ItemInput("Charger", barcodes=["5 901234 123457"]))
    assert "“USB-C cable” (CBL-1)" in refused.value.errors["barcodes"]
    assert shop.items.get(other.id).barcodes == ()


def test_a_wrong_ean_check_digit_is_refused(shop: Services) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.items.create(ItemInput("Case", barcodes=["5901234123458"]))
    assert "check digit" in refused.value.errors["barcodes"]
    assert shop.items.count() == 0


def test_validation_reports_every_field(shop: Services) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.items.create(
            ItemInput(" ", kind="gadget", sell_price=-1, reorder_quantity=-5, tax_class="?")
        )
    assert set(refused.value.errors) == {
        "name",
        "kind",
        "sell_price",
        "reorder_quantity",
        "tax_class",
    }


def test_cost_above_price_is_saved_with_a_warning(shop: Services) -> None:
    saved = shop.items.create(ItemInput("Loss leader", cost_price=1500, sell_price=999))
    assert saved.item.sell_price == 999
    assert "loss" in saved.warnings["sell_price"]
    assert shop.items.create(ItemInput("Fine", cost_price=500, sell_price=999)).warnings == {}


def test_a_price_change_goes_to_the_audit_log(shop: Services) -> None:
    item = shop.items.create(ItemInput("Screen", cost_price=1000, sell_price=2500)).item
    shop.items.update(item.id, ItemInput("Screen", sku=item.sku, cost_price=1000, sell_price=2900))
    entry = shop.audit.recent(action="item_price_changed")[0]
    assert entry.entity_id == str(item.id)
    assert entry.details == {"before": {"sell_price": 2500}, "after": {"sell_price": 2900}}


def test_update_replaces_the_barcodes_and_keeps_an_empty_sku(shop: Services) -> None:
    item = shop.items.create(ItemInput("Glass", barcodes=["5901234123457", "036000291452"])).item
    saved = shop.items.update(
        item.id, ItemInput("Tempered glass", barcodes=["036000291452", "GL-9"])
    )
    assert saved.item.sku == item.sku
    assert [(b.code, b.symbology) for b in saved.item.barcodes] == [
        ("036000291452", "upca"),
        ("GL-9", "code128"),
    ]
    assert shop.items.find_by_barcode("5901234123457") is None


def test_the_scanner_finds_an_item_by_barcode_or_sku(shop: Services) -> None:
    item = shop.items.create(ItemInput("Cola", barcodes=["036000291452"])).item
    found = shop.items.find_by_barcode("0036000291452")  # the same code read as EAN-13
    assert found is not None
    assert found.id == item.id
    by_sku = shop.items.find_by_barcode(item.sku.lower())
    assert by_sku is not None
    assert by_sku.id == item.id
    assert shop.items.find_by_barcode("999") is None
    assert shop.items.find_by_barcode("  ") is None


def test_search_matches_name_sku_or_barcode_prefix(shop: Services) -> None:
    screen = shop.items.create(ItemInput("iPhone 12 screen", sku="SCR-IP12")).item
    shop.items.create(ItemInput("Galaxy battery", sku="BAT-S21", barcodes=["5901234123457"]))
    assert [i.name for i in shop.items.search("iphone")] == ["iPhone 12 screen"]
    assert [i.name for i in shop.items.search("scr-")] == ["iPhone 12 screen"]
    assert [i.name for i in shop.items.search("590123")] == ["Galaxy battery"]
    assert shop.items.search("100%") == []
    shop.items.archive(screen.id)
    assert shop.items.search("iphone") == []
    assert [i.id for i in shop.items.search("iphone", include_archived=True)] == [screen.id]


def test_page_walks_the_list_by_name(shop: Services) -> None:
    for name in ("delta", "Alpha", "charlie", "Bravo", "echo"):
        shop.items.create(ItemInput(name))
    first = shop.items.page(limit=2)
    last = first[-1]
    rest = shop.items.page(after=(last.sort_name, last.id), limit=10)
    assert [i.name for i in first + rest] == ["Alpha", "Bravo", "charlie", "delta", "echo"]


def test_an_item_without_movements_may_be_deleted(shop: Services) -> None:
    item = shop.items.create(ItemInput("Typo", barcodes=["GL-1"])).item
    shop.items.delete(item.id)
    assert shop.items.count(include_archived=True) == 0
    assert shop.items.find_by_barcode("GL-1") is None


def test_an_item_with_movements_is_archived_never_deleted(shop: Services) -> None:
    item = shop.items.create(ItemInput("Battery")).item
    shop.stock.receive(item.id, 3, 500)
    with pytest.raises(RecordInUse, match="Archive it instead"):
        shop.items.delete(item.id)
    archived = shop.items.archive(item.id)
    assert not archived.active
    assert shop.items.page() == []
    assert shop.items.restore(item.id).active


@pytest.mark.parametrize("role", ["technician", "front_desk"])
def test_only_managers_edit_items(shop: Services, role: str) -> None:
    item = shop.items.create(ItemInput("Screen")).item
    add_staff(shop, "sam", role)
    sign_in_as(shop, "sam")
    with pytest.raises(PermissionDenied):
        shop.items.create(ItemInput("Mine"))
    with pytest.raises(PermissionDenied):
        shop.items.update(item.id, ItemInput("Cheaper"))
    with pytest.raises(PermissionDenied):
        shop.items.archive(item.id)
    assert shop.items.get(item.id).name == "Screen"  # everyone may look items up


def test_search_finds_any_part_of_name_sku_brand_or_barcode(shop: Services) -> None:
    screen = shop.items.create(
        ItemInput("iPhone 13 Pro OLED screen", sku="SCR-IP13P", brand="Apple", category="Screens")
    ).item
    battery = shop.items.create(
        ItemInput("Galaxy S21 battery", sku="BAT-S21", barcodes=["5901234123457"])
    ).item
    assert [i.id for i in shop.items.search("oled")] == [screen.id]
    assert [i.id for i in shop.items.search("13 pro scre")] == [screen.id]
    assert [i.id for i in shop.items.search("apple")] == [screen.id]
    assert [i.id for i in shop.items.search("ip13")] == [screen.id]
    assert [i.id for i in shop.items.search("1234123")] == [battery.id]  # inside the EAN
    assert [i.id for i in shop.items.search('oled "x')] == [screen.id]  # quotes are text
    assert shop.items.search('""" AND OR *') == []
    # The index follows renames, new barcodes and deletions.
    shop.items.update(
        battery.id, ItemInput("Galaxy S21 cell", sku="BAT-S21", barcodes=["4006381333931"])
    )
    assert shop.items.search("battery") == []
    assert [i.id for i in shop.items.search("0063813")] == [battery.id]
    assert shop.items.search("1234123") == []
    shop.items.delete(battery.id)
    assert shop.items.search("cell") == []


def test_search_finds_the_devices_a_part_fits(shop: Services) -> None:
    glass = shop.items.create(
        ItemInput("Back glass", compatible_models="iPhone 12, iPhone 12 Pro")
    ).item
    assert glass.compatible_models == "iPhone 12, iPhone 12 Pro"
    assert [i.id for i in shop.items.search("12 pro")] == [glass.id]
    shop.items.update(glass.id, ItemInput("Back glass", compatible_models="Pixel 8"))
    assert shop.items.search("iphone") == []
    assert [i.id for i in shop.items.search("pixel")] == [glass.id]
