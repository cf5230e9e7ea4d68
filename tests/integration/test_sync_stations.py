"""Stations and the real server: offline work on several PCs converges, and nothing is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from desktop.services.backups import restore_database
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.items import ItemInput
from desktop.sync.client import SyncOffline
from desktop.sync.engine import SyncEngine
from server import admin
from tests.integration.sync_stations import (
    OPEN,
    Station,
    differences,
    first_station,
    joining_station,
    sell,
    settle,
)
from tests.sync_server import Admin, ShopIds
from tests.unit.sync.relay import OWNER_PASSWORD


def sales_numbered(station: Station, prefix: str) -> int:
    with station.services.ctx.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM sales_documents WHERE number LIKE :p"),
                {"p": prefix + "%"},
            ).scalar_one()
        )


def test_a_new_station_loads_the_shop_and_both_converge(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    rita = a.services.customers.create(CustomerInput(first_name="Rita")).id
    a.sync()
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    assert b.code == "B"
    assert b.services.customers.get(rita).first_name == "Rita"
    b.services.customers.update(rita, CustomerInput(first_name="Rita", company="Acme"))
    a.services.customers.create(CustomerInput(first_name="Sam"))
    settle(a, b)
    assert differences(a.services, b.services) == {}
    assert a.services.customers.get(rita).company == "Acme"
    assert a.reports[-1].pending == b.reports[-1].pending == 0
    assert server_admin.rows("SELECT reason FROM srv_rejections") == []


def test_two_counters_sell_the_last_unit_offline_and_both_sales_stand(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    part = a.services.items.create(ItemInput("Battery", sell_price=2000, cost_price=900)).item.id
    a.services.stock.receive(part, 1, 900)
    a.sync()
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    sell(a, part, 2000)
    sell(b, part, 2000)
    settle(a, b)
    assert a.services.stock.on_hand(part) == b.services.stock.on_hand(part) == -1
    for station in (a, b):
        assert sales_numbered(station, "S-") == 2
        assert part in {level.item_id for level in station.services.stock.negative_stock()}
    assert differences(a.services, b.services) == {}


def test_the_later_offline_edit_wins_and_the_manager_sees_the_conflict(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    rita = a.services.customers.create(CustomerInput(first_name="Rita", last_name="Sousa")).id
    a.sync()
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    a.services.customers.update(rita, CustomerInput(first_name="Rita", last_name="Sousa-A"))
    b.services.customers.update(rita, CustomerInput(first_name="Rita", last_name="Sousa-B"))
    settle(a, b)
    assert a.services.customers.get(rita).last_name == "Sousa-B"
    (conflict,) = b.services.sync_conflicts.list()
    assert (conflict.field, conflict.kept.value, conflict.other.value) == (
        "last_name",
        "Sousa-B",
        "Sousa-A",
    )
    assert {conflict.kept.station, conflict.other.station} == {"A", "B"}
    assert conflict.kept.user == conflict.other.user == "Olivia Owner"
    a.services.sync_conflicts.restore_other(conflict.id)
    settle(a, b)
    for station in (a, b):
        assert station.services.customers.get(rita).last_name == "Sousa-A"
        assert station.services.sync_conflicts.list() == []
    assert differences(a.services, b.services) == {}


class LoseAnswers(httpx.BaseTransport):
    """The network between station and server: lets a push through, then loses the
    server's answer (the server did commit)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lose_next_push_answer = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.lose_next_push_answer and request.url.path == "/v1/push":
            self.lose_next_push_answer = False
            response.read()
            response.close()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_push_whose_answer_was_lost_is_not_applied_twice(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    network = LoseAnswers()
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch, network)
    part = a.services.items.create(ItemInput("Cable", sell_price=500)).item.id
    a.services.stock.receive(part, 5, 100)
    sell(a, part, 500)
    network.lose_next_push_answer = True
    with pytest.raises(SyncOffline):
        a.sync()
    a.sync()
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    assert b.services.stock.on_hand(part) == 4
    assert sales_numbered(b, "S-A-") == 1
    counts = server_admin.rows(
        "SELECT count(*) AS n, count(DISTINCT change_id) AS d FROM srv_change_log"
    )[0]
    assert counts["n"] == counts["d"]
    settle(a, b)
    assert differences(a.services, b.services) == {}


def test_a_station_too_far_behind_pushes_first_then_reloads_the_shop(
    tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    for name in ("Ann", "Bob", "Cy"):
        a.services.customers.create(CustomerInput(first_name=name))
    a.sync()
    offline_sale_item = b.services.items.create(ItemInput("Case", sell_price=900)).item.id
    sell(b, offline_sale_item, 900)
    with server_admin.db() as db:
        admin.trim_log(db, shop.shop_id, 1)
    b.sync()
    settle(a, b)
    assert sales_numbered(a, "S-B-") == 1
    assert differences(a.services, b.services) == {}


def test_a_station_restored_from_its_own_backup_gets_back_what_it_synced_since(
    tmp_path: Path, sync_server: str, server_admin: Admin, branch: Any
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, branch)
    part = a.services.items.create(ItemInput("Cable", sell_price=500)).item.id
    a.services.stock.receive(part, 10, 100)
    a.sync()
    a.services.backups.back_up(tmp_path / "yesterday.db")
    sell(a, part, 500)
    sell(a, part, 500)
    a.sync()
    sell(a, part, 500)  # made after the last sync: lost with the disk
    a.services.close()
    # The database is put back to yesterday's backup (``benchside restore``).
    restore_database(tmp_path / "yesterday.db", tmp_path / "a.db", tmp_path / "safety")
    services = Services.open(tmp_path / "a.db")
    again = Station(
        services,
        SyncEngine(services.ctx.engine, services.ctx.clock, a.engine.client, a.engine.station_id),
        a.code,
    )
    OPEN.append(again)
    again.sync()
    services.setup.join_shop("A", "")
    services.accounts.login("owner", OWNER_PASSWORD)
    assert sales_numbered(again, "S-A-") == 2
    sell(again, part, 500)
    again.sync()
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, branch)
    assert sales_numbered(b, "S-A-") == 3
    assert b.services.stock.on_hand(part) == again.services.stock.on_hand(part) == 7
    with services.ctx.engine.connect() as connection:
        numbers = connection.execute(
            text("SELECT number FROM sales_documents WHERE number LIKE 'S-A-%' ORDER BY 1")
        ).scalars()
        assert list(numbers) == ["S-A-000001", "S-A-000002", "S-A-000003"]
