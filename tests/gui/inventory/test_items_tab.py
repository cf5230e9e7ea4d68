"""The inventory page's items list: search, filters, scans, on a real database."""

from __future__ import annotations

from desktop.services.item_lists import ItemFilter
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.inventory.page import InventoryPage
from desktop.views.itemmodels.items import ItemTableModel
from tests.gui.inventory.helpers import BATTERY_EAN, SCREEN_EAN, add_catalog


def _page(qtbot, services, bus, tasks) -> InventoryPage:
    page = InventoryPage(services, bus, tasks)
    qtbot.addWidget(page)
    return page


def _names(page: InventoryPage) -> list[str]:
    model = page.items.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_list_shows_active_items_by_name_with_stock_and_price(
    qtbot, shop_services, bus, tasks
) -> None:
    add_catalog(shop_services)
    page = _page(qtbot, shop_services, bus, tasks)
    assert _names(page) == [
        "B-7000 glue",
        "Diagnosis",
        "Galaxy S21 battery",
        "iPhone 12 screen",
        "USB-C cable",
    ]
    model = page.items.model
    screen = _names(page).index("iPhone 12 screen")
    assert [model.index(screen, c).data() for c in range(6)] == [
        "iPhone 12 screen",
        "ITM-A-000001",
        "Screens",
        "5",
        "$129.00",
        "A-01",
    ]
    assert model.index(_names(page).index("Diagnosis"), 3).data() == "—"
    assert page.items.count_label.text() == "5 item(s)"


def test_search_finds_barcode_sku_and_compatible_model(qtbot, shop_services, bus, tasks) -> None:
    add_catalog(shop_services)
    page = _page(qtbot, shop_services, bus, tasks)
    for text, expected in (
        ("12 pro", ["iPhone 12 screen"]),
        (BATTERY_EAN[:6], ["Galaxy S21 battery"]),
        ("ITM-A-000003", ["USB-C cable"]),
        ("ga", ["Galaxy S21 battery"]),
        ("nothing like it", []),
    ):
        page.items.search.setText(text)
        page.items.run_search()
        assert _names(page) == expected, text


def test_filters_low_out_negative_expiring_archived_category(
    qtbot, shop_services, bus, tasks
) -> None:
    add_catalog(shop_services)
    page = _page(qtbot, shop_services, bus, tasks)
    tab = page.items
    model = tab.model

    def shown(box) -> list[str]:
        box.setChecked(True)
        tab.run_search()
        names = [model.index(r, 0).data() for r in range(model.rowCount())]
        box.setChecked(False)
        return names

    assert shown(tab.low_stock) == ["Galaxy S21 battery"]
    assert shown(tab.out_of_stock) == ["USB-C cable"]
    assert shown(tab.negative_stock) == ["USB-C cable"]
    assert shown(tab.expiring) == ["B-7000 glue"]
    assert "iPhone 6 screen (archived)" in shown(tab.archived)
    tab.category.setCurrentIndex(tab.category.findData("Screens"))
    tab.run_search()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["iPhone 12 screen"]


def test_selecting_a_row_shows_the_item_panel(qtbot, shop_services, bus, tasks) -> None:
    catalog = add_catalog(shop_services)
    page = _page(qtbot, shop_services, bus, tasks)
    tab = page.items
    tab.table.selectRow(_names_index(tab, "iPhone 12 screen"))
    assert tab.current_id == catalog["screen"].id
    assert tab.panel.title.text() == "iPhone 12 screen"
    assert tab.panel.levels.item(0, 0).text() == "Store"
    assert tab.panel.levels.item(0, 1).text() == "5"
    assert tab.panel.movements_model.rowCount() == 1


def _names_index(tab, name: str) -> int:
    model = tab.model
    return [model.index(r, 0).data() for r in range(model.rowCount())].index(name)


def test_item_scan_selects_its_row_even_under_another_filter(
    qtbot, shop_services, bus, tasks
) -> None:
    catalog = add_catalog(shop_services)
    page = _page(qtbot, shop_services, bus, tasks)
    page.items.low_stock.setChecked(True)
    page.items.run_search()
    assert _names(page) == ["Galaxy S21 battery"]
    found = shop_services.scans.resolve(SCREEN_EAN)
    assert found.kind is ScanKind.ITEM
    assert page.take_scan(found)
    assert not page.items.low_stock.isChecked()
    rows = page.items.table.selectionModel().selectedRows()
    assert [page.items.model.item_id(i.row()) for i in rows] == [catalog["screen"].id]
    assert page.items.panel.item is not None and page.items.panel.item.id == catalog["screen"].id
    assert not page.take_scan(ScanResult(ScanKind.UNKNOWN, "12345"))


def test_archived_item_scan_shows_it_too(qtbot, shop_services, bus, tasks) -> None:
    catalog = add_catalog(shop_services)
    page = _page(qtbot, shop_services, bus, tasks)
    old = catalog["old"]
    assert page.take_scan(ScanResult(ScanKind.ITEM, old.sku, old.id))
    assert page.items.archived.isChecked()
    assert page.items.current_id == old.id
    assert page.items.table.selectionModel().selectedRows()


def test_add_tab_hosts_other_inventory_screens(qtbot, shop_services, bus, tasks) -> None:
    from PySide6.QtWidgets import QLabel

    page = _page(qtbot, shop_services, bus, tasks)
    index = page.add_tab(QLabel("orders"), "Purchase orders")
    assert page.tabs.tabText(index) == "Purchase orders"
    assert page.tabs.tabText(0) == "Items"


def test_item_model_passes_qtmodeltester(shop_services, qtmodeltester) -> None:
    add_catalog(shop_services)
    model = ItemTableModel(shop_services.item_lists, str)
    model.set_filter(ItemFilter())
    qtmodeltester.check(model)
    model.set_filter(ItemFilter(text="screen", include_archived=True))
    qtmodeltester.check(model)
