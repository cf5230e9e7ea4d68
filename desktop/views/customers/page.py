"""The customers screen: search as you type, the list, and the chosen customer."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
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
from desktop.services.errors import BenchsideError, NotFound
from desktop.services.invoice_lists import CustomerAccount
from desktop.services.permissions import Permission
from desktop.views.bus import DataBus
from desktop.views.customers.account import StoreCreditDialog
from desktop.views.customers.detail import CustomerDetailPane
from desktop.views.customers.device_editor import DeviceEditor
from desktop.views.customers.editor import CustomerEditor
from desktop.views.customers.merge import MergeDialog
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.itemmodels.customers import BLOCK_SIZE, CustomerTableModel
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 150


class CustomersPage(QWidget):
    results_shown = Signal(int)  # number of customers in the list
    new_ticket_requested = Signal(object, object)  # customer id, device id or None
    document_requested = Signal(object)  # a sales document of the customer's account

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
        self.current_id: uuid.UUID | None = None
        self.dialog: QDialog | None = None  # the editor or merge dialog last opened

        self.model = CustomerTableModel(services.customers, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search customers: name, phone, email, company"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        self.count_label = QLabel()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((200, 150, 140)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_customer())

        self.money = ShopMoney(services)
        self.detail = CustomerDetailPane(self.money)
        self.detail.account.document_requested.connect(self.document_requested)
        self.detail.account.store_credit_requested.connect(lambda: self.give_store_credit())
        self.detail.add_device_requested.connect(lambda: self.edit_device(None))
        self.detail.edit_device_requested.connect(self.edit_device)
        self.detail.new_ticket_requested.connect(self.new_ticket_requested)

        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setToolTip(self.tr("New customer (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("Edit"))
        self.merge_button = QPushButton(self.tr("Merge…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button.clicked.connect(self.edit_customer)
        self.merge_button.clicked.connect(self.merge_customer)
        self.delete_button.clicked.connect(self.delete_customer)
        QShortcut(
            QKeySequence.StandardKey.New,
            self,
            self.new_customer,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.merge_button)
        top.addWidget(self.delete_button)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        bus.data_changed.connect(self._on_bus_data_changed)
        self._update_buttons()
        self.run_search()

    # -- searching --------------------------------------------------------------------

    def run_search(self) -> None:
        """Count and read the first block off the GUI thread, then show them."""
        self._timer.stop()
        query = self.search.text()
        customers = self._services.customers

        def work() -> tuple[int, list[object]]:
            return customers.count(query), customers.page(query, limit=BLOCK_SIZE)

        self._tasks.run(work, lambda found: self._show_results(query, *found), self._show_error)

    def _show_results(self, query: str, total: int, first: list) -> None:  # type: ignore[type-arg]
        if query != self.search.text():
            return  # the user typed on; a newer search is on its way
        self.model.apply_result(query, total, first)
        self.count_label.setText(self.tr("%n customer(s)", "", total))
        self._reselect()
        self.results_shown.emit(total)

    def _reselect(self) -> None:
        row = self.model.row_of(self.current_id) if self.current_id else None
        if row is not None:
            self.table.selectRow(row)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.customers:
            self.run_search()
        if self.current_id is not None and (
            changes.everything or changes.devices or self.current_id in changes.customers
        ):
            self.open_customer(self.current_id)
        elif self.current_id is not None and changes.documents:
            self.load_account(self.current_id)

    # -- the chosen customer ----------------------------------------------------------

    def _on_table_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            customer_id = self.model.customer_id(indexes[0].row())
            if customer_id is not None and customer_id != self.current_id:
                self.open_customer(customer_id)

    def open_customer(self, customer_id: uuid.UUID) -> None:
        """Show this customer in the detail pane (and select it if it is in the list)."""
        try:
            customer = self._services.customers.get(customer_id)
            devices = self._services.devices.for_customer(customer_id)
        except NotFound:
            self.current_id = None
            self.detail.show_customer(None, [])
            self._update_buttons()
            return
        self.current_id = customer_id
        self.detail.show_customer(customer, devices)
        self.load_account(customer_id)
        row = self.model.row_of(customer_id)
        if row is not None and self.table.currentIndex().row() != row:
            self.table.selectRow(row)
        self._update_buttons()

    def load_account(self, customer_id: uuid.UUID) -> None:
        """Read what the customer owes and their documents off the GUI thread."""
        invoices = self._services.invoices
        self._tasks.run(
            lambda: invoices.customer_account(customer_id),
            self._on_account_loaded,
            self._on_account_failed,
            owner=self,
        )

    def _on_account_loaded(self, account: CustomerAccount) -> None:
        if account.customer_id == self.current_id:
            self.detail.account.show_account(account)

    def _on_account_failed(self, problem: Exception) -> None:
        if not isinstance(problem, NotFound):  # a customer deleted meanwhile shows nothing
            self._show_error(problem)

    def give_store_credit(self) -> StoreCreditDialog | None:
        if self.current_id is None or not self._services.ctx.can(Permission.ISSUE_STORE_CREDIT):
            return None
        dialog = StoreCreditDialog(self._services, self.current_id, self.money, self)
        customer_id = self.current_id
        dialog.accepted.connect(
            lambda: self._bus.publish(Changes(customers=frozenset({customer_id})))
        )
        self._open_dialog(dialog)
        return dialog

    def scroll_to_end(self) -> None:
        """Scroll to the last customer, reading its rows (once the list is loaded)."""
        self.table.scrollToBottom()
        # Paint now so the rows at the end are actually read, not just scrolled to.
        self.table.viewport().grab()

    def _update_buttons(self) -> None:
        can = self._services.ctx.can
        chosen = self.current_id is not None
        self.new_button.setEnabled(can(Permission.EDIT_CUSTOMERS))
        self.edit_button.setEnabled(chosen and can(Permission.EDIT_CUSTOMERS))
        self.merge_button.setVisible(can(Permission.MERGE_CUSTOMERS))
        self.merge_button.setEnabled(chosen)
        self.delete_button.setVisible(can(Permission.DELETE_CUSTOMERS))
        self.delete_button.setEnabled(chosen)
        self.detail.add_device_button.setEnabled(can(Permission.EDIT_CUSTOMERS))
        self.detail.account.store_credit_button.setVisible(can(Permission.ISSUE_STORE_CREDIT))

    def _show_error(self, problem: Exception) -> None:
        if not isinstance(problem, BenchsideError):
            raise problem
        QMessageBox.warning(self, self.tr("Customers"), str(problem))

    # -- actions ----------------------------------------------------------------------

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_customer(self) -> CustomerEditor:
        editor = CustomerEditor(self._services, self._bus, parent=self)
        editor.customer_saved.connect(lambda saved: self.open_customer(saved.id))
        editor.existing_chosen.connect(self.open_customer)
        self._open_dialog(editor)
        return editor

    def edit_customer(self) -> CustomerEditor | None:
        if self.current_id is None:
            return None
        editor = CustomerEditor(self._services, self._bus, self.current_id, parent=self)
        self._open_dialog(editor)
        return editor

    def edit_device(self, device_id: uuid.UUID | None) -> DeviceEditor | None:
        if self.current_id is None:
            return None
        editor = DeviceEditor(self._services, self.current_id, self._bus, device_id, parent=self)
        self._open_dialog(editor)
        return editor

    def merge_customer(self) -> MergeDialog | None:
        if self.current_id is None or not self._services.ctx.can(Permission.MERGE_CUSTOMERS):
            return None
        dialog = MergeDialog(self._services, self._tasks, self.current_id, self._bus, self)
        self._open_dialog(dialog)
        return dialog

    def delete_customer(self, confirm: bool = True) -> None:
        customer = self.detail.customer
        if customer is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete customer"),
                self.tr("Delete %1? This cannot be undone.").replace("%1", customer.name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self._services.customers.delete(customer.id)
        except BenchsideError as problem:
            self._show_error(problem)
            return
        self.current_id = None
        self.detail.show_customer(None, [])
        self._bus.publish(Changes(customers=frozenset({customer.id})))
