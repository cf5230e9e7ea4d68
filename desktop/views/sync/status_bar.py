"""The sync state in the status bar, and the details dialog it opens."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.sync.runner import SyncState, SyncStatus
from desktop.views.sync.controller import SyncController
from desktop.views.sync.status import ago_text, state_name, status_text, utc_now

REFRESH_MS = 5_000  # "synced 12 s ago" keeps counting between passes
ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"


class SyncStatusButton(QToolButton):
    """Shows the sync state in a few words; a click opens the details."""

    def __init__(self, sync: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sync = sync
        self.setAutoRaise(True)
        self.setObjectName("syncStatus")
        self.details: SyncDetailsDialog | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self.clicked.connect(self.open_details)
        sync.bridge.status_changed.connect(self._on_bridge_status_changed)
        self._on_bridge_status_changed(sync.status)

    def _on_bridge_status_changed(self, status: SyncStatus) -> None:
        self._refresh()
        if status.state is SyncState.ONLINE:
            self._timer.start()
        else:
            self._timer.stop()
        style = {SyncState.ERROR: ERROR_STYLE, SyncState.UPDATE_REQUIRED: ERROR_STYLE}
        style[SyncState.OFFLINE] = WARNING_STYLE
        self.setStyleSheet(style.get(status.state, ""))
        self.setToolTip(status.last_error or self.tr("Sync details"))

    def _refresh(self) -> None:
        self.setText(status_text(self._sync.status, utc_now()))

    def open_details(self) -> SyncDetailsDialog:
        if self.details is None:
            self.details = SyncDetailsDialog(self._sync, self.window())
            self.details.finished.connect(self._on_details_finished)
        self.details.show()
        self.details.raise_()
        return self.details

    def _on_details_finished(self, _result: int) -> None:
        if self.details is not None:
            self.details.deleteLater()
            self.details = None


class SyncDetailsDialog(QDialog):
    """State, last error, counts and the sync log; updates while it is open."""

    def __init__(self, sync: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sync = sync
        self.setWindowTitle(self.tr("Sync"))
        self.resize(560, 420)
        self.state = QLabel()
        self.last_synced = QLabel()
        self.pending = QLabel()
        self.rejected = QLabel()
        self.conflicts = QLabel()
        self.last_error = QLabel()
        self.last_error.setWordWrap(True)
        self.last_error.setStyleSheet(ERROR_STYLE)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)
        form = QFormLayout()
        form.addRow(self.tr("State"), self.state)
        form.addRow(self.tr("Last synced"), self.last_synced)
        form.addRow(self.tr("Changes waiting"), self.pending)
        form.addRow(self.tr("Refused by the server"), self.rejected)
        form.addRow(self.tr("Conflicts to review"), self.conflicts)
        form.addRow(self.tr("Last error"), self.last_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.sync_now_button = QPushButton(self.tr("Sync now"))
        buttons.addButton(self.sync_now_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.sync_now_button.clicked.connect(sync.sync_now)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Sync log")))
        layout.addWidget(self.log, 1)
        layout.addWidget(buttons)
        sync.bridge.status_changed.connect(self._on_bridge_status_changed)
        self._on_bridge_status_changed(sync.status)

    def _on_bridge_status_changed(self, status: SyncStatus) -> None:
        self.state.setText(state_name(status.state))
        self.last_synced.setText(
            ago_text(status.last_synced_at, utc_now())
            if status.last_synced_at
            else self.tr("Never")
        )
        self.pending.setText(str(status.pending))
        self.rejected.setText(str(status.rejected))
        self.conflicts.setText(str(status.conflicts))
        self.last_error.setText(status.last_error or self.tr("None"))
        self.sync_now_button.setEnabled(self._sync.running)
        self._show_log()

    def _show_log(self) -> None:
        lines = [
            f"{e.at.astimezone():%Y-%m-%d %H:%M:%S}  {e.level:<7}  {e.text}"
            for e in self._sync.log_entries()
        ]
        self.log.setPlainText("\n".join(lines))
        self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())
