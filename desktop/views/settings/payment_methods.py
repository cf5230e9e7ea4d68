"""Settings → Payment methods: what the counter offers, in which order (owner). Methods
are retired, never deleted: past payments name them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.permissions import Permission
from desktop.services.sales_settings import PAYMENT_KINDS, SettingsSaved
from desktop.services.sales_types import PaymentMethodInfo
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, with_error

CODE_ROLE = Qt.ItemDataRole.UserRole


def kind_labels() -> dict[str, tuple[str, str]]:
    """Each kind's short name for the list and its longer name for the choice."""
    labels = {
        "cash": ("Cash", "Cash: gives change and opens the drawer"),
        "card": ("Card", "Card"),
        "bank": ("Bank transfer", "Bank transfer"),
        "mobile": ("Mobile money", "Mobile money"),
        "store_credit": ("Store credit", "Store credit: spends the customer's balance"),
        "on_account": ("On account", "On account: the invoice stays owing"),
        "other": ("Other", "Other"),
    }
    return {kind: labels[kind] for kind in PAYMENT_KINDS}


class PaymentMethodsSection(QWidget):
    def __init__(self, services: Services, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._methods: list[PaymentMethodInfo] = []
        self.errors = FieldErrors(error_label())
        self.permission_note = QLabel(self.tr("Only the owner can change the payment methods."))
        self.methods = QListWidget()
        self.methods.currentRowChanged.connect(self._on_methods_current_row_changed)
        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.kind = QComboBox()
        for kind, (_short, long) in kind_labels().items():
            self.kind.addItem(self.tr(long), kind)
        self.needs_reference = QCheckBox(self.tr("Ask for a reference (card slip, transaction id)"))
        self.up_button = QPushButton(self.tr("Move up"))
        self.down_button = QPushButton(self.tr("Move down"))
        self.retire_button = QPushButton(self.tr("Retire"))
        self.restore_button = QPushButton(self.tr("Restore"))
        self.new_button = QPushButton(self.tr("New method"))
        self.save_button = QPushButton(self.tr("Save method"))
        self.up_button.clicked.connect(lambda: self.move_method(-1))
        self.down_button.clicked.connect(lambda: self.move_method(1))
        self.retire_button.clicked.connect(self.retire)
        self.restore_button.clicked.connect(self.restore)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self._editors: tuple[QWidget, ...] = (
            self.name,
            self.kind,
            self.needs_reference,
            self.up_button,
            self.down_button,
            self.retire_button,
            self.restore_button,
            self.new_button,
            self.save_button,
        )
        self._build_layout()
        self.reload()

    def _build_layout(self) -> None:
        side = QVBoxLayout()
        for button in (self.up_button, self.down_button, self.retire_button, self.restore_button):
            side.addWidget(button)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.methods, 1)
        top.addLayout(side)
        form = QFormLayout()
        form.addRow(self.tr("Name"), with_error(self.errors, "name", self.name))
        form.addRow(self.tr("Kind"), with_error(self.errors, "kind", self.kind))
        form.addRow("", self.needs_reference)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        hint = QLabel(
            self.tr(
                "Retired methods stay on past payments and reports. One cash method must "
                "stay in use; store credit and on account can each be in use once."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.permission_note)
        layout.addLayout(top, 1)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.errors.general)
        layout.addLayout(buttons)

    # -- loading ----------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        current = select or self.selected_code()
        self._methods = self._services.sales_settings.payment_methods()
        labels = kind_labels()
        self.methods.blockSignals(True)
        self.methods.clear()
        for method in self._methods:
            kind = self.tr(labels[method.kind][0])
            text = method.name
            if kind.casefold() != method.name.casefold():
                text += f"  ·  {kind}"
            if method.needs_reference:
                text += "  ·  " + self.tr("asks for a reference")
            if not method.active:
                text += "  ·  " + self.tr("retired")
            item = QListWidgetItem(text)
            item.setData(CODE_ROLE, method.code)
            if not method.active:
                item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
            self.methods.addItem(item)
        self.methods.blockSignals(False)
        codes = [m.code for m in self._methods]
        row = codes.index(current) if current in codes else 0
        self.methods.setCurrentRow(row)
        self._on_methods_current_row_changed(row)

    def selected_code(self) -> str | None:
        item = self.methods.currentItem()
        return str(item.data(CODE_ROLE)) if item is not None else None

    def _on_methods_current_row_changed(self, row: int) -> None:
        self.errors.clear()
        method = self._methods[row] if 0 <= row < len(self._methods) else None
        if method is not None:
            self.name.setText(method.name)
            self.kind.setCurrentIndex(max(self.kind.findData(method.kind), 0))
            self.needs_reference.setChecked(method.needs_reference)
        self._apply_permissions(method)

    def _apply_permissions(self, method: PaymentMethodInfo | None) -> None:
        allowed = self._services.ctx.can(Permission.MANAGE_SHOP)
        self.permission_note.setVisible(not allowed)
        for widget in self._editors:
            widget.setEnabled(allowed)
        if allowed:
            self.retire_button.setEnabled(method is not None and method.active)
            self.restore_button.setEnabled(method is not None and not method.active)
            self.up_button.setEnabled(self._neighbour(-1) is not None)
            self.down_button.setEnabled(self._neighbour(1) is not None)

    def start_new(self) -> None:
        """Clear the form for a method that does not exist yet."""
        self.methods.setCurrentRow(-1)
        self.name.clear()
        self.kind.setCurrentIndex(max(self.kind.findData("card"), 0))
        self.needs_reference.setChecked(False)
        self.name.setFocus()

    # -- saving -----------------------------------------------------------------------

    def _act(self, fn: Callable[[], SettingsSaved[object]], select: str | None = None) -> bool:
        self.errors.clear()
        try:
            saved = fn()
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return False
        self._bus.publish(saved.changes)
        value = saved.value
        self.reload(select or (value.code if isinstance(value, PaymentMethodInfo) else None))
        return True

    def save(self) -> bool:
        """Save the selected method, or add one when none is selected."""
        code = self.selected_code()
        name, kind = self.name.text(), self.kind.currentData()
        needs_reference = self.needs_reference.isChecked()
        settings = self._services.sales_settings
        if code is None:
            return self._act(lambda: settings.add_payment_method(name, kind, needs_reference))
        return self._act(lambda: settings.update_payment_method(code, name, kind, needs_reference))

    def _neighbour(self, step: int) -> int | None:
        """The row a move by ``step`` swaps with: methods in use and retired ones are
        each ordered among themselves."""
        row = self.methods.currentRow()
        target = row + step
        if not (0 <= row < len(self._methods) and 0 <= target < len(self._methods)):
            return None
        if self._methods[row].active != self._methods[target].active:
            return None
        return target

    def move_method(self, step: int) -> bool:
        row, target = self.methods.currentRow(), self._neighbour(step)
        if target is None:
            return False
        codes = [m.code for m in self._methods]
        codes[row], codes[target] = codes[target], codes[row]
        settings = self._services.sales_settings
        return self._act(lambda: settings.reorder_payment_methods(codes), select=codes[target])

    def retire(self) -> bool:
        code = self.selected_code()
        if code is None:
            return False
        return self._act(lambda: self._services.sales_settings.retire_payment_method(code))

    def restore(self) -> bool:
        code = self.selected_code()
        if code is None:
            return False
        return self._act(lambda: self._services.sales_settings.restore_payment_method(code))
