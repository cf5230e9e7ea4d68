"""Add or edit a customer's device: catalog completion, IMEI check, guarded passcode."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.devices import DEVICE_TYPES, DeviceInfo, DeviceInput, imei_warning
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, with_error

WARNING_STYLE = "color: #8a5300;"


def _editable_combo() -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    combo.setCompleter(completer)
    return combo


class DeviceEditor(QDialog):
    """``device_saved(DeviceInfo)`` after a save. Roles that may not see passcodes get an
    empty field: they can set a new passcode but never read the stored one."""

    device_saved = Signal(object)

    def __init__(
        self,
        services: Services,
        customer_id: uuid.UUID,
        bus: DataBus | None = None,
        device_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._customer_id = customer_id
        self._device_id = device_id
        self._may_see_passcode = services.ctx.can(Permission.VIEW_PASSCODES)
        self.saved: DeviceInfo | None = None
        self.setWindowTitle(self.tr("New device") if device_id is None else self.tr("Edit device"))
        self.setMinimumWidth(440)
        self._build()
        self._reload_brands()
        if device_id is not None:
            self._load(services.devices.get(device_id))

    def _build(self) -> None:
        self.errors = FieldErrors(error_label())
        self.device_type = QComboBox()
        self.device_type.addItems([self.tr(t) for t in DEVICE_TYPES])
        for index, name in enumerate(DEVICE_TYPES):
            self.device_type.setItemData(index, name)
        self.brand = _editable_combo()
        self.model = _editable_combo()
        self.serial = QLineEdit()
        self.imei = QLineEdit()
        self.imei.setMaxLength(20)
        self.imei_warning = error_label()
        self.imei_warning.setStyleSheet(WARNING_STYLE)
        self.colour = QLineEdit()
        self.passcode = QLineEdit()
        if not self._may_see_passcode:
            self.passcode.setEchoMode(QLineEdit.EchoMode.Password)
            self.passcode.setPlaceholderText(
                self.tr("Type a new passcode to replace the stored one")
            )
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)

        self.device_type.currentIndexChanged.connect(self._reload_brands)
        self.brand.currentTextChanged.connect(self._on_brand_text_changed)
        self.imei.textChanged.connect(self._on_imei_text_changed)

        form = QFormLayout()
        for field, title, widget in (
            ("device_type", self.tr("Type"), self.device_type),
            ("brand", self.tr("Brand"), self.brand),
            ("model", self.tr("Model"), self.model),
            ("serial", self.tr("Serial number"), self.serial),
            ("imei", self.tr("IMEI"), self.imei),
            ("colour", self.tr("Colour"), self.colour),
            ("passcode", self.tr("Passcode"), self.passcode),
            ("notes", self.tr("Notes"), self.notes),
        ):
            below = (self.imei_warning,) if field == "imei" else ()
            form.addRow(title, with_error(self.errors, field, widget, *below))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def _type_name(self) -> str:
        return str(self.device_type.currentData() or "")

    def _reload_brands(self) -> None:
        text = self.brand.currentText()
        self.brand.blockSignals(True)
        self.brand.clear()
        self.brand.addItems(self._services.devices.brands(self._type_name()))
        self.brand.setEditText(text)
        self.brand.blockSignals(False)
        self._on_brand_text_changed(text)

    def _on_brand_text_changed(self, brand: str) -> None:
        text = self.model.currentText()
        self.model.clear()
        if brand.strip():
            self.model.addItems(self._services.devices.models(brand.strip(), self._type_name()))
        self.model.setEditText(text)

    def _on_imei_text_changed(self, text: str) -> None:
        warning = imei_warning("".join(text.split()))
        self.imei_warning.setText(self.tr(warning) if warning else "")
        self.imei_warning.setVisible(bool(warning))

    def _load(self, device: DeviceInfo) -> None:
        index = self.device_type.findData(device.device_type)
        if index >= 0:
            self.device_type.setCurrentIndex(index)
        self.brand.setEditText(device.brand)
        self.model.setEditText(device.model)
        self.serial.setText(device.serial)
        self.imei.setText(device.imei)
        self.colour.setText(device.colour)
        if self._may_see_passcode and device.passcode is not None:
            self.passcode.setText(device.passcode)
        self.notes.setPlainText(device.notes)

    def device_input(self) -> DeviceInput:
        return DeviceInput(
            customer_id=self._customer_id,
            device_type=self._type_name(),
            brand=self.brand.currentText(),
            model=self.model.currentText(),
            serial=self.serial.text(),
            imei=self.imei.text(),
            colour=self.colour.text(),
            passcode=self.passcode.text(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        self.errors.clear()
        try:
            saved = self._services.devices.save(self.device_input(), self._device_id)
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.saved = saved
        if self._bus is not None:
            self._bus.publish(
                Changes(customers=frozenset({saved.customer_id}), devices=frozenset({saved.id}))
            )
        self.device_saved.emit(saved)
        self.accept()
