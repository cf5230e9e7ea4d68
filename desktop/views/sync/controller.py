"""Owns this station's background sync in the app: the connection, the runner and the
bridge that brings its status to the GUI thread. Settings → Sync and the status bar use
it; ``desktop/app.py`` starts it with the engine's sync pass."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from desktop.config import AppPaths
from desktop.sync.connection import SyncConnection
from desktop.sync.credentials import TokenStore
from desktop.sync.runner import SYNC_OFF, PassReport, SyncLogEntry, SyncRunner, SyncStatus
from desktop.views.sync.status import SyncStatusBridge

log = logging.getLogger(__name__)

# Replacing a runner must not freeze the window behind a slow request: the old pass
# finishes on its own (daemon thread) and its status is dropped by the bridge.
RESTART_WAIT = 2.0
SHUTDOWN_WAIT = 10.0


class SyncController(QObject):
    def __init__(
        self,
        connection: SyncConnection,
        parent: QObject | None = None,
        runner_options: dict[str, float] | None = None,
    ) -> None:
        super().__init__(parent)
        self.connection = connection
        self.bridge = SyncStatusBridge(self)
        self._runner: SyncRunner | None = None
        self._sync_once: Callable[[], PassReport] | None = None
        self._pending_count: Callable[[], int] | None = None
        self._runner_options = runner_options or {}

    @classmethod
    def for_data_dir(cls, data_dir: Path, parent: QObject | None = None) -> SyncController:
        tokens = TokenStore(data_dir)
        return cls(SyncConnection(AppPaths.at(data_dir).station_file, tokens), parent)

    @property
    def status(self) -> SyncStatus:
        return self.bridge.status

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def can_run(self) -> bool:
        """The app gave a sync pass (sync is built in) and the station is enrolled."""
        return self._sync_once is not None and self.connection.enrolled

    def start(
        self, sync_once: Callable[[], PassReport], pending_count: Callable[[], int] | None = None
    ) -> bool:
        """Run ``sync_once`` in the background from now on. Without an enrolled server
        nothing starts and the status says "Sync off". True when it started."""
        self._sync_once = sync_once
        self._pending_count = pending_count
        return self.restart()

    def restart(self) -> bool:
        """Start again with the current settings (after enrolling or disconnecting)."""
        self._stop_runner(RESTART_WAIT)
        generation = self.bridge.reset(SYNC_OFF)
        if self._sync_once is None or not self.connection.enrolled:
            return False
        runner = SyncRunner(
            self._sync_once,
            lambda status: self.bridge.publish(status, generation),
            paused=self.connection.settings.sync_paused,
            pending_count=self._pending_count,
            **self._runner_options,  # type: ignore[arg-type]
        )
        self._runner = runner
        runner.start()
        return True

    def stop(self) -> None:
        """Stop background sync (the app is closing)."""
        self._stop_runner(SHUTDOWN_WAIT)

    def _stop_runner(self, wait: float) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.stop(wait)
            if runner.running:
                log.warning("a sync pass was still running after %.0f s; left to finish", wait)

    def notify_local_commit(self) -> None:
        """Something was written here: push it soon."""
        if self._runner is not None:
            self._runner.notify_local_commit()

    def sync_now(self) -> None:
        if self._runner is not None:
            self._runner.sync_now()

    @property
    def paused(self) -> bool:
        return self.connection.settings.sync_paused

    def pause(self) -> None:
        """Stop syncing until ``resume``, also after a restart of the app."""
        self.connection.set_paused(True)
        if self._runner is not None:
            self._runner.pause()

    def resume(self) -> None:
        self.connection.set_paused(False)
        if self._runner is not None:
            self._runner.resume()

    def disconnect_station(self) -> None:
        """Stop syncing and forget the token; local changes stay in the outbox."""
        self._stop_runner(RESTART_WAIT)
        self.connection.disconnect()
        self.bridge.reset(SYNC_OFF)

    def log_entries(self) -> list[SyncLogEntry]:
        return self._runner.log_entries() if self._runner is not None else []
