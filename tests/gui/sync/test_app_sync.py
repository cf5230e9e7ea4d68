"""The app starts background sync only behind ``start_sync`` and only when enrolled."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.app import Benchside
from desktop.config import AppPaths, StationSettings
from desktop.services.changes import Changes
from desktop.sync.runner import SyncReport, SyncState


def test_without_a_server_the_app_starts_no_sync(qapp, tmp_path: Path) -> None:
    controller = Benchside(QApplication.instance(), AppPaths.at(tmp_path))
    assert not controller.start_sync(lambda: SyncReport())
    assert controller.sync.status.state is SyncState.OFF
    controller.shutdown()
    controller.deleteLater()


def test_an_enrolled_station_syncs_and_pushes_soon_after_a_local_change(
    qtbot, tmp_path: Path
) -> None:
    paths = AppPaths.at(tmp_path)
    StationSettings.update(
        paths.station_file, sync_url="http://sync.test", sync_shop_name="Fix-It Corner"
    )
    controller = Benchside(QApplication.instance(), paths)
    passes: list[int] = []
    try:
        assert controller.start_sync(lambda: passes.append(1) or SyncReport())
        qtbot.waitUntil(lambda: controller.sync.status.state is SyncState.ONLINE, timeout=10000)
        first = len(passes)
        controller.bus.publish(Changes(shop=True))  # a local change: pushed within ~1 s
        qtbot.waitUntil(lambda: len(passes) > first, timeout=10000)
    finally:
        controller.shutdown()
        controller.deleteLater()
    assert not controller.sync.running
    assert passes


def test_starting_the_app_imports_no_http_or_keyring_library() -> None:
    code = (
        "import sys; import desktop.app, desktop.views.main_window;"
        "print(sorted(m for m in ('httpx', 'keyring') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_changes_pulled_from_other_stations_reload_the_views_without_a_push(
    qtbot, tmp_path: Path
) -> None:
    paths = AppPaths.at(tmp_path)
    StationSettings.update(
        paths.station_file, sync_url="http://sync.test", sync_shop_name="Fix-It Corner"
    )
    controller = Benchside(QApplication.instance(), paths)
    published: list[Changes] = []
    controller.bus.data_changed.connect(published.append)
    passes: list[int] = []
    try:
        assert controller.start_sync(lambda: passes.append(1) or SyncReport())
        qtbot.waitUntil(lambda: controller.sync.status.state is SyncState.ONLINE, timeout=10000)
        first = len(passes)
        # The sync thread emits; the window's views hear it on the GUI thread.
        with qtbot.waitSignal(controller.bus.data_changed, timeout=10000):
            threading.Thread(target=controller.changes_pulled.emit).start()
        qtbot.wait(1500)  # longer than the push debounce
    finally:
        controller.shutdown()
        controller.deleteLater()
    assert published == [Changes(everything=True, synced=True)]
    assert len(passes) == first, "nothing of this station's to push"
