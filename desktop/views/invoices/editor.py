"""The invoice editor: a draft's customer, lines (items from stock or typed by hand),
discount, notes and due date, totalled as they change; saved as a draft or issued."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.invoices import InvoiceDraft
from desktop.services.items import ItemSummary
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import Cart, DocumentView
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.inventory.item_picker import ItemPicker
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.invoices.line_dialog import LineDialog
from desktop.views.sales.approval import ApprovalDialog
from desktop.views.sales.cart_model import AMOUNT, DESCRIPTION, QUANTITY, CartModel
from desktop.views.sales.customer_picker import CustomerPickerDialog
from desktop.views.sales.discount_input import discount_text, parse_discount
from desktop.views.tasks import TaskRunner

TOTAL_STYLE = "font-size: 18px; font-weight: 700;"


class InvoiceEditor(QDialog):
    """``draft_saved(DocumentView)`` after each save; ``invoice_issued(DocumentView)``
    when the invoice was issued (the dialog then closes)."""

    draft_saved = Signal(object)
    invoice_issued = Signal(object)

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        document_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.document_id = document_id
        self.money = ShopMoney(services)
        self.terms = services.sales.terms()
        self.terms_days = services.sales_settings.selling().payment_terms_days
        self.tax_classes = services.sales_settings.tax_classes()
        self.customer_id: uuid.UUID | None = None
        cart = Cart(id=document_id or uuid.uuid4())
        self.model = CartModel(self.money, lambda c: services.sales.totals(c, self.terms), cart)
        self._build()
        if document_id is not None:
            self._load(document_id)
        self.setWindowTitle(
            self.tr("New invoice") if document_id is None else self.tr("Draft invoice")
        )
        self.model.cart_changed.connect(self._on_model_cart_changed)
        self._on_model_cart_changed()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.errors = FieldErrors(error_label(self))
        self.customer_label = QLabel(self.tr("No customer chosen"), self)
        self.customer_label.setStyleSheet("font-weight: 600;")
        self.customer_button = QPushButton(self.tr("Choose customer…"), self)
        self.customer_button.clicked.connect(self.choose_customer)
        customer_row = QHBoxLayout()
        customer_row.addWidget(self.customer_label, 1)
        customer_row.addWidget(self.customer_button)
        self.picker = ItemPicker(self._services, self._tasks, self)
        self.picker.item_chosen.connect(self._on_picker_item_chosen)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column in range(QUANTITY, AMOUNT + 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda index: self.edit_line(index.row()))
        self.add_line_button = QPushButton(self.tr("Add line by hand…"), self)
        self.edit_line_button = QPushButton(self.tr("Change line…"), self)
        self.remove_line_button = QPushButton(self.tr("Remove line"), self)
        self.add_line_button.clicked.connect(lambda: self.add_line())
        self.edit_line_button.clicked.connect(lambda: self.edit_line(self._selected_row()))
        self.remove_line_button.clicked.connect(self.remove_line)
        line_buttons = QHBoxLayout()
        for button in (self.add_line_button, self.edit_line_button, self.remove_line_button):
            line_buttons.addWidget(button)
        line_buttons.addStretch(1)
        self.body = QVBoxLayout(self)
        self.body.addWidget(with_error(self.errors, "customer", row_widget(customer_row)))
        self.body.addWidget(self.picker)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(with_error(self.errors, "lines", row_widget(line_buttons)))
        self.body.addLayout(self._footer())
        self.body.addWidget(self.errors.general)
        self.body.addLayout(self._buttons())
        self.resize(820, 640)

    def _footer(self) -> QHBoxLayout:
        self.discount = QLineEdit(self)
        self.discount.setMaxLength(20)
        self.discount.setPlaceholderText(self.tr("10% or 5.00"))
        self.discount.editingFinished.connect(self._on_discount_editing_finished)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(self.tr("Printed on the invoice"))
        self.notes.setMaximumHeight(80)
        self.own_due_date = QCheckBox(self.tr("Own due date"), self)
        self.due_date = QDateEdit(self)
        self.due_date.setCalendarPopup(True)
        self.due_date.setDisplayFormat("yyyy-MM-dd")
        self.due_date.setMinimumDate(QDate.currentDate())
        self.due_date.setDate(QDate.currentDate().addDays(self.terms_days))
        self.due_date.setEnabled(False)
        self.own_due_date.toggled.connect(self.due_date.setEnabled)
        self.own_due_date.setToolTip(
            self.tr("Otherwise due {days} days after it is issued").format(days=self.terms_days)
        )
        due_row = QHBoxLayout()
        due_row.addWidget(self.own_due_date)
        due_row.addWidget(self.due_date, 1)
        form = QFormLayout()
        form.addRow(self.tr("Invoice discount"), with_error(self.errors, "discount", self.discount))
        form.addRow(self.tr("Due"), with_error(self.errors, "due_date", row_widget(due_row)))
        form.addRow(self.tr("Notes"), with_error(self.errors, "notes", self.notes))
        self.subtotal_label = QLabel(self)
        self.discount_label = QLabel(self)
        self.tax_label = QLabel(self)
        self.total_label = QLabel(self)
        self.total_label.setStyleSheet(TOTAL_STYLE)
        totals = QFormLayout()
        totals.addRow(self.tr("Subtotal"), self.subtotal_label)
        totals.addRow(self.tr("Discount"), self.discount_label)
        totals.addRow(self.tr("Tax"), self.tax_label)
        totals.addRow(self.tr("Total"), self.total_label)
        footer = QHBoxLayout()
        footer.addLayout(form, 3)
        footer.addLayout(totals, 2)
        return footer

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton(self.tr("Save draft"), self)
        self.issue_button = QPushButton(self.tr("Save and issue"), self)
        self.issue_button.setToolTip(
            self.tr("Numbers the invoice and takes its items out of stock; it cannot change after")
        )
        self.cancel_button = QPushButton(self.tr("Close"), self)
        self.save_button.clicked.connect(lambda: self.save())
        self.issue_button.clicked.connect(lambda: self.issue())
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        row.addWidget(self.issue_button)
        return row

    def _load(self, document_id: uuid.UUID) -> None:
        draft = self._services.invoices.draft(document_id)
        self.model.set_cart(
            Cart(
                id=document_id,
                lines=draft.lines,
                customer_id=draft.customer_id,
                discount=draft.discount,
                notes=draft.notes,
            )
        )
        if draft.customer_id is not None:
            self.set_customer(
                draft.customer_id, self._services.customers.get(draft.customer_id).name
            )
        self.discount.setText(discount_text(draft.discount, self.money))
        self.notes.setPlainText(draft.notes)
        if draft.due_date is not None:
            self.own_due_date.setChecked(True)
            self.due_date.setDate(
                QDate(draft.due_date.year, draft.due_date.month, draft.due_date.day)
            )

    # -- editing ------------------------------------------------------------------------

    def choose_customer(self) -> None:
        dialog = CustomerPickerDialog(self._services, self)
        dialog.setWindowTitle(self.tr("Customer of the invoice"))
        if dialog.exec() and dialog.chosen is not None:
            self.set_customer(dialog.chosen.id, dialog.chosen.name)

    def set_customer(self, customer_id: uuid.UUID, name: str) -> None:
        self.customer_id = customer_id
        self.customer_label.setText(name)
        self.model.update_cart(customer_id=customer_id)

    def _on_picker_item_chosen(self, item: ItemSummary) -> None:
        try:
            line = self._services.sales.line_for_item(item.id)
        except BenchsideError as error:
            self._show_error(error)
            return
        if self._services.items.get(item.id).serialized:
            serial = self._ask_serial(item.id, line.description)
            if not serial:
                return
            line = replace(line, serial=serial)
        row = self.model.add_line(line)
        self.table.selectRow(row)

    def _ask_serial(self, item_id: uuid.UUID, name: str) -> str:
        """Which unit of a serialized item leaves with the invoice."""
        taken = {line.serial for line in self.model.cart.lines if line.serial}
        choices = [s for s in self._services.stock.serials_in_stock(item_id) if s not in taken]
        if not choices:
            self.errors.show_general(
                self.tr("No unit of “{name}” with a serial is in stock.").format(name=name)
            )
            return ""
        serial, ok = QInputDialog.getItem(
            self, self.tr("Which unit?"), self.tr("Serial / IMEI"), choices, 0, False
        )
        return serial if ok else ""

    def add_line(self) -> LineDialog:
        dialog = LineDialog(self.money, self.tax_classes, parent=self)
        dialog.accepted.connect(lambda: self._on_line_dialog_accepted(dialog, None))
        dialog.open()
        return dialog

    def edit_line(self, row: int) -> LineDialog | None:
        if not 0 <= row < len(self.model.cart.lines):
            return None
        line = self.model.cart.lines[row]
        dialog = LineDialog(self.money, self.tax_classes, line, parent=self)
        dialog.accepted.connect(lambda: self._on_line_dialog_accepted(dialog, row))
        dialog.open()
        return dialog

    def _on_line_dialog_accepted(self, dialog: LineDialog, row: int | None) -> None:
        if dialog.line is None:
            return
        if row is None:
            self.table.selectRow(self.model.add_line(dialog.line))
        elif row < len(self.model.cart.lines):
            self.model.replace_line(row, dialog.line)

    def remove_line(self) -> None:
        row = self._selected_row()
        if 0 <= row < len(self.model.cart.lines):
            self.model.remove_line(row)

    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _on_discount_editing_finished(self) -> None:
        try:
            discount = parse_discount(self.discount.text(), self.money)
        except ValueError:
            self.errors.show({"discount": self.tr("Type a discount like 10% or 5.00.")})
            return
        self.errors.clear()
        self.model.update_cart(discount=discount)

    def _on_model_cart_changed(self) -> None:
        totals = self.model.totals
        if totals is None:
            for label in (self.subtotal_label, self.discount_label, self.tax_label):
                label.clear()
            self.total_label.setText("—")
            if self.model.problem:
                self.errors.show_general(self.model.problem)
        else:
            self.subtotal_label.setText(
                self.money.show(totals.subtotal + totals.line_discount_total)
            )
            off = totals.line_discount_total + totals.discount_total
            self.discount_label.setText(self.money.show(-off) if off else "")
            self.tax_label.setText(self.money.show(totals.tax_total))
            self.total_label.setText(self.money.show(totals.total))
        has_lines = bool(self.model.cart.lines)
        self.edit_line_button.setEnabled(has_lines)
        self.remove_line_button.setEnabled(has_lines)

    # -- saving -------------------------------------------------------------------------

    def draft(self) -> InvoiceDraft:
        own = self.own_due_date.isChecked()
        picked = self.due_date.date()
        return InvoiceDraft(
            customer_id=self.customer_id,
            lines=self.model.cart.lines,
            notes=self.notes.toPlainText(),
            due_date=date(picked.year(), picked.month(), picked.day()) if own else None,
            discount=self.model.cart.discount,
        )

    def save(self) -> DocumentView | None:
        """Save the draft; None (with the problems shown) when the service refused it."""
        self._on_discount_editing_finished()
        invoices = self._services.invoices
        try:
            if self.document_id is None:
                saved = invoices.create_draft(self.draft())
            else:
                saved = invoices.update_draft(self.document_id, self.draft())
        except BenchsideError as error:
            self._show_error(error)
            return None
        self.document_id = saved.id
        self.setWindowTitle(self.tr("Draft invoice"))
        self.errors.clear()
        self._bus.publish(Changes(documents=frozenset({saved.id})))
        self.draft_saved.emit(saved)
        return saved

    def issue(self, approved_by: Actor | None = None) -> DocumentView | None:
        """Save, then issue; a discount beyond the role asks for a manager first."""
        saved = self.save()
        if saved is None:
            return None
        try:
            issued = self._services.invoices.issue(saved.id, approved_by)
        except ApprovalRequired as error:
            approval = ApprovalDialog(self._services, str(error), self)
            if approval.exec() and approval.approver is not None:
                return self.issue(approval.approver)
            self.errors.show_general(str(error))
            return None
        except BenchsideError as error:
            self._show_error(error)
            return None
        self._bus.publish(
            Changes(
                documents=frozenset({issued.id}),
                stock=frozenset(line.item_id for line in issued.lines if line.item_id),
                customers=frozenset({issued.customer.id}) if issued.customer else frozenset(),
            )
        )
        self.invoice_issued.emit(issued)
        self.accept()
        return issued

    def _show_error(self, error: BenchsideError) -> None:
        if isinstance(error, ValidationError):
            self.errors.show(error.errors)
        else:
            self.errors.show_general(str(error))
