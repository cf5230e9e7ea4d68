"""The tickets screen over a real database: status counts, filters and my queue."""

from __future__ import annotations

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.tickets import TicketInput
from desktop.views.tickets.page import UNASSIGNED, TicketsPage
from tests.conftest import gui_sign_in_as


def _ticket(services: Services, problem: str, **extra: object) -> object:
    customer = services.customers.create(CustomerInput(first_name="Ann", last_name="Zed"))
    return services.tickets.create(TicketInput(customer_id=customer.id, problem=problem, **extra))  # type: ignore[arg-type]


def _page(services: Services, bus: object, tasks: object, qtbot) -> TicketsPage:
    page = TicketsPage(services, bus, tasks)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    return page


def test_status_buttons_show_counts_and_filter(shop_services: Services, bus, tasks, qtbot) -> None:
    for n in range(3):
        _ticket(shop_services, f"Screen {n}")
    statuses = shop_services.tickets.statuses()
    first, other = statuses[0], statuses[1]
    moved = _ticket(shop_services, "Battery")
    shop_services.tickets.change_status(moved.id, other.id)  # type: ignore[attr-defined]

    page = _page(shop_services, bus, tasks, qtbot)
    assert page.all_button.text() == "All (4)"
    assert page.status_button(first.id).text() == f"{first.name} (3)"
    assert page.status_button(other.id).text() == f"{other.name} (1)"
    assert page.status_button(statuses[-1].id).text() == f"{statuses[-1].name} (0)"
    assert page.model.rowCount() == 4
    assert page.count_label.text() == "4 ticket(s)"
    assert not page.my_queue.isVisibleTo(page)

    page.status_button(other.id).click()
    assert page.status_button(other.id).isChecked()
    assert page.model.rowCount() == 1
    assert page.model.ticket_id(0) == moved.id  # type: ignore[attr-defined]
    page.all_button.click()
    assert page.model.rowCount() == 4


def test_filters_and_reload_on_data_changed(shop_services: Services, bus, tasks, qtbot) -> None:
    _ticket(shop_services, "Screen", priority="urgent")
    page = _page(shop_services, bus, tasks, qtbot)
    assert page.model.rowCount() == 1
    _ticket(shop_services, "Keyboard")
    from desktop.services.changes import Changes

    bus.publish(Changes(customers=frozenset()))
    assert page.model.rowCount() == 2
    assert page.all_button.text() == "All (2)"
    page.priority.setCurrentIndex(page.priority.findData("urgent"))
    assert page.model.rowCount() == 1
    page.priority.setCurrentIndex(0)
    page.overdue.setChecked(True)
    assert page.model.rowCount() == 0
    page.overdue.setChecked(False)
    page.technician.setCurrentIndex(page.technician.findData(UNASSIGNED))
    assert page.model.rowCount() == 2


def test_technician_sees_my_queue_first(shop_services: Services, bus, tasks, qtbot) -> None:
    _ticket(shop_services, "Someone else's")
    _ticket(shop_services, "Nobody's")
    gui_sign_in_as(shop_services, "tina", "technician")
    actor = shop_services.ctx.actor
    assert actor is not None
    mine = _ticket(shop_services, "Mine", assigned_to_id=actor.user_id)

    page = _page(shop_services, bus, tasks, qtbot)
    assert page.my_queue.isVisibleTo(page)
    assert page.my_queue.isChecked()
    assert not page.technician.isEnabled()
    assert page.current_filter().technician_id == actor.user_id
    assert page.model.rowCount() == 1
    assert page.model.ticket_id(0) == mine.id  # type: ignore[attr-defined]
    assert page.all_button.text() == "All (3)"  # the counts are for the whole shop

    page.my_queue.setChecked(False)
    assert page.technician.isEnabled()
    assert page.model.rowCount() == 3
    page.choose_technician(actor.user_id)
    assert page.model.rowCount() == 1
