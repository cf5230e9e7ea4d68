"""Settings → Sync: address, enrollment, test connection, pause, disconnect, rights."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.config import StationSettings
from desktop.sync.connection import SyncConnection
from desktop.sync.credentials import StationCredentials, TokenStore
from desktop.sync.runner import SyncReport, SyncState
from desktop.views.settings.sync import SyncSettings
from desktop.views.sync.controller import SyncController
from tests.conftest import gui_sign_in_as
from tests.sync_doubles import STATION_ID, TOKEN, EnrollmentServer

FAST = {"pull_interval": 0.05, "debounce": 0.01, "backoff_base": 0.05, "backoff_cap": 0.1}


@pytest.fixture
def server() -> EnrollmentServer:
    return EnrollmentServer()


@pytest.fixture
def sync(tmp_path: Path, server: EnrollmentServer):
    tokens = TokenStore(tmp_path, use_keyring=False)
    connection = SyncConnection(tmp_path / "station.json", tokens, server.transport)
    controller = SyncController(connection, runner_options=FAST)
    yield controller
    controller.stop()


def _page(qtbot, shop_services, tasks, sync) -> SyncSettings:
    page = SyncSettings(shop_services, tasks, sync)
    qtbot.addWidget(page)
    return page


def test_owner_connects_with_an_enrollment_code(qtbot, shop_services, tasks, sync, tmp_path):
    sync.start(lambda: SyncReport())
    page = _page(qtbot, shop_services, tasks, sync)
    assert page.connected.text() == "Not connected"
    assert page.state.text() == "Sync off"
    qtbot.keyClicks(page.server_url, "http://sync.test/")
    qtbot.keyClicks(page.code, "GOOD-CODE")
    qtbot.mouseClick(page.connect_button, Qt.MouseButton.LeftButton)
    assert sync.connection.enrolled
    assert page.result.text() == "Connected to Fix-It Corner (Main street)."
    assert page.connected.text() == "Fix-It Corner · Main street · this is station A"
    assert TokenStore(tmp_path, use_keyring=False).load() == StationCredentials(STATION_ID, TOKEN)
    assert page.server_url.isReadOnly()
    assert page.code_row.isHidden()
    assert sync.running
    qtbot.waitUntil(lambda: page.state.text().startswith("Online"), timeout=3000)
    assert page.sync_now_button.isEnabled()


def test_a_wrong_code_says_so_and_stays_unconnected(qtbot, shop_services, tasks, sync) -> None:
    page = _page(qtbot, shop_services, tasks, sync)
    page.server_url.setText("http://sync.test")
    page.code.setText("WRONG")
    page.connect_station()
    assert not sync.connection.enrolled
    assert page.errors.general.text() == "This enrollment code is not valid."
    assert page.connect_button.isEnabled()


def test_a_bad_address_or_missing_code_is_shown_at_its_field(
    qtbot, shop_services, tasks, sync
) -> None:
    page = _page(qtbot, shop_services, tasks, sync)
    page.server_url.setText("sync.test")
    page.connect_station()
    assert "https://" in page.errors.message("sync_url")
    page.server_url.setText("http://sync.test")
    page.connect_station()
    assert page.errors.message("code") == "Enter the enrollment code from the server."


def test_test_connection_reports_what_the_server_knows(qtbot, shop_services, tasks, sync) -> None:
    page = _page(qtbot, shop_services, tasks, sync)
    page.server_url.setText("http://sync.test")
    page.test_connection()
    assert page.result.text() == "The server answers (version 1.0)."
    page.code.setText("GOOD-CODE")
    page.connect_station()
    page.test_connection()
    assert page.result.text().endswith("It knows this station as A of Fix-It Corner.")


def test_pause_and_resume_are_remembered(qtbot, shop_services, tasks, sync, tmp_path) -> None:
    sync.start(lambda: SyncReport())
    page = _page(qtbot, shop_services, tasks, sync)
    page.server_url.setText("http://sync.test")
    page.code.setText("GOOD-CODE")
    page.connect_station()
    assert page.pause_button.text() == "Pause"
    qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert page.pause_button.text() == "Resume"
    assert StationSettings.load(tmp_path / "station.json").sync_paused
    qtbot.waitUntil(lambda: sync.status.state is SyncState.PAUSED, timeout=3000)
    assert not page.sync_now_button.isEnabled()
    qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert not StationSettings.load(tmp_path / "station.json").sync_paused
    qtbot.waitUntil(lambda: sync.status.state is SyncState.ONLINE, timeout=3000)


def test_disconnect_turns_sync_off(qtbot, shop_services, tasks, sync, tmp_path) -> None:
    sync.start(lambda: SyncReport())
    page = _page(qtbot, shop_services, tasks, sync)
    page.server_url.setText("http://sync.test")
    page.code.setText("GOOD-CODE")
    page.connect_station()
    assert not page.disconnect_button.isHidden()
    page.disconnect_station()
    assert not sync.running
    assert not sync.connection.enrolled
    assert TokenStore(tmp_path, use_keyring=False).load() is None
    assert page.state.text() == "Sync off"
    assert page.connected.text() == "Not connected"
    assert not page.server_url.isReadOnly()
    assert page.disconnect_button.isHidden()


def test_front_desk_sees_sync_but_cannot_connect(qtbot, shop_services, tasks, sync) -> None:
    gui_sign_in_as(shop_services, "fiona", "front_desk")
    page = _page(qtbot, shop_services, tasks, sync)
    assert not page.connect_button.isEnabled()
    assert page.server_url.isReadOnly()
    assert not page.pause_button.isEnabled()
