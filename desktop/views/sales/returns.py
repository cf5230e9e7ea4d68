"""Returning items of a sale or invoice: choose the lines and units that come back,
whether each goes back on the shelf, and how the money goes back. Issues a credit note."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.returns import RefundPlan, ReturnableLine, ReturnLine
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import DocumentView, PaymentInput
from desktop.views.forms import error_label
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.sales.approval import ApprovalDialog

ITEM, SOLD, BACK, RESTOCK = range(4)


class ReturnDialog(QDialog):
    """``refunded(DocumentView)`` with the credit note once it is issued."""

    refunded = Signal(object)

    def __init__(
        self, services: Services, original: DocumentView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.original = original
        self.money = ShopMoney(services)
        self.setWindowTitle(self.tr("Return from {number}").format(number=original.number))
        self.lines: list[ReturnableLine] = services.returns.returnable(original.id)
        self.plan: RefundPlan | None = None
        self.table = QTableWidget(len(self.lines), 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Item"), self.tr("Sold"), self.tr("Back"), self.tr("To stock")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        self.quantities: list[QSpinBox] = []
        self.restocks: list[QCheckBox] = []
        for row, line in enumerate(self.lines):
            name = QTableWidgetItem(line.description + (f" [{line.serial}]" if line.serial else ""))
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            sold = QTableWidgetItem(
                f"{line.sold} ({line.returned} back)" if line.returned else str(line.sold)
            )
            sold.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, ITEM, name)
            self.table.setItem(row, SOLD, sold)
            spin = QSpinBox(self.table)
            spin.setRange(0, line.left)
            spin.valueChanged.connect(self._on_quantity_value_changed)
            restock = QCheckBox(self.table)
            restock.setChecked(line.stocked)
            restock.setEnabled(line.stocked)
            self.table.setCellWidget(row, BACK, spin)
            self.table.setCellWidget(row, RESTOCK, restock)
            self.quantities.append(spin)
            self.restocks.append(restock)
        self.credit_label = QLabel(self)
        self.method = QComboBox(self)
        for method in services.sales.payment_methods():
            if method.kind == "on_account":
                continue
            if method.kind == "store_credit" and original.customer is None:
                continue
            self.method.addItem(method.name, method.code)
        # The money goes back the way it came, unless the customer asks otherwise.
        paid_with = [p.method_code for p in original.payments if p.amount > 0]
        if paid_with and self.method.findData(paid_with[-1]) >= 0:
            self.method.setCurrentIndex(self.method.findData(paid_with[-1]))
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("Why it comes back (required)"))
        self.errors = error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("Credit"), self.credit_label)
        form.addRow(self.tr("Pay back by"), self.method)
        form.addRow(self.tr("Reason"), self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Refund"))
        self.buttons.accepted.connect(self.refund)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.resize(620, 420)
        self._on_quantity_value_changed()

    def chosen(self) -> list[ReturnLine]:
        return [
            ReturnLine(line.line_id, spin.value(), restock.isChecked())
            for line, spin, restock in zip(self.lines, self.quantities, self.restocks, strict=True)
            if spin.value() > 0
        ]

    def _on_quantity_value_changed(self, _value: int = 0) -> None:
        chosen = self.chosen()
        self.plan = self._services.returns.plan(self.original.id, chosen) if chosen else None
        if self.plan is None:
            self.credit_label.setText(self.tr("Choose what comes back."))
        elif self.plan.against_balance:
            self.credit_label.setText(
                self.tr("{credit}: {owed} off what is owed, {back} paid back").format(
                    credit=self.money.show(self.plan.credit),
                    owed=self.money.show(self.plan.against_balance),
                    back=self.money.show(self.plan.to_refund),
                )
            )
        else:
            self.credit_label.setText(self.money.show(self.plan.credit))
        self.method.setEnabled(self.plan is not None and self.plan.to_refund > 0)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.plan is not None)

    def refund(self, approved_by: Actor | None = None) -> None:
        if self.plan is None:
            return
        refunds = []
        if self.plan.to_refund > 0:
            refunds.append(PaymentInput(self.method.currentData(), self.plan.to_refund))
        try:
            note = self._services.returns.refund(
                self.original.id, self.chosen(), refunds, self.reason.text(), approved_by
            )
        except ApprovalRequired as error:
            approval = ApprovalDialog(self._services, str(error), self)
            if approval.exec() and approval.approver is not None:
                self.refund(approval.approver)
            else:
                self.errors.setText(str(error))
            return
        except ValidationError as error:
            self.errors.setText("\n".join(error.errors.values()))
            return
        except BenchsideError as error:
            self.errors.setText(str(error))
            return
        self.refunded.emit(note)
        self.accept()
