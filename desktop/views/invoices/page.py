"""The invoices screen: the list with its status filter and search, the chosen invoice,
and the editor, payment, void and email that act on it."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError, NotFound, ValidationError
from desktop.services.invoice_lists import InvoiceFilter, InvoiceRow, InvoiceStatus
from desktop.services.permissions import Permission
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import DocumentView, PaymentInput
from desktop.views.bus import DataBus
from desktop.views.forms import ERROR_STYLE, read_only_rows
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.invoices.detail import InvoiceDetailPane
from desktop.views.invoices.editor import InvoiceEditor
from desktop.views.itemmodels.invoices import InvoiceTableModel
from desktop.views.itemmodels.keyset import PAGE_SIZE
from desktop.views.sales.approval import ApprovalDialog
from desktop.views.sales.customer_picker import CustomerPickerDialog
from desktop.views.sales.payment import PaymentDialog
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 200


class InvoicesPage(QWidget):
    """``print_requested(DocumentView)`` and ``preview_requested(DocumentView)`` go to
    the main window's document printer."""

    print_requested = Signal(object)
    preview_requested = Signal(object)
    results_shown = Signal(int)

    def __init__(
        self, services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.money = ShopMoney(services)
        self.current_id: uuid.UUID | None = None
        self.dialog: QDialog | None = None  # the editor or payment dialog last opened
        self.model = InvoiceTableModel(services.invoices, self.money.show, self)
        self._build()
        bus.data_changed.connect(self._on_bus_data_changed)
        self.reload()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.new_button = QPushButton(self.tr("New invoice"), self)
        self.new_button.clicked.connect(lambda: self.new_invoice())
        self.from_held_button = QPushButton(self.tr("From a held sale…"), self)
        self.from_held_button.setToolTip(
            self.tr("Turn a sale on hold at the counter into a draft invoice")
        )
        self.from_held_button.clicked.connect(lambda: self.invoice_held_sale())
        self.status = QComboBox(self)
        self.status.addItem(self.tr("All invoices"), None)
        for status in InvoiceStatus:
            self.status.addItem(self.model.status_label(status), status)
        self.status.currentIndexChanged.connect(lambda _index: self.reload())
        self.search = QLineEdit(self)
        self.search.setMaxLength(100)
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Number, or customer name, phone, email"))
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.count_label = QLabel(self)
        self.notice = QLabel(self)  # what the last action did, or why it could not
        self.notice.setWordWrap(True)
        self.table = read_only_rows(QTableView(self))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # Numbers, dates and amounts as wide as they are; the customer takes the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._on_table_double_clicked())
        self.detail = InvoiceDetailPane(self.money, self)
        self._connect_detail()
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.from_held_button)
        top.addWidget(self.status)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        splitter = QSplitter(self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

    def _connect_detail(self) -> None:
        pane = self.detail
        pane.edit_button.clicked.connect(lambda: self.edit_invoice())
        pane.issue_button.clicked.connect(lambda: self.issue_invoice())
        pane.pay_button.clicked.connect(lambda: self.take_payment())
        pane.void_button.clicked.connect(lambda: self.void_invoice())
        pane.delete_button.clicked.connect(lambda: self.delete_draft())
        pane.email_button.clicked.connect(lambda: self.email_invoice())
        pane.preview_button.clicked.connect(self._on_preview_clicked)
        pane.print_button.clicked.connect(self._on_print_clicked)

    # -- the list -----------------------------------------------------------------------

    def current_filter(self) -> InvoiceFilter:
        chosen = self.status.currentData()
        status = InvoiceStatus(chosen) if chosen else None
        return InvoiceFilter(status=status, text=self.search.text()[:100])

    def reload(self) -> None:
        """Count and read the first page off the GUI thread, then show them."""
        self._timer.stop()
        where = self.current_filter()
        invoices = self._services.invoices

        def work() -> tuple[int, list[InvoiceRow]]:
            return invoices.count(where), invoices.page(where, limit=PAGE_SIZE)

        self._tasks.run(
            work, lambda found: self._show_results(where, *found), self._show_error, owner=self
        )

    def _show_results(self, where: InvoiceFilter, total: int, first: list[InvoiceRow]) -> None:
        if where != self.current_filter():
            return  # the filter changed meanwhile; a newer read is on its way
        self.model.apply_result(where, first)
        self.count_label.setText(self.tr("%n invoice(s)", "", total))
        row = self.model.row_of(self.current_id) if self.current_id else None
        if row is not None:
            self.table.selectRow(row)
        self.results_shown.emit(total)

    def _on_table_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            found = self.model.invoice(indexes[0].row())
            if found is not None and found.id != self.current_id:
                self.open_invoice(found.id)

    def _on_table_double_clicked(self) -> None:
        invoice = self.detail.invoice
        if invoice is not None and invoice.status == "draft":
            self.edit_invoice()

    def open_invoice(self, invoice_id: uuid.UUID) -> None:
        """Show this invoice in the pane (and select it if it is in the list)."""
        try:
            view = self._services.invoices.document(invoice_id)
            messages = self._services.messages.for_subject("invoice", invoice_id)
        except NotFound:
            self.current_id = None
            self.detail.show_invoice(None, [], date.today())
            self._update_buttons()
            return
        self.current_id = invoice_id
        self.detail.show_invoice(view, messages, date.today())
        row = self.model.row_of(invoice_id)
        if row is not None and self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        pane = self.detail
        invoice = pane.invoice
        can = self._services.ctx.can
        draft = invoice is not None and invoice.status == "draft"
        issued = invoice is not None and invoice.status == "issued"
        pane.edit_button.setVisible(draft)
        pane.issue_button.setVisible(draft)
        pane.delete_button.setVisible(draft)
        pane.pay_button.setVisible(issued)
        pane.pay_button.setEnabled(issued and invoice is not None and invoice.balance > 0)
        pane.email_button.setVisible(issued)
        pane.void_button.setVisible(issued and can(Permission.VOID_INVOICES))
        pane.void_button.setEnabled(issued and invoice is not None and not invoice.payments)
        pane.void_button.setToolTip(
            self.tr("Refund the payments with a credit note first")
            if invoice is not None and invoice.payments
            else ""
        )
        for button in (pane.print_button, pane.preview_button):
            button.setEnabled(invoice is not None)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.documents or changes.customers or changes.messages:
            self.reload()
            if self.current_id is not None:
                self.open_invoice(self.current_id)

    # -- actions ------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_invoice(self) -> InvoiceEditor:
        editor = InvoiceEditor(self._services, self._bus, self._tasks, parent=self)
        editor.draft_saved.connect(lambda view: self.open_invoice(view.id))
        editor.invoice_issued.connect(lambda view: self.open_invoice(view.id))
        self._open(editor)
        return editor

    def invoice_held_sale(
        self, sale_id: uuid.UUID | None = None, customer_id: uuid.UUID | None = None
    ) -> InvoiceEditor | None:
        """Make a held sale (chosen from a list when None) a draft invoice and open it;
        a sale without a customer asks for one."""
        if sale_id is None:
            held = self._services.sales.held()
            if not held:
                self._tell(self.tr("No sale is on hold."))
                return None
            names = [
                f"{self.money.show(h.total)}  {h.customer_name or self.tr('(no customer)')}"
                for h in held
            ]
            choice, ok = QInputDialog.getItem(
                self, self.tr("Held sales"), self.tr("Invoice which sale?"), names, 0, False
            )
            if not ok:
                return None
            chosen = held[names.index(choice)]
            sale_id = chosen.id
            if not chosen.customer_name and customer_id is None:
                picker = CustomerPickerDialog(self._services, self)
                picker.setWindowTitle(self.tr("Customer of the invoice"))
                if not picker.exec() or picker.chosen is None:
                    return None
                customer_id = picker.chosen.id
        try:
            draft = self._services.invoices.from_held_sale(sale_id, customer_id)
        except BenchsideError as error:
            self._show_error(error)
            return None
        self._bus.publish(Changes(documents=frozenset({draft.id})))
        self.open_invoice(draft.id)
        return self.edit_invoice()

    def edit_invoice(self) -> InvoiceEditor | None:
        invoice = self.detail.invoice
        if invoice is None or invoice.status != "draft":
            return None
        editor = InvoiceEditor(self._services, self._bus, self._tasks, invoice.id, parent=self)
        editor.invoice_issued.connect(lambda view: self.open_invoice(view.id))
        self._open(editor)
        return editor

    def issue_invoice(self, approved_by: Actor | None = None) -> DocumentView | None:
        invoice = self.detail.invoice
        if invoice is None or invoice.status != "draft":
            return None
        try:
            issued = self._services.invoices.issue(invoice.id, approved_by)
        except ApprovalRequired as error:
            approval = ApprovalDialog(self._services, str(error), self)
            if approval.exec() and approval.approver is not None:
                return self.issue_invoice(approval.approver)
            return None
        except BenchsideError as error:
            self._show_error(error)
            return None
        self._published(issued)
        return issued

    def take_payment(self) -> PaymentDialog | None:
        invoice = self.detail.invoice
        if invoice is None or invoice.status != "issued" or invoice.balance <= 0:
            return None
        terms = self._services.sales.terms()
        customer = invoice.customer.id if invoice.customer else None
        dialog = PaymentDialog(
            self.money,
            invoice.balance,
            self._services.sales.payment_methods(),
            cash_rounding=terms.cash_rounding,
            customer_id=customer,
            store_credit=self._services.sales.store_credit(customer) if customer else 0,
            allow_on_account=False,
            tips_allowed=terms.tips_allowed,
            confirm_text=self.tr("Take payment"),
            allow_partial=True,
            parent=self,
        )
        dialog.setWindowTitle(self.tr("Payment for {number}").format(number=invoice.number))
        dialog.submitted.connect(lambda tenders: self.pay(dialog, invoice.id, tenders))
        self._open(dialog)
        return dialog

    def pay(
        self, dialog: PaymentDialog, invoice_id: uuid.UUID, tenders: list[PaymentInput]
    ) -> None:
        try:
            paid = self._services.invoices.pay(invoice_id, tenders)
        except ValidationError as error:
            dialog.show_errors(error.errors)
            return
        except BenchsideError as error:
            dialog.show_errors(str(error))
            return
        dialog.accept()
        self._published(paid.document)
        text = self.tr("{amount} received on {number}.").format(
            amount=self.money.show(sum(t.amount for t in tenders)), number=paid.document.number
        )
        if paid.change:
            text += " " + self.tr("Give back {amount} in change.").format(
                amount=self.money.show(paid.change)
            )
        self._tell(text)

    def void_invoice(self, reason: str | None = None) -> DocumentView | None:
        """Void the invoice for ``reason`` (asked for when None)."""
        invoice = self.detail.invoice
        if invoice is None or invoice.status != "issued":
            return None
        if reason is None:
            reason, ok = QInputDialog.getText(
                self,
                self.tr("Void invoice"),
                self.tr("Why is {number} voided? Its items go back to stock.").format(
                    number=invoice.number
                ),
            )
            if not ok:
                return None
        try:
            voided = self._services.invoices.void(invoice.id, reason[:500])
        except BenchsideError as error:
            self._show_error(error)
            return None
        self._published(voided)
        self._tell(self.tr("{number} is void.").format(number=voided.number))
        return voided

    def delete_draft(self, confirm: bool = True) -> None:
        invoice = self.detail.invoice
        if invoice is None or invoice.status != "draft":
            return
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("Delete draft"), self.tr("Throw this draft invoice away?")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self._services.invoices.delete_draft(invoice.id)
        except BenchsideError as error:
            self._show_error(error)
            return
        self.current_id = None
        self.detail.show_invoice(None, [], date.today())
        self._bus.publish(Changes(documents=frozenset({invoice.id})))

    def email_invoice(self, to: str | None = None) -> None:
        """Queue the invoice's PDF to ``to`` (asked for, the customer's address offered)."""
        invoice = self.detail.invoice
        if invoice is None or invoice.status != "issued":
            return
        if to is None:
            offered = invoice.customer.email if invoice.customer else ""
            to, ok = QInputDialog.getText(
                self, self.tr("Email invoice"), self.tr("Send the invoice to"), text=offered
            )
            if not ok:
                return
        invoices = self._services.invoices
        address = to[:254]
        self._tasks.run(
            lambda: invoices.email(invoice.id, address),
            lambda sent: self._on_emailed(invoice.id, sent),
            self._show_error,
            owner=self,
        )

    def _on_emailed(self, invoice_id: uuid.UUID, address: str) -> None:
        self._bus.publish(Changes(messages=True, documents=frozenset({invoice_id})))
        self._tell(self.tr("The invoice is queued for {address}.").format(address=address))

    def _on_preview_clicked(self) -> None:
        if self.detail.invoice is not None:
            self.preview_requested.emit(self.detail.invoice)

    def _on_print_clicked(self) -> None:
        if self.detail.invoice is not None:
            self.print_requested.emit(self.detail.invoice)

    def _published(self, view: DocumentView) -> None:
        self._bus.publish(
            Changes(
                documents=frozenset({view.id}),
                stock=frozenset(line.item_id for line in view.lines if line.item_id),
                customers=frozenset({view.customer.id}) if view.customer else frozenset(),
                tickets=frozenset({view.ticket_id}) if view.ticket_id else frozenset(),
            )
        )
        self.open_invoice(view.id)

    def _tell(self, text: str) -> None:
        self.notice.setStyleSheet("")
        self.notice.setText(text)

    def _show_error(self, error: Exception) -> None:
        if not isinstance(error, BenchsideError):
            raise error
        text = (
            "\n".join(error.errors.values()) if isinstance(error, ValidationError) else str(error)
        )
        self.notice.setStyleSheet(ERROR_STYLE)
        self.notice.setText(text)
