"""Model-based convergence: three stations do random shop work, sync at random, go offline
and restart, against the real server and PostgreSQL; at the end, after everyone has synced
twice, every replica holds the same rows, every unit of stock and every sale and payment
the model made, each exactly once.

The run is derandomized (the same examples on every run). To explore other examples, set
``BENCHSIDE_SYNC_SEED`` (and ``BENCHSIDE_SYNC_EXAMPLES`` for a longer run); a failure
prints its steps and a ``@reproduce_failure`` blob to replay it; it is not shrunk
unless ``BENCHSIDE_SYNC_SHRINK=1``.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.sales_types import PaymentInput
from desktop.services.ticket_parts import PartInput
from desktop.services.ticket_types import TicketInput
from tests.integration.sync_stations import Station, differences, settle
from tests.integration.sync_world import (
    CODES,
    SavedWorld,
    build_world,
    count_ids,
    cursor,
    ids,
    ledger,
    live_world,
    mirror_counts,
    mirror_ids,
    station_counts,
)
from tests.pg import PostgresCluster

SEED = os.environ.get("BENCHSIDE_SYNC_SEED")
SYNC_SETTINGS = settings(
    max_examples=int(os.environ.get("BENCHSIDE_SYNC_EXAMPLES", "25")),
    stateful_step_count=30,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    print_blob=True,
    # A failing run is printed as it was found: shrinking examples that take seconds each
    # can run for many minutes. BENCHSIDE_SYNC_SHRINK=1 shrinks it (locally, not in CI).
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("BENCHSIDE_SYNC_SHRINK") else []),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A domain refusal (a closed ticket, nothing counted) is a legitimate outcome of a random
# step; anything else, sync errors above all, fails the run.
REFUSALS = (ValidationError, PermissionDenied, NotFound)

stations = st.sampled_from(CODES)
picks = st.integers(min_value=0, max_value=1_000)
names = st.sampled_from(("Rita", "Sam", "Ana", "Joe", "Li", "Mo"))
words = st.sampled_from(("Acme", "Sousa", "Rua 1", "VIP", "call first", "Bloggs"))
customer_fields = st.sampled_from(("first_name", "last_name", "company", "notes", "address"))
quantities = st.integers(min_value=1, max_value=4)


def pick(values: list[uuid.UUID], index: int) -> uuid.UUID | None:
    return values[index % len(values)] if values else None


class ShopWork(RuleBasedStateMachine):
    """The model: the stock each item should hold, and every sale and payment made."""

    world_saved: SavedWorld
    cluster: PostgresCluster
    folder: Path
    examples: Iterator[int]

    def __init__(self) -> None:
        super().__init__()
        self._exit = ExitStack()
        folder = self.folder / f"example-{next(self.examples)}"
        self.world = self._exit.enter_context(live_world(self.cluster, self.world_saved, folder))
        self.stations = self.world.stations
        self.online = dict.fromkeys(CODES, True)
        self.expected = ledger(self.stations["A"].services)
        self.sales: set[uuid.UUID] = set()
        self.payments: set[uuid.UUID] = set()
        self.cursors = {code: cursor(s.services) for code, s in self.stations.items()}

    # -- helpers ---------------------------------------------------------------------

    def _stock_work(self, station: Station, work: Callable[[], object]) -> dict[uuid.UUID, int]:
        """Run ``work`` and add the units it moved on ``station`` to the model."""
        before = ledger(station.services)
        work()
        after = ledger(station.services)
        moved = {i: after.get(i, 0) - before.get(i, 0) for i in after.keys() | before.keys()}
        moved = {i: units for i, units in moved.items() if units}
        for item, units in moved.items():
            self.expected[item] = self.expected.get(item, 0) + units
        return moved

    def _customers(self, station: Station) -> list[uuid.UUID]:
        return ids(station.services, "SELECT id FROM customers ORDER BY id")

    def _tickets(self, station: Station) -> list[uuid.UUID]:
        return ids(station.services, "SELECT id FROM tickets ORDER BY id")

    def _items(self, station: Station) -> list[uuid.UUID]:
        return ids(station.services, "SELECT id FROM items WHERE kind = 'stock' ORDER BY id")

    # -- shop work -------------------------------------------------------------------

    @rule(code=stations, first=names, last=words)
    def create_customer(self, code: str, first: str, last: str) -> None:
        customers = self.stations[code].services.customers
        customers.create(CustomerInput(first_name=first, last_name=last), allow_duplicate=True)

    @rule(code=stations, index=picks, field=customer_fields, value=words)
    def edit_customer(self, code: str, index: int, field: str, value: str) -> None:
        services = self.stations[code].services
        customer_id = pick(self._customers(self.stations[code]), index)
        if customer_id is None:
            return
        c = services.customers.get(customer_id)
        data = CustomerInput(
            first_name=c.first_name,
            last_name=c.last_name,
            company=c.company,
            phones=[PhoneInput(p.number, p.label) for p in c.phones],
            email=c.email,
            address=c.address,
            notes=c.notes,
            tags=c.tags,
            marketing_consent=c.marketing_consent,
            birth_date=c.birth_date,
        )
        services.customers.update(customer_id, replace(data, **{field: value}))

    @rule(code=stations, index=picks)
    def create_ticket(self, code: str, index: int) -> None:
        station = self.stations[code]
        customer_id = pick(self._customers(station), index)
        if customer_id is not None:
            station.services.tickets.create(TicketInput(customer_id, problem="Cracked screen"))

    @rule(code=stations, index=picks, status=picks)
    def change_ticket_status(self, code: str, index: int, status: int) -> None:
        station = self.stations[code]
        ticket_id = pick(self._tickets(station), index)
        statuses = station.services.tickets.statuses()
        if ticket_id is None:
            return
        target = statuses[status % len(statuses)].id
        # Entering ready or completed can use reserved parts: stock may move.
        with suppress(REFUSALS):
            self._stock_work(
                station, lambda: station.services.tickets.change_status(ticket_id, target)
            )

    @rule(code=stations, ticket=picks, item=picks, quantity=quantities)
    def add_part(self, code: str, ticket: int, item: int, quantity: int) -> None:
        station = self.stations[code]
        ticket_id = pick(self._tickets(station), ticket)
        item_id = pick(self._items(station), item)
        if ticket_id is None or item_id is None:
            return
        try:
            moved = self._stock_work(
                station,
                lambda: station.services.ticket_parts.add(ticket_id, PartInput(item_id, quantity)),
            )
        except REFUSALS:
            return
        assert moved == {item_id: -quantity}  # the shop uses parts at once

    @rule(code=stations, item=picks, split=st.booleans())
    def sell(self, code: str, item: int, split: bool) -> None:
        station = self.stations[code]
        sales = station.services.sales
        item_id = pick(self._items(station), item)
        assert item_id is not None
        cart = replace(sales.new_cart(), lines=(sales.line_for_item(item_id),))
        total = sales.totals(cart).total
        tenders = [PaymentInput("cash", total)]
        if split:
            card = total // 2
            tenders = [PaymentInput("card", card), PaymentInput("cash", total - card)]
        moved = self._stock_work(station, lambda: sales.complete(cart, tenders))
        assert moved == {item_id: -1}
        self.sales.add(cart.id)
        paid = ids(
            station.services,
            "SELECT id FROM payments WHERE document_id = :d",
            d=cart.id.hex,
        )
        assert len(paid) == len(tenders)
        self.payments.update(paid)

    @rule(code=stations, index=picks, amount=st.integers(min_value=100, max_value=5_000))
    def take_payment(self, code: str, index: int, amount: int) -> None:
        station = self.stations[code]
        ticket_id = pick(self._tickets(station), index)
        if ticket_id is None:
            return
        try:
            taken = station.services.ticket_payments.take_deposit(
                ticket_id, [PaymentInput("cash", amount)]
            )
        except REFUSALS:
            return
        self.payments.update(p.id for p in taken.payments)

    @rule(code=stations, item=picks, quantity=quantities)
    def receive_stock(self, code: str, item: int, quantity: int) -> None:
        station = self.stations[code]
        item_id = pick(self._items(station), item)
        assert item_id is not None
        moved = self._stock_work(
            station, lambda: station.services.stock.receive(item_id, quantity, 150)
        )
        assert moved == {item_id: quantity}

    @rule(code=stations, item=picks, delta=st.integers(min_value=-3, max_value=3).filter(bool))
    def adjust_stock(self, code: str, item: int, delta: int) -> None:
        station = self.stations[code]
        item_id = pick(self._items(station), item)
        assert item_id is not None
        moved = self._stock_work(
            station, lambda: station.services.stock.adjust(item_id, delta, "Found on the shelf")
        )
        assert moved == {item_id: delta}

    @rule(code=stations, item=picks, counted=st.integers(min_value=0, max_value=30))
    def count_line(self, code: str, item: int, counted: int) -> None:
        """Count an item in this station's open count (any station may have started it),
        or start one."""
        counts = self.stations[code].services.counts
        item_id = pick(self._items(self.stations[code]), item)
        assert item_id is not None
        open_counts = counts.counts(status="open")
        count_id = open_counts[0].id if open_counts else counts.start().id
        with suppress(REFUSALS):
            counts.set_counted(count_id, item_id, counted)

    @rule(code=stations)
    def approve_count(self, code: str) -> None:
        station = self.stations[code]
        open_counts = station.services.counts.counts(status="open")
        if not open_counts:
            return
        with suppress(REFUSALS):
            self._stock_work(station, lambda: station.services.counts.approve(open_counts[0].id))

    # -- the network and the PCs -----------------------------------------------------

    @rule(code=stations)
    def push_only(self, code: str) -> None:
        if self.online[code]:
            self.stations[code].engine.push_pending()

    @rule(code=stations)
    def pull_only(self, code: str) -> None:
        if self.online[code]:
            self.stations[code].engine.pull_new()

    @rule(code=stations)
    def full_sync(self, code: str) -> None:
        if self.online[code]:
            self.stations[code].sync()

    @rule(code=stations)
    def go_offline(self, code: str) -> None:
        self.online[code] = False

    @rule(code=stations)
    def come_online(self, code: str) -> None:
        self.online[code] = True

    @rule(code=stations)
    def restart_station(self, code: str) -> None:
        self.stations[code].restart()

    @invariant()
    def pull_cursors_never_go_back(self) -> None:
        for code, station in self.stations.items():
            now = cursor(station.services)
            assert now >= self.cursors[code], f"station {code}'s cursor went back"
            self.cursors[code] = now

    # -- the end ---------------------------------------------------------------------

    def teardown(self) -> None:
        with self._exit:
            self.online = dict.fromkeys(CODES, True)
            everyone = list(self.stations.values())
            settle(*everyone)
            settle(*everyone)
            self.check_converged()

    def check_converged(self) -> None:
        a, *others = self.stations.values()
        for other in others:
            assert differences(a.services, other.services) == {}, other.code
        assert mirror_counts(self.world.admin, self.world.shop_id) == station_counts(a.services)
        for station in self.stations.values():
            assert station.engine.outbox.pending_count() == 0, station.code
            stock = {i: u for i, u in ledger(station.services).items() if u}
            assert stock == {i: u for i, u in self.expected.items() if u}, station.code
            for item_id, units in self.expected.items():
                assert station.services.stock.on_hand(item_id) == units, station.code
            for table, made in (("sales_documents", self.sales), ("payments", self.payments)):
                found = count_ids(station.services, table, made)
                assert all(n == 1 for n in found.values()), (station.code, table)
        for table, made in (("sales_documents", self.sales), ("payments", self.payments)):
            assert mirror_ids(self.world.admin, self.world.shop_id, table, made) == len(made)


@pytest.fixture(scope="module")
def saved_world(
    pg_cluster: PostgresCluster, pg_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SavedWorld]:
    world = build_world(pg_cluster, pg_template, tmp_path_factory.mktemp("world"))
    yield world
    pg_cluster.drop(world.database)


def test_random_shop_work_on_three_stations_converges_with_nothing_lost_or_doubled(
    pg_cluster: PostgresCluster, saved_world: SavedWorld, tmp_path: Path
) -> None:
    machine: Any = type(
        "ShopWorkRun",
        (ShopWork,),
        {
            "world_saved": saved_world,
            "cluster": pg_cluster,
            "folder": tmp_path,
            "examples": itertools.count(1),
        },
    )
    if SEED is not None:
        machine = seed(int(SEED))(machine)
    run_state_machine_as_test(machine, settings=SYNC_SETTINGS)
