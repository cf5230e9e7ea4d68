"""Scans reaching the main window: an item shows in the inventory, an unknown code offers
a new item with that barcode, and the dashboard lists stock that needs someone."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from desktop.views.main_window import MainWindow
from tests.conftest import gui_sign_in_as
from tests.gui.inventory.helpers import SCREEN_EAN, add_catalog


def _window(qtbot, services, bus, tasks, gui_paths) -> MainWindow:
    window = MainWindow(services, bus, tasks, gui_paths)
    qtbot.addWidget(window)
    window.show()
    return window


def test_item_scan_anywhere_opens_inventory_on_the_item(
    qtbot, shop_services, bus, tasks, gui_paths
) -> None:
    catalog = add_catalog(shop_services)
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    assert window.route_scan(SCREEN_EAN)
    assert window.current_page_name() == "inventory"
    page = window.page("inventory")
    assert type(page).__name__ == "InventoryPage"
    assert page.items.current_id == catalog["screen"].id  # type: ignore[attr-defined]
    window.close()


def test_unknown_scan_offers_a_new_item_with_that_barcode(
    qtbot, shop_services, bus, tasks, gui_paths
) -> None:
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    assert window.route_scan("5901234123457")  # taken out of the field it was typed into
    question = window.new_item_question
    assert question is not None and question.isVisible()
    assert "5901234123457" in question.informativeText()
    question.button(QMessageBox.StandardButton.Yes).click()
    page = window.page("inventory")
    editor = page.items.dialog  # type: ignore[attr-defined]
    assert editor.barcodes() == ["5901234123457"]
    editor.name.setText("Galaxy S21 battery")
    editor.save()
    assert shop_services.items.find_by_barcode("5901234123457") is not None
    window.close()


def test_no_offer_to_staff_who_cannot_add_items(
    qtbot, shop_services, bus, tasks, gui_paths
) -> None:
    gui_sign_in_as(shop_services, "tom", "technician")
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    assert not window.route_scan("5901234123457")
    assert window.new_item_question is None
    window.close()


def test_dashboard_lists_low_negative_and_expiring_stock(
    qtbot, shop_services, bus, tasks, gui_paths
) -> None:
    catalog = add_catalog(shop_services)
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    dashboard = window.page("dashboard")
    alerts = dashboard.stock  # type: ignore[attr-defined]
    names = [alerts.low.item(r, 0).text() for r in range(alerts.low.rowCount())]
    assert names == ["USB-C cable", "Galaxy S21 battery"]  # negative first, flagged
    assert alerts.low.item(0, 0).toolTip() == "Negative stock: count it again."
    assert alerts.expiring.item(0, 0).text() == "B-7000 glue"
    alerts.low.cellDoubleClicked.emit(1, 0)
    assert window.current_page_name() == "inventory"
    assert window.page("inventory").items.current_id == catalog["battery"].id  # type: ignore[attr-defined]
    window.close()


def test_the_inventory_hosts_orders_suppliers_and_counts_and_an_open_count_takes_scans(
    qtbot, shop_services, bus, tasks, gui_paths
) -> None:
    catalog = add_catalog(shop_services)
    window = _window(qtbot, shop_services, bus, tasks, gui_paths)
    page = window.show_page("inventory")
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]  # type: ignore[attr-defined]
    assert titles == [
        "Items",
        "Low stock and expiring",
        "Purchase orders",
        "Suppliers",
        "Stock counts",
    ]
    count = shop_services.counts.start()
    page.tabs.setCurrentWidget(page.counts)  # type: ignore[attr-defined]
    page.counts.open_count(count.id)  # type: ignore[attr-defined]
    page.tabs.tabBar().setFocus()  # type: ignore[attr-defined]
    assert window.route_scan(SCREEN_EAN)
    assert window.route_scan(SCREEN_EAN)
    [line] = shop_services.counts.sheet(count.id).counted
    assert (line.item_id, line.counted) == (catalog["screen"].id, 2)
    assert page.tabs.currentWidget() is page.counts  # type: ignore[attr-defined]
    window.close()
