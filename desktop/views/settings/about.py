"""Versions, data folder and log file, for support calls."""

from __future__ import annotations

import platform
import sys

import PySide6
import sqlalchemy
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

import desktop
from desktop.views.settings.backups import AppPathsLike


class AboutSettings(QWidget):
    def __init__(self, paths: AppPathsLike, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        form = QFormLayout()
        self.values: dict[str, str] = {
            "benchside": desktop.__version__,
            "qt": qVersion(),
            "pyside": PySide6.__version__,
            "sqlalchemy": sqlalchemy.__version__,
            "python": f"{platform.python_version()} ({sys.platform})",
            "data": str(paths.data_dir),
            "log": str(paths.log_file),
        }
        for key, title in (
            ("benchside", self.tr("Benchside")),
            ("qt", self.tr("Qt")),
            ("pyside", self.tr("PySide6")),
            ("sqlalchemy", self.tr("SQLAlchemy")),
            ("python", self.tr("Python")),
            ("data", self.tr("Data folder")),
            ("log", self.tr("Log file")),
        ):
            label = QLabel(self.values[key])
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, label)
        self.open_folder_button = QPushButton(self.tr("Open log folder"))
        self.open_folder_button.clicked.connect(self.open_log_folder)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.open_folder_button)
        layout.addStretch(1)

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._paths.log_file.parent)))
