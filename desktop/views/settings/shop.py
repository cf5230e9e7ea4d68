"""The shop profile form (owners)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.setup import ShopSetup
from desktop.services.shop import ShopInfo
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, with_error


class ShopSettings(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._logo: bytes | None = None
        self._info: ShopInfo | None = None
        self.errors = FieldErrors(error_label())
        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(60)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.tax_id = QLineEdit()
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(80)
        self.prices_include_tax = QCheckBox(self.tr("Prices include tax"))
        self.tax_rate = QLineEdit()
        self.tax_rate.setMaximumWidth(100)
        self.tax_rate.setPlaceholderText("0.00")
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(1, 240)
        self.idle_lock.setSuffix(self.tr(" min"))
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(160, 80)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid palette(mid);")
        self.choose_logo_button = QPushButton(self.tr("Choose logo…"))
        self.remove_logo_button = QPushButton(self.tr("Remove logo"))
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(lambda: self.set_logo(None))
        logo = QHBoxLayout()
        logo.addWidget(self.logo_preview)
        logo.addWidget(self.choose_logo_button)
        logo.addWidget(self.remove_logo_button)
        logo.addStretch(1)
        logo_box = QWidget()
        logo_box.setLayout(logo)

        form = QFormLayout()
        for field, title, widget in (
            ("shop_name", self.tr("Shop name"), self.name),
            ("address", self.tr("Address"), self.address),
            ("phone", self.tr("Phone"), self.phone),
            ("email", self.tr("Email"), self.email),
            ("tax_id", self.tr("Tax id"), self.tax_id),
            ("currency", self.tr("Currency"), self.currency),
            ("prices_include_tax", "", self.prices_include_tax),
            ("default_tax_rate", self.tr("Default tax rate (%)"), self.tax_rate),
            ("logo", self.tr("Logo"), logo_box),
            ("idle_lock_minutes", self.tr("Lock after idle"), self.idle_lock),
        ):
            form.addRow(title, with_error(self.errors, field, widget))
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.permission_note = QLabel(self.tr("Only the owner can change the shop profile."))
        layout = QVBoxLayout(self)
        layout.addWidget(self.permission_note)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        info = self._services.shop.profile()
        self._info = info
        self.name.setText(info.name)
        self.address.setPlainText(info.address)
        self.phone.setText(info.phone)
        self.email.setText(info.email)
        self.tax_id.setText(info.tax_id)
        self.currency.setText(info.currency)
        self.prices_include_tax.setChecked(info.prices_include_tax)
        self.tax_rate.setText(f"{Decimal(info.default_tax_rate_bp) / 100:.2f}")
        self.idle_lock.setValue(info.idle_lock_minutes)
        self.set_logo(info.logo)
        allowed = self._services.ctx.can(Permission.MANAGE_SHOP)
        for widget in self.findChildren(QWidget):
            if widget is not self.permission_note and not isinstance(widget, QLabel):
                widget.setEnabled(allowed)
        self.permission_note.setVisible(not allowed)

    def set_logo(self, data: bytes | None) -> None:
        self._logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(QByteArray(data)):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    self.logo_preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.clear()
            self.logo_preview.setText(self.tr("No logo"))

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose logo"), "", self.tr("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.set_logo(Path(path).read_bytes())

    def _tax_rate_bp(self) -> int | None:
        try:
            rate = Decimal(self.tax_rate.text().strip().replace(",", ".") or "0")
        except InvalidOperation:
            return None
        return int((rate * 100).to_integral_value())

    def save(self) -> None:
        self.errors.clear()
        self.status.clear()
        info = self._info
        rate = self._tax_rate_bp()
        if info is None or rate is None:
            self.errors.show({"default_tax_rate": self.tr("Enter a number such as 7.5.")})
            return
        data = ShopSetup(
            shop_name=self.name.text(),
            currency=self.currency.text(),
            owner_username="",
            owner_display_name="",
            owner_password="",
            address=self.address.toPlainText(),
            phone=self.phone.text(),
            email=self.email.text(),
            tax_id=self.tax_id.text(),
            locale=info.locale,
            prices_include_tax=self.prices_include_tax.isChecked(),
            default_tax_rate_bp=rate,
            logo=self._logo,
        )
        try:
            self._services.shop.update_profile(data, self.idle_lock.value())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.status.setText(self.tr("Saved."))
        self._bus.publish(Changes(shop=True))
        self.reload()
