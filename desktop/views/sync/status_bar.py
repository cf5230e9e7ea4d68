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

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.sync.runner import SyncState, SyncStatus
from desktop.views.bus import DataBus
from desktop.views.sync.controller import SyncController
from desktop.views.sync.review import SyncReviewDialog, may_review
from desktop.views.sync.status import ago_text, state_name, status_text, utc_now

REFRESH_MS = 5_000  # "synced 12 s ago" keeps counting between passes
ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"


class SyncStatusButton(QToolButton):
    """Shows the sync state in a few words; a click opens the details."""

    def __init__(
        self,
        sync: SyncController,
        parent: QWidget | None = None,
        services: Services | None = None,
        bus: DataBus | None = None,
    ) -> None:
        super().__init__(parent)
        self._sync = sync
        self._services = services
        self._bus = bus
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
            self.details = SyncDetailsDialog(
                self._sync, self.window(), services=self._services, bus=self._bus
            )
            self.details.finished.connect(self._on_details_finished)
        self.details.show()
        self.details.raise_()
        return self.details

    def _on_details_finished(self, _result: int) -> None:
        if self.details is not None:
            self.details.deleteLater()
            self.details = None


class SyncDetailsDialog(QDialog):
    """State, last error, counts and the sync log; updates while it is open. With the
    services, the counts are this PC's own and managers get a way to review them."""

    def __init__(
        self,
        sync: SyncController,
        parent: QWidget | None = None,
        services: Services | None = None,
        bus: DataBus | None = None,
    ) -> None:
        super().__init__(parent)
        self._sync = sync
        self._services = services
        self._bus = bus if bus is not None else DataBus(self)
        self.review_dialog: QDialog | None = None
        self.setWindowTitle(self.tr("Sync"))
        self.resize(560, 420)
        self.state = QLabel()
        self.last_synced = QLabel()
        self.pending = QLabel()
        self.refused = QLabel()
        self.conflicts = QLabel()
        self.last_error = QLabel()
        self.last_error.setWordWrap(True)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)
        form = QFormLayout()
        form.addRow(self.tr("State"), self.state)
        form.addRow(self.tr("Last synced"), self.last_synced)
        form.addRow(self.tr("Changes waiting"), self.pending)
        form.addRow(self.tr("Refused by the server"), self.refused)
        form.addRow(self.tr("Conflicts to review"), self.conflicts)
        form.addRow(self.tr("Last error"), self.last_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.sync_now_button = QPushButton(self.tr("Sync now"))
        buttons.addButton(self.sync_now_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.sync_now_button.clicked.connect(sync.sync_now)
        self.review_button = QPushButton(self.tr("Review conflicts…"))
        buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.review_button.clicked.connect(self.open_review)
        self.review_button.setVisible(services is not None and may_review(services))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Sync log")))
        layout.addWidget(self.log, 1)
        layout.addWidget(buttons)
        sync.bridge.status_changed.connect(self._on_bridge_status_changed)
        self._bus.data_changed.connect(self._on_bus_data_changed)
        self._on_bridge_status_changed(sync.status)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.sync_review or changes.everything:
            self._show_counts(self._sync.status)

    def _show_counts(self, status: SyncStatus) -> None:
        conflicts, rejected = status.conflicts, status.rejected
        if self._services is not None:
            # This PC's database knows the counts also while sync is off or offline.
            conflicts = self._services.sync_conflicts.open_count()
            rejected = self._services.sync_conflicts.refused_count()
        self.refused.setText(str(rejected))
        self.conflicts.setText(str(conflicts))

    def open_review(self) -> QDialog | None:
        """The conflicts and refused changes (managers only; None otherwise)."""
        if self._services is None or not may_review(self._services):
            return None
        if self.review_dialog is None:
            self.review_dialog = SyncReviewDialog(self._services, self._bus, self._sync, self)
        self.review_dialog.show()
        self.review_dialog.raise_()
        return self.review_dialog

    def _on_bridge_status_changed(self, status: SyncStatus) -> None:
        self.state.setText(state_name(status.state))
        self.last_synced.setText(
            ago_text(status.last_synced_at, utc_now())
            if status.last_synced_at
            else self.tr("Never")
        )
        self.pending.setText(str(status.pending))
        self._show_counts(status)
        self.last_error.setText(status.last_error or self.tr("None"))
        # An explicit colour either way: an emptied style sheet may keep the old one.
        self.last_error.setStyleSheet(
            ERROR_STYLE if status.last_error else "color: palette(window-text);"
        )
        self.sync_now_button.setEnabled(self._sync.running)
        self._show_log()

    def _show_log(self) -> None:
        lines = [
            f"{e.at.astimezone():%Y-%m-%d %H:%M:%S}  {e.level:<7}  {e.text}"
            for e in self._sync.log_entries()
        ]
        self.log.setPlainText("\n".join(lines))
        self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())
