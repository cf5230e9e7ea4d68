"""Money taken on a ticket before its checkout: the deposit fields of the intake form and
of the ticket window's "Take deposit" dialog, and paying a deposit back."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import PaymentInput, PaymentMethodInfo
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.sales.approval import ApprovalDialog

# What the service calls the fields of a deposit's one tender, and what the form calls them.
SERVICE_FIELDS = {
    "payments.0.amount": "deposit_amount",
    "payments.0.method": "deposit_method",
    "payments.0.reference": "deposit_reference",
}


def deposit_methods(methods: Sequence[PaymentMethodInfo]) -> list[PaymentMethodInfo]:
    """The methods a deposit is paid with: money in hand, never an account or credit."""
    return [m for m in methods if m.kind not in ("on_account", "store_credit")]


def form_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """The service's errors for a one-tender deposit, keyed by the form's fields."""
    return {SERVICE_FIELDS.get(field, field): message for field, message in errors.items()}


class DepositFields(QWidget):
    """Amount, method and reference of a deposit, in one row. An empty amount is no
    deposit; ``payment()`` reads the rest or raises ``ValidationError`` naming the field."""

    def __init__(
        self,
        money: ShopMoney,
        methods: Sequence[PaymentMethodInfo],
        errors: FieldErrors,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.money = money
        self._methods = {m.code: m for m in methods}
        self.amount = QLineEdit(self)
        self.amount.setMaxLength(20)
        self.amount.setPlaceholderText(money.show(0))
        self.method = QComboBox(self)
        for method in methods:
            self.method.addItem(method.name, method.code)
        self.reference = QLineEdit(self)
        self.reference.setMaxLength(100)
        self.method.currentIndexChanged.connect(self._on_method_current_index_changed)
        row = QHBoxLayout()
        row.addWidget(with_error(errors, "deposit_amount", self.amount), 1)
        row.addWidget(with_error(errors, "deposit_method", self.method), 1)
        row.addWidget(with_error(errors, "deposit_reference", self.reference), 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(row_widget(row))
        self._on_method_current_index_changed()

    def is_empty(self) -> bool:
        return not self.amount.text().strip()

    def chosen_method(self) -> PaymentMethodInfo | None:
        return self._methods.get(self.method.currentData())

    def payment(self) -> PaymentInput:
        """The deposit as one tender. Raises ``ValidationError``."""
        problems: dict[str, str] = {}
        amount = 0
        try:
            amount = self.money.parse(self.amount.text())
        except ValueError:
            problems["deposit_amount"] = self.tr("Enter an amount like {example}.").format(
                example=self.money.show(2500)
            )
        if not problems and amount <= 0:
            problems["deposit_amount"] = self.tr("A deposit must be more than zero.")
        method = self.chosen_method()
        if method is None:
            problems["deposit_method"] = self.tr("Choose how the deposit is paid.")
        elif method.needs_reference and not self.reference.text().strip():
            problems["deposit_reference"] = self.tr("Enter the {method} reference.").format(
                method=method.name
            )
        if problems:
            raise ValidationError(problems)
        assert method is not None
        return PaymentInput(method.code, amount, reference=self.reference.text())

    def clear(self) -> None:
        self.amount.clear()
        self.reference.clear()

    def _on_method_current_index_changed(self, _index: int = 0) -> None:
        method = self.chosen_method()
        self.reference.setEnabled(method is not None and method.kind != "cash")
        self.reference.setPlaceholderText(
            self.tr("Reference (required)")
            if method is not None and method.needs_reference
            else self.tr("Reference (optional)")
        )


class DepositDialog(QDialog):
    """Take a deposit on a ticket; ``deposit_taken(DepositTaken)`` once it is written."""

    deposit_taken = Signal(object)

    def __init__(
        self, services: Services, ticket_id: uuid.UUID, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deposit on {number}").format(number=number))
        self._services = services
        self.ticket_id = ticket_id
        self.errors = FieldErrors(error_label(self))
        methods = deposit_methods(services.sales.payment_methods())
        self.fields = DepositFields(ShopMoney(services), methods, self.errors, self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.take_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.take_button.setText(self.tr("Take deposit"))
        self.buttons.accepted.connect(self.take)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Amount, method and reference of the deposit:"), self))
        layout.addWidget(self.fields)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)
        self.fields.amount.setFocus()

    def take(self) -> bool:
        self.errors.clear()
        try:
            payment = self.fields.payment()
            taken = self._services.ticket_payments.take_deposit(self.ticket_id, [payment])
        except ValidationError as error:
            self.errors.show(form_errors(error.errors))
            return False
        except BenchsideError as error:
            self.errors.show_general(str(error))
            return False
        self.deposit_taken.emit(taken)
        self.accept()
        return True


class RefundDepositDialog(QDialog):
    """Pay back some or all of a ticket's deposit; a manager approves one above the shop's
    refund limit. ``deposit_refunded(PaymentView)`` once it is written."""

    deposit_refunded = Signal(object)

    def __init__(
        self,
        services: Services,
        ticket_id: uuid.UUID,
        left: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pay back the deposit"))
        self._services = services
        self.ticket_id = ticket_id
        self.money = ShopMoney(services)
        self.errors = FieldErrors(error_label(self))
        self.amount = QLineEdit(self.money.show(left).strip(), self)
        self.amount.setMaxLength(20)
        self.method = QComboBox(self)
        for method in services.sales.payment_methods():
            if method.kind != "on_account":
                self.method.addItem(method.name, method.code)
        self.reference = QLineEdit(self)
        self.reference.setMaxLength(100)
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("e.g. Repair cancelled by the customer"))
        form = QFormLayout()
        form.addRow(self.tr("Amount"), with_error(self.errors, "amount", self.amount))
        form.addRow(self.tr("Paid back by"), with_error(self.errors, "method", self.method))
        form.addRow(self.tr("Reference"), with_error(self.errors, "reference", self.reference))
        form.addRow(self.tr("Reason"), with_error(self.errors, "reason", self.reason))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Pay back"))
        self.buttons.accepted.connect(self.refund)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Deposit left: {amount}").format(amount=self.money.show(left)), self)
        )
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)

    def refund(self, approved_by: Actor | None = None) -> bool:
        self.errors.clear()
        try:
            amount = self.money.parse(self.amount.text())
        except ValueError:
            self.errors.show({"amount": self.tr("Enter an amount.")})
            return False
        try:
            paid = self._services.ticket_payments.refund_deposit(
                self.ticket_id,
                self.method.currentData() or "",
                amount,
                self.reason.text(),
                self.reference.text(),
                approved_by,
            )
        except ApprovalRequired as error:
            return self._ask_approval(str(error))
        except ValidationError as error:
            self.errors.show(error.errors)
            return False
        except BenchsideError as error:
            self.errors.show_general(str(error))
            return False
        self.deposit_refunded.emit(paid)
        self.accept()
        return True

    def _ask_approval(self, reason: str) -> bool:
        approval = ApprovalDialog(self._services, reason, self)
        if approval.exec() and approval.approver is not None:
            return self.refund(approval.approver)
        self.errors.show_general(reason)
        return False
