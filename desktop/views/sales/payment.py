"""Taking payment: any number of tenders over the shop's payment methods, cash change
shown as it is typed. The dialog collects tenders; the service that receives them (a
sale, an invoice, a deposit) decides and its errors are shown here."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.pricing import cash_rounded
from desktop.services.sales_types import PaymentInput, PaymentMethodInfo
from desktop.views.forms import error_label, read_only_rows
from desktop.views.inventory.money_input import ShopMoney

BIG = "font-size: 22px; font-weight: 600;"


class PaymentDialog(QDialog):
    """``submitted(list[PaymentInput])`` when the tenders cover what is due and the user
    confirms; the owner then calls its service and, on error, ``show_errors``."""

    submitted = Signal(object)

    def __init__(
        self,
        money: ShopMoney,
        due: int,
        methods: Sequence[PaymentMethodInfo],
        *,
        cash_rounding: int = 0,
        customer_id: uuid.UUID | None = None,
        store_credit: int = 0,
        allow_on_account: bool = True,
        tips_allowed: bool = False,
        confirm_text: str = "",
        allow_partial: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Take payment"))
        self.money = money
        self.due = due
        self.cash_rounding = cash_rounding
        self.tenders: list[PaymentInput] = []
        self._methods = {
            m.code: m
            for m in methods
            if (m.kind not in ("store_credit", "on_account") or customer_id is not None)
            and (m.kind != "on_account" or allow_on_account)
            and (m.kind != "store_credit" or store_credit > 0)
        }
        self.tips_allowed = tips_allowed
        # An invoice may be paid in parts: less than is due is a part payment.
        self.allow_partial = allow_partial
        self.can_keep_credit = customer_id is not None
        self._build(confirm_text or self.tr("Complete sale"), store_credit)
        self._refresh()

    # -- layout -------------------------------------------------------------------------

    def _build(self, confirm_text: str, store_credit: int) -> None:
        self.due_label = QLabel(self)
        self.due_label.setStyleSheet(BIG)
        self.remaining_label = QLabel(self)
        self.remaining_label.setStyleSheet(BIG)
        self.change_label = QLabel(self)
        self.change_label.setStyleSheet(BIG + "color: #1b7a2a;")
        self.method = QComboBox(self)
        for position, method in enumerate(self._methods.values(), start=1):
            label = method.name
            if method.kind == "store_credit":
                label += self.tr(" (balance {amount})").format(amount=self.money.show(store_credit))
            if position <= 9:
                label = f"{position}. {label}"
            self.method.addItem(label, method.code)
        self.amount = QLineEdit(self)
        self.amount.setMaxLength(20)
        self.reference = QLineEdit(self)
        self.reference.setMaxLength(100)
        self.reference.setPlaceholderText(self.tr("Transaction id, card slip, transfer reference"))
        self.overpayment = QComboBox(self)
        self.overpayment.addItem(self.tr("Refuse the extra"), "")
        if self.tips_allowed:
            self.overpayment.addItem(self.tr("Keep the extra as a tip"), "tip")
        if self.can_keep_credit:
            self.overpayment.addItem(self.tr("Keep the extra as store credit"), "credit")
        self.add_button = QPushButton(self.tr("Add payment"), self)
        self.add_button.setDefault(False)
        form = QFormLayout()
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Amount"), self.amount)
        form.addRow(self.tr("Reference"), self.reference)
        form.addRow(self.tr("If it is more than due"), self.overpayment)
        self.tender_table = read_only_rows(QTableWidget(0, 3, self))
        self.tender_table.setHorizontalHeaderLabels(
            [self.tr("Method"), self.tr("Amount"), self.tr("Reference")]
        )
        self.tender_table.horizontalHeader().setStretchLastSection(True)
        self.remove_button = QPushButton(self.tr("Remove payment"), self)
        self.errors = error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.confirm_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm_button.setText(confirm_text)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.due_label)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.tender_table)
        layout.addWidget(self.remaining_label)
        layout.addWidget(self.change_label)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.method.currentIndexChanged.connect(self._on_method_current_index_changed)
        self.amount.textChanged.connect(self._on_amount_text_changed)
        self.amount.returnPressed.connect(self._on_amount_return_pressed)
        self.reference.returnPressed.connect(self._on_amount_return_pressed)
        self.add_button.clicked.connect(self.add_tender)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        for number in range(1, min(self.method.count(), 9) + 1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.choose_method(n - 1))
        self.resize(460, 520)
        self.amount.setFocus()

    # -- state --------------------------------------------------------------------------

    def method_info(self) -> PaymentMethodInfo | None:
        return self._methods.get(self.method.currentData())

    def paid(self) -> int:
        return sum(t.amount for t in self.tenders)

    def remaining(self) -> int:
        """What is still to pay; cash rounding applies when cash settles it."""
        left = self.due - self.paid()
        method = self.method_info()
        if method is not None and method.kind == "cash" and left > 0:
            return cash_rounded(left, self.cash_rounding)
        return left

    def change(self) -> int:
        return sum(
            (t.tendered or t.amount) - t.amount
            for t in self.tenders
            if self._methods[t.method_code].kind == "cash"
        )

    def choose_method(self, index: int) -> None:
        if 0 <= index < self.method.count():
            self.method.setCurrentIndex(index)
            self.amount.setFocus()
            self.amount.selectAll()

    def add_tender(self) -> bool:
        """Add the typed tender; False (with the reason shown) when it cannot be added."""
        method = self.method_info()
        if method is None:
            self.errors.setText(self.tr("Choose a payment method."))
            return False
        try:
            amount = self.money.parse(self.amount.text())
        except ValueError:
            self.errors.setText(self.tr("Type the amount, like 12.50."))
            return False
        left = self.remaining()
        if amount <= 0:
            self.errors.setText(self.tr("A payment must be more than zero."))
            return False
        if left <= 0:
            self.errors.setText(self.tr("Nothing is left to pay."))
            return False
        if method.needs_reference and not self.reference.text().strip():
            self.errors.setText(self.tr("Enter the {method} reference.").format(method=method.name))
            self.reference.setFocus()
            return False
        overpayment = ""
        if method.kind == "cash":
            tender = PaymentInput(method.code, min(amount, left), tendered=amount)
        else:
            overpayment = self.overpayment.currentData() or ""
            if amount > left and not overpayment:
                self.errors.setText(
                    self.tr("{method} cannot pay more than is due ({amount}).").format(
                        method=method.name, amount=self.money.show(left)
                    )
                )
                return False
            tender = PaymentInput(
                method.code, amount, reference=self.reference.text(), overpayment=overpayment
            )
        self.tenders.append(tender)
        self.errors.clear()
        self.reference.clear()
        self._refresh()
        return True

    def confirm(self) -> None:
        """Hand over the tenders (adding the typed one first if there is one)."""
        if self.remaining() > 0 and self.amount.text().strip() and not self.add_tender():
            return
        if self.allow_partial and not self.tenders:
            self.errors.setText(self.tr("Add a payment."))
            return
        if self.remaining() > 0 and not self.allow_partial:
            self.errors.setText(
                self.tr("{amount} is still due.").format(amount=self.money.show(self.remaining()))
            )
            return
        self.confirm_button.setEnabled(False)  # one click, one sale
        self.submitted.emit(list(self.tenders))

    def show_errors(self, errors: Mapping[str, str] | str) -> None:
        """The service refused: say why and let the user fix the tenders."""
        text = errors if isinstance(errors, str) else "\n".join(errors.values())
        self.errors.setText(text)
        self.confirm_button.setEnabled(True)

    def _refresh(self) -> None:
        self.due_label.setText(self.tr("Due {amount}").format(amount=self.money.show(self.due)))
        self.tender_table.setRowCount(len(self.tenders))
        for row, tender in enumerate(self.tenders):
            method = self._methods[tender.method_code]
            shown = tender.tendered if tender.tendered else tender.amount
            for column, text in enumerate((method.name, self.money.show(shown), tender.reference)):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.tender_table.setItem(row, column, item)
        left = self.remaining()
        self.remaining_label.setText(
            self.tr("Left to pay {amount}").format(amount=self.money.show(max(left, 0)))
        )
        change = self.change()
        self.change_label.setText(
            self.tr("Change {amount}").format(amount=self.money.show(change)) if change else ""
        )
        self.amount.setText(self.money.show(left).strip() if left > 0 else "")
        self.amount.selectAll()
        self.confirm_button.setEnabled(left <= 0 or self.allow_partial)
        self._on_method_current_index_changed()

    # -- slots --------------------------------------------------------------------------

    def _on_method_current_index_changed(self, _index: int = 0) -> None:
        method = self.method_info()
        needs = method is not None and method.needs_reference
        self.reference.setEnabled(method is not None and method.kind != "cash")
        self.reference.setPlaceholderText(
            self.tr("Required") if needs else self.tr("Transaction id, card slip (optional)")
        )
        self.overpayment.setEnabled(method is not None and method.kind != "cash")
        left = self.remaining()
        if left > 0 and not self.amount.hasFocus():
            self.amount.setText(self.money.show(left).strip())

    def _on_amount_text_changed(self, text: str) -> None:
        method = self.method_info()
        if method is None or method.kind != "cash":
            return
        try:
            typed = self.money.parse(text)
        except ValueError:
            return
        left = self.remaining()
        extra = typed - left
        self.change_label.setText(
            self.tr("Change {amount}").format(amount=self.money.show(extra + self.change()))
            if extra > 0
            else (
                self.tr("Change {amount}").format(amount=self.money.show(self.change()))
                if self.change()
                else ""
            )
        )

    def _on_amount_return_pressed(self) -> None:
        if self.add_tender() and self.remaining() <= 0:
            self.confirm_button.setFocus()

    def _on_remove_button_clicked(self) -> None:
        row = self.tender_table.currentRow()
        if 0 <= row < len(self.tenders):
            del self.tenders[row]
            self._refresh()
