"""The item panel: stock, history, where used, and stock actions with permissions."""

from __future__ import annotations

from desktop.views.inventory.panel import ItemPanel
from desktop.views.inventory.stock_actions import StockAction
from tests.conftest import gui_sign_in_as
from tests.gui.inventory.helpers import add_catalog


def _panel(qtbot, services, bus) -> ItemPanel:
    panel = ItemPanel(services, bus)
    qtbot.addWidget(panel)
    return panel


def test_adjust_needs_a_reason_and_posts_through_the_ledger(qtbot, shop_services, bus) -> None:
    catalog = add_catalog(shop_services)
    panel = _panel(qtbot, shop_services, bus)
    panel.show_item(catalog["screen"].id)
    dialog = panel.open_action(StockAction.ADJUST)
    assert dialog is not None
    dialog.quantity.setValue(-2)
    dialog.post()
    assert dialog.errors.message("reason") == "This field is required."
    dialog.reason.setText("Two found broken in the box")
    with qtbot.waitSignal(bus.data_changed):
        dialog.post()
    assert shop_services.stock.on_hand(catalog["screen"].id) == 3
    assert panel.levels.item(0, 1).text() == "3"
    assert panel.movements_model.index(0, 2).data() == "-2"
    assert panel.movements_model.index(0, 4).data() == "Two found broken in the box"


def test_write_off_and_transfer_to_a_new_location(qtbot, shop_services, bus) -> None:
    catalog = add_catalog(shop_services)
    panel = _panel(qtbot, shop_services, bus)
    panel.show_item(catalog["screen"].id)
    adding = panel.add_location()
    adding.add()
    assert adding.errors.message("name") == "This field is required."
    adding.name.setText("Van 1")
    adding.add()
    assert adding.added is not None
    write_off = panel.open_action(StockAction.WRITE_OFF)
    write_off.quantity.setValue(1)
    write_off.reason.setText("Cracked")
    write_off.post()
    transfer = panel.open_action(StockAction.TRANSFER)
    transfer.to_location.setCurrentIndex(transfer.to_location.findText("Van 1"))
    transfer.quantity.setValue(2)
    transfer.post()
    assert transfer.posted
    levels = {
        panel.levels.item(r, 0).text(): panel.levels.item(r, 1).text()
        for r in range(panel.levels.rowCount())
    }
    assert levels == {"Store": "2", "Van 1": "2"}
    same = panel.open_action(StockAction.TRANSFER)
    same.to_location.setCurrentIndex(same.location.currentIndex())
    same.post()
    assert "different location" in same.errors.message("to_location")
    same.reject()


def test_technician_cannot_adjust_or_write_off(qtbot, shop_services, bus) -> None:
    catalog = add_catalog(shop_services)
    gui_sign_in_as(shop_services, "tom", "technician")
    panel = _panel(qtbot, shop_services, bus)
    panel.show_item(catalog["screen"].id)
    assert panel.adjust_button.isHidden()
    assert panel.write_off_button.isHidden()
    assert panel.add_location_button.isHidden()
    assert panel.transfer_button.isEnabled()
    # Even a dialog opened anyway is refused by the service.
    dialog = panel.open_action(StockAction.ADJUST)
    dialog.quantity.setValue(5)
    dialog.reason.setText("Found")
    dialog.post()
    assert not dialog.posted
    assert "may not adjust" in dialog.errors.general.text()
    assert shop_services.stock.on_hand(catalog["screen"].id) == 5


def test_lots_and_serials_and_where_used(qtbot, shop_services, bus) -> None:
    from desktop.services.items import ItemInput

    catalog = add_catalog(shop_services)
    phone = shop_services.items.create(ItemInput("Used iPhone 12", serialized=True)).item
    shop_services.stock.receive(phone.id, 2, 20000, serials=["IMEI-1", "IMEI-2"])
    panel = _panel(qtbot, shop_services, bus)
    panel.show_item(phone.id)
    assert [panel.serials.item(i).text() for i in range(panel.serials.count())] == [
        "IMEI-1",
        "IMEI-2",
    ]
    assert panel.tabs.isTabVisible(3) and not panel.tabs.isTabVisible(4)
    panel.show_item(catalog["glue"].id)
    assert panel.lots.item(0, 0).text() == "L1"
    assert panel.lots.item(0, 2).text() == "4"
    assert panel.tabs.isTabVisible(4)
    assert panel.tickets.rowCount() == 0 and panel.orders.rowCount() == 0


def test_history_loads_further_back_as_it_scrolls(qtbot, shop_services, bus) -> None:
    from desktop.services.items import ItemInput

    item = shop_services.items.create(ItemInput("Screw")).item
    for _ in range(130):
        shop_services.stock.receive(item.id, 1, 5)
    panel = _panel(qtbot, shop_services, bus)
    panel.show_item(item.id)
    model = panel.movements_model
    assert model.rowCount() == 100 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 130 and not model.canFetchMore()
    ids = [model.movement(r).id for r in range(130)]
    assert len(set(ids)) == 130
