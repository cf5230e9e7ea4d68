"""Back up now, see the backups, restore from a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.backups import (
    KEEP_DAILY,
    BackupInfo,
    list_backups,
    restore_database,
)
from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.permissions import Permission
from desktop.views.tasks import TaskRunner


class AppPathsLike(Protocol):
    data_dir: Path
    database: Path
    backups: Path
    log_file: Path


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} kB"


class BackupSettings(QWidget):
    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        paths: AppPathsLike,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._paths = paths
        self.back_up_button = QPushButton(self.tr("Back up now…"))
        self.restore_button = QPushButton(self.tr("Restore from file…"))
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_from_file)
        self.backups = QListWidget()
        self.status = QLabel()
        self.status.setWordWrap(True)
        note = QLabel(
            self.tr(
                "Benchside makes an automatic backup every day and keeps the last %1. "
                "Copy backups to a USB stick or another computer now and then."
            ).replace("%1", str(KEEP_DAILY))
        )
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_up_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Backups in %1").replace("%1", str(paths.backups))))
        layout.addWidget(self.backups, 1)
        layout.addWidget(self.status)
        allowed = services.ctx.can(Permission.MANAGE_BACKUPS)
        self.back_up_button.setEnabled(allowed)
        self.restore_button.setEnabled(allowed)
        self.reload()

    def reload(self) -> None:
        self.backups.clear()
        for backup in list_backups(self._paths.backups):
            when = backup.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.backups.addItem(f"{backup.path.name}   {when}   {_size(backup.size)}")

    def back_up_now(self) -> None:
        default = self._paths.backups / f"benchside-{datetime.now():%Y-%m-%d-%H%M}.db"
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Back up to"), str(default), self.tr("Benchside backup (*.db)")
        )
        if path:
            self.back_up_to(Path(path))

    def back_up_to(self, target: Path) -> None:
        """Write a backup to ``target`` off the GUI thread."""
        self.back_up_button.setEnabled(False)
        self.status.setText(self.tr("Backing up…"))
        backups = self._services.backups
        self._tasks.run(lambda: backups.back_up(target), self._on_backup_done, self._on_failed)

    def _on_backup_done(self, info: BackupInfo) -> None:
        self.back_up_button.setEnabled(True)
        self.status.setText(self.tr("Backup written to %1.").replace("%1", str(info.path)))
        self.reload()

    def _on_failed(self, problem: Exception) -> None:
        if not isinstance(problem, BenchsideError):
            raise problem
        self.back_up_button.setEnabled(True)
        self.status.setText(str(problem))

    def restore_from_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore from"),
            str(self._paths.backups),
            self.tr("Benchside backup (*.db)"),
        )
        if not path:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Restore backup"),
            self.tr(
                "Replace all data on this station with the backup %1?\n\n"
                "A safety copy of the current data is made first. Benchside then closes; "
                "start it again to continue with the restored data."
            ).replace("%1", Path(path).name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(Path(path))

    def restore(self, backup: Path) -> bool:
        """Close the database, put the backup in its place, and quit the app."""
        try:
            self._services.backups.check_restore(backup)
        except BenchsideError as problem:
            QMessageBox.critical(self, self.tr("Restore refused"), str(problem))
            return False
        # No background work may hold the database while its file is replaced.
        self._tasks.wait()
        self._services.close()
        try:
            safety = restore_database(backup, self._paths.database, self._paths.backups)
        except BenchsideError as problem:
            QMessageBox.critical(
                self,
                self.tr("Restore failed"),
                self.tr("%1\n\nNothing was changed. Please restart Benchside.").replace(
                    "%1", str(problem)
                ),
            )
            QApplication.quit()
            return False
        QMessageBox.information(
            self,
            self.tr("Backup restored"),
            self.tr(
                "The backup was restored. The previous data was kept in %1.\n\n"
                "Benchside will now close; please start it again."
            ).replace("%1", str(safety)),
        )
        QApplication.quit()
        return True
