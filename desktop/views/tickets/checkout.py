"""Checking out a repair ticket at the counter: the lines it bills, the deposits that
count as paid, what is left to pay, and the tenders that pay it (the sale screen's
payment dialog). Completing writes the sale or invoice and closes the ticket at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import PaymentInput, SaleCompleted
from desktop.services.ticket_payments import CheckoutPlan
from desktop.views.forms import error_label, read_only_rows
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.sales.approval import ApprovalDialog
from desktop.views.sales.payment import PaymentDialog

BIG = "font-size: 18px; font-weight: 600;"


class CheckoutDialog(QDialog):
    """``checked_out(SaleCompleted)`` once the sale or invoice is written, and
    ``receipt_requested(document, open_drawer, automatic)`` for the station's receipt printer,
    as the sale screen asks for it."""

    checked_out = Signal(object)
    receipt_requested = Signal(object, bool, bool)

    def __init__(
        self,
        services: Services,
        plan: CheckoutPlan,
        number: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Check out {number}").format(number=number))
        self._services = services
        self.plan = plan
        self.money = ShopMoney(services)
        self.payment_dialog: PaymentDialog | None = None
        self.completed: SaleCompleted | None = None
        self._build()
        self.resize(640, 520)

    def _build(self) -> None:
        self.lines = read_only_rows(QTableWidget(len(self.plan.cart.lines), 4, self))
        self.lines.setHorizontalHeaderLabels(
            [self.tr("Description"), self.tr("Qty"), self.tr("Unit price"), self.tr("Amount")]
        )
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, (line, amounts) in enumerate(
            zip(self.plan.cart.lines, self.plan.totals.lines, strict=True)
        ):
            description = line.description + (f" · {line.serial}" if line.serial else "")
            cells = (
                description,
                str(line.quantity),
                self.money.show(line.unit_price),
                self.money.show(amounts.gross),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.lines.setItem(row, column, item)
        totals = self.plan.totals
        self.total_label = QLabel(self.money.show(totals.total), self)
        self.deposit_label = QLabel(self.money.show(-self.plan.deposit), self)
        self.due_label = QLabel(self.money.show(self.plan.due), self)
        self.due_label.setStyleSheet(BIG)
        form = QFormLayout()
        form.addRow(self.tr("Tax"), QLabel(self.money.show(totals.tax_total), self))
        form.addRow(self.tr("Total"), self.total_label)
        form.addRow(self.tr("Deposits applied"), self.deposit_label)
        form.addRow(self.tr("Due now"), self.due_label)
        self.left_label = QLabel(self)
        self.left_label.setWordWrap(True)
        if self.plan.deposit_left:
            self.left_label.setText(
                self.tr(
                    "The deposits are {amount} more than the bill; pay it back from the "
                    "Payments tab."
                ).format(amount=self.money.show(self.plan.deposit_left))
            )
        self.left_label.setVisible(bool(self.plan.deposit_left))
        self.result_label = QLabel(self)
        self.result_label.setStyleSheet(BIG + "color: #1b7a2a;")
        self.result_label.hide()
        self.errors = error_label(self)
        self.pay_button = QPushButton(
            self.tr("Take payment…") if self.plan.due > 0 else self.tr("Complete checkout"), self
        )
        self.pay_button.setDefault(True)
        self.pay_button.clicked.connect(self._on_pay_button_clicked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.pay_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.lines, 1)
        layout.addLayout(form)
        layout.addWidget(self.left_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)

    def _on_pay_button_clicked(self) -> None:
        if self.plan.due > 0:
            self.take_payment()
        else:
            self.complete([])

    def take_payment(self) -> PaymentDialog:
        """The tenders for what is due, in the sale screen's payment dialog."""
        terms = self._services.sales.terms()
        customer = self.plan.cart.customer_id
        dialog = PaymentDialog(
            self.money,
            self.plan.due,
            self._services.sales.payment_methods(),
            cash_rounding=terms.cash_rounding,
            customer_id=customer,
            store_credit=self._services.sales.store_credit(customer) if customer else 0,
            tips_allowed=terms.tips_allowed,
            confirm_text=self.tr("Complete checkout"),
            parent=self,
        )
        dialog.submitted.connect(lambda tenders: self.complete(tenders, dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.payment_dialog = dialog
        dialog.open()
        return dialog

    def complete(
        self,
        tenders: list[PaymentInput],
        dialog: PaymentDialog | None = None,
        approved_by: Actor | None = None,
    ) -> SaleCompleted | None:
        """Complete the checkout. The sale is written before anything is printed, so a
        printer out of paper loses nothing."""
        self.errors.clear()
        try:
            done = self._services.sales.complete(self.plan.cart, tenders, approved_by)
        except ApprovalRequired as error:
            approval = ApprovalDialog(self._services, str(error), dialog or self)
            if approval.exec() and approval.approver is not None:
                return self.complete(tenders, dialog, approval.approver)
            self._show_problem(str(error), dialog)
            return None
        except ValidationError as error:
            self._show_problem("\n".join(error.errors.values()), dialog)
            return None
        except BenchsideError as error:
            self._show_problem(str(error), dialog)
            return None
        if dialog is not None:
            dialog.accept()
        self._show_done(done)
        self.checked_out.emit(done)
        self.receipt_requested.emit(done.document, done.open_drawer, True)
        return done

    def _show_problem(self, message: str, dialog: PaymentDialog | None) -> None:
        if dialog is not None:
            dialog.show_errors(message)
        self.errors.setText(message)
        self.errors.show()

    def _show_done(self, done: SaleCompleted) -> None:
        self.completed = done
        view = done.document
        text = self.tr("{number} completed.").format(number=view.number)
        if done.change:
            text += " " + self.tr("Change {amount}").format(amount=self.money.show(done.change))
        if view.balance > 0:
            text += " " + self.tr("On account {amount}").format(
                amount=self.money.show(view.balance)
            )
        self.result_label.setText(text)
        self.result_label.show()
        self.pay_button.hide()
