"""The station's link to its server: address, enrollment, token, disconnect. The server
here is httpx's MockTransport answering as the protocol says."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from desktop.config import StationSettings
from desktop.services.errors import ValidationError
from desktop.services.sync_settings import EnrollmentFacts
from desktop.sync.client import SyncAuthError, SyncServerError
from desktop.sync.connection import SyncConnection
from desktop.sync.credentials import StationCredentials, TokenStore

STATION = uuid.UUID("01932b5e-0000-7000-8000-0000000000b1")
FACTS = EnrollmentFacts("A", "Counter", True)


class FakeServer:
    """Answers /health, /v1/enroll (code "GOOD-CODE" only) and /v1/status."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "ok", "version": "1.0", "schema": "x"})
        if request.url.path == "/v1/enroll":
            if json.loads(request.content)["code"] != "GOOD-CODE":
                return httpx.Response(
                    400,
                    json={"detail": "This enrollment code is not valid.", "code": "invalid_code"},
                )
            return httpx.Response(200, json=self._enrolled())
        if request.headers.get("Authorization") != "Bearer station-token":
            return httpx.Response(401, json={"detail": "Unknown station.", "code": "invalid_token"})
        return httpx.Response(
            200,
            json={
                "station_id": str(STATION),
                "station_code": "A",
                "shop_name": "Fix-It Corner",
                "branch_name": "Main street",
                "head": 10,
                "last_station_seq": 4,
                "epoch": 1,
            },
        )

    def _enrolled(self) -> dict[str, object]:
        return {
            "station_id": str(STATION),
            "station_code": "A",
            "token": "station-token",
            "shop_id": str(uuid.uuid4()),
            "shop_name": "Fix-It Corner",
            "branch_id": str(uuid.uuid4()),
            "branch_name": "Main street",
            "shop_has_data": False,
        }


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def connection(tmp_path: Path, server: FakeServer) -> SyncConnection:
    tokens = TokenStore(tmp_path, use_keyring=False)
    return SyncConnection(tmp_path / "station.json", tokens, httpx.MockTransport(server))


def test_enrolling_keeps_the_token_and_the_shop(connection, tmp_path: Path) -> None:
    connection.set_server_url("http://sync.test/")
    assert not connection.enrolled
    enrollment = connection.enroll("GOOD-CODE", FACTS)
    assert enrollment.station_id == STATION
    assert connection.enrolled
    assert TokenStore(tmp_path, use_keyring=False).load() == StationCredentials(
        STATION, "station-token"
    )
    saved = StationSettings.load(tmp_path / "station.json")
    assert (saved.sync_url, saved.sync_shop_name, saved.sync_branch_name) == (
        "http://sync.test",
        "Fix-It Corner",
        "Main street",
    )


def test_a_wrong_code_keeps_the_station_unenrolled(connection, tmp_path: Path) -> None:
    connection.set_server_url("http://sync.test")
    with pytest.raises(SyncServerError, match="not valid"):
        connection.enroll("BAD", FACTS)
    assert not connection.enrolled
    assert TokenStore(tmp_path, use_keyring=False).load() is None


def test_test_connection_before_and_after_enrolling(connection) -> None:
    connection.set_server_url("http://sync.test")
    before = connection.check()
    assert (before.health.version, before.status) == ("1.0", None)
    connection.enroll("GOOD-CODE", FACTS)
    after = connection.check()
    assert after.status is not None and after.status.shop_name == "Fix-It Corner"


def test_the_client_needs_an_enrolled_station(connection) -> None:
    connection.set_server_url("http://sync.test")
    with pytest.raises(SyncAuthError):
        connection.client()
    connection.enroll("GOOD-CODE", FACTS)
    with connection.client() as client:
        assert client.status().last_station_seq == 4


def test_disconnect_forgets_token_and_shop_but_keeps_the_address(connection, tmp_path) -> None:
    connection.set_server_url("http://sync.test")
    connection.enroll("GOOD-CODE", FACTS)
    connection.set_paused(True)
    connection.disconnect()
    assert not connection.enrolled
    assert TokenStore(tmp_path, use_keyring=False).load() is None
    saved = StationSettings.load(tmp_path / "station.json")
    assert (saved.sync_url, saved.sync_shop_name, saved.sync_paused) == (
        "http://sync.test",
        "",
        False,
    )


def test_the_address_cannot_change_while_enrolled(connection) -> None:
    connection.set_server_url("http://sync.test")
    connection.enroll("GOOD-CODE", FACTS)
    with pytest.raises(ValidationError) as refused:
        connection.set_server_url("http://other.test")
    assert "Disconnect" in refused.value.errors["sync_url"]
    assert connection.server_url == "http://sync.test"


def test_other_station_settings_survive_sync_changes(tmp_path: Path, server) -> None:
    path = tmp_path / "station.json"
    StationSettings(daily_backup=False, language="de").save(path)
    connection = SyncConnection(
        path, TokenStore(tmp_path, use_keyring=False), httpx.MockTransport(server)
    )
    connection.set_server_url("http://sync.test")
    saved = StationSettings.load(path)
    assert (saved.daily_backup, saved.language, saved.sync_url) == (
        False,
        "de",
        "http://sync.test",
    )
