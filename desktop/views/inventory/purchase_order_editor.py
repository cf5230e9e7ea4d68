"""One purchase order: a draft is edited here (supplier, location, date, notes, lines
added by search or scan), then ordered, printed or emailed; sent orders show read-only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.items import MAX_QUANTITY, ItemSummary
from desktop.services.permissions import Permission
from desktop.services.purchase_orders import OrderDetail, OrderLine
from desktop.services.purchasing import LineInput, OrderInput
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error
from desktop.views.inventory.item_picker import ItemPicker
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.tasks import TaskRunner

NO_DATE = QDate(2000, 1, 1)
EDITABLE_COLUMNS = {2: "supplier_sku", 3: "quantity", 4: "unit_cost"}


class PurchaseOrderEditor(QDialog):
    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        order_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self._money = ShopMoney(services)
        self.order: OrderDetail | None = None
        self.printer = DocumentPrinter(services, tasks, self)
        self.printer.printed.connect(self._on_printer_printed)
        self.printer.failed.connect(self._on_printer_printed)
        self.setMinimumSize(820, 560)
        self._build()
        if order_id is not None:
            self._show(services.purchasing.get(order_id))
        else:
            self.setWindowTitle(self.tr("New purchase order"))
            self._update_state()

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.errors = FieldErrors(error_label())
        self.supplier = QComboBox()
        for supplier in self._services.suppliers.list():
            self.supplier.addItem(supplier.name, supplier.id)
        self.location = QComboBox()
        for location in self._services.stock.locations():
            self.location.addItem(location.name, location.id)
        self.expected = QDateEdit()
        self.expected.setCalendarPopup(True)
        self.expected.setDisplayFormat("yyyy-MM-dd")
        self.expected.setMinimumDate(NO_DATE)
        self.expected.setSpecialValueText(self.tr("Not set"))
        self.expected.setDate(NO_DATE)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(48)
        self.status = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.tr("Supplier"), with_error(self.errors, "supplier", self.supplier))
        form.addRow(self.tr("Deliver to"), with_error(self.errors, "location", self.location))
        form.addRow(self.tr("Expected"), self.expected)
        form.addRow(self.tr("Notes"), with_error(self.errors, "notes", self.notes))

        self.picker = ItemPicker(self._services, self._tasks)
        self.picker.item_chosen.connect(self._on_picker_item_chosen)
        self.add_quantity = QSpinBox()
        self.add_quantity.setRange(1, MAX_QUANTITY)
        self.add_quantity.setPrefix(self.tr("Qty "))
        adding = QHBoxLayout()
        adding.addWidget(self.picker, 1)
        adding.addWidget(self.add_quantity, 0, Qt.AlignmentFlag.AlignTop)
        self.adding = row_widget(adding)

        self.lines = QTableWidget(0, 7)
        self.lines.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("SKU"),
                self.tr("Supplier part"),
                self.tr("Qty"),
                self.tr("Unit cost"),
                self.tr("Amount"),
                self.tr("Received"),
            ]
        )
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines.verticalHeader().hide()
        self.lines.setColumnWidth(0, 240)
        self.lines.itemChanged.connect(self._on_lines_item_changed)
        self.lines.itemSelectionChanged.connect(self._update_state)
        self.total = QLabel()
        self.remove_button = QPushButton(self.tr("Remove line"))
        self.remove_button.clicked.connect(self.remove_line)

        self.save_button = QPushButton(self.tr("Save"))
        self.order_button = QPushButton(self.tr("Mark as ordered"))
        self.cancel_order_button = QPushButton(self.tr("Cancel order"))
        self.close_order_button = QPushButton(self.tr("Close order (rest will not come)"))
        self.print_button = QPushButton(self.tr("Print"))
        self.preview_button = QPushButton(self.tr("Preview"))
        self.email_to = QLineEdit()
        self.email_to.setPlaceholderText(self.tr("Supplier's email"))
        self.email_button = QPushButton(self.tr("Email"))
        self.close_button = QPushButton(self.tr("Close"))
        self.save_button.clicked.connect(self.save)
        self.order_button.clicked.connect(self.mark_ordered)
        self.cancel_order_button.clicked.connect(self.cancel_order)
        self.close_order_button.clicked.connect(self.close_order)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.email_button.clicked.connect(self.send_email)
        self.close_button.clicked.connect(self.reject)
        for button in (self.remove_button, self.print_button, self.preview_button):
            button.setAutoDefault(False)
        self.message = QLabel()
        self.message.setWordWrap(True)

        lines_box = QGroupBox(self.tr("Lines"))
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.addWidget(self.adding)
        lines_layout.addWidget(self.lines, 1)
        under = QHBoxLayout()
        under.addWidget(self.remove_button)
        under.addStretch(1)
        under.addWidget(self.total)
        lines_layout.addLayout(under)
        sending = QHBoxLayout()
        for widget in (self.print_button, self.preview_button, self.email_to, self.email_button):
            sending.addWidget(widget)
        actions = QHBoxLayout()
        for button in (
            self.save_button,
            self.order_button,
            self.cancel_order_button,
            self.close_order_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(lines_box, 1)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.message)
        layout.addLayout(sending)
        layout.addLayout(actions)

    # -- showing ----------------------------------------------------------------------------

    def _show(self, order: OrderDetail) -> None:
        self.order = order
        self.setWindowTitle(self.tr("Purchase order %1").replace("%1", order.number))
        self.status.setText(order.status_label)
        if self.supplier.findData(order.supplier_id) < 0:
            self.supplier.addItem(order.supplier_name, order.supplier_id)  # archived since
        self.supplier.setCurrentIndex(self.supplier.findData(order.supplier_id))
        if self.location.findData(order.location_id) < 0:
            self.location.addItem(order.location_name, order.location_id)
        self.location.setCurrentIndex(self.location.findData(order.location_id))
        expected = order.expected_on
        self.expected.setDate(
            QDate(expected.year, expected.month, expected.day) if expected else NO_DATE
        )
        self.notes.setPlainText(order.notes)
        if not self.email_to.text():
            self.email_to.setText(order.supplier_email)
        self._fill_lines(order.lines)
        self.total.setText(self.tr("Total: %1").replace("%1", self._money.show(order.total)))
        self._update_state()

    def _fill_lines(self, lines: tuple[OrderLine, ...]) -> None:
        editable = self._editable()
        self.lines.blockSignals(True)
        try:
            self.lines.setRowCount(len(lines))
            for row, line in enumerate(lines):
                cells = (
                    line.item_name,
                    line.sku,
                    line.supplier_sku,
                    str(line.quantity),
                    self._money.show(line.unit_cost),
                    self._money.show(line.total),
                    str(line.received),
                )
                for column, value in enumerate(cells):
                    cell = QTableWidgetItem(value)
                    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                    if editable and column in EDITABLE_COLUMNS:
                        flags |= Qt.ItemFlag.ItemIsEditable
                    cell.setFlags(flags)
                    if column >= 3:
                        cell.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                    self.lines.setItem(row, column, cell)
        finally:
            self.lines.blockSignals(False)

    def _editable(self) -> bool:
        draft = self.order is None or self.order.status == "draft"
        return draft and self._services.ctx.can(Permission.ORDER_STOCK)

    def _update_state(self) -> None:
        can_order = self._services.ctx.can(Permission.ORDER_STOCK)
        editable = self._editable()
        status = self.order.status if self.order is not None else "draft"
        exists = self.order is not None
        for widget in (self.supplier, self.location, self.expected, self.notes, self.adding):
            widget.setEnabled(editable)
        self.save_button.setVisible(editable)
        self.remove_button.setEnabled(editable and self.lines.currentRow() >= 0)
        self.order_button.setVisible(editable and exists)
        self.cancel_order_button.setVisible(can_order and exists and status in ("draft", "ordered"))
        self.close_order_button.setVisible(can_order and status == "partial")
        sendable = exists and status != "cancelled"
        for widget in (self.print_button, self.preview_button):
            widget.setEnabled(sendable)
        self.email_to.setEnabled(sendable and can_order)
        self.email_button.setEnabled(sendable and can_order)

    # -- editing ----------------------------------------------------------------------------

    def order_input(self) -> OrderInput:
        expected = self.expected.date()
        chosen: date | None = None if expected == NO_DATE else expected.toPython()
        return OrderInput(
            supplier_id=self.supplier.currentData(),
            location_id=self.location.currentData(),
            expected_on=chosen,
            notes=self.notes.toPlainText(),
        )

    def save(self) -> bool:
        """Create the draft, or save its header. False (with the problem shown) if refused."""
        if self.supplier.currentData() is None:
            self.errors.show({"supplier": self.tr("Add a supplier first (Suppliers tab).")})
            return False
        purchasing = self._services.purchasing
        if self.order is None:
            return self._apply(lambda: purchasing.create_draft(self.order_input()))
        order_id = self.order.id
        return self._apply(lambda: purchasing.update_draft(order_id, self.order_input()))

    def add_item(self, item_id: uuid.UUID, quantity: int) -> bool:
        """Put units of the item on the draft (creating the draft first if new)."""
        if self.order is None and not self.save():
            return False
        assert self.order is not None
        order_id = self.order.id
        return self._apply(
            lambda: self._services.purchasing.add_line(order_id, LineInput(item_id, quantity))
        )

    def take_scan(self, result: ScanResult) -> bool:
        """A scanned item adds one unit to a draft; other scans are left to others."""
        if result.kind is not ScanKind.ITEM or result.id is None or not self._editable():
            return False
        if self.add_item(result.id, 1):
            self.message.setText(self.tr("Added one unit of the scanned item."))
        return True

    def _on_picker_item_chosen(self, item: ItemSummary) -> None:
        if self.add_item(item.id, self.add_quantity.value()):
            self.add_quantity.setValue(1)

    def _on_lines_item_changed(self, cell: QTableWidgetItem) -> None:
        if self.order is None or cell.column() not in EDITABLE_COLUMNS:
            return
        line = self.order.lines[cell.row()]
        quantity, cost, sku = line.quantity, line.unit_cost, line.supplier_sku
        try:
            if cell.column() == 3:
                quantity = int(cell.text().strip().replace(",", "")[:12])
            elif cell.column() == 4:
                cost = self._money.parse(cell.text())
            else:
                sku = cell.text()
        except ValueError:
            self.errors.show_general(self.tr("“%1” is not a number.").replace("%1", cell.text()))
            self._fill_lines(self.order.lines)
            return
        order_id = self.order.id
        changed = self._apply(
            lambda: self._services.purchasing.change_line(order_id, line.id, quantity, cost, sku)
        )
        if not changed:
            self._fill_lines(self.order.lines)

    def remove_line(self) -> None:
        row = self.lines.currentRow()
        if self.order is None or row < 0:
            return
        order_id, line_id = self.order.id, self.order.lines[row].id
        self._apply(lambda: self._services.purchasing.remove_line(order_id, line_id))

    def mark_ordered(self) -> None:
        if self.order is not None and self.save():
            order_id = self.order.id
            self._apply(lambda: self._services.purchasing.mark_ordered(order_id))

    def cancel_order(self) -> None:
        if self.order is not None:
            order_id = self.order.id
            self._apply(lambda: self._services.purchasing.cancel(order_id))

    def close_order(self) -> None:
        if self.order is not None:
            order_id = self.order.id
            self._apply(lambda: self._services.purchasing.close(order_id))

    def _apply(self, change: Callable[[], OrderDetail]) -> bool:
        """Run a service call that returns the order; show it, or the problem."""
        self.errors.clear()
        try:
            order = change()
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return False
        self._show(order)
        self._bus.publish(Changes(purchase_orders=frozenset({order.id})))
        return True

    # -- sending ----------------------------------------------------------------------------

    def _on_print_button_clicked(self) -> None:
        if self.order is not None:
            self.printer.print_purchase_order(self.order.id)

    def _on_preview_button_clicked(self) -> None:
        if self.order is not None:
            self.printer.preview_purchase_order(self.order.id)

    def _on_printer_printed(self, message: str) -> None:
        self.message.setText(message)

    def send_email(self) -> None:
        """Queue the order as a PDF to the address in the field (the outbox sends it)."""
        if self.order is None:
            return
        self.errors.clear()
        try:
            address = self._services.purchasing.email(self.order.id, self.email_to.text())
        except ValidationError as invalid:
            self.errors.show_general("\n".join(invalid.errors.values()))
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.message.setText(
            self.tr("Queued for %1; it is sent when online.").replace("%1", address)
        )
        # Any news but the outbox's own wakes the sender, so the email leaves soon.
        self._bus.publish(Changes(purchase_orders=frozenset({self.order.id})))
