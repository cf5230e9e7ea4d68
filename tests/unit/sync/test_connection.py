"""The station's link to its server: address, enrollment, token, disconnect. The server
here is httpx's MockTransport answering as the protocol says."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.config import StationSettings
from desktop.services.errors import ValidationError
from desktop.services.sync_settings import EnrollmentFacts
from desktop.sync.client import SyncAuthError, SyncServerError
from desktop.sync.connection import SyncConnection
from desktop.sync.credentials import StationCredentials, TokenStore
from tests.sync_doubles import STATION_ID, EnrollmentServer

STATION = STATION_ID
FACTS = EnrollmentFacts("A", "Counter", True)


@pytest.fixture
def server() -> EnrollmentServer:
    return EnrollmentServer()


@pytest.fixture
def connection(tmp_path: Path, server: EnrollmentServer) -> SyncConnection:
    tokens = TokenStore(tmp_path, use_keyring=False)
    return SyncConnection(tmp_path / "station.json", tokens, server.transport)


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
    connection = SyncConnection(path, TokenStore(tmp_path, use_keyring=False), server.transport)
    connection.set_server_url("http://sync.test")
    saved = StationSettings.load(path)
    assert (saved.daily_backup, saved.language, saved.sync_url) == (
        False,
        "de",
        "http://sync.test",
    )
