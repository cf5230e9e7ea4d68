from __future__ import annotations

import pytest

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.ticket_work import BenchFields
from desktop.services.tickets import TicketInput
from tests.unit.conftest import add_staff, sign_in_as


def test_defaults_cover_every_category(shop: Services) -> None:
    categories = {s.category for s in shop.tickets.statuses()}
    assert categories == {
        "open",
        "in_progress",
        "waiting_parts",
        "waiting_customer",
        "ready",
        "completed",
        "closed",
        "cancelled",
    }


def test_owner_adds_renames_reorders_and_retires_statuses(shop: Services) -> None:
    config = shop.ticket_statuses
    added = config.save_status("Sent to vendor", "waiting_parts", notify_customer=True)
    assert shop.tickets.statuses()[-1] == added
    renamed = config.save_status("At vendor", "waiting_parts", status_id=added.id)
    assert renamed.name == "At vendor"
    with pytest.raises(ValidationError):
        config.save_status("at VENDOR", "open")
    with pytest.raises(ValidationError):
        config.save_status("Odd", "not-a-category")
    ids = [s.id for s in shop.tickets.statuses()]
    config.reorder_statuses([ids[-1], *ids[:-1]])
    assert shop.tickets.statuses()[0].name == "At vendor"
    config.deactivate_status(added.id)
    assert "At vendor" not in [s.name for s in shop.tickets.statuses()]


def test_a_status_in_use_or_the_last_open_one_cannot_be_retired(shop: Services) -> None:
    customer = shop.customers.create(CustomerInput(last_name="Busy"))
    ticket = shop.tickets.create(TicketInput(customer_id=customer.id, problem="No power"))
    with pytest.raises(ValidationError, match="move them first"):
        shop.ticket_statuses.deactivate_status(ticket.status.id)
    closed = next(s for s in shop.tickets.statuses() if s.category == "closed")
    shop.tickets.change_status(ticket.id, closed.id)
    with pytest.raises(ValidationError, match="open status"):
        shop.ticket_statuses.deactivate_status(ticket.status.id)


def test_only_the_owner_configures_statuses(shop: Services) -> None:
    add_staff(shop, "mia", "manager")
    sign_in_as(shop, "mia")
    with pytest.raises(PermissionDenied):
        shop.ticket_statuses.save_status("Mine", "open")


def test_bench_fields_are_saved_and_checked(shop: Services) -> None:
    customer = shop.customers.create(CustomerInput(last_name="Bench"))
    ticket = shop.tickets.create(TicketInput(customer_id=customer.id, problem="Hinge"))
    saved = shop.ticket_work.update_work(
        ticket.id,
        BenchFields(
            diagnosis="Broken hinge",
            work_done="Replaced hinge",
            estimate_labour=3000,
            estimate_parts=1500,
            priority="urgent",
        ),
    ).ticket
    assert (saved.diagnosis, saved.estimate_total, saved.priority) == (
        "Broken hinge",
        4500,
        "urgent",
    )
    with pytest.raises(ValidationError):
        shop.ticket_work.update_work(ticket.id, BenchFields(estimate_labour=-5))
    assert shop.tickets.get(ticket.id).estimate_labour == 3000
