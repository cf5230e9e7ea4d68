"""Receiving a delivery against a purchase order: scan the boxes or type the counts, with
lot and expiry or serials where the item needs them; more than ordered is accepted only
with a reason; units can go back to the supplier."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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
from desktop.services.items import MAX_QUANTITY
from desktop.services.purchase_orders import OrderDetail, OrderLine
from desktop.services.purchasing import LineReceipt, OverReceipt
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.services.stock import LotInput
from desktop.views.bus import DataBus
from desktop.views.forms import error_label
from desktop.views.inventory.money_input import ShopMoney

NO_DATE = QDate(2000, 1, 1)
COLUMNS = 9  # item, ordered, received, to come, receive now, unit cost, lot, expiry, serials


def split_serials(typed: str) -> list[str]:
    """Serials as typed or scanned into one field: separated by commas, spaces or lines."""
    return [part for part in typed.replace(",", " ").split() if part][:MAX_QUANTITY]


class LineInputs:
    """The inputs of one line's row: how many arrive now, and what the item needs."""

    def __init__(self, line: OrderLine) -> None:
        self.line = line
        self.quantity = QSpinBox()
        self.quantity.setRange(0, MAX_QUANTITY)
        self.cost = QLineEdit()
        self.cost.setMaxLength(40)
        self.lot = QLineEdit()
        self.lot.setMaxLength(64)
        self.expires = QDateEdit()
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("yyyy-MM-dd")
        self.expires.setMinimumDate(NO_DATE)
        self.expires.setSpecialValueText("—")
        self.expires.setDate(NO_DATE)
        self.serials = QLineEdit()
        self.serials.setMaxLength(20_000)
        for widget in (self.lot, self.expires):
            widget.setEnabled(line.track_expiry)
        self.serials.setEnabled(line.serialized)

    def lot_input(self) -> LotInput | None:
        if not self.line.track_expiry:
            return None
        chosen = self.expires.date()
        expires: date | None = None if chosen == NO_DATE else chosen.toPython()
        return LotInput(self.lot.text(), expires)


class ReceiveDialog(QDialog):
    """Receive against one order. ``take_scan`` receives a scanned unit into its line."""

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        order_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._money = ShopMoney(services)
        self.order: OrderDetail = services.purchasing.get(order_id)
        self.inputs: list[LineInputs] = []
        self._retry: Callable[[str], None] | None = None  # what an over-receipt reason resumes
        self.setMinimumSize(900, 480)
        self._build()
        self._show(self.order)

    # -- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel()
        self.table = QTableWidget(0, COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Ordered"),
                self.tr("Received"),
                self.tr("Still to come"),
                self.tr("Receive now"),
                self.tr("Unit cost"),
                self.tr("Lot"),
                self.tr("Expires"),
                self.tr("Serials"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(8, 200)
        self.message = QLabel(self.tr("Scan the items or type how many arrived."))
        self.message.setWordWrap(True)
        self.error = error_label()

        self.over_panel = QFrame()
        self.over_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.over_panel.setStyleSheet("QFrame { background: #fff4e5; }")
        self.over_text = QLabel()
        self.over_text.setWordWrap(True)
        self.over_reason = QLineEdit()
        self.over_reason.setMaxLength(500)
        self.over_reason.setPlaceholderText(self.tr("Why accept more than ordered?"))
        self.accept_over_button = QPushButton(self.tr("Accept the extra units"))
        self.drop_over_button = QPushButton(self.tr("Do not receive them"))
        self.accept_over_button.clicked.connect(self.accept_over_receipt)
        self.drop_over_button.clicked.connect(self._hide_over_panel)
        over = QVBoxLayout(self.over_panel)
        over.addWidget(self.over_text)
        over_row = QHBoxLayout()
        over_row.addWidget(self.over_reason, 1)
        over_row.addWidget(self.accept_over_button)
        over_row.addWidget(self.drop_over_button)
        over.addLayout(over_row)
        self.over_panel.hide()

        self.return_panel = self._return_panel()

        self.all_button = QPushButton(self.tr("Fill in everything still to come"))
        self.receive_button = QPushButton(self.tr("Receive"))
        self.return_button = QPushButton(self.tr("Supplier return…"))
        self.close_button = QPushButton(self.tr("Close"))
        self.all_button.clicked.connect(self.fill_outstanding)
        self.receive_button.clicked.connect(lambda: self.receive())
        self.return_button.clicked.connect(self.show_return_panel)
        self.close_button.clicked.connect(self.reject)
        for button in (self.all_button, self.return_button, self.close_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        buttons.addWidget(self.receive_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addWidget(self.over_panel)
        layout.addWidget(self.return_panel)
        layout.addLayout(buttons)

    def _return_panel(self) -> QFrame:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.return_label = QLabel()
        self.return_quantity = QSpinBox()
        self.return_quantity.setRange(1, MAX_QUANTITY)
        self.return_reason = QLineEdit()
        self.return_reason.setMaxLength(500)
        self.return_reason.setPlaceholderText(self.tr("Reason (faulty, wrong part…)"))
        self.return_serials = QLineEdit()
        self.return_serials.setPlaceholderText(self.tr("Serials of the units going back"))
        self.confirm_return_button = QPushButton(self.tr("Return to supplier"))
        self.confirm_return_button.clicked.connect(self.return_units)
        row = QHBoxLayout(panel)
        row.addWidget(self.return_label, 1)
        row.addWidget(self.return_quantity)
        row.addWidget(self.return_reason, 1)
        row.addWidget(self.return_serials, 1)
        row.addWidget(self.confirm_return_button)
        panel.hide()
        return panel

    # -- showing ----------------------------------------------------------------------------

    def _show(self, order: OrderDetail) -> None:
        """Show the order as it now stands; typed but unreceived entries start again."""
        self.order = order
        self.setWindowTitle(self.tr("Receive %1").replace("%1", order.number))
        self.heading.setText(
            f"{order.number} · {order.supplier_name} · {order.location_name} · {order.status_label}"
        )
        self.inputs = [LineInputs(line) for line in order.lines]
        self.table.setRowCount(len(order.lines))
        for row, entry in enumerate(self.inputs):
            line = entry.line
            texts = (line.item_name, str(line.quantity), str(line.received), str(line.outstanding))
            for column, value in enumerate(texts):
                self.table.setItem(row, column, QTableWidgetItem(value))
            entry.cost.setPlaceholderText(self._money.show(line.unit_cost))
            for column, widget in enumerate(
                (entry.quantity, entry.cost, entry.lot, entry.expires, entry.serials), start=4
            ):
                self.table.setCellWidget(row, column, widget)
        self.receive_button.setEnabled(order.status in ("ordered", "partial", "received"))

    def fill_outstanding(self) -> None:
        for entry in self.inputs:
            entry.quantity.setValue(entry.line.outstanding)

    def row_of_item(self, item_id: uuid.UUID) -> int | None:
        """The row a unit of the item goes to: the first still expecting units, else the
        first of that item."""
        rows = [row for row, e in enumerate(self.inputs) if e.line.item_id == item_id]
        waiting = [row for row in rows if self.inputs[row].line.outstanding > 0]
        return (waiting or rows or [None])[0]

    # -- scanning -------------------------------------------------------------------------

    def take_scan(self, result: ScanResult) -> bool:
        """Every item scan while receiving belongs to this order: it receives one unit
        into its line, or says the item is not on the order. Items that need a serial or
        expiry count the unit up and wait for those."""
        if result.kind is ScanKind.TICKET:
            return False
        row = self.row_of_item(result.id) if result.id is not None else None
        if row is None:
            if result.kind is ScanKind.ITEM:
                name = self._services.items.get(result.id).name if result.id else result.code
                self._say_problem(self.tr("“%1” is not on this order.").replace("%1", name))
            else:
                self._say_problem(self.tr("No item has the code %1.").replace("%1", result.code))
            return True
        entry = self.inputs[row]
        self.table.selectRow(row)
        if entry.line.serialized or entry.line.track_expiry:
            entry.quantity.setValue(entry.quantity.value() + 1)
            (entry.serials if entry.line.serialized else entry.lot).setFocus()
            self.message.setText(
                self.tr("%1: enter the serial or the lot and expiry, then Receive.").replace(
                    "%1", entry.line.item_name
                )
            )
            return True
        self._scan_one(result.code, "")
        return True

    def _scan_one(self, code: str, reason: str) -> None:
        try:
            scanned = self._services.purchasing.receive_scan(self.order.id, code, reason)
        except OverReceipt as over:
            self._ask_reason(over, lambda why: self._scan_one(code, why))
            return
        except BenchsideError as problem:
            self._say_problem(str(problem))
            return
        line = scanned.order.line(scanned.line_id)
        self._received(scanned.order, {line.item_id})
        self.message.setText(
            self.tr("Received 1 × %1 (%2 of %3).")
            .replace("%1", line.item_name)
            .replace("%2", str(line.received))
            .replace("%3", str(line.quantity))
        )

    # -- receiving typed quantities ----------------------------------------------------------

    def receipts(self) -> list[LineReceipt]:
        """What the rows say arrives now; raises ``ValueError`` naming a bad cost."""
        found = []
        for entry in self.inputs:
            if entry.quantity.value() <= 0:
                continue
            try:
                cost = self._money.parse_optional(entry.cost.text())
            except ValueError:
                raise ValueError(entry.line.item_name) from None
            found.append(
                LineReceipt(
                    entry.line.id,
                    entry.quantity.value(),
                    cost,
                    entry.lot_input(),
                    split_serials(entry.serials.text()),
                )
            )
        return found

    def receive(self, reason: str = "") -> None:
        self.error.hide()
        try:
            receipts = self.receipts()
        except ValueError as bad:
            self._say_problem(
                self.tr("%1: the unit cost is not an amount.").replace("%1", str(bad))
            )
            return
        if not receipts:
            self._say_problem(self.tr("Enter how many units arrived, or scan them."))
            return
        try:
            after = self._services.purchasing.receive(self.order.id, receipts, reason)
        except OverReceipt as over:
            self._ask_reason(over, self.receive)
            return
        except ValidationError as invalid:
            self._say_problem(self._described(invalid))
            return
        except BenchsideError as problem:
            self._say_problem(str(problem))
            return
        units = sum(r.quantity for r in receipts)
        items = {self.order.line(r.line_id).item_id for r in receipts}
        self._received(after, items)
        self.message.setText(self.tr("Received %n unit(s).", "", units))

    def _received(self, after: OrderDetail, item_ids: set[uuid.UUID]) -> None:
        self._hide_over_panel()
        self._show(after)
        self._bus.publish(Changes(stock=frozenset(item_ids), purchase_orders=frozenset({after.id})))

    def _described(self, invalid: ValidationError) -> str:
        """Field messages with the item they concern (``lines.<id>.serials``)."""
        names = {str(line.id): line.item_name for line in self.order.lines}
        messages = []
        for key, message in invalid.errors.items():
            parts = key.split(".")
            name = names.get(parts[1]) if len(parts) > 1 and parts[0] == "lines" else None
            messages.append(f"{name}: {message}" if name else message)
        return "\n".join(messages)

    # -- more than ordered -------------------------------------------------------------------

    def _ask_reason(self, over: OverReceipt, retry: Callable[[str], None]) -> None:
        self.over_text.setText(
            self.tr("More than ordered:")
            + "\n"
            + "\n".join(over.errors.values())
            + "\n"
            + self.tr("Give a reason to accept the extra units.")
        )
        self._retry = retry
        self.over_reason.clear()
        self.over_panel.show()
        self.over_reason.setFocus()

    def accept_over_receipt(self) -> None:
        reason = self.over_reason.text().strip()
        if not reason:
            self.over_reason.setPlaceholderText(self.tr("A reason is required"))
            self.over_reason.setFocus()
            return
        retry, self._retry = self._retry, None
        if retry is not None:
            retry(reason)

    def _hide_over_panel(self) -> None:
        self._retry = None
        self.over_panel.hide()

    # -- returning to the supplier -----------------------------------------------------------

    def show_return_panel(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self._say_problem(self.tr("Choose the line whose units go back."))
            return
        line = self.inputs[row].line
        self.return_label.setText(
            self.tr("%1: %2 can go back")
            .replace("%1", line.item_name)
            .replace("%2", str(line.returnable))
        )
        self.return_quantity.setMaximum(max(line.returnable, 1))
        self.return_serials.setVisible(line.serialized)
        self.return_panel.show()
        self.return_reason.setFocus()

    def return_units(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        line = self.inputs[row].line
        serials = split_serials(self.return_serials.text()) if line.serialized else []
        try:
            after = self._services.purchasing.return_to_supplier(
                self.order.id,
                line.id,
                self.return_quantity.value(),
                self.return_reason.text(),
                serials,
            )
        except ValidationError as invalid:
            self._say_problem("\n".join(invalid.errors.values()))
            return
        except BenchsideError as problem:
            self._say_problem(str(problem))
            return
        self.return_panel.hide()
        self.return_reason.clear()
        self.return_serials.clear()
        self._received(after, {line.item_id})
        self.message.setText(
            self.tr("%n unit(s) returned to the supplier.", "", self.return_quantity.value())
        )

    def _say_problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
