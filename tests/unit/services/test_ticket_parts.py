from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from desktop.models import StockMovement
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import NotFound, ValidationError
from desktop.services.items import ItemInput
from desktop.services.ticket_parts import PartInput
from desktop.services.tickets import TicketDetail, TicketInput


@pytest.fixture
def ticket(shop: Services) -> TicketDetail:
    customer = shop.customers.create(CustomerInput(first_name="Ana", last_name="Lima"))
    return shop.tickets.create(TicketInput(customer_id=customer.id, problem="Cracked screen"))


def _status(shop: Services, category: str) -> uuid.UUID:
    return next(s.id for s in shop.tickets.statuses() if s.category == category)


def _screen(shop: Services, on_hand: int = 3) -> uuid.UUID:
    item = shop.items.create(ItemInput("iPhone 13 screen", cost_price=4000, sell_price=9000))
    if on_hand:
        shop.stock.receive(item.item.id, on_hand, 4000)
    return item.item.id


def _ledger(shop: Services, item_id: uuid.UUID) -> list[tuple[str, int]]:
    with shop.ctx.uow() as tx:
        rows = tx.session.execute(
            select(StockMovement.kind, StockMovement.quantity)
            .where(StockMovement.item_id == item_id)
            .order_by(StockMovement.at, StockMovement.id)
        )
        return [(kind, quantity) for kind, quantity in rows]


def test_a_used_part_leaves_stock_and_comes_back_when_removed(
    shop: Services, ticket: TicketDetail
) -> None:
    screen = _screen(shop)
    part = shop.ticket_parts.add(ticket.id, PartInput(screen, quantity=2))
    assert (part.status, part.unit_price, part.amount) == ("used", 9000, 18000)
    assert shop.stock.on_hand(screen) == 1
    assert shop.tickets.get(ticket.id).amount_due == 18000  # no labour yet
    shop.ticket_parts.remove(part.id)
    assert shop.stock.on_hand(screen) == 3
    assert _ledger(shop, screen) == [("receive", 3), ("ticket_part", -2), ("return", 2)]
    assert shop.ticket_parts.parts(ticket.id) == []
    with pytest.raises(NotFound):
        shop.ticket_parts.remove(part.id)


def test_the_last_unit_can_be_used_twice_and_stock_goes_negative(
    shop: Services, ticket: TicketDetail
) -> None:
    screen = _screen(shop, on_hand=1)
    shop.ticket_parts.add(ticket.id, PartInput(screen))
    shop.ticket_parts.add(ticket.id, PartInput(screen, unit_price=8500))
    assert shop.stock.on_hand(screen) == -1
    assert [level.item_id for level in shop.stock.negative_stock()] == [screen]
    assert sum(p.amount for p in shop.ticket_parts.parts(ticket.id)) == 17500


def test_reserved_parts_wait_for_the_repair_and_cancelling_releases_them(
    shop: Services, ticket: TicketDetail
) -> None:
    profile = shop.shop.profile()
    shop.shop.update_ticket_settings(profile.ticket_terms, profile.warranty_days, "reserve")
    screen = _screen(shop)
    part = shop.ticket_parts.add(ticket.id, PartInput(screen))
    assert part.status == "reserved"
    assert (shop.stock.on_hand(screen), shop.ticket_parts.reserved(screen)) == (3, 1)
    shop.tickets.change_status(ticket.id, _status(shop, "ready"))
    assert shop.ticket_parts.parts(ticket.id)[0].status == "used"
    assert (shop.stock.on_hand(screen), shop.ticket_parts.reserved(screen)) == (2, 0)

    customer = shop.customers.create(CustomerInput(last_name="Other"))
    other = shop.tickets.create(TicketInput(customer_id=customer.id, problem="Screen"))
    held = shop.ticket_parts.add(other.id, PartInput(screen))
    shop.ticket_parts.use(held.id)  # fitted before the repair is done
    with pytest.raises(ValidationError):
        shop.ticket_parts.use(held.id)
    third = shop.ticket_parts.add(other.id, PartInput(screen))
    shop.tickets.change_status(other.id, _status(shop, "cancelled"))
    assert [p.status for p in shop.ticket_parts.parts(other.id, include_removed=True)] == [
        "used",
        "removed",
    ]
    assert third.id not in {p.id for p in shop.ticket_parts.parts(other.id)}
    assert shop.stock.on_hand(screen) == 1


def test_a_serialized_part_needs_a_serial_that_is_on_the_shelf(
    shop: Services, ticket: TicketDetail
) -> None:
    phone = shop.items.create(ItemInput("Spare iPhone 11 board", serialized=True)).item.id
    shop.stock.receive(phone, 1, 15000, serials=["SN-1"])
    with pytest.raises(ValidationError, match="serial"):
        shop.ticket_parts.add(ticket.id, PartInput(phone))
    with pytest.raises(ValidationError, match="not in stock"):
        shop.ticket_parts.add(ticket.id, PartInput(phone, serial="SN-9"))
    with pytest.raises(ValidationError, match="one unit"):
        shop.ticket_parts.add(ticket.id, PartInput(phone, quantity=2, serial="SN-1"))
    part = shop.ticket_parts.add(ticket.id, PartInput(phone, serial="SN-1"))
    assert shop.stock.serials_in_stock(phone) == []
    shop.ticket_parts.remove(part.id)
    assert shop.stock.serials_in_stock(phone) == ["SN-1"]


def test_bad_parts_are_refused_and_closed_tickets_keep_theirs(
    shop: Services, ticket: TicketDetail
) -> None:
    screen = _screen(shop)
    labour = shop.items.create(ItemInput("Diagnostics", kind="service")).item.id
    with pytest.raises(ValidationError, match="labour"):
        shop.ticket_parts.add(ticket.id, PartInput(labour))
    with pytest.raises(ValidationError) as raised:
        shop.ticket_parts.add(ticket.id, PartInput(screen, quantity=0, unit_price=-5))
    assert set(raised.value.errors) == {"quantity", "unit_price"}
    part = shop.ticket_parts.add(ticket.id, PartInput(screen))
    shop.tickets.change_status(ticket.id, _status(shop, "closed"))
    with pytest.raises(ValidationError, match="closed"):
        shop.ticket_parts.remove(part.id)
    with pytest.raises(ValidationError, match="closed"):
        shop.ticket_parts.add(ticket.id, PartInput(screen))
    assert shop.stock.on_hand(screen) == 2
