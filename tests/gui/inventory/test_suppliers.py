"""The suppliers tab and editor on a real database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.items import ItemInput
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.services.suppliers import SupplierInput
from desktop.views.inventory.suppliers import SupplierEditor, SuppliersTab
from tests.conftest import gui_sign_in_as


def _tab(qtbot, services, bus, tasks) -> SuppliersTab:
    tab = SuppliersTab(services, bus, tasks)
    qtbot.addWidget(tab)
    return tab


def test_a_new_supplier_is_saved_and_listed(qtbot, shop_services, bus, tasks) -> None:
    tab = _tab(qtbot, shop_services, bus, tasks)
    editor = tab.new_supplier()
    qtbot.keyClicks(editor.name, "Parts Direct")
    qtbot.keyClicks(editor.email, "orders@parts.example")
    editor.lead_time.setValue(4)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.saved is not None and editor.isVisible()  # stays open for the items
    assert not editor.items_hint.isVisibleTo(editor)
    assert [tab.model.row_record(0).name] == ["Parts Direct"]  # type: ignore[union-attr]
    assert tab.model.index(0, 4).data() == "4 day(s)"
    editor.close()


def test_bad_fields_show_next_to_them(qtbot, shop_services, bus, tasks) -> None:
    editor = SupplierEditor(shop_services, bus, tasks)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.email, "not-an-address")
    qtbot.keyClicks(editor.phone, "call me")
    editor.save()
    assert editor.saved is None
    assert editor.errors.message("name") == "This field is required."
    assert editor.errors.message("email") and editor.errors.message("phone")
    assert shop_services.suppliers.list() == []


def test_items_are_linked_by_search_or_scan_and_removed(qtbot, shop_services, bus, tasks) -> None:
    supplier = shop_services.suppliers.create(SupplierInput("Parts Direct")).id
    screen = shop_services.items.create(ItemInput("iPhone 12 screen", barcodes=["4006381333931"]))
    battery = shop_services.items.create(ItemInput("iPhone 12 battery"))
    editor = SupplierEditor(shop_services, bus, tasks, supplier)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.picker.search, "battery")
    editor.picker.run_search()
    assert editor.picker.matches.count() == 1
    qtbot.keyClick(editor.picker.search, Qt.Key.Key_Return)
    assert editor.chosen_label.text() == "iPhone 12 battery"
    qtbot.keyClicks(editor.supplier_sku, "PD-BAT-12")
    qtbot.keyClicks(editor.cost, "7.50")
    editor.link_item()
    assert editor.take_scan(ScanResult(ScanKind.ITEM, "4006381333931", screen.item.id))
    assert editor.chosen_label.text() == "iPhone 12 screen"
    qtbot.keyClicks(editor.cost, "abc")
    editor.link_item()
    assert editor.link_errors.message("cost_price") == "This is not an amount."
    editor.cost.setText("12")
    editor.link_item()
    links = shop_services.suppliers.items_of(supplier)
    assert [(x.item_name, x.supplier_sku, x.cost_price) for x in links] == [
        ("iPhone 12 battery", "PD-BAT-12", 750),
        ("iPhone 12 screen", "", 1200),
    ]
    assert editor.items.rowCount() == 2 and editor.items.item(0, 3).text() == "$7.50"
    editor.items.selectRow(1)
    assert editor.cost.text() == "$12.00"
    editor.remove_link(links[1])
    assert [x.item_id for x in shop_services.suppliers.items_of(supplier)] == [battery.item.id]


def test_archiving_hides_a_supplier_and_staff_cannot_change_them(
    qtbot, shop_services, bus, tasks
) -> None:
    shop_services.suppliers.create(SupplierInput("Parts Direct"))
    tab = _tab(qtbot, shop_services, bus, tasks)
    tab.table.selectRow(0)
    assert tab.archive_button.text() == "Archive"
    tab.toggle_archived()
    assert tab.model.rowCount() == 0
    tab.show_archived.setChecked(True)
    tab.table.selectRow(0)
    assert tab.archive_button.text() == "Restore"
    gui_sign_in_as(shop_services, "tina", "technician")
    tab2 = _tab(qtbot, shop_services, bus, tasks)
    assert not tab2.new_button.isEnabled()


def test_the_supplier_list_model_passes_the_model_tester(
    qtbot, qtmodeltester, shop_services, bus, tasks
) -> None:
    for name in ("Alpha", "Beta"):
        shop_services.suppliers.create(SupplierInput(name, lead_time_days=2))
    tab = _tab(qtbot, shop_services, bus, tasks)
    qtmodeltester.check(tab.model)
