"""The lazy, keyset-paged ticket table model over a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.tickets import TicketFilter, TicketInput
from desktop.views.itemmodels.keyset import PAGE_SIZE
from desktop.views.itemmodels.tickets import (
    OVERDUE_BACKGROUND,
    WAITING_BACKGROUND,
    TicketTableModel,
)

TICKETS = PAGE_SIZE + 30


def _fill(services: Services, count: int = TICKETS) -> None:
    customer = services.customers.create(CustomerInput(first_name="Ann", last_name="Zed"))
    for n in range(count):
        services.tickets.create(
            TicketInput(
                customer_id=customer.id,
                problem=f"Cracked screen {n}",
                priority="urgent" if n % 10 == 0 else "normal",
            )
        )


def test_model_passes_qtmodeltester(shop_services: Services, qtmodeltester) -> None:
    _fill(shop_services, 12)
    model = TicketTableModel(shop_services.tickets)
    model.set_filter(TicketFilter())
    qtmodeltester.check(model)
    model.set_filter(TicketFilter(priority="urgent"))
    qtmodeltester.check(model)


def test_fetch_more_reads_the_next_page(shop_services: Services) -> None:
    _fill(shop_services)
    model = TicketTableModel(shop_services.tickets)
    model.set_filter(TicketFilter())
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == TICKETS
    assert not model.canFetchMore()
    numbers = [model.index(row, 0).data() for row in range(TICKETS)]
    assert len(set(numbers)) == TICKETS  # no row twice across the page boundary
    created = [model.summary(row).created_at for row in range(TICKETS)]  # type: ignore[union-attr]
    assert created == sorted(created, reverse=True)
    assert model.index(0, 1).data() == "Ann Zed"


def test_filter_narrows_rows(shop_services: Services) -> None:
    _fill(shop_services, 25)
    model = TicketTableModel(shop_services.tickets)
    model.set_filter(TicketFilter())
    assert model.rowCount() == 25
    model.set_filter(TicketFilter(priority="urgent"))
    assert model.rowCount() == 3
    assert not model.canFetchMore()
    assert {model.index(r, 4).data() for r in range(3)} == {"Urgent"}
    model.set_filter(TicketFilter(unassigned=False, priority="low"))
    assert model.rowCount() == 0


def test_overdue_and_waiting_rows_are_coloured(shop_services: Services) -> None:
    customer = shop_services.customers.create(CustomerInput(first_name="Bo", last_name="Lee"))
    past = datetime.now(UTC) - timedelta(days=1)
    late = shop_services.tickets.create(
        TicketInput(customer_id=customer.id, problem="Late", promised_at=past)
    )
    waiting = shop_services.tickets.create(TicketInput(customer_id=customer.id, problem="Parts"))
    plain = shop_services.tickets.create(TicketInput(customer_id=customer.id, problem="Plain"))
    parts = next(s for s in shop_services.tickets.statuses() if s.category == "waiting_parts")
    shop_services.tickets.change_status(waiting.id, parts.id)
    model = TicketTableModel(shop_services.tickets)
    model.set_filter(TicketFilter())
    rows = {model.ticket_id(r): r for r in range(model.rowCount())}

    def background(ticket_id: object) -> object:
        value = model.index(rows[ticket_id], 0).data(Qt.ItemDataRole.BackgroundRole)
        return value.color() if isinstance(value, QBrush) else value

    assert background(late.id) == OVERDUE_BACKGROUND
    assert background(waiting.id) == WAITING_BACKGROUND
    assert background(plain.id) is None
    promised = model.index(rows[late.id], 5).data()
    assert promised == past.astimezone().strftime("%Y-%m-%d %H:%M")
    model.set_filter(TicketFilter(overdue=True))
    assert model.rowCount() == 1
    assert model.ticket_id(0) == late.id
