"""The purchase orders tab: orders by status, and the way into drafting (by hand or from
reorder suggestions), receiving, printing and emailing them."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.permissions import Permission
from desktop.services.purchase_orders import OrderSummary
from desktop.views.bus import DataBus
from desktop.views.formatting import local_date
from desktop.views.forms import read_only_rows
from desktop.views.inventory.labels import PrintLabelsDialog
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.inventory.purchase_order_editor import PurchaseOrderEditor
from desktop.views.inventory.receiving import ReceiveDialog
from desktop.views.inventory.reorder_dialog import ReorderDialog
from desktop.views.itemmodels.rows import RowsTableModel
from desktop.views.printing.printer import DocumentPrinter
from desktop.views.tasks import TaskRunner

RECEIVABLE = ("ordered", "partial", "received")


class PurchaseOrdersTab(QWidget):
    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self._money = ShopMoney(services)
        self.dialog: QDialog | None = None  # the editor or dialog last opened
        self.printer = DocumentPrinter(services, tasks, self)
        self.printer.printed.connect(self._on_printer_printed)
        self.printer.failed.connect(self._on_printer_printed)

        self.status_labels = {
            "draft": self.tr("Draft"),
            "ordered": self.tr("Ordered"),
            "partial": self.tr("Partly received"),
            "received": self.tr("Received"),
            "closed": self.tr("Closed"),
            "cancelled": self.tr("Cancelled"),
        }
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("All orders"), None)
        for status, label in self.status_labels.items():
            self.status_filter.addItem(label, status)
        self.status_filter.currentIndexChanged.connect(lambda _index: self.reload())
        self.model: RowsTableModel[OrderSummary] = RowsTableModel(
            (
                self.tr("Number"),
                self.tr("Supplier"),
                self.tr("Status"),
                self.tr("Lines"),
                self.tr("Total"),
                self.tr("Created"),
                self.tr("Expected"),
            ),
            self._cells,
            right_aligned=(3, 4),
            parent=self,
        )
        self.table = read_only_rows(QTableView())
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 220)
        self.table.doubleClicked.connect(lambda _index: self.open_order())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.new_button = QPushButton(self.tr("New order"))
        self.suggest_button = QPushButton(self.tr("Reorder suggestions…"))
        self.open_button = QPushButton(self.tr("Open"))
        self.receive_button = QPushButton(self.tr("Receive…"))
        self.print_button = QPushButton(self.tr("Print"))
        self.preview_button = QPushButton(self.tr("Preview"))
        self.email_button = QPushButton(self.tr("Email to supplier"))
        self.labels_button = QPushButton(self.tr("Print labels…"))
        self.labels_button.setToolTip(self.tr("Price labels for the units received"))
        self.new_button.clicked.connect(lambda: self.new_order())
        self.suggest_button.clicked.connect(lambda: self.open_suggestions())
        self.open_button.clicked.connect(lambda: self.open_order())
        self.receive_button.clicked.connect(lambda: self.receive_order())
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.email_button.clicked.connect(self.email_order)
        self.labels_button.clicked.connect(lambda: self.print_labels())
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show")))
        top.addWidget(self.status_filter)
        top.addStretch(1)
        for button in (self.new_button, self.suggest_button):
            top.addWidget(button)
        bottom = QHBoxLayout()
        for button in (
            self.open_button,
            self.receive_button,
            self.print_button,
            self.preview_button,
            self.email_button,
            self.labels_button,
        ):
            bottom.addWidget(button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        bus.data_changed.connect(self._on_bus_data_changed)
        self._update_buttons()
        self.reload()

    def _cells(self, order: OrderSummary) -> tuple[str, ...]:
        return (
            order.number,
            order.supplier_name,
            self.status_labels[order.status],
            str(order.line_count),
            self._money.show(order.total),
            local_date(order.created_at),
            order.expected_on.isoformat() if order.expected_on else "",
        )

    # -- the list -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the orders of the chosen status off the GUI thread, keeping the selection."""
        status = self.status_filter.currentData()
        purchasing = self._services.purchasing
        self._tasks.run(
            lambda: purchasing.list(status=status),
            lambda rows: self._show(status, rows),
            self._show_error,
            owner=self,
        )

    def _show(self, status: str | None, rows: list[OrderSummary]) -> None:
        if status != self.status_filter.currentData():
            return  # the filter changed meanwhile; its own reload follows
        chosen = self.current()
        self.model.set_rows(rows)
        row = self.model.row_of(chosen.id) if chosen is not None else None
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def current(self) -> OrderSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_record(rows[0].row()) if rows else None

    def select_order(self, order_id: uuid.UUID) -> None:
        row = self.model.row_of(order_id)
        if row is not None:
            self.table.selectRow(row)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.purchase_orders or changes.suppliers:
            self.reload()

    def _update_buttons(self) -> None:
        can_order = self._services.ctx.can(Permission.ORDER_STOCK)
        chosen = self.current()
        self.new_button.setEnabled(can_order)
        self.suggest_button.setEnabled(can_order)
        self.open_button.setEnabled(chosen is not None)
        self.receive_button.setEnabled(
            chosen is not None
            and chosen.status in RECEIVABLE
            and self._services.ctx.can(Permission.RECEIVE_STOCK)
        )
        live = chosen is not None and chosen.status != "cancelled"
        self.print_button.setEnabled(live)
        self.preview_button.setEnabled(live)
        self.email_button.setEnabled(live and can_order)
        self.labels_button.setEnabled(
            chosen is not None and chosen.status in {"partial", "received", "closed"}
        )

    def _show_error(self, problem: Exception) -> None:
        if not isinstance(problem, BenchsideError):
            raise problem
        self.message.setText(str(problem))

    # -- dialogs -------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_order(self) -> PurchaseOrderEditor:
        editor = PurchaseOrderEditor(self._services, self._bus, self._tasks, None, self)
        self._open(editor)
        return editor

    def open_order(self, order_id: uuid.UUID | None = None) -> PurchaseOrderEditor | None:
        chosen = self.current()
        order_id = order_id or (chosen.id if chosen is not None else None)
        if order_id is None:
            return None
        editor = PurchaseOrderEditor(self._services, self._bus, self._tasks, order_id, self)
        self._open(editor)
        return editor

    def open_suggestions(self) -> ReorderDialog:
        dialog = ReorderDialog(self._services, self._bus, self._tasks, self)
        dialog.accepted.connect(lambda: self._on_drafts_created(dialog))
        self._open(dialog)
        return dialog

    def _on_drafts_created(self, dialog: ReorderDialog) -> None:
        self.message.setText(
            self.tr(
                "%n draft order(s) created: check them, then mark them as ordered.",
                "",
                len(dialog.created),
            )
        )

    def receive_order(self) -> ReceiveDialog | None:
        chosen = self.current()
        if chosen is None or chosen.status not in RECEIVABLE:
            return None
        dialog = ReceiveDialog(self._services, self._bus, chosen.id, self)
        self._open(dialog)
        return dialog

    def print_labels(self) -> PrintLabelsDialog | None:
        """Price labels for what the chosen order brought in: one per unit received (less
        any sent back)."""
        chosen = self.current()
        if chosen is None:
            return None
        order = self._services.purchasing.get(chosen.id)
        units: dict[uuid.UUID, int] = {}
        for line in order.lines:
            units[line.item_id] = units.get(line.item_id, 0) + line.received - line.returned
        arrived = {item_id: count for item_id, count in units.items() if count > 0}
        if not arrived:
            self.message.setText(self.tr("Nothing has arrived on this order yet."))
            return None
        dialog = PrintLabelsDialog(self._services, list(arrived), self, quantities=arrived)
        dialog.job_ready.connect(self.printer.print_job)
        self._open(dialog)
        return dialog

    # -- sending ----------------------------------------------------------------------------------

    def _on_print_button_clicked(self) -> None:
        chosen = self.current()
        if chosen is not None:
            self.printer.print_purchase_order(chosen.id)

    def _on_preview_button_clicked(self) -> None:
        chosen = self.current()
        if chosen is not None:
            self.printer.preview_purchase_order(chosen.id)

    def _on_printer_printed(self, message: str) -> None:
        self.message.setText(message)

    def email_order(self) -> None:
        """Queue the chosen order to its supplier's address; the outbox sends it."""
        chosen = self.current()
        if chosen is None:
            return
        try:
            address = self._services.purchasing.email(chosen.id)
        except BenchsideError as problem:
            detail = getattr(problem, "errors", None)
            self.message.setText("\n".join(detail.values()) if detail else str(problem))
            return
        self.message.setText(
            self.tr("%1 queued for %2; it is sent when online.")
            .replace("%1", chosen.number)
            .replace("%2", address)
        )
        # Any news but the outbox's own wakes the sender, so the email leaves soon.
        self._bus.publish(Changes(purchase_orders=frozenset({chosen.id})))
