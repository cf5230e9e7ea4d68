"""The composition root: settings -> database -> services -> sign-in -> main window."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy.exc import SQLAlchemyError

from desktop.config import AppPaths, StationSettings
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BackupError, DatabaseError, DatabaseTooNew
from desktop.views.bus import DataBus
from desktop.views.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.sync.runner import PassReport
    from desktop.sync.station import StationSync
    from desktop.views.messaging import MessageDispatcher
    from desktop.views.sync.controller import SyncController

log = logging.getLogger(__name__)

ENV_EXIT_WHEN_READY = "BENCHSIDE_EXIT_WHEN_READY"
ENV_BENCH_LOGIN = "BENCHSIDE_BENCH_LOGIN"
ENV_OPEN_SCREEN = "BENCHSIDE_OPEN_SCREEN"


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Benchside")
    app.setOrganizationName("Benchside")
    app.setStyle("Fusion")
    return app


def server_name(paths: AppPaths) -> str:
    digest = hashlib.sha1(str(paths.data_dir.resolve()).encode()).hexdigest()[:16]
    return f"benchside-{digest}"


class SingleInstance(QObject):
    """One running Benchside per data directory; a second start activates the first."""

    activation_requested = Signal()

    def __init__(self, paths: AppPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = server_name(paths)
        self._lock = QLockFile(str(paths.lock_file))
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this is the first instance (it then listens for later starts)."""
        if not self._lock.tryLock(200):
            return False
        QLocalServer.removeServer(self._name)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_server_new_connection)
        if not self._server.listen(self._name):
            log.warning("single-instance server: %s", self._server.errorString())
        return True

    def notify_running(self) -> bool:
        """Ask the running instance to come forward. True when it answered."""
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(1000):
            return False
        socket.write(b"activate\n")
        socket.flush()
        socket.waitForBytesWritten(1000)
        socket.disconnectFromServer()
        return True

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is None:
            return

        socket.readyRead.connect(self._on_socket_ready_read)
        socket.disconnected.connect(socket.deleteLater)

    def _on_socket_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and bytes(socket.readAll().data()).startswith(
            b"activate"
        ):
            self.activation_requested.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()


def open_services(paths: AppPaths, parent: QWidget | None = None) -> Services | None:
    """Open the database; when it is damaged, offer to restore the newest backup."""
    try:
        return Services.open(paths.database, backup_dir=paths.backups)
    except DatabaseTooNew as exc:
        # A healthy database from a newer version: never offer to replace it.
        log.error("cannot open %s: %s", paths.database, exc)
        tr = QApplication.translate
        QMessageBox.critical(parent, tr("App", "Please update Benchside"), str(exc))
        return None
    except DatabaseError as exc:
        log.error("cannot open %s: %s", paths.database, exc)
        return _offer_restore(paths, str(exc), parent)
    except (BackupError, SQLAlchemyError, OSError) as exc:
        log.exception("cannot prepare %s", paths.database)
        tr = QApplication.translate
        QMessageBox.critical(
            parent,
            tr("App", "Benchside cannot start"),
            tr("App", "The database could not be prepared: {problem}").format(problem=exc),
        )
        return None


def _offer_restore(paths: AppPaths, problem: str, parent: QWidget | None) -> Services | None:
    from desktop.services.backups import list_backups, restore_database

    tr = QApplication.translate
    backups = list_backups(paths.backups)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(tr("App", "Benchside cannot open its database"))
    text = tr("App", "The database {path} cannot be opened:\n{problem}").format(
        path=paths.database, problem=problem
    )
    if not backups:
        box.setText(
            text + "\n\n" + tr("App", "No backup was found in {dir}.").format(dir=paths.backups)
        )
        box.exec()
        return None
    latest = backups[0]
    box.setText(
        text
        + "\n\n"
        + tr(
            "App",
            "Restore the newest backup ({name}, {when})? The damaged file is kept in the "
            "backups folder.",
        ).format(name=latest.path.name, when=f"{latest.created_at.astimezone():%Y-%m-%d %H:%M}")
    )
    restore = box.addButton(tr("App", "Restore backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(tr("App", "Quit"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    try:
        # Checks the backup first; keeps the damaged file's bytes as a safety copy.
        restore_database(latest.path, paths.database, paths.backups)
        return Services.open(paths.database, backup_dir=paths.backups)
    except (BackupError, DatabaseError, OSError) as exc:
        QMessageBox.critical(parent, tr("App", "Restore failed"), str(exc))
        return None


class Benchside(QObject):
    """Runs the start-up sequence without nested event loops."""

    # Emitted from the sync thread when a pass brought other stations' changes.
    changes_pulled = Signal()

    def __init__(self, app: QApplication, paths: AppPaths, demo: bool = False) -> None:
        super().__init__(app)
        self.app = app
        self.paths = paths
        self.demo = demo
        self.settings = StationSettings.load(paths.station_file)
        self.bus = DataBus(self)
        self.tasks = TaskRunner(self)
        self.services: Services | None = None
        self.window: QWidget | None = None
        self.dispatcher: MessageDispatcher | None = None
        self.dialog: QWidget | None = None
        self.exit_when_ready = os.environ.get(ENV_EXIT_WHEN_READY) == "1"
        self.sync = self._sync_controller()
        self.station_sync: StationSync | None = None
        self._sync_started = False
        # Views publish what they changed: that is a local commit to push soon. (A no-op
        # until sync runs; the runner's debounce folds bursts into one pass.)
        self.bus.data_changed.connect(self._on_bus_data_changed)
        self.changes_pulled.connect(self._on_changes_pulled)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if not changes.synced:
            self.sync.notify_local_commit()

    def _on_changes_pulled(self) -> None:
        self.bus.publish(Changes(everything=True, synced=True))

    def _sync_controller(self) -> SyncController:
        # Nothing runs and nothing slow is imported (httpx, keyring) until sync starts.
        from desktop.views.sync.controller import SyncController

        return SyncController.for_data_dir(self.paths.data_dir, self)

    def start_sync(
        self, sync_once: Callable[[], PassReport], pending_count: Callable[[], int] | None = None
    ) -> bool:
        """Run the sync pass ``sync_once`` in the background (pushes soon after
        ``self.sync.notify_local_commit()``, pulls on a timer, backs off while the server
        is away). Without a server this station is enrolled with, nothing starts and the
        status bar says "Sync off"; enrolling in Settings → Sync starts it then. True when
        it started."""
        return self.sync.start(sync_once, pending_count)

    def start(self) -> bool:
        self.services = open_services(self.paths)
        if self.services is None:
            return False
        if self.settings.daily_backup:
            self._start_daily_backup()
        setup = self.services.setup
        # A PC that joined a shop shows its loading again until the whole shop is here.
        if setup.joining() or not setup.is_set_up():
            if self.demo and not setup.joining():
                from desktop.demo import create_demo_shop

                create_demo_shop(self.services)
            else:
                self._show_setup_wizard()
                return True
        self._sign_in()
        return True

    def _make_station_sync(self) -> StationSync:
        """This station's sync, made once: the pass the runner calls, what enrolling in
        Settings → Sync prepares, and the load of a shop the setup wizard joins."""
        from desktop.sync.station import StationSync

        assert self.services is not None
        if self.station_sync is None:
            services = self.services
            station = StationSync(
                services.ctx,
                self.sync.connection,
                services.setup.join_shop,
                services.setup.adopt_station_code,
            )
            # Pulled changes come on the runner's thread: the signal brings them to the GUI.
            station.on_pulled = lambda _count: self.changes_pulled.emit()
            self.sync.connection.on_enrolled = station.prepared
            services.ctx.on_local_commit = self.sync.notify_local_commit
            self.station_sync = station
        return self.station_sync

    def _start_station_sync(self) -> None:
        """Sync runs from the sign-in window on, so staff added at another station can
        sign in here. Started once the first window is up (httpx and keyring load then)."""
        if self.services is None or self._sync_started:
            return
        station = self._make_station_sync()
        self._sync_started = True
        self.start_sync(station.sync_once, station.pending_count)

    def _start_daily_backup(self) -> None:
        from desktop.services.backups import daily_backup

        database, directory = self.paths.database, self.paths.backups
        self.tasks.run(
            lambda: daily_backup(database, directory),
            on_done=lambda made: made and log.info("daily backup %s", made.path),
            on_error=lambda exc: log.warning("daily backup failed: %s", exc),
        )

    def _show_setup_wizard(self) -> None:
        from desktop.views.setup_join import JoinLink
        from desktop.views.setup_wizard import SetupWizard

        assert self.services is not None
        join = JoinLink(self.sync.connection, self._make_station_sync(), self.tasks)
        wizard = SetupWizard(self.services, join=join)
        wizard.accepted.connect(self._sign_in)
        wizard.rejected.connect(self.app.quit)
        self.dialog = wizard
        wizard.show()
        self._ready()

    def _sign_in(self) -> None:
        assert self.services is not None
        QTimer.singleShot(0, self._start_station_sync)
        bench = os.environ.get(ENV_BENCH_LOGIN)
        if bench:
            username, _, password = bench.partition(":")
            self.services.accounts.login(username, password)
            self._show_main_window()
            return
        if self.demo:
            from desktop.demo import DEMO_OWNER, DEMO_OWNER_PASSWORD

            self.services.accounts.login(DEMO_OWNER, DEMO_OWNER_PASSWORD)
            self._show_main_window()
            return
        from desktop.views.login import LoginDialog

        dialog = LoginDialog(self.services)
        dialog.accepted.connect(lambda: self._on_login_accepted(dialog))
        dialog.rejected.connect(self._on_login_rejected)
        self.dialog = dialog
        dialog.show()
        self._ready()

    def _on_login_rejected(self) -> None:
        if self.window is None:
            self.app.quit()
        else:
            self.window.close()

    def _on_login_accepted(self, dialog: QWidget) -> None:
        result = dialog.result_login  # type: ignore[attr-defined]
        self._show_main_window()
        if result is not None and result.must_change_password:
            self.window.change_password(forced=True)  # type: ignore[union-attr]

    def _show_main_window(self) -> None:
        from desktop.views.main_window import MainWindow

        assert self.services is not None
        if self.window is None:
            window = MainWindow(self.services, self.bus, self.tasks, self.paths, sync=self.sync)
            window.signed_out.connect(self._on_window_signed_out)
            self.window = window
            self._start_message_dispatcher()
        else:
            self.window.update_user()  # type: ignore[attr-defined]
            self.bus.publish(Changes(everything=True))
        self.window.show()
        screen = os.environ.get(ENV_OPEN_SCREEN)
        if screen:
            page = self.window.show_page(screen)  # type: ignore[attr-defined]
            shown = getattr(page, "results_shown", None)
            if shown is not None:
                # The list loads off the GUI thread: scroll once it is there, then quit.
                shown.connect(lambda _total: (page.scroll_to_end(), self._ready()))
                return
        self._ready()

    def _start_message_dispatcher(self) -> None:
        from desktop.views.messaging import MessageDispatcher

        assert self.services is not None
        dispatcher = MessageDispatcher(self.services.message_sender, self.tasks, self.bus, self)
        dispatcher.start()
        self.dispatcher = dispatcher

    def _on_window_signed_out(self) -> None:
        if self.window is not None:
            self.window.hide()
        self._sign_in()

    def _ready(self) -> None:
        if self.exit_when_ready:
            QTimer.singleShot(0, self.app.quit)

    def bring_forward(self) -> None:
        target = self.window if self.window is not None and self.window.isVisible() else self.dialog
        if target is not None:
            target.showNormal()
            target.raise_()
            target.activateWindow()

    def shutdown(self) -> None:
        self.sync.stop()
        if self.dispatcher is not None:
            self.dispatcher.stop()
        self.tasks.wait()
        if self.services is not None:
            self.services.close()


def run(paths: AppPaths, demo: bool = False) -> int:
    from desktop.logging_setup import setup_logging

    paths.create()
    app = create_application()
    instance = SingleInstance(paths)
    if not instance.acquire():
        if instance.notify_running():
            return 0
        QMessageBox.warning(
            None,
            QApplication.translate("App", "Benchside is already running"),
            QApplication.translate(
                "App", "Benchside is already running with the data folder {dir}."
            ).format(dir=paths.data_dir),
        )
        return 1
    setup_logging(paths.log_file)
    log.info("starting with data dir %s", paths.data_dir)
    controller = Benchside(app, paths, demo)
    instance.activation_requested.connect(controller.bring_forward)
    try:
        if not controller.start():
            return 1
        return app.exec()
    finally:
        controller.shutdown()
        instance.release()
