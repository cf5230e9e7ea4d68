"""Settings → Tickets: terms, warranty and statuses, owner only."""

from __future__ import annotations

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.tickets import TicketInput
from desktop.views.settings.tickets import TicketSettings
from tests.conftest import gui_sign_in_as


def _page(services: Services, bus, qtbot) -> TicketSettings:
    page = TicketSettings(services, bus)
    qtbot.addWidget(page)
    return page


def test_owner_saves_terms_and_warranty(shop_services: Services, bus, qtbot) -> None:
    page = _page(shop_services, bus, qtbot)
    assert "data loss" in page.terms.toPlainText()
    page.terms.setPlainText("Bring your receipt.")
    page.warranty_days.setValue(30)
    assert page.parts_mode.currentData() == "consume"
    page.parts_mode.setCurrentIndex(page.parts_mode.findData("reserve"))
    assert page.save_terms()
    profile = shop_services.shop.profile()
    assert (profile.ticket_terms, profile.warranty_days) == ("Bring your receipt.", 30)
    assert profile.ticket_parts_mode == "reserve"
    page.terms.setPlainText("x" * 5001)
    assert not page.save_terms()
    assert page.errors.message("ticket_terms")


def test_owner_adds_renames_moves_and_retires_statuses(shop_services: Services, bus, qtbot) -> None:
    page = _page(shop_services, bus, qtbot)
    count = page.status_list.count()
    page._on_new_clicked()
    page.name.setText("Waiting for courier")
    page.category.setCurrentIndex(page.category.findData("waiting_parts"))
    page.notify.setChecked(True)
    assert page.save_status()
    assert page.status_list.count() == count + 1
    assert page.status_list.currentItem().text().startswith("Waiting for courier")
    assert page.move(-1)
    names = [s.name for s in shop_services.tickets.statuses()]
    assert names.index("Waiting for courier") == count - 1
    page.name.setText("")
    assert not page.save_status()
    assert page.status_errors.message("name")
    page.name.setText("Waiting for courier")
    assert page.retire()
    assert "Waiting for courier" not in [s.name for s in shop_services.tickets.statuses()]


def test_a_status_in_use_cannot_be_retired(shop_services: Services, bus, qtbot) -> None:
    customer = shop_services.customers.create(CustomerInput(last_name="Used"))
    shop_services.tickets.create(TicketInput(customer.id, problem="Screen"))
    page = _page(shop_services, bus, qtbot)
    page.status_list.setCurrentRow(0)
    assert not page.retire()
    assert "move them first" in page.status_errors.general.text()


def test_staff_see_but_cannot_change(shop_services: Services, bus, qtbot) -> None:
    gui_sign_in_as(shop_services, "maria", "manager")
    page = _page(shop_services, bus, qtbot)
    assert page.terms.isReadOnly()
    assert not page.save_button.isEnabled()
    assert not page.save_status_button.isEnabled()
