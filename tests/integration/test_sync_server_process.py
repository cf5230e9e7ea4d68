"""The way a shop runs it: `benchside-server` from the command line as its own process,
stations enrolled the way Settings → Sync does it, the server stopped while both go on
selling, and everything converging when it is back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.items import ItemInput
from desktop.services.sales_types import PaymentInput
from desktop.services.sync_settings import enrollment_facts
from desktop.sync.client import SyncOffline
from desktop.sync.connection import SyncConnection
from desktop.sync.credentials import TokenStore
from desktop.sync.station import StationSync
from tests.integration.sync_stations import differences
from tests.pg import free_port
from tests.unit.sync.relay import OWNER_PASSWORD, new_shop

# The console script pip installed next to this Python.
SERVER_COMMAND = str(Path(sys.executable).with_name("benchside-server"))


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [SERVER_COMMAND, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


class ServerProcess:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [SERVER_COMMAND, "serve"], env=self.env, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not come up:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def server(pg_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    port = free_port()
    env = {
        **os.environ,
        "BENCHSIDE_SERVER_DATABASE_URL": pg_url,
        "BENCHSIDE_SERVER_PORT": str(port),
    }
    process = ServerProcess(env, port, tmp_path / "server.log")
    yield process
    process.stop()


def enrolled(services: Services, data_dir: Path, url: str, code: str) -> StationSync:
    """Settings → Sync: the address, the code, Connect."""
    connection = SyncConnection(data_dir / "station.json", TokenStore(data_dir, use_keyring=False))
    station = StationSync(
        services.ctx, connection, services.setup.join_shop, services.setup.adopt_station_code
    )
    connection.on_enrolled = station.prepared
    connection.set_server_url(url)
    connection.enroll(code, enrollment_facts(services.ctx))
    return station


def sell(services: Services, item_id: object, price: int) -> None:
    cart = replace(services.sales.new_cart(), lines=(services.sales.line_for_item(item_id),))
    services.sales.complete(cart, [PaymentInput("cash", price)])


def test_stations_work_while_the_server_is_down_and_converge_when_it_returns(
    tmp_path: Path, server: ServerProcess
) -> None:
    env = server.env
    cli(env, "migrate")
    shop_id = cli(env, "create-shop", "Fix-It Corner").split()[-1]
    branch_id = cli(env, "create-branch", "--shop", shop_id, "Main Street").split()[-1]
    code_a = cli(env, "enroll-station", "--branch", branch_id).split()[0]
    code_b = cli(env, "enroll-station", "--branch", branch_id).split()[0]
    server.start()

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = new_shop(tmp_path / "a" / "benchside.db")
    sync_a = enrolled(a, tmp_path / "a", server.url, code_a)
    part = a.items.create(ItemInput("Battery", sell_price=2000, cost_price=900)).item.id
    a.stock.receive(part, 3, 900)
    sync_a.sync_once()

    b = Services.open(tmp_path / "b" / "benchside.db")
    sync_b = enrolled(b, tmp_path / "b", server.url, code_b)
    sync_b.sync_once()
    assert b.ctx.station_code == "B"
    b.accounts.login("owner", OWNER_PASSWORD)

    server.stop()
    sell(a, part, 2000)
    sell(b, part, 2000)
    b.customers.create(CustomerInput(first_name="Walk-in"))
    for station in (sync_a, sync_b):
        with pytest.raises(SyncOffline):
            station.sync_once()
        assert station.pending_count() > 0

    server.start()
    for _ in range(2):
        for station in (sync_a, sync_b):
            report = station.sync_once()
    assert report.pending == 0
    assert a.stock.on_hand(part) == b.stock.on_hand(part) == 1
    assert differences(a, b) == {}
    a.close()
    b.close()


def test_a_reinstalled_pc_takes_its_code_back_and_continues_its_numbers(
    tmp_path: Path, server: ServerProcess
) -> None:
    env = server.env
    cli(env, "migrate")
    shop_id = cli(env, "create-shop", "Fix-It Corner").split()[-1]
    branch_id = cli(env, "create-branch", "--shop", shop_id, "Main Street").split()[-1]
    server.start()
    for name in ("a", "b", "b-again"):
        (tmp_path / name).mkdir()
    a = new_shop(tmp_path / "a" / "benchside.db")
    code = cli(env, "enroll-station", "--branch", branch_id).split()[0]
    sync_a = enrolled(a, tmp_path / "a", server.url, code)
    part = a.items.create(ItemInput("Battery", sell_price=2000)).item.id
    sync_a.sync_once()

    b = Services.open(tmp_path / "b" / "benchside.db")
    code = cli(env, "enroll-station", "--branch", branch_id).split()[0]
    sync_b = enrolled(b, tmp_path / "b", server.url, code)
    sync_b.sync_once()
    b.accounts.login("owner", OWNER_PASSWORD)
    sell(b, part, 2000)
    sync_b.sync_once()
    old_station = sync_b.connection.credentials()
    assert old_station is not None
    b.close()

    # The PC's disk died: the operator cuts the old station off and lets the new
    # installation take code B back.
    cli(env, "revoke-station", str(old_station.station_id))
    code = cli(env, "enroll-station", "--branch", branch_id, "--code", "B").split()[0]
    again = Services.open(tmp_path / "b-again" / "benchside.db")
    sync_again = enrolled(again, tmp_path / "b-again", server.url, code)
    sync_again.sync_once()
    assert again.ctx.station_code == "B"
    again.accounts.login("owner", OWNER_PASSWORD)
    sell(again, part, 2000)
    for station in (sync_again, sync_a, sync_again):
        station.sync_once()
    with again.ctx.engine.connect() as connection:
        numbers = sorted(
            connection.execute(
                text("SELECT number FROM sales_documents WHERE number LIKE 'S-B-%'")
            ).scalars()
        )
    assert numbers == ["S-B-000001", "S-B-000002"]
    assert differences(a, again) == {}
    a.close()
    again.close()
