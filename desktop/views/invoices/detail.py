"""The right-hand pane of the invoices screen: one invoice, its lines and payments, the
emails sent with it, and what can be done with it next."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.invoice_lists import InvoiceStatus, status_of
from desktop.services.messages import MessageInfo
from desktop.services.sales_types import DocumentKind, DocumentView
from desktop.views.formatting import local_date, local_time
from desktop.views.forms import read_only_rows
from desktop.views.inventory.money_input import ShopMoney

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class InvoiceDetailPane(QWidget):
    """Shows an invoice; the page connects the action buttons."""

    def __init__(self, money: ShopMoney, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.money = money
        self.invoice: DocumentView | None = None
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.status = QLabel(self)
        self.status.setStyleSheet("font-weight: 600;")
        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("customer", self.tr("Customer")),
            ("issued", self.tr("Issued")),
            ("due", self.tr("Due")),
            ("total", self.tr("Total")),
            ("paid", self.tr("Paid")),
            ("balance", self.tr("Balance")),
            ("notes", self.tr("Notes")),
        ):
            value = QLabel(self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._values[key] = value
            form.addRow(label, value)
        self.lines = self._table((self.tr("Line"), self.tr("Qty"), self.tr("Amount")))
        self.payments = self._table(
            (self.tr("Date"), self.tr("Method"), self.tr("Amount"), self.tr("Reference"))
        )
        self.messages = self._table((self.tr("Sent to"), self.tr("State"), self.tr("Why")))
        self.edit_button = QPushButton(self.tr("Edit draft…"), self)
        self.issue_button = QPushButton(self.tr("Issue"), self)
        self.pay_button = QPushButton(self.tr("Take payment…"), self)
        self.void_button = QPushButton(self.tr("Void…"), self)
        self.delete_button = QPushButton(self.tr("Delete draft"), self)
        self.email_button = QPushButton(self.tr("Email…"), self)
        self.preview_button = QPushButton(self.tr("Preview"), self)
        self.print_button = QPushButton(self.tr("Print"), self)
        grid = QGridLayout()
        for index, button in enumerate(
            (
                self.edit_button,
                self.issue_button,
                self.pay_button,
                self.email_button,
                self.preview_button,
                self.print_button,
                self.void_button,
                self.delete_button,
            )
        ):
            grid.addWidget(button, index // 4, index % 4)
        self.placeholder = QLabel(self.tr("Choose an invoice on the left, or press New."), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.title)
        body.addWidget(self.status)
        body.addLayout(form)
        body.addWidget(self.lines, 2)
        body.addWidget(QLabel(self.tr("Payments"), self))
        body.addWidget(self.payments, 1)
        body.addWidget(QLabel(self.tr("Emails"), self))
        body.addWidget(self.messages, 1)
        body.addLayout(grid)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.body)
        self.show_invoice(None, [], date.today())

    def _table(self, headers: Sequence[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        read_only_rows(table)
        table.setHorizontalHeaderLabels(list(headers))
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def value(self, key: str) -> str:
        return self._values[key].text()

    def show_invoice(
        self, invoice: DocumentView | None, messages: Sequence[MessageInfo], today: date
    ) -> None:
        self.invoice = invoice
        self.placeholder.setVisible(invoice is None)
        self.body.setVisible(invoice is not None)
        if invoice is None:
            return
        status = status_of(invoice, today)
        kinds = {
            DocumentKind.SALE: self.tr("Sale {number}"),
            DocumentKind.INVOICE: self.tr("Invoice {number}"),
            DocumentKind.CREDIT_NOTE: self.tr("Credit note {number}"),
        }
        self.title.setText(
            kinds[invoice.kind].format(number=invoice.number)
            if invoice.number
            else self.tr("Draft invoice")
        )
        self.status.setText(_status_text(self, status, invoice))
        show = self.money.show
        for key, text in (
            ("customer", invoice.customer.name if invoice.customer else ""),
            ("issued", local_date(invoice.issued_at)),
            ("due", invoice.due_date.isoformat() if invoice.due_date else self.tr("On issue")),
            ("total", show(invoice.payable)),
            ("paid", show(invoice.paid)),
            ("balance", show(invoice.balance)),
            ("notes", invoice.notes),
        ):
            self._values[key].setText(text)
        self._fill(
            self.lines,
            [(line.description, str(line.quantity), show(line.gross)) for line in invoice.lines],
            (1, 2),
        )
        self._fill(
            self.payments,
            [
                (local_time(p.at), p.method_name, show(p.amount), p.reference)
                for p in invoice.payments
            ],
            (2,),
        )
        self._fill(
            self.messages,
            [(m.recipient, _message_state(self, m), m.last_error) for m in messages],
            (),
        )

    def _fill(
        self, table: QTableWidget, rows: Sequence[Sequence[str]], right: Sequence[int]
    ) -> None:
        table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in right:
                    item.setTextAlignment(RIGHT)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()


def _status_text(pane: QWidget, status: InvoiceStatus, invoice: DocumentView) -> str:
    texts = {
        InvoiceStatus.DRAFT: pane.tr("Draft: not numbered, nothing taken from stock yet"),
        InvoiceStatus.ISSUED: pane.tr("Issued, nothing paid yet"),
        InvoiceStatus.PARTIAL: pane.tr("Partially paid"),
        InvoiceStatus.PAID: pane.tr("Paid"),
        InvoiceStatus.OVERDUE: pane.tr("Overdue"),
        InvoiceStatus.VOID: pane.tr("Void: {reason}").format(reason=invoice.void_reason),
    }
    return texts[status]


def _message_state(pane: QWidget, message: MessageInfo) -> str:
    if message.status == "sent":
        return pane.tr("Sent {at}").format(at=local_time(message.sent_at))
    if message.will_retry:
        return pane.tr("Failed, will try again")
    return {
        "queued": pane.tr("Waiting to send"),
        "sending": pane.tr("Sending"),
        "failed": pane.tr("Failed"),
    }.get(message.status, message.status)
