"""The items tab: search as you type, filters, the lazy list, and the chosen item's panel."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError
from desktop.services.item_lists import MAX_EXPIRY_DAYS, ItemFilter, ItemRow
from desktop.services.money import format_money
from desktop.services.permissions import Permission
from desktop.views.bus import DataBus
from desktop.views.inventory.editor import ItemEditor
from desktop.views.inventory.labels import PrintLabelsDialog
from desktop.views.inventory.panel import ItemPanel
from desktop.views.itemmodels.items import BLOCK_SIZE, ItemTableModel
from desktop.views.tasks import TaskRunner

DEBOUNCE_MS = 150
DEFAULT_EXPIRY_DAYS = 30


class ItemsTab(QWidget):
    results_shown = Signal(int)  # items in the list
    labels_ready = Signal(object)  # a PrintJob of item labels, for the window to print
    item_shown = Signal(object)  # the item id selected and shown in the panel

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
        self.dialog: QDialog | None = None  # the editor or labels dialog last opened
        shop = services.shop.profile()
        self.model = ItemTableModel(
            services.item_lists, lambda amount: format_money(amount, shop.currency, shop.locale)
        )
        self.model.setParent(self)
        self._build()
        bus.data_changed.connect(self._on_bus_data_changed)
        self._update_buttons()
        self.fill_pick_lists()
        self.run_search()

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            self.tr("Search items: name, SKU, barcode, brand, fits model")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        self.category = QComboBox()
        self.supplier = QComboBox()
        self.low_stock = QCheckBox(self.tr("Low"))
        self.out_of_stock = QCheckBox(self.tr("Out of stock"))
        self.negative_stock = QCheckBox(self.tr("Negative"))
        self.expiring = QCheckBox(self.tr("Expiring within"))
        self.expiry_days = QSpinBox()
        self.expiry_days.setRange(0, MAX_EXPIRY_DAYS)
        self.expiry_days.setValue(DEFAULT_EXPIRY_DAYS)
        self.expiry_days.setSuffix(self.tr(" days"))
        self.archived = QCheckBox(self.tr("Archived too"))
        for box in (
            self.low_stock,
            self.out_of_stock,
            self.negative_stock,
            self.expiring,
            self.archived,
        ):
            box.toggled.connect(self._timer.start)
        self.category.currentIndexChanged.connect(self._timer.start)
        self.supplier.currentIndexChanged.connect(self._timer.start)
        self.expiry_days.valueChanged.connect(self._on_expiry_days_value_changed)
        self.count_label = QLabel()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((260, 130, 120, 70, 90)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_item())

        self.panel = ItemPanel(self._services, self._bus)
        self.panel.edit_requested.connect(self.edit_item)
        self.panel.labels_requested.connect(lambda item_id: self.print_labels([item_id]))

        self.new_button = QPushButton(self.tr("New item"))
        self.new_button.setToolTip(self.tr("New item (Ctrl+N)"))
        self.new_button.clicked.connect(lambda: self.new_item())
        self.labels_button = QPushButton(self.tr("Print labels…"))
        self.labels_button.setToolTip(self.tr("Price labels of the items selected in the list"))
        self.labels_button.clicked.connect(lambda: self.print_labels())
        QShortcut(
            QKeySequence.StandardKey.New,
            self,
            lambda: self.new_item(),
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        top.addWidget(self.labels_button)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Category")))
        filters.addWidget(self.category)
        filters.addWidget(QLabel(self.tr("Supplier")))
        filters.addWidget(self.supplier)
        for widget in (
            self.low_stock,
            self.out_of_stock,
            self.negative_stock,
            self.expiring,
            self.expiry_days,
            self.archived,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

    def fill_pick_lists(self) -> None:
        """Categories and suppliers to filter by, keeping the current choice."""
        lists = self._services.item_lists
        category = self.category.currentData()
        supplier = self.supplier.currentData()
        for combo in (self.category, self.supplier):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("All"), None)
        for name in lists.categories():
            self.category.addItem(name, name)
        for choice in lists.suppliers():
            self.supplier.addItem(choice.name, choice.id)
        for combo, value in ((self.category, category), (self.supplier, supplier)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)

    # -- searching --------------------------------------------------------------------

    def item_filter(self) -> ItemFilter:
        return ItemFilter(
            text=self.search.text(),
            category=self.category.currentData() or "",
            supplier_id=self.supplier.currentData(),
            low_stock=self.low_stock.isChecked(),
            out_of_stock=self.out_of_stock.isChecked(),
            negative_stock=self.negative_stock.isChecked(),
            expiring_within_days=self.expiry_days.value() if self.expiring.isChecked() else None,
            include_archived=self.archived.isChecked(),
        )

    def _on_expiry_days_value_changed(self, _days: int) -> None:
        if self.expiring.isChecked():
            self._timer.start()

    def run_search(self, then_select: uuid.UUID | None = None) -> None:
        """Count and read the first block off the GUI thread, then show them (and select
        ``then_select`` when it is among them)."""
        self._timer.stop()
        chosen = self.item_filter()
        lists = self._services.item_lists

        def work() -> tuple[int, list[ItemRow]]:
            return lists.count(chosen), lists.page(chosen, limit=BLOCK_SIZE)

        self._tasks.run(
            work,
            lambda found: self._show_results(chosen, *found, then_select),
            self._show_error,
            owner=self,
        )

    def _show_results(
        self, chosen: ItemFilter, total: int, first: list[ItemRow], select: uuid.UUID | None
    ) -> None:
        if chosen != self.item_filter():
            return  # the user typed on; a newer search is on its way
        self.model.apply_result(chosen, total, first)
        self.count_label.setText(self.tr("%n item(s)", "", total))
        self.select_item(select or self.current_id)
        self.results_shown.emit(total)

    def select_item(self, item_id: uuid.UUID | None) -> bool:
        """Select the item's row when the list holds it, and scroll it into view."""
        row = self.model.row_of(item_id) if item_id is not None else None
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def show_item(self, item_id: uuid.UUID, code: str = "") -> None:
        """Show this item in the panel and select it in the list; when the list's filter
        hides it, search for ``code`` (what was scanned) so it is the row shown."""
        self.open_item(item_id)
        if self.select_item(item_id):
            return
        for box in (self.low_stock, self.out_of_stock, self.negative_stock, self.expiring):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        for combo in (self.category, self.supplier):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.archived.blockSignals(True)
        self.archived.setChecked(self.panel.item is not None and not self.panel.item.active)
        self.archived.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(code or (self.panel.item.sku if self.panel.item else ""))
        self.search.blockSignals(False)
        self.run_search(then_select=item_id)

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.items:
            self.fill_pick_lists()
        if changes.everything or changes.items or changes.stock:
            self.run_search()
        if changes.users or changes.everything:
            self._update_buttons()

    def _on_table_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        row = index.row() if index.isValid() and rows else (rows[0].row() if rows else -1)
        item_id = self.model.item_id(row) if row >= 0 else None
        if item_id is not None and item_id != self.current_id:
            self.open_item(item_id)

    def open_item(self, item_id: uuid.UUID) -> None:
        self.current_id = item_id
        self.panel.show_item(item_id)
        if self.panel.item is None:
            self.current_id = None
        self.item_shown.emit(self.current_id)

    def selected_ids(self) -> list[uuid.UUID]:
        """The items selected in the list, in list order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = [self.model.item_id(row) for row in rows]
        return [item_id for item_id in ids if item_id is not None]

    def _update_buttons(self) -> None:
        self.new_button.setEnabled(self._services.ctx.can(Permission.EDIT_ITEMS))

    def _show_error(self, problem: Exception) -> None:
        if not isinstance(problem, BenchsideError):
            raise problem
        QMessageBox.warning(self, self.tr("Inventory"), str(problem))

    # -- actions ----------------------------------------------------------------------

    def _open_dialog(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_item(self, barcode: str = "") -> ItemEditor | None:
        if not self._services.ctx.can(Permission.EDIT_ITEMS):
            return None
        editor = ItemEditor(self._services, self._bus, barcode=barcode, parent=self)
        editor.item_saved.connect(lambda saved: self.show_item(saved.id, saved.sku))
        self._open_dialog(editor)
        return editor

    def edit_item(self, item_id: uuid.UUID | None = None) -> ItemEditor | None:
        chosen = item_id or self.current_id
        if chosen is None:
            return None
        editor = ItemEditor(self._services, self._bus, chosen, parent=self)
        editor.item_deleted.connect(self._on_editor_item_deleted)
        self._open_dialog(editor)
        return editor

    def print_labels(self, item_ids: list[uuid.UUID] | None = None) -> PrintLabelsDialog | None:
        """The labels dialog for ``item_ids`` (default: the items selected in the list)."""
        chosen = item_ids if item_ids is not None else self.selected_ids()
        if not chosen and self.current_id is not None:
            chosen = [self.current_id]
        if not chosen:
            return None
        dialog = PrintLabelsDialog(self._services, chosen, self)
        dialog.job_ready.connect(self.labels_ready)
        self._open_dialog(dialog)
        return dialog

    def _on_editor_item_deleted(self, _item_id: object) -> None:
        self.current_id = None
        self.panel.show_item(None)
