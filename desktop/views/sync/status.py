"""The bridge from the sync runner's thread to the GUI, and the status bar's words."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

from desktop.sync.runner import SYNC_OFF, SyncState, SyncStatus

MAX_REASON = 60


class SyncStatusBridge(QObject):
    """``publish`` may be called from any thread; ``status_changed`` is emitted on the
    GUI thread (a queued connection). Statuses of a runner that was replaced (a
    ``generation`` before the last ``reset``) are dropped, so a stopped runner's last
    words never overwrite "Sync off"."""

    status_changed = Signal(object)  # SyncStatus
    _published = Signal(object, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status = SYNC_OFF
        self._generation = 0
        self._published.connect(self._on_published, Qt.ConnectionType.QueuedConnection)

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def generation(self) -> int:
        return self._generation

    def publish(self, status: SyncStatus, generation: int) -> None:
        """Any thread: hand a runner's status to the GUI thread."""
        self._published.emit(status, generation)

    def reset(self, status: SyncStatus) -> int:
        """GUI thread: show ``status`` now and ignore older runners. Returns the new
        generation for the next runner."""
        self._generation += 1
        self._set(status)
        return self._generation

    def _on_published(self, status: SyncStatus, generation: int) -> None:
        if generation == self._generation:
            self._set(status)

    def _set(self, status: SyncStatus) -> None:
        self._status = status
        self.status_changed.emit(status)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncStatus", text)


def ago_text(then: datetime, now: datetime) -> str:
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 5:
        return _tr("just now")
    if seconds < 60:
        return _tr("{n} s ago").format(n=seconds)
    if seconds < 3600:
        return _tr("{n} min ago").format(n=seconds // 60)
    if seconds < 86400:
        return _tr("{n} h ago").format(n=seconds // 3600)
    return _tr("on {date}").format(date=then.astimezone().strftime("%Y-%m-%d %H:%M"))


def short_reason(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1].rstrip() + "…"


def status_text(status: SyncStatus, now: datetime) -> str:
    """The status bar's words for ``status`` at time ``now`` (UTC)."""
    state = status.state
    if state is SyncState.ONLINE:
        synced = ago_text(status.last_synced_at, now) if status.last_synced_at else _tr("just now")
        text = _tr("Online · synced {ago}").format(ago=synced)
        if status.pending:
            text += _tr(" · {n} waiting").format(n=status.pending)
        return text
    if state is SyncState.OFFLINE:
        if status.pending == 1:
            return _tr("Offline · 1 change waiting")
        if status.pending:
            return _tr("Offline · {n} changes waiting").format(n=status.pending)
        return _tr("Offline")
    if state is SyncState.ERROR:
        return _tr("Error: {reason}").format(reason=short_reason(status.last_error))
    texts = {
        SyncState.OFF: _tr("Sync off"),
        SyncState.STARTING: _tr("Connecting…"),
        SyncState.UPDATE_REQUIRED: _tr("Update required"),
        SyncState.PAUSED: _tr("Paused"),
    }
    return texts[state]


def state_name(state: SyncState) -> str:
    """The state in a word or two, for the details dialog."""
    return {
        SyncState.OFF: _tr("Sync off"),
        SyncState.STARTING: _tr("Connecting"),
        SyncState.ONLINE: _tr("Online"),
        SyncState.OFFLINE: _tr("Offline"),
        SyncState.ERROR: _tr("Error"),
        SyncState.UPDATE_REQUIRED: _tr("Update required"),
        SyncState.PAUSED: _tr("Paused"),
    }[state]
