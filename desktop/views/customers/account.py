"""A customer's account on the customer screen: what they owe on invoices, their store
credit, and their sales, invoices and credit notes, newest first."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.invoice_lists import CustomerAccount, InvoiceStatus
from desktop.services.sales_types import DocumentKind
from desktop.views.formatting import local_date
from desktop.views.forms import FieldErrors, error_label, read_only_rows, with_error
from desktop.views.inventory.money_input import ShopMoney

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
OWED_STYLE = "font-size: 15px; font-weight: 600;"


class CustomerAccountSection(QWidget):
    """``document_requested(id)`` when a document of the history is opened;
    ``store_credit_requested()`` for the manager's "Give store credit" button."""

    document_requested = Signal(object)
    store_credit_requested = Signal()

    def __init__(self, money: ShopMoney, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.money = money
        self.account: CustomerAccount | None = None
        self.owed = QLabel(self)
        self.owed.setStyleSheet(OWED_STYLE)
        self.store_credit = QLabel(self)
        self.store_credit_button = QPushButton(self.tr("Give store credit…"), self)
        self.store_credit_button.clicked.connect(self.store_credit_requested)
        self.history = read_only_rows(QTableWidget(0, 5, self))
        self.history.setHorizontalHeaderLabels(
            [self.tr("Document"), self.tr("Date"), self.tr("Total"), self.tr("Balance"), ""]
        )
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.cellDoubleClicked.connect(self._on_history_cell_double_clicked)
        self.more = QLabel(self)
        self._kinds = {
            DocumentKind.SALE: self.tr("Sale"),
            DocumentKind.INVOICE: self.tr("Invoice"),
            DocumentKind.CREDIT_NOTE: self.tr("Credit note"),
        }
        self._statuses = {
            InvoiceStatus.DRAFT: self.tr("Draft"),
            InvoiceStatus.ISSUED: self.tr("Unpaid"),
            InvoiceStatus.PARTIAL: self.tr("Partially paid"),
            InvoiceStatus.PAID: self.tr("Paid"),
            InvoiceStatus.OVERDUE: self.tr("Overdue"),
            InvoiceStatus.VOID: self.tr("Void"),
        }
        figures = QFormLayout()
        figures.addRow(self.tr("Owes on invoices"), self.owed)
        credit_row = QHBoxLayout()
        credit_row.addWidget(self.store_credit, 1)
        credit_row.addWidget(self.store_credit_button)
        figures.addRow(self.tr("Store credit"), credit_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(figures)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.more)
        self.show_account(None)

    def show_account(self, account: CustomerAccount | None) -> None:
        self.account = account
        rows = account.history if account else ()
        self.owed.setText(self.money.show(account.owed) if account else "")
        self.store_credit.setText(self.money.show(account.store_credit) if account else "")
        self.history.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            summary = entry.summary
            name = self._kinds[summary.kind]
            cells = (
                f"{name} {summary.number}".strip(),
                local_date(summary.issued_at),
                self.money.show(summary.total),
                self.money.show(summary.balance) if summary.balance else "",
                self._statuses[entry.status],
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (2, 3):
                    item.setTextAlignment(RIGHT)
                self.history.setItem(row, column, item)
        self.history.resizeColumnsToContents()
        self.more.setText(
            self.tr("Older documents are in the invoice list.")
            if account and account.more_history
            else ""
        )

    def _on_history_cell_double_clicked(self, row: int, _column: int) -> None:
        if self.account is not None and 0 <= row < len(self.account.history):
            self.document_requested.emit(self.account.history[row].id)


class StoreCreditDialog(QDialog):
    """A manager gives the customer store credit by hand, with the reason."""

    def __init__(
        self,
        services: Services,
        customer_id: uuid.UUID,
        money: ShopMoney,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Give store credit"))
        self._services = services
        self._customer_id = customer_id
        self.money = money
        self.balance: int | None = None
        self.amount = QLineEdit(self)
        self.amount.setMaxLength(20)
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(self.tr("Goodwill for a late repair, a price match…"))
        self.errors = FieldErrors(error_label(self))
        form = QFormLayout()
        form.addRow(self.tr("Amount"), with_error(self.errors, "amount", self.amount))
        form.addRow(self.tr("Why"), with_error(self.errors, "reason", self.reason))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Give credit"))
        buttons.accepted.connect(self.give)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def give(self) -> None:
        try:
            amount = self.money.parse(self.amount.text())
        except ValueError:
            self.errors.show({"amount": self.tr("Type the amount, like 20.00.")})
            return
        try:
            self.balance = self._services.invoices.issue_store_credit(
                self._customer_id, amount, self.reason.text()
            )
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as error:
            self.errors.show_general(str(error))
            return
        self.accept()
