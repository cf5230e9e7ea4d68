"""Real stations (SQLite files made by the desktop services) syncing with the real server."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from desktop.services.container import Services
from desktop.services.sales_types import PaymentInput
from desktop.sync.client import SyncClient
from desktop.sync.engine import SyncEngine
from desktop.sync.outbox import Outbox
from desktop.sync.runner import SyncReport
from tests.sync_server import Admin
from tests.unit.sync.relay import OWNER_PASSWORD, new_shop, synced_rows


@dataclass
class Station:
    services: Services
    engine: SyncEngine
    code: str
    transport: httpx.BaseTransport | None = None
    reports: list[SyncReport] = field(default_factory=list)
    url: str = ""
    token: str = ""
    username: str = "owner"
    password: str = OWNER_PASSWORD

    def sync(self) -> SyncReport:
        report = self.engine.sync_once()
        self.reports.append(report)
        return report

    def close(self) -> None:
        self.engine.client.close()
        self.services.close()

    def connect(self, url: str | None = None) -> None:
        """A new engine (and client) on this station's services: after the station code
        or the clock changed, or to talk to a server at another address."""
        self.engine.client.close()
        self.url = url or self.url
        self.engine = _engine(
            self.services, self.url, self.token, self.engine.station_id, self.transport
        )

    def restart(self, wall_clock: Callable[[], float] | None = None) -> None:
        """Close the app and open it again on the same file, signed in as before
        (``wall_clock``: the PC's clock, for a station whose clock is off)."""
        path = self.services.path
        self.close()
        self.services = Services.open(path, wall_clock=wall_clock)
        self.services.accounts.login(self.username, self.password)
        self.connect()


# Stations made by the helpers below; ``close_all`` closes them after each test.
OPEN: list[Station] = []


def close_all() -> None:
    while OPEN:
        OPEN.pop().close()


def _engine(
    services: Services, url: str, token: str, station_id: Any, transport: httpx.BaseTransport | None
) -> SyncEngine:
    client = SyncClient(url, token, transport=transport)
    return SyncEngine(services.ctx.engine, services.ctx.clock, client, station_id)


def first_station(
    path: Path, url: str, admin: Admin, branch_id: Any, transport: httpx.BaseTransport | None = None
) -> Station:
    """A shop set up on this PC, enrolled as the shop's first station, fully pushed."""
    services = new_shop(path)
    with SyncClient(url, None) as client:
        enrollment = client.enroll(admin.code(branch_id), "Front counter", "A", True)
    Outbox(services.ctx.engine).start_over(
        with_seeds=not enrollment.shop_has_data, station_code=enrollment.station_code
    )
    station = Station(
        services,
        _engine(services, url, enrollment.token, enrollment.station_id, transport),
        enrollment.station_code,
        transport,
        url=url,
        token=enrollment.token,
    )
    OPEN.append(station)
    station.sync()
    return station


def joining_station(
    path: Path, url: str, admin: Admin, branch_id: Any, transport: httpx.BaseTransport | None = None
) -> Station:
    """A new PC that loads the shop from the server and signs in as the owner."""
    services = Services.open(path)
    with SyncClient(url, None) as client:
        enrollment = client.enroll(admin.code(branch_id), "Back office", None, False)
    engine = _engine(services, url, enrollment.token, enrollment.station_id, transport)
    engine.request_bootstrap()
    station = Station(
        services, engine, enrollment.station_code, transport, url=url, token=enrollment.token
    )
    OPEN.append(station)
    station.sync()
    services.setup.join_shop(enrollment.station_code, "Back office")
    # Joining replaced the station's clock: the engine must move the new one on.
    station.connect()
    services.accounts.login("owner", OWNER_PASSWORD)
    return station


def sell(station: Station, item_id: Any, price: int) -> uuid.UUID:
    """Sell one unit of ``item_id`` for cash; returns the sale's id."""
    sales = station.services.sales
    cart = replace(sales.new_cart(), lines=(sales.line_for_item(item_id),))
    sales.complete(cart, [PaymentInput("cash", price)])
    return cart.id


def settle(*stations: Station, rounds: int = 2) -> None:
    """Every station syncs, twice round: each sees what the others pushed."""
    for _ in range(rounds):
        for station in stations:
            station.sync()


def differences(a: Services, b: Services) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ between two stations: (rows at a, rows at b)."""
    left, right = synced_rows(a), synced_rows(b)
    return {name: (len(left[name]), len(right[name])) for name in left if left[name] != right[name]}
