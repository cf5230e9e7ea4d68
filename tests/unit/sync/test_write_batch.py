"""A pulled batch written a table at a time ends as if each change had been written alone:
the rows, their clocks and what the triggers keep (stock, search, ticket counts)."""

from __future__ import annotations

import contextlib
import logging
import random
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, event, insert, select, update

from desktop.models import Customer, Device, Item, Ticket
from desktop.models.sync import RowClock
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.errors import BenchsideError
from desktop.services.items import ItemInput
from desktop.services.ticket_types import TicketInput
from desktop.sync.apply import ApplyResult, BootstrapRow, ChangeApplier
from desktop.sync.merge import load_clocks
from desktop.sync.schema import BOOTSTRAP_ORDER, SYNC_TABLES
from desktop.sync.wire import Change, wire_value
from desktop.sync.write_batch import execute_many
from tests.unit.conftest import OWNER_PASSWORD
from tests.unit.sync.relay import deliver, new_shop, take

# Search rows are keyed by local rowids, given in the order rows arrive: read them by the
# row they index instead.
SEARCH = {
    "customer_fts": "SELECT k.entity_id, f.name, f.company, f.email, f.phones "
    "FROM customer_fts f JOIN search_keys k ON k.rowid = f.rowid",
    "device_fts": "SELECT k.entity_id, f.serial, f.imei, f.description "
    "FROM device_fts f JOIN search_keys k ON k.rowid = f.rowid",
    "item_fts": "SELECT k.entity_id, f.name, f.sku, f.details, f.barcodes "
    "FROM item_fts f JOIN search_keys k ON k.rowid = f.rowid",
    "search_keys": "SELECT entity_id FROM search_keys",
}
OTHERS = {
    # When the tombstone was written here says nothing about the row.
    "sync_tombstones": "SELECT table_name, row_id, hlc FROM sync_tombstones",
    # A status left by every ticket keeps a row of zero when its tickets arrive one by one.
    "ticket_status_counts": "SELECT * FROM ticket_status_counts WHERE tickets != 0",
    "ticket_workload_counts": "SELECT * FROM ticket_workload_counts WHERE tickets != 0",
    # Likewise a bucket whose rows came and went; the sums are the same either way.
    "payment_buckets": "SELECT * FROM payment_buckets WHERE payments != 0",
    "sales_buckets": "SELECT * FROM sales_buckets WHERE lines != 0",
    "document_buckets": "SELECT * FROM document_buckets WHERE documents != 0",
}


def copy_station(source: Services, path: Path) -> Path:
    with sqlite3.connect(source.path) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return path


def apply_together(path: Path, changes: Sequence[Change]) -> ApplyResult:
    services = Services.open(path)
    try:
        return ChangeApplier(services.ctx.engine, services.ctx.clock).apply_changes(changes, 9)
    finally:
        services.close()


def apply_one_by_one(path: Path, changes: Sequence[Change]) -> ApplyResult:
    services = Services.open(path)
    try:
        applier = ChangeApplier(services.ctx.engine, services.ctx.clock)
        results = [applier.apply_changes([change], None) for change in changes]
        applier.apply_changes([], 9)
    finally:
        services.close()
    return ApplyResult(
        sum(r.applied for r in results),
        sum(r.ignored for r in results),
        sum(r.skipped for r in results),
    )


def later(hlc: str, ms: int) -> str:
    """The clock value ``ms`` milliseconds after ``hlc``, at the same station."""
    return f"{int(hlc[:16]) + ms:016d}{hlc[16:]}"


def database(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the station: synced rows in the order they were inserted, the
    others sorted."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not name.startswith("sqlite_") and "_fts_" not in name
        ]
        found: dict[str, list[tuple[Any, ...]]] = {}
        for name in tables:
            if name in SYNC_TABLES:
                cursor = connection.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid')
                found[name] = list(cursor)
            else:
                query = SEARCH.get(name) or OTHERS.get(name) or f'SELECT * FROM "{name}"'
                found[name] = sorted(connection.execute(query), key=repr)
        return found
    finally:
        connection.close()


def assert_same_as_one_by_one(
    station: Services, changes: Sequence[Change], tmp_path: Path
) -> ApplyResult:
    """Apply ``changes`` to two copies of ``station``: all in one call, and one call per
    change. Both must end with the same database; returns the first's result."""
    together = copy_station(station, tmp_path / "together.db")
    alone = copy_station(station, tmp_path / "alone.db")
    result = apply_together(together, changes)
    assert apply_one_by_one(alone, changes) == result
    assert database(together) == database(alone)
    return result


def rows(services: Services, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(services.path) as connection:
        return list(connection.execute(sql, params))


def join_two(a: Services, folder: Path) -> tuple[Services, Services]:
    """Stations B and C, each with everything ``a`` has made."""
    changes = take(a)
    joined = []
    for code in "BC":
        station = Services.open(folder / f"{code.lower()}.db")
        deliver(changes, station)
        station.setup.join_shop(code, f"Counter {code}")
        station.accounts.login("owner", OWNER_PASSWORD)
        joined.append(station)
    return joined[0], joined[1]


def update_by_id(table: str) -> Any:
    info = SYNC_TABLES[table]
    return update(info.table).where(info.table.c.id == bindparam("row_id_"))


def stored_rows(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced row as SQLite stores it (text, integer, blob), table by table."""
    with sqlite3.connect(services.path) as connection:
        return {
            table: list(connection.execute(f'SELECT * FROM "{table}" ORDER BY id'))
            for table in SYNC_TABLES
        }


@pytest.fixture
def stations(tmp_path: Path) -> tuple[Services, Services, Services]:
    """A shop's first station and two more that have everything the first made."""
    a = new_shop(tmp_path / "a.db")
    return a, *join_two(a, tmp_path)


def test_a_new_row_and_its_later_edits_arrive_as_the_last_edit(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    rita = a.customers.create(CustomerInput("Rita", phones=[PhoneInput("555 1234")])).id
    a.customers.update(rita, CustomerInput("Rita", "Sousa", phones=[PhoneInput("555 1234")]))
    a.customers.update(rita, CustomerInput("Rita", "Sousa", company="Acme"))
    changes = take(a)
    assert [c.op for c in changes if c.table == "customers"] == ["insert", "update", "update"]
    assert_same_as_one_by_one(b, changes, tmp_path)
    deliver(changes, b)
    detail = b.customers.get(rita)
    assert (detail.last_name, detail.company, detail.phones) == ("Sousa", "Acme", ())
    assert [c.id for c in b.customers.search("acme")] == [rita]


def test_two_edits_of_a_row_in_one_batch_both_count(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    part = a.items.create(ItemInput("Battery", sell_price=2000)).item.id
    deliver(take(a), b)
    a.items.update(part, ItemInput("Battery XL", sell_price=2000, low_stock_threshold=5))
    a.items.update(part, ItemInput("Battery XL", sell_price=2500, barcodes=["4006381333931"]))
    assert_same_as_one_by_one(b, take(a), tmp_path)


def test_a_row_made_and_deleted_in_one_batch_leaves_its_tombstone_only(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    rita = a.customers.create(CustomerInput("Rita", phones=[PhoneInput("555 1234")])).id
    a.customers.delete(rita)
    changes = take(a)
    assert_same_as_one_by_one(b, changes, tmp_path)
    deliver(changes, b)
    assert rows(b, "SELECT count(*) FROM customers") == [(0,)]
    assert rows(b, "SELECT count(*) FROM sync_tombstones WHERE table_name = 'customers'") == [(1,)]
    assert rows(b, "SELECT count(*) FROM sync_row_clocks WHERE table_name = 'customers'") == [(0,)]
    assert b.customers.search("rita") == []


def test_movements_of_one_item_in_one_batch_keep_the_average_cost(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    part = a.items.create(ItemInput("Screen", sell_price=9000, low_stock_threshold=6)).item.id
    a.stock.receive(part, 5, 100)
    a.stock.receive(part, 3, 250)
    a.stock.adjust(part, -4, "Broken in the drawer")
    a.stock.receive(part, 10, 90)
    a.stock.write_off(part, 12, "Recalled")
    assert_same_as_one_by_one(b, take(a), tmp_path)


def test_updates_of_different_columns_in_one_batch_each_set_their_own(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    ids = [a.customers.create(CustomerInput(f"Customer {n}")).id for n in range(4)]
    deliver(take(a), b)
    a.customers.update(ids[0], CustomerInput("Customer 0", email="zero@example.com"))
    a.customers.create(CustomerInput("Customer 4"))
    a.customers.update(ids[1], CustomerInput("Customer 1", company="One Ltd"))
    a.customers.update(ids[2], CustomerInput("Customer 2", email="two@example.com"))
    a.customers.update(ids[0], CustomerInput("Customer 0", "Zero", email="zero@example.com"))
    a.customers.update(ids[3], CustomerInput("Customer 3", notes="Calls twice"))
    changes = take(a)
    assert len({frozenset(c.fields) for c in changes if c.op == "update"}) > 1
    assert_same_as_one_by_one(b, changes, tmp_path)


def test_edits_arriving_out_of_clock_order_in_one_batch_end_as_one_by_one(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, c = stations
    rita = a.customers.create(CustomerInput("Rita")).id
    first = take(a)
    deliver(first, b)
    deliver(first, c)
    a.customers.update(rita, CustomerInput("Rita", email="rita@example.com"))
    b.customers.update(rita, CustomerInput("Rita", "Sousa"))
    # B's later edit first: A's email still wins, its updated_at does not.
    assert_same_as_one_by_one(c, [*take(b), *take(a)], tmp_path)


def test_a_barcode_changed_in_place_is_indexed_as_applied_one_by_one(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    a.items.create(ItemInput("Cable", barcodes=["1111111111116"]))
    made = take(a)
    barcode = next(c for c in made if c.table == "item_barcodes")
    item = next(c for c in made if c.table == "items")
    # No trigger follows a barcode's update: the item's search row keeps the code it read
    # last, when the item was written.
    recoded = replace(
        barcode, change_id=uuid.uuid4(), op="update", fields={"code": "2222222222222"},
        hlc=later(barcode.hlc, 5),
    )  # fmt: skip
    renamed = replace(
        item, change_id=uuid.uuid4(), op="update", fields={"name": "USB-C Cable"},
        hlc=later(barcode.hlc, 6),
    )  # fmt: skip
    (tmp_path / "made").mkdir()
    assert_same_as_one_by_one(b, [*made, recoded], tmp_path / "made")
    deliver(made, b)
    assert_same_as_one_by_one(b, [recoded, renamed], tmp_path)


def test_a_refused_row_of_a_batch_is_skipped_with_its_later_edits(
    stations: tuple[Services, Services, Services], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a, b, _ = stations
    a.customers.create(CustomerInput("Rita"))
    changes = take(a)
    station = next(c for c in changes if c.table == "customers")
    twin = uuid.uuid4()
    # A station row claiming a code B already has: only a fault elsewhere makes one.
    clash = replace(
        station, change_id=uuid.uuid4(), table="stations", row_id=twin,
        fields={"code": "B", "name": "Twin", "created_at": station.fields["created_at"],
                "updated_at": station.fields["updated_at"]},
    )  # fmt: skip
    renamed = replace(
        clash, change_id=uuid.uuid4(), op="update", fields={"name": "Twin 2"},
        hlc=later(clash.hlc, 1),
    )  # fmt: skip
    with caplog.at_level(logging.WARNING):
        result = ChangeApplier(b.ctx.engine, b.ctx.clock).apply_changes(
            [*changes, clash, renamed], 7
        )
    assert (result.applied, result.skipped) == (len(changes), 2)
    assert "skipped insert of stations" in caplog.text
    assert f"update of stations {twin}: row not here" in caplog.text
    assert rows(b, "SELECT count(*) FROM stations WHERE name LIKE 'Twin%'") == [(0,)]
    assert rows(b, "SELECT count(*) FROM sync_row_clocks WHERE row_id = ?", twin.hex) == [(0,)]


def test_rows_deleted_elsewhere_are_removed_together_as_one_by_one(
    stations: tuple[Services, Services, Services], tmp_path: Path
) -> None:
    a, b, _ = stations
    rita = a.customers.create(CustomerInput("Rita", phones=[PhoneInput("555 1234")])).id
    a.items.create(ItemInput("Cable", barcodes=["1111111111116", "3333333333338"]))
    made = take(a)
    deliver(made, b)
    deleted = [
        (c.table, c.row_id, later(c.hlc, 10))
        for c in made
        if c.table in ("customers", "customer_phones", "items", "item_barcodes")
    ]
    together = copy_station(b, tmp_path / "together.db")
    alone = copy_station(b, tmp_path / "alone.db")
    for path, pages in ((together, [deleted, []]), (alone, [[row] for row in deleted])):
        services = Services.open(path)
        for page in pages:
            ChangeApplier(services.ctx.engine, services.ctx.clock).apply_tombstones(page)
        services.close()
    assert database(together) == database(alone)
    found = database(together)
    assert found["customers"] == found["items"] == found["customer_fts"] == []
    assert len(found["sync_tombstones"]) == len(deleted) == 5
    assert rita not in {row_id for _, row_id, _ in found["sync_row_clocks"]}


def snapshot_pages(source: Services, page_rows: int) -> list[tuple[str, list[BootstrapRow]]]:
    """``source``'s rows as the server's snapshot pages carry them: table by table,
    parents first, in id order, each row with the clocks of its fields."""
    pages: list[tuple[str, list[BootstrapRow]]] = []
    with source.ctx.engine.connect() as connection:
        clocks = {
            (table, row_id): load_clocks(text)
            for table, row_id, text in connection.execute(
                select(RowClock.table_name, RowClock.row_id, RowClock.clocks)
            )
        }
        for table in BOOTSTRAP_ORDER:
            info = SYNC_TABLES[table]
            rows = []
            for row in connection.execute(select(info.table).order_by(info.table.c.id)).mappings():
                row_clocks = clocks.get((table, row["id"]))
                if row_clocks is None and not info.append_only:
                    continue  # a migration seed, the same in every database
                fields = {name: wire_value(value) for name, value in row.items()}
                rows.append(BootstrapRow(row["id"], fields, row_clocks or {}))
            pages.extend(
                (table, rows[start : start + page_rows]) for start in range(0, len(rows), page_rows)
            )
    return pages


def load_snapshot(path: Path, pages: list[tuple[str, list[BootstrapRow]]]) -> Services:
    services = Services.open(path)
    applier = ChangeApplier(services.ctx.engine, services.ctx.clock)
    for table, rows in pages:
        applier.apply_rows(table, rows)
    return services


def test_a_snapshot_loads_a_page_at_a_time_as_a_row_at_a_time(tmp_path: Path) -> None:
    a = new_shop(tmp_path / "a.db")
    busy_day(a, random.Random(4), 80)
    edited = [text for (text,) in rows(a, "SELECT clocks FROM sync_row_clocks") if "," in text]
    assert len(edited) > 10
    paged = load_snapshot(tmp_path / "paged.db", snapshot_pages(a, 5000))
    single = load_snapshot(tmp_path / "single.db", snapshot_pages(a, 1))
    assert stored_rows(paged) == stored_rows(a)
    paged.close()
    single.close()
    assert database(paged.path) == database(single.path)


def test_pulled_rows_are_stored_as_the_station_that_made_them_stored_them(
    tmp_path: Path,
) -> None:
    a = new_shop(tmp_path / "a.db")
    busy_day(a, random.Random(5), 80)
    fresh = Services.open(tmp_path / "fresh.db")
    deliver(take(a), fresh)
    assert stored_rows(fresh) == stored_rows(a)


def test_rows_sent_straight_to_sqlite_hold_what_sqlalchemy_would_write(tmp_path: Path) -> None:
    moment = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    customer = {
        "first_name": "Zoë", "last_name": "Müller", "company": "", "email": "z@example.com",
        "address": "", "notes": "", "tags": "", "sort_name": "müller zoë",
        "created_at": moment, "updated_at": moment.replace(microsecond=7),
    }  # fmt: skip
    customers = [
        {**customer, "id": uuid.uuid4(), "marketing_consent": consent, "birth_date": born}
        for consent, born in ((True, date(1990, 5, 17)), (False, None))
    ]
    edits = [
        {"row_id_": row["id"], "notes": "Calls twice", "updated_at": moment} for row in customers
    ]
    movement = {
        "id": uuid.uuid4(), "item_id": uuid.uuid4(), "location_id": uuid.uuid4(), "quantity": -2,
        "kind": "sale", "unit_cost": None, "reason": "", "reference_kind": "",
        "reference_id": None, "at": moment, "user_id": None, "station_code": "A",
        "lot_id": None, "serial": "",
    }  # fmt: skip
    statements = [
        (insert(SYNC_TABLES["customers"].table), customers),
        (update_by_id("customers"), edits),
        (insert(SYNC_TABLES["stock_movements"].table), [movement]),
    ]
    direct, straight = write_all(tmp_path / "direct.db", execute_many, statements)
    core, compiled = write_all(tmp_path / "core.db", Connection.execute, statements)
    assert all(straight) and not any(compiled)
    assert direct == core
    assert len(direct["customers"]) == 2


def write_all(
    path: Path, write: Callable[..., Any], statements: list[tuple[Any, list[dict[str, Any]]]]
) -> tuple[dict[str, list[tuple[Any, ...]]], list[bool]]:
    """The synced rows after ``write`` (connection, statement, params) of each statement,
    and for each statement SQLite ran whether it came without SQLAlchemy's compiled form."""
    services = Services.open(path)
    straight: list[bool] = []
    event.listen(
        services.ctx.engine,
        "before_cursor_execute",
        lambda *args: straight.append(args[4].compiled is None),
    )
    with services.ctx.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # the rows point at nothing
        with connection.begin():
            for statement, params in statements:
                write(connection, statement, params)
    stored = stored_rows(services)
    services.close()
    return stored, straight


# -- a busy day at two stations -----------------------------------------------------------


def busy_day(services: Services, rng: random.Random, steps: int) -> None:
    """Random shop work: customers and their phones, devices, items and their barcodes,
    stock in and out, tickets through their statuses, and deletes."""
    actions = _actions(services, rng)
    for _ in range(steps):
        # What the shop refuses, or has nothing to do it to yet, is left out.
        with contextlib.suppress(BenchsideError, IndexError):
            rng.choice(actions)()


def _actions(services: Services, rng: random.Random) -> list[Callable[[], Any]]:
    def ids(model: Any) -> list[uuid.UUID]:
        with services.ctx.uow() as tx:
            return sorted(tx.session.scalars(select(model.id)))

    def without_tickets() -> list[uuid.UUID]:
        with services.ctx.uow() as tx:
            return sorted(
                tx.session.scalars(
                    select(Customer.id).where(~Customer.id.in_(select(Ticket.customer_id)))
                )
            )

    def phones() -> list[PhoneInput]:
        return [PhoneInput(f"555 {rng.randrange(10_000):04d}") for _ in range(rng.randrange(3))]

    def customer() -> CustomerInput:
        return CustomerInput(
            rng.choice(["Rita", "Zoë", "Ana"]), rng.choice(["Sousa", "Müller", ""]),
            company=rng.choice(["", "Acme"]), phones=phones(),
        )  # fmt: skip

    def item() -> ItemInput:
        return ItemInput(
            rng.choice(["Battery", "Screen", "Cable"]) + f" {rng.randrange(100)}",
            sell_price=rng.randrange(100, 9000), low_stock_threshold=rng.randrange(4),
            reorder_level=rng.randrange(6),
            barcodes=[f"{rng.randrange(10**12):012d}" for _ in range(rng.randrange(3))],
        )  # fmt: skip

    def device(owner: uuid.UUID) -> DeviceInput:
        return DeviceInput(
            owner, "phone", rng.choice(["Apple", "Samsung"]), "Model",
            serial=f"SN{rng.randrange(10**6)}", colour=rng.choice(["black", "blue"]),
        )  # fmt: skip

    def receive() -> None:
        quantity, cost = rng.randrange(1, 20), rng.choice([None, 50, 120, 333])
        services.stock.receive(rng.choice(ids(Item)), quantity, cost)

    def move_ticket() -> None:
        ticket = rng.choice(ids(Ticket))
        status = rng.choice(services.tickets.statuses())
        services.tickets.change_status(ticket, status.id)

    return [
        lambda: services.customers.create(customer(), allow_duplicate=True),
        lambda: services.customers.update(rng.choice(ids(Customer)), customer()),
        lambda: services.customers.delete(rng.choice(without_tickets())),
        lambda: services.devices.save(device(rng.choice(ids(Customer)))),
        lambda: services.devices.save(
            device(rng.choice(ids(Customer))), device_id=rng.choice(ids(Device))
        ),
        lambda: services.items.create(item()),
        lambda: services.items.update(rng.choice(ids(Item)), item()),
        lambda: services.items.update(rng.choice(ids(Item)), item()),
        lambda: services.items.archive(rng.choice(ids(Item))),
        lambda: services.items.delete(rng.choice(ids(Item))),
        receive,
        receive,
        lambda: services.stock.adjust(rng.choice(ids(Item)), -rng.randrange(1, 8), "Sold"),
        lambda: services.tickets.create(
            TicketInput(rng.choice(ids(Customer)), problem="Cracked screen")
        ),
        move_ticket,
    ]


def server_order(rng: random.Random, *streams: list[Change]) -> list[Change]:
    """The stations' changes interleaved transaction by transaction, each station's in
    its own order, as the server logs them."""
    queues = [_transactions(stream) for stream in streams]
    merged: list[Change] = []
    while any(queues):
        merged.extend(rng.choice([q for q in queues if q]).pop(0))
    return merged


def _transactions(changes: list[Change]) -> list[list[Change]]:
    grouped: dict[uuid.UUID, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.txn_id, []).append(change)
    return list(grouped.values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_busy_day_at_two_stations_applies_as_one_by_one(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    a = new_shop(tmp_path / "a.db")
    busy_day(a, rng, 20)
    b, c = join_two(a, tmp_path)
    busy_day(a, rng, 80)
    busy_day(b, rng, 80)
    changes = server_order(rng, take(a), take(b))
    assert len({change.table for change in changes}) >= 8
    result = assert_same_as_one_by_one(c, changes, tmp_path)
    assert result.applied > 100
