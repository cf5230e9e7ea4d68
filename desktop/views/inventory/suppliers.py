"""The suppliers tab: the list, and an editor with the supplier's contacts and the items
it supplies (part numbers, costs, and whether it is the item's preferred supplier)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.items import ItemSummary
from desktop.services.permissions import Permission
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.services.suppliers import (
    MAX_LEAD_TIME_DAYS,
    SuppliedItem,
    SupplierDetail,
    SupplierInput,
)
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, read_only_rows, row_widget, with_error
from desktop.views.inventory.item_picker import ItemPicker
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.itemmodels.rows import RowsTableModel
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 150


class SuppliersTab(QWidget):
    """Search, list, add, edit, archive and restore suppliers."""

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
        self.editor: SupplierEditor | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search suppliers by name or contact"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._timer.start)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.toggled.connect(self.reload)
        self.model: RowsTableModel[SupplierDetail] = RowsTableModel(
            (
                self.tr("Name"),
                self.tr("Contact"),
                self.tr("Phone"),
                self.tr("Email"),
                self.tr("Lead time"),
                self.tr("Status"),
            ),
            self._cells,
            parent=self,
        )
        self.table = read_only_rows(QTableView())
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 220)
        self.table.doubleClicked.connect(lambda _index: self.edit_supplier())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.new_button = QPushButton(self.tr("New supplier"))
        self.edit_button = QPushButton(self.tr("Edit"))
        self.archive_button = QPushButton(self.tr("Archive"))
        self.new_button.clicked.connect(self.new_supplier)
        self.edit_button.clicked.connect(self.edit_supplier)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.message = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        for button in (self.new_button, self.edit_button, self.archive_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        bus.data_changed.connect(self._on_bus_data_changed)
        self._update_buttons()
        self.reload()

    def _cells(self, s: SupplierDetail) -> tuple[str, ...]:
        lead = self.tr("%n day(s)", "", s.lead_time_days) if s.lead_time_days else ""
        status = self.tr("Active") if s.active else self.tr("Archived")
        return (s.name, s.contact_name, s.phone, s.email, lead, status)

    def reload(self) -> None:
        """Read the list off the GUI thread, then show it keeping the selection."""
        self._timer.stop()
        text, archived = self.search.text(), self.show_archived.isChecked()
        suppliers = self._services.suppliers
        self._tasks.run(
            lambda: suppliers.list(text, include_archived=archived),
            lambda rows: self._show(text, rows),
            self._show_error,
            owner=self,
        )

    def _show(self, text: str, rows: list[SupplierDetail]) -> None:
        if text != self.search.text():
            return  # a newer search is on its way
        chosen = self.current()
        self.model.set_rows(rows)
        row = self.model.row_of(chosen.id) if chosen is not None else None
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def current(self) -> SupplierDetail | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_record(rows[0].row()) if rows else None

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.suppliers:
            self.reload()

    def _update_buttons(self) -> None:
        can_order = self._services.ctx.can(Permission.ORDER_STOCK)
        chosen = self.current()
        self.new_button.setEnabled(can_order)
        self.edit_button.setEnabled(chosen is not None)
        self.archive_button.setEnabled(can_order and chosen is not None)
        restore = chosen is not None and not chosen.active
        self.archive_button.setText(self.tr("Restore") if restore else self.tr("Archive"))

    def _show_error(self, problem: Exception) -> None:
        if not isinstance(problem, BenchsideError):
            raise problem
        self.message.setText(str(problem))

    # -- actions ----------------------------------------------------------------------

    def new_supplier(self) -> SupplierEditor:
        return self._open(None)

    def edit_supplier(self) -> SupplierEditor | None:
        chosen = self.current()
        return self._open(chosen.id) if chosen is not None else None

    def _open(self, supplier_id: uuid.UUID | None) -> SupplierEditor:
        editor = SupplierEditor(self._services, self._bus, self._tasks, supplier_id, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.editor = editor
        editor.open()
        return editor

    def toggle_archived(self) -> None:
        chosen = self.current()
        if chosen is None:
            return
        suppliers = self._services.suppliers
        try:
            if chosen.active:
                suppliers.archive(chosen.id)
            else:
                suppliers.restore(chosen.id)
        except BenchsideError as problem:
            self._show_error(problem)
            return
        self._bus.publish(Changes(suppliers=True))


class SupplierEditor(QDialog):
    """A new or existing supplier. The items it supplies are edited once it exists: a new
    supplier's first save keeps the dialog open on the items."""

    supplier_saved = Signal(object)  # SupplierDetail

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        tasks: TaskRunner,
        supplier_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self._money = ShopMoney(services)
        self.supplier_id = supplier_id
        self.saved: SupplierDetail | None = None
        self.setMinimumWidth(640)
        self._build()
        if supplier_id is not None:
            self._load(services.suppliers.get(supplier_id))
        self._update_state()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.errors = FieldErrors(error_label())
        self.name = QLineEdit()
        self.contact_name = QLineEdit()
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setFixedHeight(54)
        self.terms = QLineEdit()
        self.terms.setPlaceholderText(self.tr("e.g. 30 days net"))
        self.lead_time = QSpinBox()
        self.lead_time.setRange(0, MAX_LEAD_TIME_DAYS)
        self.lead_time.setSuffix(self.tr(" days"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(54)
        form = QFormLayout()
        for field, title, widget in (
            ("name", self.tr("Name"), self.name),
            ("contact_name", self.tr("Contact"), self.contact_name),
            ("phone", self.tr("Phone"), self.phone),
            ("email", self.tr("Email"), self.email),
            ("address", self.tr("Address"), self.address),
            ("terms", self.tr("Payment terms"), self.terms),
            ("lead_time_days", self.tr("Lead time"), self.lead_time),
            ("notes", self.tr("Notes"), self.notes),
        ):
            form.addRow(title, with_error(self.errors, field, widget))
        self.items_box = self._items_box()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.items_box, 1)
        layout.addWidget(self.buttons)

    def _items_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Items supplied"))
        self.picker = ItemPicker(self._services, self._tasks)
        self.picker.item_chosen.connect(self._on_picker_item_chosen)
        self._chosen_id: uuid.UUID | None = None  # the item whose link is being edited
        self.chosen_label = QLabel()
        self.supplier_sku = QLineEdit()
        self.supplier_sku.setPlaceholderText(self.tr("Supplier's part number"))
        self.supplier_sku.setMaxLength(64)
        self.cost = QLineEdit()
        self.cost.setPlaceholderText(self.tr("Cost"))
        self.cost.setMaximumWidth(110)
        self.preferred = QCheckBox(self.tr("Preferred supplier"))
        self.link_button = QPushButton(self.tr("Save item"))
        self.link_button.setAutoDefault(False)
        self.link_button.clicked.connect(self.link_item)
        self.unlink_button = QPushButton(self.tr("Remove item"))
        self.unlink_button.setAutoDefault(False)
        self.unlink_button.clicked.connect(self.unlink_item)
        self.link_errors = FieldErrors(error_label())
        row = QHBoxLayout()
        row.addWidget(self.chosen_label, 1)
        row.addWidget(with_error(self.link_errors, "supplier_sku", self.supplier_sku))
        row.addWidget(with_error(self.link_errors, "cost_price", self.cost))
        row.addWidget(self.preferred)
        row.addWidget(self.link_button)
        row.addWidget(self.unlink_button)
        self.items = QTableWidget(0, 5)
        self.items.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("SKU"),
                self.tr("Supplier part"),
                self.tr("Cost"),
                self.tr("Preferred"),
            ]
        )
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.verticalHeader().hide()
        self.items.horizontalHeader().setStretchLastSection(True)
        self.items.setColumnWidth(0, 220)
        self.items.itemSelectionChanged.connect(self._on_items_selection_changed)
        self.items_hint = QLabel(
            self.tr("Save the supplier first, then add the items it supplies.")
        )
        layout = QVBoxLayout(box)
        layout.addWidget(self.items_hint)
        layout.addWidget(self.picker)
        layout.addWidget(row_widget(row))
        layout.addWidget(self.link_errors.general)
        layout.addWidget(self.items, 1)
        self.supplied: list[SuppliedItem] = []
        return box

    # -- the supplier ---------------------------------------------------------------------

    def _load(self, supplier: SupplierDetail) -> None:
        self.setWindowTitle(supplier.name)
        self.name.setText(supplier.name)
        self.contact_name.setText(supplier.contact_name)
        self.phone.setText(supplier.phone)
        self.email.setText(supplier.email)
        self.address.setPlainText(supplier.address)
        self.terms.setText(supplier.terms)
        self.lead_time.setValue(supplier.lead_time_days)
        self.notes.setPlainText(supplier.notes)
        self._load_items()

    def supplier_input(self) -> SupplierInput:
        return SupplierInput(
            name=self.name.text(),
            contact_name=self.contact_name.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.toPlainText(),
            terms=self.terms.text(),
            lead_time_days=self.lead_time.value(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        """Save; a new supplier stays open to add its items, an existing one closes."""
        self.errors.clear()
        suppliers = self._services.suppliers
        created = self.supplier_id is None
        try:
            if self.supplier_id is None:
                saved = suppliers.create(self.supplier_input())
            else:
                saved = suppliers.update(self.supplier_id, self.supplier_input())
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.saved = saved
        self.supplier_id = saved.id
        self.setWindowTitle(saved.name)
        self._bus.publish(Changes(suppliers=True))
        self.supplier_saved.emit(saved)
        self._update_state()
        if not created:
            self.accept()

    def _update_state(self) -> None:
        can_order = self._services.ctx.can(Permission.ORDER_STOCK)
        exists = self.supplier_id is not None
        if not exists:
            self.setWindowTitle(self.tr("New supplier"))
        self.save_button.setEnabled(can_order)
        self.items_hint.setVisible(not exists)
        for widget in (self.picker, self.supplier_sku, self.cost, self.preferred):
            widget.setEnabled(exists and can_order)
        self.link_button.setEnabled(exists and can_order and self._chosen_id is not None)
        self.unlink_button.setEnabled(exists and can_order and self._selected_link() is not None)

    # -- the items it supplies ----------------------------------------------------------------

    def take_scan(self, result: ScanResult) -> bool:
        """A scanned item becomes the item to link, as if picked from the list."""
        if result.kind is not ScanKind.ITEM or result.id is None or self.supplier_id is None:
            return False
        self._choose(result.id, self._services.items.get(result.id).name)
        return True

    def _load_items(self) -> None:
        assert self.supplier_id is not None
        self.supplied = self._services.suppliers.items_of(self.supplier_id)
        self.items.setRowCount(len(self.supplied))
        for row, link in enumerate(self.supplied):
            cells = (
                link.item_name,
                link.sku,
                link.supplier_sku,
                self._money.show(link.cost_price),
                self.tr("Yes") if link.preferred else "",
            )
            for column, value in enumerate(cells):
                self.items.setItem(row, column, QTableWidgetItem(value))
        self._update_state()

    def _selected_link(self) -> SuppliedItem | None:
        rows = self.items.selectionModel().selectedRows()
        return self.supplied[rows[0].row()] if rows else None

    def _on_items_selection_changed(self) -> None:
        link = self._selected_link()
        if link is not None:
            self._show_choice(link.item_id, link.item_name)
        self._update_state()

    def _on_picker_item_chosen(self, item: ItemSummary) -> None:
        self._choose(item.id, item.name)

    def _choose(self, item_id: uuid.UUID, name: str) -> None:
        self.items.clearSelection()
        self._show_choice(item_id, name)
        self._update_state()
        self.supplier_sku.setFocus()

    def _show_choice(self, item_id: uuid.UUID, name: str) -> None:
        """Fill the link fields for the item: what is on record, or empty for a new one."""
        known = next((x for x in self.supplied if x.item_id == item_id), None)
        self._chosen_id = item_id
        self.chosen_label.setText(name)
        self.supplier_sku.setText(known.supplier_sku if known else "")
        self.cost.setText(self._money.show(known.cost_price) if known else "")
        self.preferred.setChecked(known.preferred if known else False)

    def link_item(self) -> None:
        """Save the chosen item's part number, cost and preference for this supplier."""
        item_id = self._chosen_id
        if self.supplier_id is None or item_id is None:
            return
        self.link_errors.clear()
        try:
            cost = self._money.parse_optional(self.cost.text())
        except ValueError:
            self.link_errors.show({"cost_price": self.tr("This is not an amount.")})
            return
        try:
            self._services.suppliers.link_item(
                self.supplier_id,
                item_id,
                self.supplier_sku.text(),
                cost,
                self.preferred.isChecked(),
            )
        except ValidationError as invalid:
            self.link_errors.show(invalid.errors)
            return
        except BenchsideError as problem:
            self.link_errors.show_general(str(problem))
            return
        self._forget_choice()
        self._bus.publish(Changes(suppliers=True, items=frozenset({item_id})))
        self._load_items()

    def unlink_item(self) -> None:
        link = self._selected_link()
        if link is None or self.supplier_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove item"),
            self.tr("%1 no longer comes from this supplier?").replace("%1", link.item_name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.remove_link(link)

    def remove_link(self, link: SuppliedItem) -> None:
        assert self.supplier_id is not None
        try:
            self._services.suppliers.unlink_item(self.supplier_id, link.item_id)
        except BenchsideError as problem:
            self.link_errors.show_general(str(problem))
            return
        self._forget_choice()
        self._bus.publish(Changes(suppliers=True, items=frozenset({link.item_id})))
        self._load_items()

    def _forget_choice(self) -> None:
        self._chosen_id = None
        self.chosen_label.clear()
        self.supplier_sku.clear()
        self.cost.clear()
        self.preferred.setChecked(False)
