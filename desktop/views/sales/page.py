"""The counter sale: scan or search items onto the sale, change quantities and prices,
discount a line or the whole sale, choose the customer, take payment and print the
receipt. Every action has an F-key; a sale can be made without touching the mouse."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.context import Actor
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.pricing import Discount
from desktop.services.sales import ApprovalRequired
from desktop.services.sales_types import CartLine, DocumentView, PaymentInput, SaleCompleted
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.bus import DataBus
from desktop.views.forms import error_label
from desktop.views.inventory.item_picker import ItemPicker
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.sales.approval import ApprovalDialog
from desktop.views.sales.cart_model import AMOUNT, DESCRIPTION, QUANTITY, CartModel
from desktop.views.sales.customer_picker import CustomerPickerDialog
from desktop.views.sales.discount_input import parse_discount
from desktop.views.sales.drawer import DrawerMenu
from desktop.views.sales.payment import PaymentDialog
from desktop.views.tasks import TaskRunner

TOTAL_STYLE = "font-size: 28px; font-weight: 700;"


class SalesPage(QWidget):
    """``receipt_requested(document, open_drawer, automatic)`` after a sale (automatic)
    or for a reprint, for the main window to print; ``return_requested(number)`` to refund
    a scanned receipt."""

    receipt_requested = Signal(object, bool, bool)
    return_requested = Signal(str)
    sale_completed = Signal(object)

    def __init__(
        self, services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.money = ShopMoney(services)
        self.terms = services.sales.terms()
        self.customer_name = ""
        self.payment_dialog: PaymentDialog | None = None
        self.last_sale: DocumentView | None = None
        self.model = CartModel(
            self.money,
            lambda cart: services.sales.totals(cart, self.terms),
            services.sales.new_cart(),
        )
        self._build()
        self._build_shortcuts()
        self.model.cart_changed.connect(self._on_model_cart_changed)
        self.model.price_edited.connect(self._on_model_price_edited)
        bus.data_changed.connect(self._on_bus_data_changed)
        self._on_model_cart_changed()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.picker = ItemPicker(self._services, self._tasks, self)
        self.picker.search.setPlaceholderText(self.tr("Scan or search items (F2)"))
        self.picker.item_chosen.connect(lambda item: self.add_item(item.id))
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column in range(QUANTITY, AMOUNT + 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.errors = error_label(self)
        self.notes = QLineEdit(self)
        self.notes.setMaxLength(500)
        self.notes.setPlaceholderText(self.tr("Note on the sale (printed on the receipt)"))
        self.notes.textEdited.connect(lambda text: self.model.update_cart(notes=text))
        left = QVBoxLayout()
        left.addWidget(self.picker)
        left.addWidget(self.table, 1)
        left.addWidget(self.notes)
        left.addWidget(self.errors)
        body = QHBoxLayout(self)
        body.addLayout(left, 3)
        body.addLayout(self._side(), 2)

    def _side(self) -> QVBoxLayout:
        self.customer_label = QLabel(self)
        self.customer_label.setWordWrap(True)
        self.subtotal_label = QLabel(self)
        self.discount_label = QLabel(self)
        self.tax_label = QLabel(self)
        self.total_label = QLabel(self)
        self.total_label.setStyleSheet(TOTAL_STYLE)
        self.last_sale_label = QLabel(self)
        self.last_sale_label.setWordWrap(True)
        self.last_sale_label.setStyleSheet("font-size: 15px;")
        totals = QFormLayout()
        totals.addRow(self.tr("Customer"), self.customer_label)
        totals.addRow(self.tr("Subtotal"), self.subtotal_label)
        totals.addRow(self.tr("Discount"), self.discount_label)
        totals.addRow(self.tr("Tax"), self.tax_label)
        totals.addRow(self.tr("Total"), self.total_label)
        self.pay_button = self._button(self.tr("Pay (F12)"), self.take_payment)
        self.pay_button.setStyleSheet("font-size: 18px; padding: 10px;")
        grid = QGridLayout()
        actions: list[tuple[str, Callable[[], object]]] = [
            (self.tr("Find item (F2)"), self.focus_search),
            (self.tr("Quantity (F3)"), self.ask_quantity),
            (self.tr("Line discount (F4)"), self.ask_line_discount),
            (self.tr("Sale discount (F5)"), self.ask_sale_discount),
            (self.tr("Customer (F6)"), self.choose_customer),
            (self.tr("Hold (F7)"), self.hold),
            (self.tr("Held sales (F8)"), self.resume_held),
            (self.tr("Void sale (F9)"), self.void_sale),
            (self.tr("Return (F10)"), self.ask_return),
            (self.tr("Remove line (Del)"), self.remove_line),
        ]
        self.action_buttons: list[QPushButton] = []
        for index, (text, slot) in enumerate(actions):
            button = self._button(text, slot)
            self.action_buttons.append(button)
            grid.addWidget(button, index // 2, index % 2)
        self.reprint_button = self._button(self.tr("Reprint last receipt"), self.reprint_last)
        self.find_receipt_button = self._button(
            self.tr("Reprint a receipt… (Ctrl+P)"), self.reprint_by_number
        )
        self.drawer_menu = DrawerMenu(self._services, self._bus, self._tasks, self)
        self.drawer_button = self._button(self.tr("Drawer (F11)"), self.show_drawer_menu)
        self.drawer_button.setMenu(self.drawer_menu)
        self.drawer_label = QLabel(self)
        self.drawer_label.setWordWrap(True)
        self.drawer_menu.aboutToShow.connect(self._show_drawer_state)
        side = QVBoxLayout()
        side.addLayout(totals)
        side.addWidget(self.pay_button)
        side.addLayout(grid)
        side.addStretch(1)
        side.addWidget(self.last_sale_label)
        side.addWidget(self.reprint_button)
        side.addWidget(self.find_receipt_button)
        side.addWidget(self.drawer_label)
        side.addWidget(self.drawer_button)
        self._show_drawer_state()
        return side

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays on the sale
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], object]]] = [
            ("F2", self.focus_search),
            ("F3", self.ask_quantity),
            ("F4", self.ask_line_discount),
            ("F5", self.ask_sale_discount),
            ("F6", self.choose_customer),
            ("F7", self.hold),
            ("F8", self.resume_held),
            ("F9", self.void_sale),
            ("F10", self.ask_return),
            ("F11", self.show_drawer_menu),
            ("F12", self.take_payment),
            ("Ctrl+P", self.reprint_by_number),
            ("Delete", self.remove_line),
        ]
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- scanning -----------------------------------------------------------------------

    def take_scan(self, result: ScanResult) -> bool:
        """Items go on the sale; a receipt's barcode starts its return."""
        if not self.isVisible():
            return False
        if result.kind is ScanKind.ITEM and result.id is not None:
            self.add_item(result.id)
            return True
        if result.kind is ScanKind.DOCUMENT:
            self.return_requested.emit(result.code)
            return True
        return False

    # -- the cart -----------------------------------------------------------------------

    def add_item(self, item_id: uuid.UUID) -> None:
        try:
            line = self._services.sales.line_for_item(item_id)
        except BenchsideError as error:
            self._show_error(error)
            return
        if self._needs_serial(line):
            serial = self._ask_serial(line)
            if not serial:
                return
            line = replace(line, serial=serial)
        row = self.model.add_line(line)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.picker.search.clear()
        self.errors.clear()

    def _needs_serial(self, line: CartLine) -> bool:
        if line.item_id is None:
            return False
        return self._services.items.get(line.item_id).serialized

    def _ask_serial(self, line: CartLine) -> str:
        assert line.item_id is not None
        serials = self._services.stock.serials_in_stock(line.item_id)
        taken = {other.serial for other in self.model.cart.lines if other.serial}
        choices = [s for s in serials if s not in taken]
        if not choices:
            self.errors.setText(
                self.tr("No unit of “{name}” with a serial is in stock.").format(
                    name=line.description
                )
            )
            return ""
        serial, ok = QInputDialog.getItem(
            self, self.tr("Which unit?"), self.tr("Serial / IMEI"), choices, 0, False
        )
        return serial if ok else ""

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        return len(self.model.cart.lines) - 1

    def focus_search(self) -> None:
        self.picker.search.setFocus()
        self.picker.search.selectAll()

    def ask_quantity(self) -> None:
        row = self.selected_row()
        if row < 0:
            return
        line = self.model.cart.lines[row]
        if line.serial:
            self.errors.setText(self.tr("A unit with a serial number is sold one at a time."))
            return
        quantity, ok = QInputDialog.getInt(
            self, self.tr("Quantity"), line.description, line.quantity, 1, 100_000
        )
        if ok:
            self.model.setData(self.model.index(row, QUANTITY), str(quantity))

    def ask_line_discount(self) -> None:
        row = self.selected_row()
        if row < 0:
            return
        line = self.model.cart.lines[row]
        discount = self._ask_discount(line.description)
        if discount is not False:
            self.model.replace_line(row, replace(line, discount=discount))
            self._report_problem()

    def ask_sale_discount(self) -> None:
        if not self.model.cart.lines:
            return
        discount = self._ask_discount(self.tr("The whole sale"))
        if discount is not False:
            self.model.update_cart(discount=discount)
            self._report_problem()

    def _ask_discount(self, what: str) -> Discount | bool | None:
        """A discount typed as ``10%`` or an amount; None clears it; False: cancelled."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("Discount"),
            self.tr("{what}: a percentage (10%) or an amount (5.00); empty for none").format(
                what=what
            ),
        )
        if not ok:
            return False
        try:
            return parse_discount(text, self.money)
        except ValueError:
            self.errors.setText(self.tr("Type a discount like 10% or 5.00."))
            return False

    def remove_line(self) -> None:
        row = self.selected_row()
        if 0 <= row < len(self.model.cart.lines):
            self.model.remove_line(row)

    def choose_customer(self) -> None:
        dialog = CustomerPickerDialog(self._services, self)
        if dialog.exec() and dialog.chosen is not None:
            self.customer_name = dialog.chosen.name
            self.model.update_cart(customer_id=dialog.chosen.id)

    def new_sale(self) -> None:
        self.customer_name = ""
        self.model.set_cart(self._services.sales.new_cart())
        self.notes.clear()
        self.errors.clear()

    # -- hold, void, return -------------------------------------------------------------

    def hold(self) -> None:
        if not self.model.cart.lines:
            return
        label, ok = QInputDialog.getText(
            self, self.tr("Hold sale"), self.tr("A note to find it again (optional)")
        )
        if not ok:
            return
        try:
            self._services.sales.hold(self.model.cart, label)
        except BenchsideError as error:
            self._show_error(error)
            return
        self.new_sale()
        self.last_sale_label.setText(self.tr("Sale put on hold."))

    def resume_held(self) -> None:
        held = self._services.sales.held()
        if not held:
            self.last_sale_label.setText(self.tr("No sale is on hold."))
            return
        names = [
            f"{self.money.show(h.total)}  {h.customer_name}  {h.issued_at or ''}".strip()
            for h in held
        ]
        choice, ok = QInputDialog.getItem(
            self, self.tr("Held sales"), self.tr("Resume which sale?"), names, 0, False
        )
        if not ok:
            return
        if self.model.cart.lines and not self._confirm(
            self.tr("Put the current sale on hold first?")
        ):
            return
        if self.model.cart.lines:
            self._services.sales.hold(self.model.cart)
        chosen = held[names.index(choice)]
        cart = self._services.sales.resume(chosen.id)
        self.customer_name = chosen.customer_name
        self.model.set_cart(cart)
        self.notes.setText(cart.notes)

    def void_sale(self) -> None:
        if not self.model.cart.lines:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("Void sale"), self.tr("Why is this sale voided?")
        )
        if not ok:
            return
        try:
            self._services.sales.void_open(self.model.cart, reason)
        except BenchsideError as error:
            self._show_error(error)
            return
        self.new_sale()
        self.last_sale_label.setText(self.tr("Sale voided."))

    def ask_return(self) -> None:
        number, ok = QInputDialog.getText(
            self, self.tr("Return"), self.tr("Scan or type the receipt number")
        )
        if ok and number.strip():
            self.return_requested.emit(number.strip()[:30])

    # -- payment ------------------------------------------------------------------------

    def take_payment(self) -> PaymentDialog | None:
        totals = self.model.totals
        if not self.model.cart.lines or totals is None:
            self._report_problem()
            return None
        customer = self.model.cart.customer_id
        dialog = PaymentDialog(
            self.money,
            totals.total,
            self._services.sales.payment_methods(),
            cash_rounding=self.terms.cash_rounding,
            customer_id=customer,
            store_credit=self._services.sales.store_credit(customer) if customer else 0,
            tips_allowed=self.terms.tips_allowed,
            parent=self,
        )
        dialog.submitted.connect(lambda tenders: self.complete(dialog, tenders))
        dialog.finished.connect(dialog.deleteLater)
        self.payment_dialog = dialog
        dialog.open()
        return dialog

    def complete(
        self,
        dialog: PaymentDialog,
        tenders: list[PaymentInput],
        approved_by: Actor | None = None,
    ) -> None:
        """Complete the sale. It is written before anything is printed, so a printer
        out of paper or a power cut after this point loses nothing."""
        try:
            done = self._services.sales.complete(self.model.cart, tenders, approved_by)
        except ApprovalRequired as error:
            approval = ApprovalDialog(self._services, str(error), dialog)
            if approval.exec() and approval.approver is not None:
                self.complete(dialog, tenders, approval.approver)
            else:
                dialog.show_errors(str(error))
            return
        except ValidationError as error:
            dialog.show_errors(error.errors)
            return
        except BenchsideError as error:
            dialog.show_errors(str(error))
            return
        dialog.accept()
        self._finish(done)

    def _finish(self, done: SaleCompleted) -> None:
        self.last_sale = done.document
        text = self.tr("{number} · {total}").format(
            number=done.document.number, total=self.money.show(done.document.payable)
        )
        if done.change:
            text += "\n" + self.tr("Change {amount}").format(amount=self.money.show(done.change))
        if done.document.balance > 0:
            text += "\n" + self.tr("On account {amount}").format(
                amount=self.money.show(done.document.balance)
            )
        self.last_sale_label.setText(text)
        self.new_sale()
        changes = Changes(
            documents=frozenset({done.document.id}),
            stock=frozenset(line.item_id for line in done.document.lines if line.item_id),
            customers=frozenset({done.document.customer.id})
            if done.document.customer
            else frozenset(),
        )
        self._bus.publish(changes)
        self.sale_completed.emit(done.document)
        self.receipt_requested.emit(done.document, done.open_drawer, True)
        self.focus_search()

    def reprint_by_number(self, number: str | None = None) -> None:
        """Print any sale, invoice or credit note again, found by its number."""
        if number is None:
            number, ok = QInputDialog.getText(
                self,
                self.tr("Reprint a receipt"),
                self.tr("Scan or type the number (S-A-…, INV-A-…, CN-A-…)"),
                text=self.last_sale.number if self.last_sale else "",
            )
            if not ok:
                return
        try:
            document = self._services.sales.find(number)
        except BenchsideError as error:
            self._show_error(error)
            return
        self.receipt_requested.emit(document, False, False)

    def show_drawer_menu(self) -> None:
        self.drawer_menu.popup(self.drawer_button.mapToGlobal(self.drawer_button.rect().topLeft()))

    def _show_drawer_state(self) -> None:
        self.drawer_menu.refresh()
        self.drawer_label.setText(self.drawer_menu.describe())

    def reprint_last(self) -> None:
        if self.last_sale is not None:
            self.receipt_requested.emit(self.last_sale, False, False)

    # -- helpers ------------------------------------------------------------------------

    def _on_model_cart_changed(self) -> None:
        totals = self.model.totals
        has_lines = bool(self.model.cart.lines)
        self.customer_label.setText(self.customer_name or self.tr("Walk-in customer"))
        if totals is None:
            for label in (self.subtotal_label, self.discount_label, self.tax_label):
                label.setText("")
            self.total_label.setText("—")
            self.errors.setText(self.model.problem)
        else:
            self.subtotal_label.setText(
                self.money.show(totals.subtotal + totals.line_discount_total)
            )
            off = totals.line_discount_total + totals.discount_total
            self.discount_label.setText(self.money.show(-off) if off else "")
            self.tax_label.setText(
                "  ".join(
                    f"{band.rate_bp / 100:g} %: {self.money.show(band.tax)}"
                    for band in totals.bands
                    if band.rate_bp
                )
                or self.money.show(0)
            )
            self.total_label.setText(self.money.show(totals.total))
        self.pay_button.setEnabled(has_lines and totals is not None)
        self.reprint_button.setEnabled(self.last_sale is not None)

    def _on_model_price_edited(self, row: int) -> None:
        """Warn at once when a price goes below cost; completing it needs a manager
        unless the user is one."""
        line = self.model.cart.lines[row]
        if line.item_id is None:
            return
        cost = self._services.items.get(line.item_id).cost_price
        if line.unit_price < cost:
            self.errors.setText(
                self.tr("{name} is now below its cost ({cost}).").format(
                    name=line.description, cost=self.money.show(cost)
                )
            )

    def _report_problem(self) -> None:
        if self.model.problem:
            self.errors.setText(self.model.problem)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        self._show_drawer_state()
        if changes.shop or changes.everything:
            self.terms = self._services.sales.terms()
            self.model.set_cart(self.model.cart)

    def _show_error(self, error: BenchsideError) -> None:
        if isinstance(error, ValidationError):
            self.errors.setText("\n".join(error.errors.values()))
        else:
            self.errors.setText(str(error))

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Sales"), question)
        return answer == QMessageBox.StandardButton.Yes
