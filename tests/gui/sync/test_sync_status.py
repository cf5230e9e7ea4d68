"""The sync state in the window: the thread bridge, the status bar words, the details
dialog, and the controller running a real runner thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from desktop.config import StationSettings
from desktop.sync.client import SyncOffline
from desktop.sync.connection import SyncConnection
from desktop.sync.credentials import StationCredentials, TokenStore
from desktop.sync.runner import SyncReport, SyncState, SyncStatus
from desktop.views.sync.controller import SyncController
from desktop.views.sync.status import SyncStatusBridge, status_text
from desktop.views.sync.status_bar import SyncStatusButton
from tests.sync_doubles import STATION_ID, TOKEN

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
FAST = {"pull_interval": 0.05, "debounce": 0.01, "backoff_base": 0.05, "backoff_cap": 0.1}


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (SyncStatus(SyncState.OFF), "Sync off"),
        (SyncStatus(SyncState.STARTING), "Connecting…"),
        (
            SyncStatus(SyncState.ONLINE, last_synced_at=NOW - timedelta(seconds=12)),
            "Online · synced 12 s ago",
        ),
        (
            SyncStatus(SyncState.ONLINE, pending=2, last_synced_at=NOW - timedelta(minutes=3)),
            "Online · synced 3 min ago · 2 waiting",
        ),
        (SyncStatus(SyncState.ONLINE, last_synced_at=NOW), "Online · synced just now"),
        (SyncStatus(SyncState.OFFLINE, pending=34), "Offline · 34 changes waiting"),
        (SyncStatus(SyncState.OFFLINE, pending=1), "Offline · 1 change waiting"),
        (SyncStatus(SyncState.OFFLINE), "Offline"),
        (
            SyncStatus(SyncState.ERROR, last_error="The server refused the station key."),
            "Error: The server refused the station key.",
        ),
        (SyncStatus(SyncState.UPDATE_REQUIRED, last_error="Update."), "Update required"),
        (SyncStatus(SyncState.PAUSED, pending=3), "Paused"),
    ],
)
def test_status_bar_words(qapp, status: SyncStatus, text: str) -> None:
    assert status_text(status, NOW) == text


def test_a_long_error_is_shortened_in_the_status_bar(qapp) -> None:
    text = status_text(SyncStatus(SyncState.ERROR, last_error="word " * 40), NOW)
    assert len(text) < 80 and text.endswith("…")


def test_statuses_from_another_thread_arrive_on_the_gui_thread(qtbot) -> None:
    bridge = SyncStatusBridge()
    generation = bridge.reset(SyncStatus(SyncState.STARTING))
    arrived_on: list[QThread] = []
    bridge.status_changed.connect(lambda _status: arrived_on.append(QThread.currentThread()))
    online = SyncStatus(SyncState.ONLINE, pending=4)
    with qtbot.waitSignal(bridge.status_changed, timeout=2000) as signal:
        threading.Thread(target=bridge.publish, args=(online, generation)).start()
    assert signal.args == [online]
    assert bridge.status == online
    assert arrived_on == [QApplication.instance().thread()]


def test_a_replaced_runners_status_is_dropped(qtbot) -> None:
    bridge = SyncStatusBridge()
    old = bridge.reset(SyncStatus(SyncState.STARTING))
    bridge.reset(SyncStatus(SyncState.OFF))
    bridge.publish(SyncStatus(SyncState.ONLINE), old)
    qtbot.wait(50)
    assert bridge.status.state is SyncState.OFF


def _controller(tmp_path: Path, enrolled: bool) -> SyncController:
    tokens = TokenStore(tmp_path, use_keyring=False)
    settings_file = tmp_path / "station.json"
    if enrolled:
        StationSettings.update(
            settings_file, sync_url="http://sync.test", sync_shop_name="Fix-It Corner"
        )
        tokens.save(StationCredentials(STATION_ID, TOKEN))
    return SyncController(SyncConnection(settings_file, tokens), runner_options=FAST)


def test_without_an_enrolled_server_nothing_starts(qtbot, tmp_path: Path) -> None:
    sync = _controller(tmp_path, enrolled=False)
    button = SyncStatusButton(sync)
    qtbot.addWidget(button)
    assert not sync.start(lambda: SyncReport())
    assert not sync.running
    assert button.text() == "Sync off"


def test_the_status_bar_follows_the_runner(qtbot, tmp_path: Path) -> None:
    sync = _controller(tmp_path, enrolled=True)
    button = SyncStatusButton(sync)
    qtbot.addWidget(button)
    server_up = threading.Event()
    server_up.set()

    def sync_once() -> SyncReport:
        if not server_up.is_set():
            raise SyncOffline("The sync server cannot be reached.")
        return SyncReport(pending=0, pushed=1)

    assert sync.start(sync_once, pending_count=lambda: 34)
    try:
        qtbot.waitUntil(lambda: button.text() == "Online · synced just now", timeout=3000)
        server_up.clear()
        qtbot.waitUntil(lambda: button.text() == "Offline · 34 changes waiting", timeout=3000)
        server_up.set()
        sync.sync_now()
        qtbot.waitUntil(lambda: button.text().startswith("Online"), timeout=3000)
        sync.pause()
        qtbot.waitUntil(lambda: button.text() == "Paused", timeout=3000)
        assert StationSettings.load(tmp_path / "station.json").sync_paused
    finally:
        sync.stop()


def test_details_show_counts_error_and_log(qtbot, tmp_path: Path) -> None:
    sync = _controller(tmp_path, enrolled=True)
    button = SyncStatusButton(sync)
    qtbot.addWidget(button)
    outcomes = [SyncReport(pending=2, pushed=5, pulled=7, rejected=1, conflicts=3)]

    def sync_once() -> SyncReport:
        if outcomes:
            return outcomes.pop()
        raise SyncOffline("The sync server cannot be reached.")

    sync.start(sync_once)
    try:
        qtbot.waitUntil(lambda: sync.status.state is SyncState.OFFLINE, timeout=3000)
        dialog = button.open_details()
        qtbot.addWidget(dialog)
        assert dialog.state.text() == "Offline"
        assert (dialog.pending.text(), dialog.refused.text(), dialog.conflicts.text()) == (
            "2",
            "1",
            "3",
        )
        assert dialog.last_error.text() == "The sync server cannot be reached."
        log = dialog.log.toPlainText()
        assert "Sent 5 changes, received 7 changes." in log
        assert "The sync server cannot be reached." in log
        assert dialog.sync_now_button.isEnabled()
    finally:
        sync.stop()
