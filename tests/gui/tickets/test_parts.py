"""Parts on the ticket window: found by search, serialized units by serial, removed back
into stock, and refused on a closed ticket."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.items import ItemInput
from desktop.services.tickets import TicketDetail, TicketInput
from desktop.views.tickets.detail import TicketWindow


@pytest.fixture
def ticket(shop_services: Services) -> TicketDetail:
    customer = shop_services.customers.create(CustomerInput(first_name="Omar", last_name="Haddad"))
    return shop_services.tickets.create(TicketInput(customer.id, problem="Cracked screen"))


def _window(services: Services, bus, tasks, qtbot, ticket: TicketDetail) -> TicketWindow:
    window = TicketWindow(services, bus, tasks, ticket.id)
    qtbot.addWidget(window)
    return window


def test_a_part_found_by_search_is_used_and_removed_back_into_stock(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    screen = shop_services.items.create(
        ItemInput("iPhone 13 OLED screen", sku="SCR-IP13", sell_price=12000)
    ).item
    shop_services.stock.receive(screen.id, 2, 6000)
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    tab = window.parts_tab
    tab.search.setText("oled")
    assert tab.found.count() == 1
    tab.quantity.setValue(2)
    with qtbot.waitSignal(bus.data_changed):
        assert tab.add_found()
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 5).text() == "$240.00"
    assert tab.total.text() == "Parts total: $240.00"
    assert window.due.text() == "Due $240.00"
    assert shop_services.stock.on_hand(screen.id) == 0
    tab.table.selectRow(0)
    assert tab.remove_selected()
    assert tab.table.rowCount() == 0
    assert shop_services.stock.on_hand(screen.id) == 2
    tab.search.setText("no such part")
    assert not tab.add_found()
    assert "No part matches" in tab.errors.general.text()


def test_a_serialized_part_asks_for_its_serial(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail, monkeypatch
) -> None:
    board = shop_services.items.create(ItemInput("Logic board", serialized=True)).item
    shop_services.stock.receive(board.id, 2, 20000, serials=["SN-1", "SN-2"])
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, items, _current, _editable):
        offered.append(list(items))
        return "SN-2", True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    assert window.parts_tab.add_item(board.id)
    assert offered == [["SN-1", "SN-2"]]
    assert window.parts_tab.table.item(0, 2).text() == "SN-2"
    assert shop_services.stock.serials_in_stock(board.id) == ["SN-1"]


def test_a_closed_ticket_refuses_new_parts(
    shop_services: Services, bus, tasks, qtbot, ticket: TicketDetail
) -> None:
    glass = shop_services.items.create(ItemInput("Back glass")).item
    closed = next(s for s in shop_services.tickets.statuses() if s.category == "closed")
    shop_services.tickets.change_status(ticket.id, closed.id)
    window = _window(shop_services, bus, tasks, qtbot, ticket)
    assert not window.parts_tab.add_item(glass.id)
    assert "closed" in window.parts_tab.errors.general.text()
