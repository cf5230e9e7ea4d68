"""The item editor: every field saved, problems shown at their fields, archive and delete."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.items import ItemInput
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.inventory.editor import ItemEditor
from tests.gui.inventory.helpers import BAD_CHECK_DIGIT, SCREEN_EAN, add_catalog


def _editor(qtbot, services, bus, item_id=None, barcode="") -> ItemEditor:
    editor = ItemEditor(services, bus, item_id, barcode)
    qtbot.addWidget(editor)
    return editor


def test_new_item_saves_every_field(qtbot, shop_services, bus) -> None:
    editor = _editor(qtbot, shop_services, bus, barcode=" 4006381333931 ")
    qtbot.keyClicks(editor.name, "Pixel 7 battery")
    editor.category.setCurrentText("Batteries")
    qtbot.keyClicks(editor.brand, "Google")
    qtbot.keyClicks(editor.compatible_models, "Pixel 7")
    qtbot.keyClicks(editor.cost_price, "12.50")
    qtbot.keyClicks(editor.sell_price, "$39.90")
    editor.low_stock_threshold.setValue(2)
    editor.reorder_level.setValue(3)
    editor.reorder_quantity.setValue(10)
    qtbot.keyClicks(editor.bin_location, "B-04")
    editor.serialized.setChecked(True)
    qtbot.keyClicks(editor.barcode_entry, "012345678905")  # UPC-A
    qtbot.keyClick(editor.barcode_entry, Qt.Key.Key_Return)
    with qtbot.waitSignal(bus.data_changed):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.saved is not None
    saved = shop_services.items.get(editor.saved.id)
    assert (saved.name, saved.category, saved.brand, saved.compatible_models) == (
        "Pixel 7 battery",
        "Batteries",
        "Google",
        "Pixel 7",
    )
    assert (saved.cost_price, saved.sell_price) == (1250, 3990)
    assert (saved.low_stock_threshold, saved.reorder_level, saved.reorder_quantity) == (2, 3, 10)
    assert saved.bin_location == "B-04" and saved.serialized and not saved.track_expiry
    assert [b.code for b in saved.barcodes] == ["012345678905", "4006381333931"]
    assert saved.sku.startswith("ITM-A-")


def test_bad_check_digit_is_shown_at_once_and_not_added(qtbot, shop_services, bus) -> None:
    editor = _editor(qtbot, shop_services, bus)
    qtbot.keyClicks(editor.barcode_entry, BAD_CHECK_DIGIT)
    qtbot.keyClick(editor.barcode_entry, Qt.Key.Key_Return)
    assert "check digit" in editor.errors.message("barcodes")
    assert editor.barcodes() == []
    assert editor.barcode_entry.text() == BAD_CHECK_DIGIT  # kept to correct it


def test_duplicate_barcode_names_the_other_item(qtbot, shop_services, bus) -> None:
    add_catalog(shop_services)
    editor = _editor(qtbot, shop_services, bus)
    qtbot.keyClicks(editor.name, "Another screen")
    editor.add_barcode(SCREEN_EAN)
    editor.save()
    assert editor.saved is None
    assert "“iPhone 12 screen”" in editor.errors.message("barcodes")
    # A scan into the editor says the same before saving.
    editor.take_scan(shop_services.scans.resolve(SCREEN_EAN))
    assert "iPhone 12 screen" in editor.errors.message("barcodes")


def test_negative_price_and_nonsense_money_are_refused(qtbot, shop_services, bus) -> None:
    editor = _editor(qtbot, shop_services, bus)
    qtbot.keyClicks(editor.name, "Case")
    qtbot.keyClicks(editor.sell_price, "-5.00")
    qtbot.keyClicks(editor.cost_price, "cheap")
    editor.save()
    assert editor.saved is None
    assert "negative" in editor.errors.message("sell_price")
    assert "Type an amount" in editor.errors.message("cost_price")
    assert shop_services.items.count() == 0


def test_empty_name_and_10_mb_paste_are_refused(qtbot, shop_services, bus) -> None:
    editor = _editor(qtbot, shop_services, bus)
    editor.notes.setPlainText("x" * 10_000_000)
    editor.save()
    assert editor.errors.message("name") == "This field is required."
    assert "Too long" in editor.errors.message("notes")


def test_cost_above_price_warns_but_saves(qtbot, shop_services, bus) -> None:
    editor = _editor(qtbot, shop_services, bus)
    qtbot.keyClicks(editor.name, "Loss leader")
    qtbot.keyClicks(editor.cost_price, "10")
    qtbot.keyClicks(editor.sell_price, "5")
    assert not editor.cost_warning.isHidden()
    editor.save()
    assert editor.saved is not None and editor.saved.sell_price == 500


def test_unknown_scan_in_the_editor_becomes_a_barcode(qtbot, shop_services, bus) -> None:
    editor = _editor(qtbot, shop_services, bus)
    assert editor.take_scan(ScanResult(ScanKind.UNKNOWN, "ABC-123"))
    assert editor.barcodes() == ["ABC-123"]
    assert not editor.take_scan(ScanResult(ScanKind.TICKET, "T-A-10001"))


def test_item_with_history_offers_archive_instead_of_delete(qtbot, shop_services, bus) -> None:
    catalog = add_catalog(shop_services)
    editor = _editor(qtbot, shop_services, bus, catalog["screen"].id)
    assert editor.name.text() == "iPhone 12 screen"
    assert editor.sell_price.text() == "$129.00"
    assert not editor.delete_item(confirm=False)
    assert "Archive it instead" in editor.errors.general.text()
    editor.toggle_archived()
    assert not shop_services.items.get(catalog["screen"].id).active
    assert editor.archive_button.text() == "Restore"
    editor.toggle_archived()
    assert shop_services.items.get(catalog["screen"].id).active


def test_item_without_history_is_deleted(qtbot, shop_services, bus) -> None:
    item = shop_services.items.create(ItemInput("Typo itme")).item
    editor = _editor(qtbot, shop_services, bus, item.id)
    with qtbot.waitSignal(editor.item_deleted):
        assert editor.delete_item(confirm=False)
    assert shop_services.items.count() == 0
