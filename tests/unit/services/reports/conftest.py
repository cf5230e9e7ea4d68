"""A small shop with a known week, made through the services at pinned times, for the
dashboard and report tests to check against figures worked out by hand.

The shop's clock is America/New_York; summer time starts on Sunday 8 March 2026, so
Friday 6 March is UTC-5 and Monday 9 March UTC-4. Prices include 15 % tax; the
screen costs 40.00 and sells for 115.00 (100.00 + 15.00 tax), the case costs 5.00 and
sells for 23.00 (20.00 + 3.00). Every amount below is in cents.

Friday 6 March (local):
- 08:00 shift opened with a 100.00 float; pay-in 5.00, pay-out 3.00.
- 09:00 ticket T1 (Rita, Tom's): deposit 20.00 cash.
- 10:00 sale A: a screen at 10 % off (103.50) and two cases (46.00) = 149.50, paid
  200.00 cash, change 50.50.
- 11:00 sale B: one case, 10.00 card + 13.00 cash.
- 12:00 sale C (Rita): one screen, 15.00 cash and 100.00 on account: an invoice.
- 13:00 ticket T2: deposit 10.00 cash; 14:00 cancelled and the deposit refunded in cash.
- 15:00 a held sale voided; an invoice issued and voided.
Monday 9 March (local):
- 09:00 sale A's second case returned to the shelf: credit note 23.00 paid back in cash.
- 10:00 invoice C part-paid 40.00 by card.
- 10:30 T1: labour 45.00 and a screen used (115.00); completed.
- 11:00 T1 checked out: 160.00, the 20.00 deposit applied, 140.00 by card; closed.
- 14:00 sale D (Rita): one case all on account: an invoice owing 23.00.
- 23:30 invoice C paid off: 60.00 cash (03:30 UTC on Tuesday, still Monday here).
Tickets now: T3 ready (labour 30.00, deposit 5.00: 25.00 to collect), T4 open and
T5 in progress (Tom's), both promised for Friday and overdue, T6 waiting for parts
(Tia's, no promise); a battery (threshold 2) has one left: low stock.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import update

from desktop.models import ShopProfile, TaxClass
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.invoices import InvoiceDraft
from desktop.services.items import ItemInput
from desktop.services.pricing import Discount
from desktop.services.returns import ReturnLine
from desktop.services.sales_types import PaymentInput
from desktop.services.setup import ShopSetup
from desktop.services.ticket_parts import PartInput
from desktop.services.ticket_work import LabourInput
from desktop.services.tickets import TicketInput

SHOP_ZONE = "America/New_York"
OWNER_PASSWORD = "owner-pass-1"
STAFF_PASSWORD = "staff-pass-1"


@dataclass(frozen=True)
class KnownWeek:
    services: Services
    tom: uuid.UUID
    tia: uuid.UUID
    rita: uuid.UUID
    tickets: dict[str, uuid.UUID]
    documents: dict[str, uuid.UUID]


def local(text: str) -> datetime:
    """A wall-clock time in the shop, ``2026-03-06 10:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(SHOP_ZONE))


def at(text: str) -> time_machine.travel:
    """The shop's clock stopped at the wall-clock time ``text`` (``with at(...):``)."""
    return time_machine.travel(local(text), tick=False)


@pytest.fixture(scope="package")
def shop_zone() -> Iterator[str]:
    """Run the package's tests on the shop's clock."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = SHOP_ZONE
    time.tzset()
    yield SHOP_ZONE
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(scope="package")
def week(shop_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnownWeek]:
    services = Services.open(tmp_path_factory.mktemp("week") / "week.db")
    try:
        yield _make_week(services)
    finally:
        services.close()


def _make_week(shop: Services) -> KnownWeek:
    with at("2026-03-02 08:00"):
        shop.setup.create_shop(
            ShopSetup("Known Week Repairs", "USD", "owner", "Olivia Owner", OWNER_PASSWORD)
        )
        shop.accounts.login("owner", OWNER_PASSWORD)
        with shop.ctx.uow() as tx:
            tx.session.execute(update(ShopProfile).values(prices_include_tax=True))
            tx.session.execute(
                update(TaxClass).where(TaxClass.code == "standard").values(rate_bp=1500)
            )
            tx.commit()
        for username, role in (("tom", "technician"), ("tia", "technician")):
            shop.accounts.add_user(username, username.title(), role, STAFF_PASSWORD)
        staff = {u.username: u.id for u in shop.accounts.list_users()}
        screen = shop.items.create(ItemInput("Screen", cost_price=4000, sell_price=11500))
        case = shop.items.create(ItemInput("Case", cost_price=500, sell_price=2300))
        battery = shop.items.create(
            ItemInput("Battery", cost_price=1000, sell_price=3450, low_stock_threshold=2)
        )
        shop.stock.receive(screen.item.id, 5, 4000)
        shop.stock.receive(case.item.id, 10, 500)
        shop.stock.receive(battery.item.id, 1, 1000)
        rita = shop.customers.create(CustomerInput(first_name="Rita", last_name="Sousa")).id
        other = shop.customers.create(CustomerInput(first_name="Ben", last_name="Okafor")).id
    statuses = {s.category: s.id for s in reversed(shop.tickets.statuses())}
    promised = local("2026-03-06 17:00")
    tickets: dict[str, uuid.UUID] = {}
    documents: dict[str, uuid.UUID] = {}
    sales = shop.sales

    def cart(*lines: tuple[uuid.UUID, int], **changes: object):  # type: ignore[no-untyped-def]
        built = tuple(sales.line_for_item(item_id, quantity) for item_id, quantity in lines)
        return replace(sales.new_cart(), lines=built, **changes)

    with at("2026-03-06 08:00"):
        shop.cash_shifts.open_shift(10000)
        shop.cash_shifts.pay_in(500, "Change from the bank")
        shop.cash_shifts.pay_out(300, "Milk")
    with at("2026-03-06 09:00"):
        tickets["T1"] = shop.tickets.create(
            TicketInput(rita, problem="Cracked screen", assigned_to_id=staff["tom"])
        ).id
        shop.ticket_payments.take_deposit(tickets["T1"], [PaymentInput("cash", 2000)])
    with at("2026-03-06 10:00"):
        lines = (
            replace(sales.line_for_item(screen.item.id, 1), discount=Discount("percent", 1000)),
            sales.line_for_item(case.item.id, 2),
        )
        documents["A"] = sales.complete(
            replace(sales.new_cart(), lines=lines),
            [PaymentInput("cash", 14950, tendered=20000)],
        ).document.id
    with at("2026-03-06 11:00"):
        documents["B"] = sales.complete(
            cart((case.item.id, 1)), [PaymentInput("card", 1000), PaymentInput("cash", 1300)]
        ).document.id
    with at("2026-03-06 12:00"):
        documents["C"] = sales.complete(
            cart((screen.item.id, 1), customer_id=rita),
            [PaymentInput("cash", 1500), PaymentInput("on_account", 10000)],
        ).document.id
    with at("2026-03-06 13:00"):
        tickets["T2"] = shop.tickets.create(TicketInput(other, problem="No power")).id
        shop.ticket_payments.take_deposit(tickets["T2"], [PaymentInput("cash", 1000)])
    with at("2026-03-06 14:00"):
        shop.tickets.change_status(tickets["T2"], statuses["cancelled"])
        shop.ticket_payments.refund_deposit(tickets["T2"], "cash", 1000, "Not repairable")
    with at("2026-03-06 15:00"):
        held = sales.hold(cart((case.item.id, 1)), "Later")
        sales.void_open(sales.resume(held.id), "Changed mind")
        draft = shop.invoices.create_draft(
            InvoiceDraft(customer_id=other, lines=(sales.line_for_item(case.item.id, 3),))
        )
        shop.invoices.issue(draft.id)
        shop.invoices.void(draft.id, "Wrong customer")
        documents["voided invoice"] = draft.id
    with at("2026-03-09 09:00"):
        sold = sales.document(documents["A"])
        case_line = next(line for line in sold.lines if line.quantity == 2)
        documents["refund A"] = shop.returns.refund(
            documents["A"], [ReturnLine(case_line.id, 1)], [PaymentInput("cash", 2300)], "Spare"
        ).id
    with at("2026-03-09 10:00"):
        shop.invoices.pay(documents["C"], [PaymentInput("card", 4000)])
    with at("2026-03-09 10:30"):
        shop.ticket_work.add_labour(tickets["T1"], LabourInput("Screen swap", flat_amount=4500))
        shop.ticket_parts.add(tickets["T1"], PartInput(screen.item.id))  # used at once
        shop.tickets.change_status(tickets["T1"], statuses["completed"])
    with at("2026-03-09 11:00"):
        documents["T1 checkout"] = sales.complete(
            shop.ticket_payments.checkout_cart(tickets["T1"]), [PaymentInput("card", 14000)]
        ).document.id
    with at("2026-03-09 14:00"):
        documents["D"] = sales.complete(
            cart((case.item.id, 1), customer_id=rita), [PaymentInput("on_account", 2300)]
        ).document.id
    with at("2026-03-09 23:30"):
        shop.invoices.pay(documents["C"], [PaymentInput("cash", 6000)])
    with at("2026-03-10 09:00"):
        tickets["T3"] = shop.tickets.create(TicketInput(other, problem="Battery")).id
        shop.ticket_work.add_labour(tickets["T3"], LabourInput("Battery swap", flat_amount=3000))
        shop.ticket_payments.take_deposit(tickets["T3"], [PaymentInput("cash", 500)])
        shop.tickets.change_status(tickets["T3"], statuses["ready"])
        for name, status, who in (
            ("T4", "open", None),
            ("T5", "in_progress", staff["tom"]),
            ("T6", "waiting_parts", staff["tia"]),
        ):
            when = promised if name != "T6" else None
            tickets[name] = shop.tickets.create(
                TicketInput(other, problem=name, promised_at=when, assigned_to_id=who)
            ).id
            if status != "open":
                shop.tickets.change_status(tickets[name], statuses[status])
    return KnownWeek(shop, staff["tom"], staff["tia"], rita, tickets, documents)
