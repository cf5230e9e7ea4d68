"""Settings → Sync: the server's address, enrolling this station with a one-time code,
test connection, sync now, pause, disconnect; for managers, the conflicts and refused
changes to review."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.sync_settings import enrollment_facts
from desktop.sync.client import Enrollment
from desktop.sync.connection import ConnectionCheck
from desktop.sync.runner import SyncState, SyncStatus
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.sync.controller import SyncController
from desktop.views.sync.review import SyncReviewDialog, may_review
from desktop.views.sync.status import status_text, utc_now
from desktop.views.tasks import TaskRunner


class SyncSettings(QWidget):
    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        sync: SyncController,
        parent: QWidget | None = None,
        bus: DataBus | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._sync = sync
        self._bus = bus if bus is not None else DataBus(self)
        self.review_dialog: QWidget | None = None
        self._seen_counts: tuple[int, int] | None = None
        self.errors = FieldErrors(error_label())
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("https://sync.example.com")
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("from the server's administrator"))
        self.connect_button = QPushButton(self.tr("Connect"))
        self.connect_button.clicked.connect(self.connect_station)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.sync_now_button = QPushButton(self.tr("Sync now"))
        self.sync_now_button.clicked.connect(self._on_sync_now_clicked)
        self.pause_button = QPushButton()
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.disconnect_button = QPushButton(self.tr("Disconnect…"))
        self.disconnect_button.clicked.connect(self.confirm_disconnect)
        self.connected = QLabel()
        self.connected.setWordWrap(True)
        self.state = QLabel()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.review_counts = QLabel()
        self.review_button = QPushButton(self.tr("Review…"))
        self.review_button.clicked.connect(self.open_review)
        self._build_layout()
        sync.bridge.status_changed.connect(self._on_bridge_status_changed)
        self._bus.data_changed.connect(self._on_bus_data_changed)
        self.reload()

    def _build_layout(self) -> None:
        self.code_row = row_widget(QHBoxLayout())
        code_layout = self.code_row.layout()
        code_layout.addWidget(with_error(self.errors, "code", self.code), 1)
        code_layout.addWidget(self.connect_button)
        form = QFormLayout()
        form.addRow(self.tr("Server address"), with_error(self.errors, "sync_url", self.server_url))
        self.code_label = QLabel(self.tr("Enrollment code"))
        form.addRow(self.code_label, self.code_row)
        form.addRow(self.tr("Connected to"), self.connected)
        form.addRow(self.tr("Sync"), self.state)
        review = QHBoxLayout()
        review.addWidget(self.review_counts, 1)
        review.addWidget(self.review_button)
        self.review_row = row_widget(review)
        self.review_label = QLabel(self.tr("To review"))
        form.addRow(self.review_label, self.review_row)
        buttons = QHBoxLayout()
        for button in (
            self.test_button,
            self.sync_now_button,
            self.pause_button,
            self.disconnect_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        note = QLabel(
            self.tr(
                "With a sync server, every counter and branch of the shop shares tickets, "
                "customers, stock and sales. Work goes on while the server cannot be "
                "reached; changes wait here and are sent when it is back."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def reload(self) -> None:
        connection = self._sync.connection
        enrolled = connection.enrolled
        settings = connection.settings
        allowed = self._services.ctx.can(Permission.MANAGE_STATION)
        self.server_url.setText(settings.sync_url)
        self.server_url.setReadOnly(enrolled or not allowed)
        self.code_label.setVisible(not enrolled)
        self.code_row.setVisible(not enrolled)
        self.connect_button.setEnabled(allowed)
        self.code.setEnabled(allowed)
        if enrolled:
            station = self._services.shop.station()
            self.connected.setText(
                self.tr("{shop} · {branch} · this is station {code}").format(
                    shop=settings.sync_shop_name,
                    branch=settings.sync_branch_name,
                    code=station.code,
                )
            )
        else:
            self.connected.setText(self.tr("Not connected"))
        self.test_button.setEnabled(bool(settings.sync_url))
        self.disconnect_button.setVisible(enrolled)
        self.disconnect_button.setEnabled(allowed)
        self.pause_button.setEnabled(enrolled and allowed)
        self.pause_button.setText(self.tr("Resume") if self._sync.paused else self.tr("Pause"))
        self._show_review_counts()
        self._on_bridge_status_changed(self._sync.status)

    def _show_review_counts(self) -> None:
        reviewer = may_review(self._services)
        self.review_label.setVisible(reviewer)
        self.review_row.setVisible(reviewer)
        if not reviewer:
            return
        conflicts = self._services.sync_conflicts
        self.review_counts.setText(
            self.tr("Conflicts: {conflicts} · refused changes: {refused}").format(
                conflicts=conflicts.open_count(), refused=conflicts.refused_count()
            )
        )

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.sync_review or changes.everything or changes.users:
            self.reload()

    def open_review(self) -> QWidget | None:
        """The conflicts and refused changes, for managers (None for other staff)."""
        if not may_review(self._services):
            return None
        if self.review_dialog is None:
            dialog = SyncReviewDialog(self._services, self._bus, self._sync, self)
            dialog.finished.connect(self._on_review_finished)
            self.review_dialog = dialog
        self.review_dialog.show()
        self.review_dialog.raise_()
        return self.review_dialog

    def _on_review_finished(self, _result: int) -> None:
        if self.review_dialog is not None:
            self.review_dialog.deleteLater()
            self.review_dialog = None

    def _on_bridge_status_changed(self, status: SyncStatus) -> None:
        self.state.setText(status_text(status, utc_now()))
        if (status.conflicts, status.rejected) != self._seen_counts:
            self._seen_counts = (status.conflicts, status.rejected)
            self._show_review_counts()
        self.sync_now_button.setEnabled(self._sync.running and status.state is not SyncState.PAUSED)

    # -- actions -------------------------------------------------------------------------

    def _save_url(self) -> bool:
        self.errors.clear()
        self.result.clear()
        try:
            self._sync.connection.set_server_url(self.server_url.text())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        self.server_url.setText(self._sync.connection.server_url)
        return True

    def connect_station(self) -> None:
        """Enroll with the code typed in, off the GUI thread; keep the token on success."""
        if not self._save_url():
            return
        code = self.code.text().strip()
        if not code:
            self.errors.show({"code": self.tr("Enter the enrollment code from the server.")})
            return
        try:
            facts = enrollment_facts(self._services.ctx)
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        connection = self._sync.connection
        self.connect_button.setEnabled(False)
        self.result.setText(self.tr("Connecting…"))
        self._tasks.run(
            lambda: connection.enroll(code, facts),
            self._on_enrolled,
            self._on_failed,
            owner=self,
        )

    def _on_enrolled(self, enrollment: Enrollment) -> None:
        self.code.clear()
        self._sync.restart()
        self.reload()
        self.result.setText(
            self.tr("Connected to {shop} ({branch}).").format(
                shop=enrollment.shop_name, branch=enrollment.branch_name
            )
        )

    def test_connection(self) -> None:
        if not self._sync.connection.enrolled and not self._save_url():
            return
        self.test_button.setEnabled(False)
        self.result.setText(self.tr("Asking the server…"))
        connection = self._sync.connection
        self._tasks.run(connection.check, self._on_checked, self._on_failed, owner=self)

    def _on_checked(self, check: ConnectionCheck) -> None:
        self.test_button.setEnabled(True)
        text = self.tr("The server answers (version {version}).").format(
            version=check.health.version
        )
        if check.status is not None:
            text += " " + self.tr("It knows this station as {code} of {shop}.").format(
                code=check.status.station_code, shop=check.status.shop_name
            )
        self.result.setText(text)

    def _on_failed(self, problem: Exception) -> None:
        if not isinstance(problem, BenchsideError):
            raise problem
        self.reload()
        self.result.clear()
        self.errors.show_general(str(problem))

    def _on_sync_now_clicked(self) -> None:
        self._sync.sync_now()
        self.result.setText(self.tr("Syncing…"))

    def _on_pause_clicked(self) -> None:
        if self._sync.paused:
            self._sync.resume()
        else:
            self._sync.pause()
        self.reload()

    def confirm_disconnect(self) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Disconnect from the sync server"),
            self.tr(
                "Stop syncing this station? Changes made here are kept and sent after "
                "connecting again with a new enrollment code."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.disconnect_station()

    def disconnect_station(self) -> None:
        self._sync.disconnect_station()
        self.reload()
        self.result.setText(self.tr("Disconnected. Sync is off."))
