"""The ticket reports over the known week (see conftest) and over a January of this
module's own, worked out by hand.

January 2026 in America/New_York is UTC-5 throughout (summer time starts on 8 March), so
every local time below is five hours behind UTC. The January shop (``january``) has
prices including 15 % tax, parts held on a ticket until it is finished ("reserve"), and:

- W0 (Tom's) created Fri 2 Jan 09:00 with a screen reserved (115.00, cost 40.00) and
  labour 57.50 (net 50.00); completed Mon 5 Jan 09:00, which takes the screen from
  stock then; checked out 5 Jan 10:00 for 172.50 by card; its labour refunded on a
  credit note Tue 6 Jan 12:00.
- W1 (Tia's) created Tue 20 Jan 10:00 under warranty of W0: a comeback against Tom. A
  screen put in on 21 Jan and taken out again (used, then removed).
- Open tickets for the aging, all seen on Sun 1 Feb: A0 created 1 Feb 08:00 (0 days),
  A2 30 Jan 23:30 (2 days), A3 29 Jan 23:59 (3 days), A7 25 Jan 12:00 (7 days),
  W1 (12 days, in progress), A15 17 Jan 12:00 (15 days) and A31 1 Jan 12:00 (31 days).
- A15 waits for parts since 22 Jan 20:00 (it waited once before, 18 Jan, then went
  back in progress on 19 Jan), with two screens reserved; unassigned.
- R1 (Ada, phone 555-0101) created 26 Jan 09:00, labour 57.50 and a 10.00 deposit,
  ready since Wed 28 Jan 10:00; promised 27 Jan 17:00 but ready tickets are never late.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import update

from desktop.models import ShopProfile, TaxClass
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.items import ItemInput
from desktop.services.report_periods import Period, PeriodKind, period
from desktop.services.returns import ReturnLine
from desktop.services.sales_types import PaymentInput
from desktop.services.setup import ShopSetup
from desktop.services.ticket_parts import PartInput
from desktop.services.ticket_work import LabourInput
from desktop.services.tickets import TicketInput
from tests.unit.services.reports.conftest import (
    OWNER_PASSWORD,
    STAFF_PASSWORD,
    KnownWeek,
    at,
    local,
)

WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))
FEB_1 = date(2026, 2, 1)


def days(first: str, last: str) -> Period:
    return period(
        PeriodKind.CUSTOM, date(2026, 2, 1), date.fromisoformat(first), date.fromisoformat(last)
    )


@dataclass(frozen=True)
class January:
    services: Services
    tom: uuid.UUID
    tia: uuid.UUID
    tickets: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def january(shop_zone: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[January]:
    services = Services.open(tmp_path_factory.mktemp("january") / "january.db")
    try:
        yield _make_january(services)
    finally:
        services.close()


def _make_january(shop: Services) -> January:
    with at("2025-12-20 08:00"):
        shop.setup.create_shop(
            ShopSetup("January Repairs", "USD", "owner", "Olive", OWNER_PASSWORD)
        )
        shop.accounts.login("owner", OWNER_PASSWORD)
        with shop.ctx.uow() as tx:
            tx.session.execute(
                update(ShopProfile).values(prices_include_tax=True, ticket_parts_mode="reserve")
            )
            tx.session.execute(
                update(TaxClass).where(TaxClass.code == "standard").values(rate_bp=1500)
            )
            tx.commit()
        for username in ("tom", "tia"):
            shop.accounts.add_user(username, username.title(), "technician", STAFF_PASSWORD)
        staff = {u.username: u.id for u in shop.accounts.list_users()}
        screen = shop.items.create(ItemInput("Screen", cost_price=4000, sell_price=11500)).item
        shop.stock.receive(screen.id, 5, 4000)
        ada = shop.customers.create(
            CustomerInput(first_name="Ada", last_name="Byron", phones=(PhoneInput("555-0101"),))
        ).id
    statuses = {s.category: s.id for s in reversed(shop.tickets.statuses())}
    tickets: dict[str, uuid.UUID] = {}

    def create(name: str, when: str, **fields: object) -> uuid.UUID:
        with at(when):
            tickets[name] = shop.tickets.create(TicketInput(ada, problem=name, **fields)).id  # type: ignore[arg-type]
        return tickets[name]

    def move(name: str, when: str, category: str) -> None:
        with at(when):
            shop.tickets.change_status(tickets[name], statuses[category])

    create("A31", "2026-01-01 12:00")
    create("W0", "2026-01-02 09:00", assigned_to_id=staff["tom"])
    with at("2026-01-02 09:00"):
        shop.ticket_parts.add(tickets["W0"], PartInput(screen.id))  # reserved
        shop.ticket_work.add_labour(tickets["W0"], LabourInput("Screen swap", flat_amount=5750))
    move("W0", "2026-01-05 09:00", "completed")  # the screen leaves stock now
    with at("2026-01-05 10:00"):
        checkout = shop.sales.complete(
            shop.ticket_payments.checkout_cart(tickets["W0"]), [PaymentInput("card", 17250)]
        ).document
    with at("2026-01-06 12:00"):
        labour = next(line for line in checkout.lines if line.source_kind == "ticket_labour")
        shop.returns.refund(
            checkout.id, [ReturnLine(labour.id, 1, restock=False)],
            [PaymentInput("card", 5750)], "Goodwill",
        )  # fmt: skip
    create("A15", "2026-01-17 12:00")
    with at("2026-01-17 12:00"):
        shop.ticket_parts.add(tickets["A15"], PartInput(screen.id, quantity=2))
    move("A15", "2026-01-18 10:00", "waiting_parts")
    move("A15", "2026-01-19 10:00", "in_progress")
    move("A15", "2026-01-22 20:00", "waiting_parts")
    create("W1", "2026-01-20 10:00", assigned_to_id=staff["tia"], warranty_of_id=tickets["W0"])
    move("W1", "2026-01-20 11:00", "in_progress")
    with at("2026-01-21 10:00"):
        wrong = shop.ticket_parts.add(tickets["W1"], PartInput(screen.id))
        shop.ticket_parts.use(wrong.id)
        shop.ticket_parts.remove(wrong.id)  # back on the shelf: not a part used
    create("A7", "2026-01-25 12:00")
    create("R1", "2026-01-26 09:00", promised_at=local("2026-01-27 17:00"))
    with at("2026-01-26 09:00"):
        shop.ticket_work.add_labour(tickets["R1"], LabourInput("Battery", flat_amount=5750))
        shop.ticket_payments.take_deposit(tickets["R1"], [PaymentInput("cash", 1000)])
    move("R1", "2026-01-28 10:00", "ready")
    create("A3", "2026-01-29 23:59")
    create("A2", "2026-01-30 23:30")
    create("A0", "2026-02-01 08:00")
    return January(shop, staff["tom"], staff["tia"], tickets)


# -- technicians --------------------------------------------------------------------------


def test_technicians_over_the_known_week(week: KnownWeek) -> None:
    report = week.services.ticket_reports.technicians(WEEK)
    assert report.key == "technicians"
    # Only T1 was completed (Tom's, Monday 10:30); nobody else did anything that counts.
    assert report.values("technician") == ["Tom"]
    tom = report.row_by("technician", "Tom")
    assert tom["completed"] == 1
    # Friday 09:00 to Monday 10:30 local: 3 days and 1.5 hours, less the hour summer
    # time took: 72.5 hours.
    assert tom["turnaround_days"] == pytest.approx(72.5 / 24)
    # Labour 45.00 including 15 % tax: 4500 / 1.15 = 3913.04 -> 39.13 net.
    assert tom["labour"] == 3913
    # One screen taken from stock, at its average cost of 40.00.
    assert (tom["parts_used"], tom["parts_cost"]) == (1, 4000)
    assert tom["comebacks"] == 0
    assert report.totals == ("Total", 1, pytest.approx(72.5 / 24), 3913, 1, 4000, 0)
    assert [(p.label, p.value) for p in report.chart] == [("Tom", 1)]
    assert report.chart[0].drill["technician_id"] == week.tom


def test_technicians_count_a_comeback_against_the_original_technician(january: January) -> None:
    report = january.services.ticket_reports.technicians(days("2026-01-19", "2026-01-21"))
    # W1 is Tia's, but it came back on W0, which is Tom's: one comeback for Tom, and
    # no row for Tia: the screen she used on W1 was removed again, so it is no part used.
    assert report.values("technician") == ["Tom"]
    assert report.row_by("technician", "Tom") == {
        "technician": "Tom",
        "completed": 0,
        "turnaround_days": None,
        "labour": 0,
        "parts_used": 0,
        "parts_cost": 0,
        "comebacks": 1,
    }


def test_parts_count_when_they_leave_stock_not_when_reserved(january: January) -> None:
    reports = january.services.ticket_reports
    # W0's screen was reserved on 2 Jan and used on 5 Jan, when W0 was completed.
    assert reports.technicians(days("2026-01-02", "2026-01-02")).rows == ()
    tom = reports.technicians(days("2026-01-05", "2026-01-05")).row_by("technician", "Tom")
    assert (tom["parts_used"], tom["parts_cost"]) == (1, 4000)
    # 2 Jan 09:00 to 5 Jan 09:00, no change of clock: exactly 3 days.
    assert (tom["completed"], tom["turnaround_days"]) == (1, pytest.approx(3.0))
    # Labour 57.50 including 15 % tax: 5750 / 1.15 = 50.00 net.
    assert tom["labour"] == 5000


def test_labour_refunded_on_a_checkouts_credit_note_comes_off(january: January) -> None:
    reports = january.services.ticket_reports
    # Billed 50.00 on 5 Jan, refunded 50.00 on 6 Jan.
    refund_day = reports.technicians(days("2026-01-06", "2026-01-06"))
    assert refund_day.row_by("technician", "Tom")["labour"] == -5000
    both = reports.technicians(days("2026-01-05", "2026-01-06"))
    assert both.row_by("technician", "Tom")["labour"] == 0


def test_an_empty_period_gives_an_empty_technicians_table(january: January) -> None:
    report = january.services.ticket_reports.technicians(days("2025-06-01", "2025-06-30"))
    assert (report.rows, report.totals, report.chart) == ((), None, ())


# -- aging --------------------------------------------------------------------------------


def test_aging_puts_tickets_in_buckets_by_local_days_since_created(january: January) -> None:
    report = january.services.ticket_reports.aging(FEB_1)
    assert report.key == "ticket_aging"
    # Open: A0 (0 days), A2 (30 Jan 23:30 is still 30 Jan here: 2 days), A3 (3), A7 (7),
    # A31 (31). In progress: W1 (12). Waiting for parts: A15 (15). Ready: R1 (6).
    # W0 is completed and leaves the report.
    assert report.row_by("category", "Open") == {
        "status": "New",
        "category": "Open",
        "days_0_2": 2,
        "days_3_7": 2,
        "days_8_14": 0,
        "days_15_30": 0,
        "days_over_30": 1,
        "total": 5,
    }
    assert report.values("category") == [
        "Open", "In progress", "Waiting for parts", "Ready for pickup",
    ]  # fmt: skip
    assert report.row_by("category", "In progress")["days_8_14"] == 1
    assert report.row_by("category", "Waiting for parts")["days_15_30"] == 1
    assert report.row_by("category", "Ready for pickup")["days_3_7"] == 1
    assert report.totals == ("Total", None, 2, 3, 1, 1, 1, 8)
    assert [p.value for p in report.chart] == [2, 3, 1, 1, 1]


def test_aging_on_an_earlier_day_counts_the_same_tickets_younger(january: January) -> None:
    # The report reads the tickets as they are now, aged from the day asked: on 30 Jan
    # A31 is 29 days old (15-30), A7 5 (3-7), A3 1 (0-2), A2 0, and A0, created after
    # that day, counts as new (0-2).
    report = january.services.ticket_reports.aging(date(2026, 1, 30))
    open_row = report.row_by("category", "Open")
    assert [open_row[k] for k in ("days_0_2", "days_3_7", "days_15_30", "days_over_30")] == [
        3,
        1,
        1,
        0,
    ]


# -- overdue ------------------------------------------------------------------------------


def test_overdue_lists_unfinished_tickets_past_their_promise(week: KnownWeek) -> None:
    now = local("2026-03-10 10:00")
    report = week.services.ticket_reports.overdue(now)
    assert report.key == "overdue_tickets"
    # T4 (open, unassigned) and T5 (in progress, Tom's), both promised Friday 17:00;
    # T3 is ready (never late), T6 has no promise.
    assert report.values("technician") == ["Unassigned", "Tom"]
    assert report.values("customer") == ["Ben Okafor", "Ben Okafor"]
    assert report.values("status") == ["New", "Diagnosing"]
    assert report.values("promised") == [local("2026-03-06 17:00")] * 2
    # Friday 17:00 EST (22:00 UTC) to Tuesday 10:00 EDT (14:00 UTC): 3 days 16 hours.
    assert report.values("days_late") == [pytest.approx(3 + 16 / 24)] * 2


def test_overdue_orders_by_promise_and_reads_the_clock(january: January) -> None:
    # Only R1 had a promise, and it is ready: nothing is late in January.
    with time_machine.travel(datetime(2026, 2, 1, 12, tzinfo=UTC), tick=False):
        assert january.services.ticket_reports.overdue().rows == ()


# -- waiting for parts --------------------------------------------------------------------


def test_waiting_for_parts_since_it_last_entered_the_status(january: January) -> None:
    report = january.services.ticket_reports.waiting_for_parts(FEB_1)
    assert report.key == "waiting_for_parts"
    (row,) = report.rows
    found = dict(zip((c.key for c in report.columns), row, strict=True))
    # A15 first waited on 18 Jan, went back in progress, and waits again since 22 Jan
    # 20:00 (01:00 on the 23rd in UTC): 1 Feb - 22 Jan = 10 local days.
    assert found["since"] == local("2026-01-22 20:00")
    assert found["days_waiting"] == 10.0
    assert found["parts"] == "2 x Screen"
    assert (found["technician"], found["customer"]) == ("Unassigned", "Ada Byron")


def test_waiting_for_parts_in_the_known_week(week: KnownWeek) -> None:
    report = week.services.ticket_reports.waiting_for_parts(date(2026, 3, 12))
    # T6, Tia's, moved there on Tuesday 10 March at 09:00: 2 days by the 12th; no parts.
    assert report.values("technician") == ["Tia"]
    assert report.values("days_waiting") == [2.0]
    assert report.values("parts") == [""]


# -- ready, not collected -----------------------------------------------------------------


def test_ready_not_collected_for_at_least_the_days_asked(january: January) -> None:
    reports = january.services.ticket_reports
    # R1 ready since Wed 28 Jan 10:00: on 1 Feb that is 4 days.
    report = reports.ready_not_collected(FEB_1, 4)
    assert report.key == "ready_not_collected"
    found = report.row_by("customer", "Ada Byron")
    assert found == {
        "number": found["number"],
        "customer": "Ada Byron",
        "phone": "555-0101",
        "ready_since": local("2026-01-28 10:00"),
        "days_waiting": 4.0,
        # Labour 57.50 (tax included) less the 10.00 deposit.
        "amount_due": 4750,
    }
    assert report.totals is not None and report.totals[-1] == 4750
    assert reports.ready_not_collected(FEB_1, 5).rows == ()
    # On 28 Jan itself it has waited 0 days.
    assert reports.ready_not_collected(date(2026, 1, 28), 0).values("days_waiting") == [0.0]
    assert reports.ready_not_collected(date(2026, 1, 28), 1).rows == ()


def test_ready_not_collected_as_the_clock_moves_on(january: January) -> None:
    # The report's day is the caller's; a day later the same ticket has waited 5 days.
    with time_machine.travel(local("2026-02-02 09:00"), tick=False):
        today = datetime.now().astimezone().date()
        report = january.services.ticket_reports.ready_not_collected(today, 5)
    assert report.values("days_waiting") == [5.0]


def test_ready_not_collected_in_the_known_week(week: KnownWeek) -> None:
    report = week.services.ticket_reports.ready_not_collected(date(2026, 3, 10), 0)
    # T3: labour 30.00 less its 5.00 deposit, ready since this morning.
    assert report.values("amount_due") == [2500]
    assert report.values("days_waiting") == [0.0]


def test_ready_not_collected_refuses_negative_days(january: January) -> None:
    with pytest.raises(ValidationError) as raised:
        january.services.ticket_reports.ready_not_collected(FEB_1, -1)
    assert "days" in raised.value.errors


# -- who may see them ---------------------------------------------------------------------


def test_technicians_may_not_read_ticket_reports(january: January) -> None:
    services = january.services
    services.accounts.login("tom", STAFF_PASSWORD)
    reports = services.ticket_reports
    try:
        for call in (
            lambda: reports.technicians(days("2026-01-01", "2026-01-31")),
            lambda: reports.aging(FEB_1),
            lambda: reports.overdue(),
            lambda: reports.waiting_for_parts(FEB_1),
            lambda: reports.ready_not_collected(FEB_1, 0),
        ):
            with pytest.raises(PermissionDenied):
                call()
    finally:
        services.accounts.login("owner", OWNER_PASSWORD)
