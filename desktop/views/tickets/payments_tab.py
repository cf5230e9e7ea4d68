"""The ticket window's Payments tab: deposits taken on the ticket, the sale or invoice it
was checked out on with that document's payments, and the buttons that take a deposit,
pay one back and check the ticket out."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.sales_types import PaymentView, SaleCompleted
from desktop.services.ticket_payments import TicketPayments
from desktop.services.ticket_types import SHUT
from desktop.services.tickets import TicketDetail
from desktop.views.formatting import local_time
from desktop.views.forms import error_label, read_only_rows
from desktop.views.tickets.checkout import CheckoutDialog
from desktop.views.tickets.deposit import DepositDialog, RefundDepositDialog

if TYPE_CHECKING:
    from desktop.views.tickets.detail import TicketWindow

HEADING = "font-weight: 600; font-size: 12pt; margin-top: 8px;"
OpenDialog = TypeVar("OpenDialog", DepositDialog, RefundDepositDialog, CheckoutDialog)


class PaymentsTab(QWidget):
    """``receipt_requested(document, open_drawer, automatic)`` after a checkout, for the receipt."""

    receipt_requested = Signal(object, bool, bool)

    def __init__(self, window: TicketWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.ticket: TicketDetail | None = None
        self.payments: TicketPayments | None = None
        self.dialog: DepositDialog | RefundDepositDialog | CheckoutDialog | None = None
        self.summary = QLabel(self)
        self.summary.setStyleSheet("font-size: 12pt;")
        self.summary.setWordWrap(True)
        self.deposits_table = self._table()
        self.document_heading = QLabel(self)
        self.document_heading.setStyleSheet(HEADING)
        self.document_table = self._table()
        self.deposit_button = QPushButton(self.tr("Take deposit…"), self)
        self.deposit_button.clicked.connect(self.take_deposit)
        self.refund_button = QPushButton(self.tr("Pay back deposit…"), self)
        self.refund_button.clicked.connect(self.refund_deposit)
        self.checkout_button = QPushButton(self.tr("Check out…"), self)
        self.checkout_button.setToolTip(self.tr("Bill the ticket, take payment, close it"))
        self.checkout_button.clicked.connect(self.check_out)
        self.errors = error_label(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.deposit_button)
        buttons.addWidget(self.refund_button)
        buttons.addStretch(1)
        buttons.addWidget(self.checkout_button)
        heading = QLabel(self.tr("Deposits"), self)
        heading.setStyleSheet(HEADING)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(heading)
        layout.addWidget(self.deposits_table, 1)
        layout.addWidget(self.document_heading)
        layout.addWidget(self.document_table, 1)
        layout.addWidget(self.errors)
        layout.addLayout(buttons)

    def _table(self) -> QTableWidget:
        table = read_only_rows(QTableWidget(0, 5, self))
        table.setHorizontalHeaderLabels(
            [
                self.tr("When"),
                self.tr("Method"),
                self.tr("Amount"),
                self.tr("Reference"),
                self.tr("By"),
            ]
        )
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # -- showing ----------------------------------------------------------------------

    def show_ticket(self, ticket: TicketDetail) -> None:
        self.ticket = ticket
        try:
            payments = self.window_.services().ticket_payments.overview(ticket.id)
        except BenchsideError as error:
            self.errors.setText(str(error))
            self.errors.show()
            return
        self.payments = payments
        money = self.window_.money
        self._fill(self.deposits_table, payments.deposits)
        document = payments.document
        self.document_heading.setVisible(document is not None)
        self.document_table.setVisible(document is not None)
        lines = []
        if document is None:
            lines.append(
                self.tr("Deposits paid: {amount}").format(amount=money(payments.deposit_balance))
            )
        else:
            self.document_heading.setText(
                self.tr("{kind} {number}: total {total}, paid {paid}").format(
                    kind=self.tr(document.kind.label),
                    number=document.number,
                    total=money(document.payable),
                    paid=money(document.paid),
                )
            )
            self._fill(self.document_table, document.payments)
            lines.append(self.tr("Checked out on {number}.").format(number=document.number))
            if payments.deposit_balance:
                lines.append(
                    self.tr("Deposit left to pay back: {amount}").format(
                        amount=money(payments.deposit_balance)
                    )
                )
        lines.append(self.tr("Due: {amount}").format(amount=money(payments.amount_due)))
        self.summary.setText("  ·  ".join(lines))
        shut = ticket.status.category in SHUT
        self.deposit_button.setEnabled(document is None and not shut)
        self.checkout_button.setEnabled(document is None)
        self.refund_button.setEnabled(payments.deposit_balance > 0)

    def _fill(self, table: QTableWidget, rows: Sequence[PaymentView]) -> None:
        money = self.window_.money
        table.setRowCount(len(rows))
        for row, payment in enumerate(rows):
            cells = (
                local_time(payment.at),
                payment.method_name,
                money(payment.amount),
                payment.reference,
                payment.username,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, item)
        table.resizeColumnsToContents()

    # -- actions ----------------------------------------------------------------------

    def take_deposit(self) -> DepositDialog:
        assert self.ticket is not None
        dialog = DepositDialog(
            self.window_.services(), self.ticket.id, self.ticket.number, self.window_
        )
        dialog.deposit_taken.connect(lambda _taken: self._changed())
        return self._open(dialog)

    def refund_deposit(self) -> RefundDepositDialog | None:
        if self.ticket is None or self.payments is None or self.payments.deposit_balance <= 0:
            return None
        dialog = RefundDepositDialog(
            self.window_.services(), self.ticket.id, self.payments.deposit_balance, self.window_
        )
        dialog.deposit_refunded.connect(lambda _paid: self._changed())
        return self._open(dialog)

    def check_out(self) -> CheckoutDialog | None:
        """The checkout dialog, or the reason the ticket cannot be checked out."""
        assert self.ticket is not None
        services = self.window_.services()
        self.errors.hide()
        try:
            plan = services.ticket_payments.plan_checkout(self.ticket.id)
        except BenchsideError as error:
            message = str(error)
            if isinstance(error, ValidationError):
                message = "\n".join(error.errors.values())
            self.errors.setText(message)
            self.errors.show()
            return None
        dialog = CheckoutDialog(services, plan, self.ticket.number, self.window_)
        dialog.checked_out.connect(self._on_checkout_dialog_checked_out)
        dialog.receipt_requested.connect(self.receipt_requested)
        return self._open(dialog)

    def _open(self, dialog: OpenDialog) -> OpenDialog:
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_checkout_dialog_checked_out(self, done: SaleCompleted) -> None:
        items = frozenset(line.item_id for line in done.document.lines if line.item_id)
        self._changed(items)

    def _changed(self, stock: frozenset[uuid.UUID] = frozenset()) -> None:
        assert self.ticket is not None
        self.window_.reload()
        self.window_.published(stock=stock, customers=frozenset({self.ticket.customer_id}))
