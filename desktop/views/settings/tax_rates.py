"""Settings → Tax rates: the name and rate of each of the four tax classes (owner)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.sales_settings import TaxClassChange
from desktop.services.tax_classes import UNTAXED
from desktop.views.bus import DataBus
from desktop.views.forms import (
    FieldErrors,
    basis_points,
    error_label,
    percent_field,
    set_basis_points,
    with_error,
)


class TaxRatesSection(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self.errors = FieldErrors(error_label())
        self.names: dict[str, QLineEdit] = {}
        self.rates: dict[str, QDoubleSpinBox] = {}
        self.permission_note = QLabel(self.tr("Only the owner can change the tax rates."))
        self.box = QGroupBox(self.tr("Tax classes"))
        self.grid = QGridLayout(self.box)
        for column, title in enumerate((self.tr("Class"), self.tr("Name"), self.tr("Rate"))):
            self.grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        hint = QLabel(
            self.tr(
                "Items name their class; a sale charges the class's rate at the time. The "
                "standard rate is the shop's default rate: changing one changes the other. "
                "Zero-rated and exempt sales charge no tax."
            )
        )
        hint.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.saved = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.permission_note)
        layout.addWidget(self.box)
        layout.addWidget(hint)
        layout.addWidget(self.errors.general)
        layout.addLayout(row)
        layout.addStretch(1)
        self.reload()

    def _add_row(self, code: str) -> None:
        row = len(self.names) + 1
        name = QLineEdit()
        name.setMaxLength(60)
        rate = percent_field()
        rate.setEnabled(code not in UNTAXED)
        self.names[code], self.rates[code] = name, rate
        self.grid.addWidget(QLabel(code), row, 0)
        self.grid.addWidget(with_error(self.errors, f"{code}.name", name), row, 1)
        self.grid.addWidget(with_error(self.errors, f"{code}.rate_bp", rate), row, 2)

    def reload(self) -> None:
        for tax in self._services.sales_settings.tax_classes():
            if tax.code not in self.names:
                self._add_row(tax.code)
            self.names[tax.code].setText(tax.name)
            set_basis_points(self.rates[tax.code], tax.rate_bp)
        allowed = self._services.ctx.can(Permission.MANAGE_SHOP)
        self.box.setEnabled(allowed)
        self.save_button.setEnabled(allowed)
        self.permission_note.setVisible(not allowed)

    def save(self) -> bool:
        self.errors.clear()
        self.saved.clear()
        changes = [
            TaxClassChange(code, name.text(), basis_points(self.rates[code]))
            for code, name in self.names.items()
        ]
        try:
            saved = self._services.sales_settings.update_tax_classes(changes)
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return False
        self._bus.publish(saved.changes)
        self.reload()
        self.saved.setText(self.tr("Saved."))
        return True
