from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from desktop.models import OutboxEntry
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.devices import DeviceInput
from desktop.services.errors import ValidationError
from desktop.services.tickets import TicketFilter, TicketInput, is_overdue
from tests.unit.conftest import add_staff, sign_in_as


@pytest.fixture
def intake(shop: Services) -> TicketInput:
    customer = shop.customers.create(CustomerInput(first_name="Rina", last_name="Das"))
    device = shop.devices.save(DeviceInput(customer.id, "Phone", "Samsung", "Galaxy S24"))
    return TicketInput(
        customer_id=customer.id,
        device_id=device.id,
        problem="Cracked screen",
        condition={"Powers on": True, "Scratches": False},
        condition_notes="Dent on the corner",
        accessories=["Case", "SIM", " "],
        estimate_labour=2500,
        estimate_parts=9900,
        promised_at=datetime(2030, 1, 1, 17, 0, tzinfo=UTC),
        priority="high",
    )


def test_intake_numbers_the_ticket_and_opens_it(shop: Services, intake: TicketInput) -> None:
    first = shop.tickets.create(intake)
    second = shop.tickets.create(intake)
    assert (first.number, second.number) == ("T-A-10001", "T-A-10002")
    assert first.status.name == "New" and first.status.category == "open"
    assert first.estimate_total == 12400
    assert first.accessories == ("Case", "SIM")
    assert first.condition == {"Powers on": True, "Scratches": False}
    assert first.condition_notes == "Dent on the corner"
    assert [h.text for h in first.history] == ["Opened as New"]


def test_bad_intake_writes_nothing_and_uses_no_number(shop: Services, intake: TicketInput) -> None:
    other = shop.customers.create(CustomerInput(last_name="Other"))
    bad = [
        TicketInput(**{**intake.__dict__, "problem": ""}),
        TicketInput(**{**intake.__dict__, "estimate_parts": -1}),
        TicketInput(**{**intake.__dict__, "customer_id": other.id}),
        TicketInput(**{**intake.__dict__, "priority": "whenever"}),
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            shop.tickets.create(data)
    assert shop.tickets.create(intake).number == "T-A-10001"


def test_status_changes_assignments_and_notes_are_kept(shop: Services, intake: TicketInput) -> None:
    add_staff(shop, "tech", "technician")
    add_staff(shop, "desk", "front_desk")
    tech = next(u for u in shop.accounts.list_users() if u.username == "tech")
    desk = next(u for u in shop.accounts.list_users() if u.username == "desk")
    ticket = shop.tickets.create(intake)
    statuses = {s.name: s for s in shop.tickets.statuses()}
    with pytest.raises(ValidationError):
        shop.tickets.assign(ticket.id, desk.id)
    shop.tickets.assign(ticket.id, tech.id)
    sign_in_as(shop, "tech")
    shop.tickets.change_status(ticket.id, statuses["Waiting for parts"].id, "Screen ordered")
    shop.tickets.add_note(ticket.id, "Customer called", customer_visible=True)
    detail = shop.tickets.get(ticket.id)
    assert detail.assigned_to_id == tech.id
    assert detail.status.category == "waiting_parts"
    texts = [h.text for h in detail.history]
    assert texts == [
        "Opened as New",
        "Assigned to Tech",
        "New → Waiting for parts: Screen ordered",
        "Customer called",
    ]
    assert shop.tickets.counts_by_status() == {statuses["Waiting for parts"].id: 1}


def test_ticket_and_its_history_go_to_the_outbox_in_one_transaction(
    shop: Services, intake: TicketInput
) -> None:
    with shop.ctx.uow() as tx:
        start = tx.session.scalar(select(OutboxEntry.seq).order_by(OutboxEntry.seq.desc()))
    shop.tickets.create(intake)
    with shop.ctx.uow() as tx:
        entries = tx.session.scalars(select(OutboxEntry).where(OutboxEntry.seq > start)).all()
        tables = [(e.table_name, e.op) for e in entries]
        txns = {e.txn_id for e in entries}
        ticket_fields = json.loads(entries[0].fields)
    assert tables == [("tickets", "insert"), ("ticket_status_changes", "insert")]
    assert len(txns) == 1
    assert ticket_fields["number"] == "T-A-10001"


def test_overdue_means_past_promised_and_not_finished(shop: Services, intake: TicketInput) -> None:
    ticket = shop.tickets.create(intake)
    assert not is_overdue(ticket, now=datetime(2029, 12, 31, tzinfo=UTC))
    assert is_overdue(ticket, now=datetime(2030, 1, 2, tzinfo=UTC))
    closed = next(s for s in shop.tickets.statuses() if s.category == "closed")
    shop.tickets.change_status(ticket.id, closed.id)
    assert not is_overdue(shop.tickets.get(ticket.id), now=datetime(2030, 1, 2, tzinfo=UTC))


def test_bench_list_filters_and_pages_newest_first(shop: Services, intake: TicketInput) -> None:
    add_staff(shop, "tech", "technician")
    tech = next(u for u in shop.accounts.list_users() if u.username == "tech")
    made = [shop.tickets.create(intake) for _ in range(5)]
    shop.tickets.assign(made[0].id, tech.id)
    waiting = next(s for s in shop.tickets.statuses() if s.category == "waiting_parts")
    shop.tickets.change_status(made[1].id, waiting.id)

    newest = shop.tickets.page(limit=3)
    assert [t.number for t in newest] == ["T-A-10005", "T-A-10004", "T-A-10003"]
    rest = shop.tickets.page(after=(newest[-1].created_at, newest[-1].id), limit=3)
    assert [t.number for t in rest] == ["T-A-10002", "T-A-10001"]
    assert shop.tickets.count() == 5

    mine = shop.tickets.page(TicketFilter(technician_id=tech.id))
    assert [(t.number, t.technician) for t in mine] == [("T-A-10001", "Tech")]
    assert shop.tickets.count(TicketFilter(unassigned=True)) == 4
    parts = shop.tickets.page(TicketFilter(categories=frozenset({"waiting_parts"})))
    assert [t.number for t in parts] == ["T-A-10002"]
    assert shop.tickets.count(TicketFilter(priority="low")) == 0
    assert newest[0].device == "Samsung Galaxy S24"


def test_overdue_filter(shop: Services, intake: TicketInput) -> None:
    late = TicketInput(**{**intake.__dict__, "promised_at": datetime(2020, 1, 1, tzinfo=UTC)})
    overdue = shop.tickets.create(late)
    shop.tickets.create(intake)
    found = shop.tickets.page(TicketFilter(overdue=True))
    assert [t.id for t in found] == [overdue.id]
    assert found[0].overdue


def test_device_history_follows_the_serial_across_customers(
    shop: Services, intake: TicketInput
) -> None:
    first_owner = shop.customers.create(CustomerInput(last_name="First"))
    old_device = shop.devices.save(
        DeviceInput(first_owner.id, "Phone", "Apple", "iPhone 12", imei="356938035643809")
    )
    old = shop.tickets.create(
        TicketInput(customer_id=first_owner.id, device_id=old_device.id, problem="Battery")
    )
    new_owner = shop.customers.create(CustomerInput(last_name="Second"))
    resold = shop.devices.save(
        DeviceInput(new_owner.id, "Phone", "Apple", "iPhone 12", imei="356938035643809")
    )
    other = shop.tickets.create(TicketInput(customer_id=new_owner.id, problem="Laptop hinge"))
    current = shop.tickets.create(
        TicketInput(customer_id=new_owner.id, device_id=resold.id, problem="Screen")
    )
    shop.tickets.create(intake)  # unrelated customer and device
    history = shop.tickets.device_history(current.id)
    assert [t.id for t in history] == [other.id, old.id]


def test_a_scanned_or_typed_number_finds_the_ticket(shop: Services, intake: TicketInput) -> None:
    ticket = shop.tickets.create(intake)
    assert shop.tickets.find_by_number("T-A-10001") == ticket.id
    assert shop.tickets.find_by_number(" t-a-10001\r\n") == ticket.id
    assert shop.tickets.find_by_number("T-A-99999") is None
    assert shop.tickets.find_by_number("") is None


def test_scanned_or_typed_numbers_find_the_ticket(shop: Services, intake: TicketInput) -> None:
    made = [shop.tickets.create(intake) for _ in range(12)]
    assert shop.tickets.find_by_number(" t-a-10003 ") == made[2].id
    assert shop.tickets.find_by_number("T-A-99999") is None
    found = [t.number for t in shop.tickets.search_numbers("t-a-1001")]
    assert found == ["T-A-10012", "T-A-10011", "T-A-10010"]
    assert shop.tickets.search_numbers("Smith") == []


def test_intake_keeps_the_passcode_and_signature_in_one_transaction(
    shop: Services, intake: TicketInput
) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (60, 20), 255).save(out, "PNG")
    png = out.getvalue()
    unsigned = TicketInput(**{**intake.__dict__, "signature_png": png, "passcode": "2580"})
    with pytest.raises(ValidationError) as refused:
        shop.tickets.create(unsigned)  # a signature without consent
    assert "signature_consent" in refused.value.errors
    assert shop.devices.get(intake.device_id).passcode == ""  # type: ignore[arg-type]
    signed = TicketInput(
        **{**unsigned.__dict__, "signature_consent": True, "signer_name": "Rina Das"}
    )
    ticket = shop.tickets.create(signed)
    assert ticket.number == "T-A-10001"
    assert ticket.signature("intake").signer_name == "Rina Das"  # type: ignore[union-attr]
    assert shop.devices.get(intake.device_id).passcode == "2580"  # type: ignore[arg-type]


def test_ready_for_pickup_is_not_overdue(shop: Services, intake: TicketInput) -> None:
    ticket = shop.tickets.create(intake)
    ready = next(s for s in shop.tickets.statuses() if s.category == "ready")
    shop.tickets.change_status(ticket.id, ready.id)
    assert not is_overdue(shop.tickets.get(ticket.id), now=datetime(2031, 1, 1, tzinfo=UTC))
