"""This station: its code (its identity, fixed) and its name."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.views.forms import FieldErrors, error_label


class StationSettings(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.errors = FieldErrors(error_label())
        self.code = QLineEdit()
        self.code.setReadOnly(True)
        self.name = QLineEdit()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Station code"), self.code)
        form.addRow(self.tr("Station name"), self.name)
        form.addRow("", self.errors.add("station_name", error_label()))
        note = QLabel(
            self.tr("The code is part of every ticket and sale number made here; it never changes.")
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.save_button)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        station = self._services.shop.station()
        self.code.setText(station.code)
        self.name.setText(station.name)
        allowed = self._services.ctx.can(Permission.MANAGE_STATION)
        self.name.setReadOnly(not allowed)
        self.save_button.setEnabled(allowed)

    def save(self) -> None:
        self.errors.clear()
        try:
            self._services.shop.rename_station(self.name.text())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.status.setText(self.tr("Saved."))
