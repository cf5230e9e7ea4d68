"""Faults between stations and the real server: requests lost on the way there, answers
lost on the way back, the same push delivered twice, a server that dies mid-push, a
station killed while it applies a pull, clocks hours apart, a week offline, and a server
restored from an older backup. Whatever happens, nothing is lost and nothing is doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.models import Customer, PaymentMethod, User
from desktop.services.customers import CustomerInput
from desktop.services.errors import SyncError
from desktop.services.items import ItemInput
from desktop.services.sales_types import PaymentInput
from desktop.services.ticket_types import TicketInput
from desktop.sync.client import SchemaTooOld, SyncAuthError, SyncClient, SyncOffline
from desktop.sync.engine import SyncEngine
from server import admin
from server.app import create_app
from server.settings import Settings
from tests.integration.faults import DROP, LOSE, REPLAY, FaultyNetwork
from tests.integration.sync_stations import (
    Station,
    close_all,
    differences,
    first_station,
    joining_station,
    sell,
    settle,
)
from tests.integration.sync_world import count_ids, cursor, ids, mirror_ids, scalar
from tests.pg import PostgresCluster, ServerThread
from tests.sync_server import Admin, ShopIds

HOUR = 3600.0
PAYMENTS_OF_SALE = "SELECT id FROM payments WHERE document_id = :d"
CRYPTO_METHODS = "SELECT count(*) FROM payment_methods WHERE code = 'crypto'"
CHANGE_LOG_IS_UNIQUE = "SELECT count(*) = count(DISTINCT change_id) AS unique FROM srv_change_log"


def add_customers(station: Station, count: int, per_transaction: int = 1000) -> None:
    """``count`` customers written through the ORM in a few large transactions (an
    import would do the same), so the outbox captures each."""
    for start in range(0, count, per_transaction):
        with station.services.ctx.uow() as tx:
            tx.session.add_all(
                Customer(first_name=f"Bulk {n}", last_name="Import", sort_name=f"import bulk {n}")
                for n in range(start, min(count, start + per_transaction))
            )
            tx.commit()


def stocked_item(station: Station, units: int = 5) -> uuid.UUID:
    item = station.services.items.create(ItemInput("Cable", sell_price=500)).item.id
    station.services.stock.receive(item, units, 100)
    return item


def assert_outbox_on_server_once(station: Station, admin: Admin) -> None:
    """Every change the station ever made is in the server's log, exactly once."""
    made = ids(station.services, "SELECT change_id FROM sync_outbox")
    logged = admin.scalar("SELECT count(*) FROM srv_change_log WHERE change_id = ANY(%s)", (made,))
    assert logged == len(made)
    assert admin.scalar(CHANGE_LOG_IS_UNIQUE)


def change_log_size(admin: Admin) -> int:
    return int(admin.scalar("SELECT count(*) FROM srv_change_log"))


# -- the network ----------------------------------------------------------------------------


def test_a_push_that_never_reached_the_server_is_sent_again_and_applied_once(
    tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds
) -> None:
    network = FaultyNetwork()
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id, network)
    item = stocked_item(a)
    sale = sell(a, item, 500)
    logged = change_log_size(server_admin)
    network.fail_next("/v1/push", DROP)
    with pytest.raises(SyncOffline):
        a.sync()
    assert change_log_size(server_admin) == logged
    assert a.engine.outbox.pending_count() > 0
    a.sync()
    assert a.engine.outbox.pending_count() == 0
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, shop.branch_id)
    assert b.services.stock.on_hand(item) == 4
    assert mirror_ids(server_admin, shop.shop_id, "sales_documents", [sale]) == 1
    assert_outbox_on_server_once(a, server_admin)
    settle(a, b)
    assert differences(a.services, b.services) == {}


def test_a_lost_push_answer_then_a_restart_resends_and_the_server_skips_it(
    tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds
) -> None:
    network = FaultyNetwork()
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id, network)
    item = stocked_item(a)
    sale = sell(a, item, 500)
    network.fail_next("/v1/push", LOSE, times=2)
    for _ in range(2):
        with pytest.raises(SyncOffline):
            a.sync()
    a.restart()
    a.sync()
    assert a.engine.outbox.pending_count() == 0
    assert_outbox_on_server_once(a, server_admin)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, shop.branch_id)
    assert b.services.stock.on_hand(item) == 4
    assert count_ids(b.services, "sales_documents", [sale]) == {sale: 1}


def test_a_lost_pull_answer_keeps_the_cursor_and_the_next_pull_brings_the_change(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    network = FaultyNetwork()
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch, network)
    rita = a.services.customers.create(CustomerInput(first_name="Rita")).id
    a.sync()
    before = cursor(b.services)
    network.fail_next("/v1/pull", LOSE)
    with pytest.raises(SyncOffline):
        b.sync()
    assert cursor(b.services) == before
    b.sync()
    assert b.services.customers.get(rita).first_name == "Rita"
    assert cursor(b.services) > before


def test_a_push_delivered_twice_is_applied_once(
    tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds
) -> None:
    network = FaultyNetwork()
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id, network)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, shop.branch_id, network)
    item = stocked_item(a)
    sale = sell(a, item, 500)
    network.fail_next("/v1/push", REPLAY)
    network.fail_next("/v1/pull", REPLAY)
    a.sync()
    assert network.plan == []
    b.sync()
    assert a.engine.outbox.pending_count() == 0
    assert_outbox_on_server_once(a, server_admin)
    assert mirror_ids(server_admin, shop.shop_id, "sales_documents", [sale]) == 1
    payments = ids(a.services, PAYMENTS_OF_SALE, d=sale.hex)
    assert count_ids(b.services, "payments", payments) == dict.fromkeys(payments, 1)
    assert b.services.stock.on_hand(item) == a.services.stock.on_hand(item) == 4
    settle(a, b)
    assert differences(a.services, b.services) == {}


# -- the server ------------------------------------------------------------------------------


def _kill_server_connections(admin: Admin) -> None:
    """What a crash does to the server's database sessions: cut, their work rolled back."""
    admin.rows(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )


def _wait_for_server_work(admin: Admin, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    busy = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
    )
    while not admin.scalar(busy):
        assert time.monotonic() < deadline, "the push never reached the database"
        time.sleep(0.005)


def test_a_server_restarted_mid_push_loses_nothing_and_doubles_nothing(
    tmp_path: Path, server_settings: Settings, server_admin: Admin, shop: ShopIds
) -> None:
    first = ServerThread(create_app(server_settings))
    first.start()
    network = FaultyNetwork(read_timeout=5)
    a = first_station(tmp_path / "a.db", first.base_url, server_admin, shop.branch_id, network)
    add_customers(a, 6000)
    failures: list[BaseException] = []

    def push() -> None:
        try:
            a.sync()
        except BaseException as exc:
            failures.append(exc)

    pushing = threading.Thread(target=push)
    pushing.start()
    _wait_for_server_work(server_admin)
    first.stop(abort=True, while_stopping=lambda: _kill_server_connections(server_admin))
    pushing.join(timeout=30)
    assert len(failures) == 1 and isinstance(failures[0], SyncError), failures
    assert server_admin.scalar("SELECT count(*) FROM customers") < 6000
    second = ServerThread(create_app(server_settings), port=first.port)
    second.start()
    try:
        a.sync()
        assert a.engine.outbox.pending_count() == 0
        assert_outbox_on_server_once(a, server_admin)
        assert server_admin.scalar("SELECT count(*) FROM customers") == 6000
        b = joining_station(tmp_path / "b.db", second.base_url, server_admin, shop.branch_id)
        assert scalar(b.services, "SELECT count(*) FROM customers") == 6000
        settle(a, b)
        assert differences(a.services, b.services) == {}
    finally:
        close_all()
        second.stop()


def back_up_server(
    live: ServerThread, cluster: PostgresCluster, settings: Settings
) -> tuple[ServerThread, str]:
    """Take the nightly backup of the server's database, with the server stopped as a
    backup is taken, and start it again; the running server and the backup's name."""
    live.stop()
    database = settings.database_url.split("@/", 1)[1].split("?", 1)[0]
    backup = cluster.clone(database)
    live = ServerThread(create_app(settings), port=live.port)
    live.start()
    return live, backup


def restore_server(live: ServerThread, cluster: PostgresCluster, backup: str) -> ServerThread:
    """The disk died: the server comes back from the backup, at the same address."""
    live.stop()
    restored = ServerThread(
        create_app(Settings(database_url=cluster.url(backup), log_level="WARNING")),
        port=live.port,
    )
    restored.start()
    return restored


def test_a_server_restored_from_an_older_backup_gets_every_sale_and_payment_back(
    tmp_path: Path,
    pg_cluster: PostgresCluster,
    server_settings: Settings,
    server_admin: Admin,
    shop: ShopIds,
) -> None:
    live = ServerThread(create_app(server_settings))
    live.start()
    a = first_station(tmp_path / "a.db", live.base_url, server_admin, shop.branch_id)
    item = stocked_item(a, 10)
    b = joining_station(tmp_path / "b.db", live.base_url, server_admin, shop.branch_id)
    settle(a, b)
    live, backup = back_up_server(live, pg_cluster, server_settings)
    sales = [sell(a, item, 500), sell(b, item, 500), sell(a, item, 500)]
    ticket = b.services.tickets.create(
        TicketInput(
            b.services.customers.create(CustomerInput(first_name="Rita")).id, problem="Screen"
        )
    )
    deposit = b.services.ticket_payments.take_deposit(ticket.id, [PaymentInput("cash", 2500)])
    settle(a, b)
    restored = restore_server(live, pg_cluster, backup)
    try:
        b.services.customers.create(CustomerInput(first_name="After the restore"))
        settle(a, b, rounds=3)
        made_payments = [p.id for p in deposit.payments] + [
            p
            for s in sales
            for p in ids(a.services, "SELECT id FROM payments WHERE document_id = :d", d=s.hex)
        ]
        restored_admin = Admin(pg_cluster.url(backup))
        assert mirror_ids(restored_admin, shop.shop_id, "sales_documents", sales) == 3
        assert mirror_ids(restored_admin, shop.shop_id, "payments", made_payments) == len(
            made_payments
        )
        for station in (a, b):
            assert station.engine.outbox.pending_count() == 0
            assert station.services.stock.on_hand(item) == 7
        assert differences(a.services, b.services) == {}
    finally:
        close_all()
        restored.stop()
        pg_cluster.drop(backup)


def test_a_station_whose_cursor_the_restored_server_has_refilled_loads_the_shop_again(
    tmp_path: Path,
    pg_cluster: PostgresCluster,
    server_settings: Settings,
    server_admin: Admin,
    shop: ShopIds,
) -> None:
    """After a restore, other stations' new work can take the sequence numbers a station
    had already read past. Its cursor then points into a different history: it must
    notice and load the shop again, or it never sees the changes now behind it."""
    live = ServerThread(create_app(server_settings))
    live.start()
    a = first_station(tmp_path / "a.db", live.base_url, server_admin, shop.branch_id)
    item = stocked_item(a, 10)
    b = joining_station(tmp_path / "b.db", live.base_url, server_admin, shop.branch_id)
    c = joining_station(tmp_path / "c.db", live.base_url, server_admin, shop.branch_id)
    settle(a, b, c)
    live, backup = back_up_server(live, pg_cluster, server_settings)
    sales = [sell(a, item, 500), sell(a, item, 500)]
    settle(a, b, c)
    restored = restore_server(live, pg_cluster, backup)
    try:
        add_customers(c, 300, per_transaction=100)
        c.sync()  # takes the numbers b has already read past
        b.sync()
        settle(a, b, c, rounds=3)
        for station in (a, b, c):
            assert count_ids(station.services, "sales_documents", sales) == dict.fromkeys(sales, 1)
            assert scalar(station.services, "SELECT count(*) FROM customers") == 300
        assert differences(a.services, b.services) == {}
        assert differences(a.services, c.services) == {}
    finally:
        close_all()
        restored.stop()
        pg_cluster.drop(backup)


# -- the station ------------------------------------------------------------------------------


def test_a_station_killed_mid_apply_resumes_from_the_last_batch_it_finished(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    add_customers(a, 1500, per_transaction=500)
    a.sync()
    b.close()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.pull_worker", str(tmp_path / "b.db"),
         sync_server, b.token, str(b.engine.station_id), "400", "1000"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )  # fmt: skip
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "applying"
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=10)
        if worker.stdout is not None:
            worker.stdout.close()
    b.restart()
    position = cursor(b.services)
    pulled = server_admin.rows(
        "SELECT row_id, seq FROM srv_change_log WHERE table_name = 'customers' ORDER BY seq"
    )
    applied = {r["row_id"] for r in pulled if r["seq"] <= position}
    here = set(ids(b.services, "SELECT id FROM customers"))
    # Two whole batches of 400, none of the third.
    assert len(applied) == 800 and here == applied
    b.sync()
    settle(a, b)
    assert scalar(b.services, "SELECT count(*) FROM customers") == 1500
    assert differences(a.services, b.services) == {}


@pytest.mark.parametrize(
    ("first_offset", "later_offset"),
    [(6 * HOUR, 0.0), (0.0, -6 * HOUR)],
    ids=["first-editor-6h-ahead", "later-editor-6h-behind"],
)
def test_with_clocks_hours_apart_the_later_edit_still_wins_and_clocks_never_go_back(
    tmp_path: Path,
    sync_server: str,
    server_admin: Admin,
    branch: Any,
    first_offset: float,
    later_offset: float,
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    a.restart(wall_clock=lambda: time.time() + first_offset)
    b.restart(wall_clock=lambda: time.time() + later_offset)
    rita = a.services.customers.create(CustomerInput(first_name="Rita", last_name="First")).id
    a.sync()
    b.sync()
    first_clock = str(
        scalar(a.services, "SELECT max(hlc) FROM sync_outbox WHERE row_id = :r", r=rita.hex)
    )
    # B closes after pulling, so only the clock it saw (not one it gave) carries it on.
    b.restart(wall_clock=lambda: time.time() + later_offset)
    b.services.customers.update(rita, CustomerInput(first_name="Rita", last_name="Later"))
    later_clock = str(
        scalar(b.services, "SELECT max(hlc) FROM sync_outbox WHERE row_id = :r", r=rita.hex)
    )
    assert later_clock > first_clock
    b.restart(wall_clock=lambda: time.time() + later_offset)
    b.services.customers.update(rita, CustomerInput(first_name="Rita", last_name="Latest"))
    latest_clock = str(
        scalar(b.services, "SELECT max(hlc) FROM sync_outbox WHERE row_id = :r", r=rita.hex)
    )
    assert latest_clock > later_clock
    settle(a, b)
    for station in (a, b):
        assert station.services.customers.get(rita).last_name == "Latest"
        assert station.services.sync_conflicts.list() == []
    assert differences(a.services, b.services) == {}


def test_a_station_offline_for_a_week_with_ten_thousand_changes_catches_up(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    item = stocked_item(a, 100)
    a.sync()
    b.sync()
    add_customers(b, 9_980)
    for _ in range(10):
        sell(b, item, 500)
        a.services.stock.receive(item, 1, 100)
    a.sync()
    started = time.monotonic()
    b.sync()
    a.sync()
    assert time.monotonic() - started < 60
    assert b.engine.outbox.pending_count() == 0
    for station in (a, b):
        assert scalar(station.services, "SELECT count(*) FROM customers") == 9_980
        assert station.services.stock.on_hand(item) == 100
    settle(a, b)
    assert differences(a.services, b.services) == {}


# -- refusals --------------------------------------------------------------------------------


def test_a_technician_raising_their_own_role_is_refused_and_later_work_still_syncs(
    tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id)
    tina = a.services.accounts.add_user("tina", "Tina", "technician", "tech-pass-1").id
    a.sync()
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, shop.branch_id)
    b.services.accounts.login("tina", "tech-pass-1")
    # Past the services' permission checks, as a tampered PC would write it.
    with b.services.ctx.uow() as tx:
        user = tx.session.get(User, tina)
        assert user is not None
        user.role = "owner"
        tx.commit()
    later = b.services.customers.create(CustomerInput(first_name="Walk-in")).id
    with b.services.ctx.uow() as tx:
        tx.session.add(PaymentMethod(code="crypto", name="Crypto", kind="other"))
        tx.commit()
    report = b.sync()
    assert report.rejected == 2
    refused = b.engine.outbox.rejected()
    assert [r.tables for r in refused] == [("payment_methods",), ("users",)]
    assert all(r.reason for r in refused)
    assert b.engine.outbox.pending_count() == 0
    a.sync()
    assert a.services.customers.get(later).first_name == "Walk-in"
    assert server_admin.scalar("SELECT role FROM users WHERE id = %s", (tina,)) == "technician"
    # The refusing PC put its own copy back: it agrees with the shop again.
    for station in (a, b):
        assert scalar(station.services, "SELECT role FROM users WHERE id = :u", u=tina.hex) == (
            "technician"
        )
        assert scalar(station.services, CRYPTO_METHODS) == 0
    assert differences(a.services, b.services) == {}
    # Work after the refusal still syncs both ways.
    a.services.accounts.update_user(tina, "Tina", "manager", True)
    settle(a, b)
    assert scalar(b.services, "SELECT role FROM users WHERE id = :u", u=tina.hex) == "manager"


def test_an_older_benchside_is_told_to_update_and_keeps_its_changes(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    a.services.customers.create(CustomerInput(first_name="Rita"))
    waiting = a.engine.outbox.pending_count()
    logged = change_log_size(server_admin)
    old = SyncClient(sync_server, a.token, schema="0013_sparse_sales_indexes")
    engine = SyncEngine(a.services.ctx.engine, a.services.ctx.clock, old, a.engine.station_id)
    with old, pytest.raises(SchemaTooOld):
        engine.sync_once()
    assert a.engine.outbox.pending_count() == waiting > 0
    assert change_log_size(server_admin) == logged
    a.sync()  # updated: everything goes
    assert a.engine.outbox.pending_count() == 0


@pytest.mark.parametrize("token", ["wrong", "revoked"])
def test_a_wrong_or_revoked_token_is_refused_and_nothing_is_written(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any, token: str
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    b.services.customers.create(CustomerInput(first_name="Sam"))
    b.sync()
    a.services.customers.create(CustomerInput(first_name="Rita"))
    if token == "wrong":
        a.token = "not-the-token"
        a.connect()
    else:
        with server_admin.db() as db:
            admin.revoke_station(db, a.engine.station_id)
    logged, position = change_log_size(server_admin), cursor(a.services)
    waiting = a.engine.outbox.pending_count()
    with pytest.raises(SyncAuthError):
        a.sync()
    assert change_log_size(server_admin) == logged
    assert (cursor(a.services), a.engine.outbox.pending_count()) == (position, waiting)
    assert scalar(a.services, "SELECT count(*) FROM customers WHERE first_name = 'Sam'") == 0
