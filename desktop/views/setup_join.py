"""The first start of a PC that joins a shop already working with a sync server: choose
that path, enter the server's address and an enrollment code, and watch the shop load.

Loading runs off the GUI thread (the task runner); the engine reports each page it
loaded from that thread, and a queued signal brings the report to the progress bar. An
interrupted load goes on where it stopped: at the next start the app opens this page
again and continues by itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.sync_settings import enrollment_facts
from desktop.views.forms import FieldErrors, error_label, with_error
from desktop.views.sync.words import table_plural
from desktop.views.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.sync.connection import SyncConnection
    from desktop.sync.engine import BootstrapProgress
    from desktop.sync.station import StationSync

# Page ids of the setup wizard: the two paths branch after the first page.
START_PAGE, SHOP_PAGE, OWNER_PAGE, STATION_PAGE, RECOVERY_PAGE, JOIN_PAGE = range(6)
CODE_ERRORS = {"invalid_code", "code_expired", "code_used", "station_code_taken"}


@dataclass(frozen=True)
class JoinLink:
    """What the join path needs from the app: the station's link to its server and the
    sync that loads the shop (``desktop/app.py`` makes both)."""

    connection: SyncConnection
    station: StationSync
    tasks: TaskRunner


class LoadStopped(Exception):
    """The window closed while the shop was loading: stop after the page being saved."""


class _ProgressRelay(QObject):
    """``report`` is called on the loading thread; ``progressed`` arrives on the GUI
    thread. Once ``stop`` is set, the next report ends the load (its position is
    saved page by page, so the next start continues from there)."""

    progressed = Signal(object)  # BootstrapProgress

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stop = threading.Event()

    def report(self, progress: BootstrapProgress) -> None:
        if self.stop.is_set():
            raise LoadStopped("closed while loading")
        self.progressed.emit(progress)


class StartPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Welcome to Benchside"))
        self.setSubTitle(self.tr("Is this the shop's first PC, or does the shop use Benchside?"))
        self.new_shop = QRadioButton(self.tr("Set up a new shop"), self)
        self.join_shop = QRadioButton(self.tr("Join a shop that has a sync server"), self)
        self.new_shop.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.new_shop)
        group.addButton(self.join_shop)
        join_note = QLabel(
            self.tr(
                "This PC becomes another counter of the shop: it loads the shop's "
                "customers, tickets, stock and staff from the server. You need the "
                "server's address and an enrollment code from its administrator."
            ),
            self,
        )
        join_note.setWordWrap(True)
        join_note.setIndent(24)
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_shop)
        layout.addSpacing(12)
        layout.addWidget(self.join_shop)
        layout.addWidget(join_note)
        layout.addStretch(1)

    def nextId(self) -> int:
        return JOIN_PAGE if self.join_shop.isChecked() else SHOP_PAGE


class JoinPage(QWizardPage):
    """Enroll, then load the shop. The wizard is accepted once the shop is here."""

    def __init__(self, services: Services, link: JoinLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._link = link
        self.relay = _ProgressRelay(self)
        self.relay.progressed.connect(self.show_progress, Qt.ConnectionType.QueuedConnection)
        self.loading = False
        self.loaded = False
        self.setTitle(self.tr("Join a shop"))
        self.setSubTitle(
            self.tr("Enter the sync server's address and the enrollment code for this PC.")
        )
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Join"))
        self.errors = FieldErrors(error_label(self))
        self.server_url = QLineEdit(link.connection.server_url, self)
        self.server_url.setPlaceholderText("https://sync.example.com")
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(self.tr("from the server's administrator"))
        self.connected = QLabel(self)
        self.connected.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.progress_text = QLabel(self)
        form = QFormLayout()
        form.addRow(self.tr("Server address"), with_error(self.errors, "sync_url", self.server_url))
        self.code_label = QLabel(self.tr("Enrollment code"), self)
        self.code_box = with_error(self.errors, "code", self.code)
        form.addRow(self.code_label, self.code_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.connected)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        self.progress.hide()

    def nextId(self) -> int:
        return -1

    def initializePage(self) -> None:
        self._show_enrolled()
        if self._link.connection.enrolled:
            # Started again after an interrupted load: go on without being asked.
            QTimer.singleShot(0, self.start)

    def isComplete(self) -> bool:
        return not self.loading

    def validatePage(self) -> bool:
        if self.loaded:
            return True
        self.start()
        return False

    def _show_enrolled(self) -> None:
        connection = self._link.connection
        enrolled = connection.enrolled
        self.server_url.setReadOnly(enrolled)
        self.code_label.setVisible(not enrolled)
        self.code_box.setVisible(not enrolled)
        if enrolled:
            settings = connection.settings
            self.server_url.setText(connection.server_url)
            self.connected.setText(
                self.tr("Connected to {shop} ({branch}).").format(
                    shop=settings.sync_shop_name, branch=settings.sync_branch_name
                )
            )
            self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Continue loading"))
            if self.wizard() is not None:
                # A token was given to this PC: the way back to a new shop is closed.
                self.wizard().setButtonLayout(
                    [
                        QWizard.WizardButton.Stretch,
                        QWizard.WizardButton.FinishButton,
                        QWizard.WizardButton.CancelButton,
                    ]
                )

    def start(self) -> None:
        """Enroll (unless this PC already is) and load the shop, off the GUI thread."""
        if self.loading or self.loaded:
            return
        self.errors.clear()
        connection = self._link.connection
        code = self.code.text().strip()
        if not connection.enrolled:
            try:
                connection.set_server_url(self.server_url.text())
            except ValidationError as invalid:
                self.errors.show(invalid.errors)
                return
            if not code:
                self.errors.show({"code": self.tr("Enter the enrollment code from the server.")})
                return
        self.set_loading(True)
        self.progress.setRange(0, 0)  # busy until the first page arrives
        self.progress.show()
        self.progress_text.setText(self.tr("Connecting to the server…"))
        services, station, stop = self._services, self._link.station, self.relay

        def work() -> None:
            if not connection.enrolled:
                station.join(code, enrollment_facts(services.ctx))
            services.setup.set_joining(True)
            station.progress = stop.report
            try:
                station.sync_once()
            finally:
                station.progress = None
            services.setup.set_joining(False)

        self._link.tasks.run(work, self._on_loaded, self._on_failed, owner=self)

    def set_loading(self, loading: bool) -> None:
        """While loading, the fields and the Join button wait."""
        self.loading = loading
        self.server_url.setEnabled(not loading)
        self.code.setEnabled(not loading)
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None:
            # Leaving mid-join would leave this PC half joined; Cancel stops the load.
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(not loading)

    def show_progress(self, progress: BootstrapProgress) -> None:
        """GUI thread: one page of the shop arrived."""
        self._show_enrolled()
        self.progress.setRange(0, max(progress.tables_total, 1))
        self.progress.setValue(progress.tables_done)
        self.progress_text.setText(
            self.tr("Loading {what}: table {n} of {total} · {rows} rows so far").format(
                what=table_plural(progress.table),
                n=min(progress.tables_done + 1, progress.tables_total),
                total=progress.tables_total,
                rows=f"{progress.rows:,}",
            )
        )

    def _on_loaded(self, _result: object) -> None:
        self.set_loading(False)
        self.loaded = True
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress_text.setText(self.tr("The shop is here. Sign in with your account."))
        self.wizard().accept()

    def _on_failed(self, problem: Exception) -> None:
        if isinstance(problem, LoadStopped):
            return
        if not isinstance(problem, BenchsideError):
            raise problem
        self.set_loading(False)
        self._show_enrolled()
        self.progress.setRange(0, 1)
        if not self._link.connection.enrolled:
            self.progress.hide()
            self.progress_text.clear()
            self.errors.show({self._field_of(problem): str(problem)})
            return
        self.progress_text.clear()
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Try again"))
        self.errors.show_general(
            self.tr("Loading stopped: {problem} What is here is kept; try again.").format(
                problem=problem
            )
        )

    @staticmethod
    def _field_of(problem: Exception) -> str:
        from desktop.sync.client import SyncOffline, SyncServerError

        if isinstance(problem, SyncOffline):
            return "sync_url"
        if isinstance(problem, SyncServerError) and problem.code in CODE_ERRORS:
            return "code"
        return "general"

    def stop_loading(self) -> None:
        """The window is closing: end the load after the page being saved."""
        self.relay.stop.set()
