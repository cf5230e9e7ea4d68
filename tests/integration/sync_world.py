"""A shop with three enrolled stations and its server database, made once and copied for
every example of a property test: setting up a shop and loading it on two more PCs takes
seconds, copying the files and the database takes a fraction of that.

Also what the property tests read back from a station: its stock ledger, its pull cursor,
row counts by id, and the server mirror's row counts.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.services.container import Services
from desktop.services.items import ItemInput
from desktop.sync.capture import read_cursor
from desktop.sync.schema import SYNC_TABLES
from server.app import create_app
from server.settings import Settings
from tests.integration.sync_stations import (
    OPEN,
    Station,
    _engine,
    first_station,
    joining_station,
    settle,
)
from tests.pg import PostgresCluster, ServerThread
from tests.sync_server import Admin
from tests.unit.sync.relay import OWNER_PASSWORD

CODES = ("A", "B", "C")
ITEMS = (("Battery", 2000, 900), ("Screen", 8900, 4000), ("Cable", 500, 100))
STARTING_STOCK = 20


@dataclass(frozen=True)
class SavedStation:
    code: str
    file: str
    token: str
    station_id: uuid.UUID


@dataclass(frozen=True)
class SavedWorld:
    """The saved shop: the server database to clone and the station files to copy."""

    database: str
    folder: Path
    shop_id: uuid.UUID
    stations: tuple[SavedStation, ...]
    items: tuple[uuid.UUID, ...]


def build_world(cluster: PostgresCluster, template: str, folder: Path) -> SavedWorld:
    """Set up the shop on station A with three stocked items, load it on B and C, sync
    all, then close everything so the database and the files can be copied."""
    database = cluster.clone(template)
    server = ServerThread(create_app(Settings(database_url=cluster.url(database))))
    server.start()
    try:
        admin = Admin(cluster.url(database))
        shop = admin.shop()
        url = server.base_url
        a = first_station(folder / "A.db", url, admin, shop.branch_id)
        items = []
        for name, price, cost in ITEMS:
            item = a.services.items.create(ItemInput(name, sell_price=price, cost_price=cost))
            a.services.stock.receive(item.item.id, STARTING_STOCK, cost)
            items.append(item.item.id)
        a.sync()
        b = joining_station(folder / "B.db", url, admin, shop.branch_id)
        c = joining_station(folder / "C.db", url, admin, shop.branch_id)
        settle(a, b, c)
        saved = tuple(
            SavedStation(s.code, f"{s.code}.db", s.token, s.engine.station_id) for s in (a, b, c)
        )
        assert tuple(s.code for s in saved) == CODES
    finally:
        while OPEN:
            OPEN.pop().close()
        server.stop()
    return SavedWorld(database, folder, shop.shop_id, saved, tuple(items))


@dataclass
class LiveWorld:
    """One example's copy: its own server database, server and station files."""

    server: ServerThread
    database: str
    admin: Admin
    shop_id: uuid.UUID
    stations: dict[str, Station]


@contextmanager
def live_world(cluster: PostgresCluster, saved: SavedWorld, folder: Path) -> Iterator[LiveWorld]:
    """A fresh copy of ``saved`` with its server running; closed and dropped after."""
    database = cluster.clone(saved.database)
    folder.mkdir(parents=True)
    server = ServerThread(create_app(Settings(database_url=cluster.url(database))))
    server.start()
    stations: dict[str, Station] = {}
    try:
        for entry in saved.stations:
            for part in saved.folder.glob(entry.file + "*"):
                shutil.copy(part, folder / part.name)
            stations[entry.code] = open_station(
                folder / entry.file, server.base_url, entry.token, entry.station_id, entry.code
            )
        yield LiveWorld(server, database, Admin(cluster.url(database)), saved.shop_id, stations)
    finally:
        for station in stations.values():
            station.close()
        server.stop()
        cluster.drop(database)


def open_station(path: Path, url: str, token: str, station_id: uuid.UUID, code: str) -> Station:
    """An enrolled station's file opened as the app opens it, the owner signed in."""
    services = Services.open(path)
    services.accounts.login("owner", OWNER_PASSWORD)
    engine = _engine(services, url, token, station_id, None)
    return Station(services, engine, code, url=url, token=token)


# -- reading a station back ---------------------------------------------------------------


def scalar(services: Services, sql: str, **params: Any) -> Any:
    with services.ctx.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def ids(services: Services, sql: str, **params: Any) -> list[uuid.UUID]:
    """The ids a query returns, as UUIDs, in the query's order."""
    with services.ctx.engine.connect() as connection:
        return [uuid.UUID(str(v)) for v in connection.execute(text(sql), params).scalars()]


def ledger(services: Services) -> dict[uuid.UUID, int]:
    """Units per item by the stock movements."""
    with services.ctx.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT item_id, sum(quantity) FROM stock_movements GROUP BY item_id")
        ).all()
    return {uuid.UUID(str(item)): int(units) for item, units in rows}


def cursor(services: Services) -> int:
    with services.ctx.engine.connect() as connection:
        return read_cursor(connection)


def count_ids(services: Services, table: str, wanted: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many rows of ``table`` carry each id (0 for a missing one)."""
    info = SYNC_TABLES[table]
    wanted = list(wanted)
    found: dict[uuid.UUID, int] = dict.fromkeys(wanted, 0)
    with services.ctx.engine.connect() as connection:
        for chunk in range(0, len(wanted), 500):
            rows = connection.execute(
                info.table.select().where(info.table.c.id.in_(wanted[chunk : chunk + 500]))
            ).all()
            for row in rows:
                found[row.id] += 1
    return found


def mirror_counts(admin: Admin, shop_id: uuid.UUID) -> dict[str, int]:
    """Rows of the shop in each of the server's mirror tables."""
    with admin.db() as db:
        return {
            name: int(
                db.execute(
                    f'SELECT count(*) AS n FROM "{name}" WHERE shop_id = %s',  # type: ignore[arg-type]
                    (shop_id,),
                ).fetchone()["n"]  # type: ignore[index]
            )
            for name in SYNC_TABLES
        }


def station_counts(services: Services) -> dict[str, int]:
    with services.ctx.engine.connect() as connection:
        return {
            name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in SYNC_TABLES
        }


def mirror_ids(admin: Admin, shop_id: uuid.UUID, table: str, wanted: Iterable[uuid.UUID]) -> int:
    """How many of ``wanted`` the server's mirror of ``table`` holds (each id once at most:
    the mirror's key is (shop_id, id))."""
    with admin.db() as db:
        row = db.execute(
            f'SELECT count(*) AS n FROM "{table}" WHERE shop_id = %s AND id = ANY(%s)',  # type: ignore[arg-type]
            (shop_id, list(wanted)),
        ).fetchone()
    assert row is not None
    return int(row["n"])
