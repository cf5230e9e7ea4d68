"""The item editor: every field of an item, its barcodes checked as they are added,
prices typed as the shop writes money, and archive, restore or delete."""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services import barcodes
from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.errors import BenchsideError, RecordInUse, ValidationError
from desktop.services.items import MAX_QUANTITY, TAX_CLASSES, ItemDetail, ItemInput
from desktop.services.money import format_money, parse_money
from desktop.services.permissions import Permission
from desktop.services.scan_router import ScanKind, ScanResult
from desktop.views.bus import DataBus
from desktop.views.forms import FieldErrors, error_label, row_widget, with_error

WARNING_STYLE = "color: #9a5b00;"


class ItemEditor(QDialog):
    """New item (``item_id`` None, perhaps with a scanned ``barcode``) or an existing one.

    A scan while the editor has the focus adds the code to the barcodes (or says which
    item already has it) instead of landing in whatever field has the cursor.
    """

    item_saved = Signal(object)  # ItemDetail
    item_deleted = Signal(object)  # item id

    def __init__(
        self,
        services: Services,
        bus: DataBus,
        item_id: uuid.UUID | None = None,
        barcode: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bus = bus
        self._shop = services.shop.profile()
        self.item: ItemDetail | None = services.items.get(item_id) if item_id else None
        self.saved: ItemDetail | None = None
        self.setWindowTitle(self.tr("Edit item") if self.item else self.tr("New item"))
        self._build()
        if self.item is not None:
            self._load(self.item)
        elif barcode:
            self.add_barcode(barcode)
        self._update_cost_warning()
        self._update_buttons()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.errors = FieldErrors(error_label(self))
        errors = self.errors
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.sku = QLineEdit()
        self.sku.setMaxLength(64)
        self.sku.setPlaceholderText(self.tr("Leave empty for the next number"))
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Stock item"), "stock")
        self.kind.addItem(self.tr("Service (no stock)"), "service")
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(["", *self._services.item_lists.categories()])
        self.brand = QLineEdit()
        self.brand.setMaxLength(100)
        self.compatible_models = QLineEdit()
        self.compatible_models.setMaxLength(1000)
        self.compatible_models.setPlaceholderText(self.tr("e.g. iPhone 12, iPhone 12 Pro"))
        example = format_money(1299, self._shop.currency, self._shop.locale)
        self.cost_price = QLineEdit()
        self.sell_price = QLineEdit()
        for edit in (self.cost_price, self.sell_price):
            edit.setPlaceholderText(example)
            edit.setMaxLength(20)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(self._update_cost_warning)
        self.cost_warning = QLabel()
        self.cost_warning.setStyleSheet(WARNING_STYLE)
        self.cost_warning.setWordWrap(True)
        self.cost_warning.hide()
        self.tax_class = QComboBox()
        for value, label in zip(
            TAX_CLASSES,
            (self.tr("Standard"), self.tr("Reduced"), self.tr("Zero rate"), self.tr("Exempt")),
            strict=True,
        ):
            self.tax_class.addItem(label, value)
        self.low_stock_threshold = self._quantity()
        self.reorder_level = self._quantity()
        self.reorder_quantity = self._quantity()
        self.bin_location = QLineEdit()
        self.bin_location.setMaxLength(50)
        self.track_expiry = QCheckBox(self.tr("Track lots and expiry dates"))
        self.serialized = QCheckBox(self.tr("Serial number / IMEI per unit"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)

        self.barcode_list = QListWidget()
        self.barcode_list.setFixedHeight(80)
        self.barcode_entry = QLineEdit()
        self.barcode_entry.setPlaceholderText(self.tr("Scan or type a barcode"))
        self.barcode_entry.setMaxLength(64)
        self.barcode_entry.returnPressed.connect(self._on_barcode_entry_return_pressed)
        self.add_barcode_button = QPushButton(self.tr("Add"))
        self.add_barcode_button.clicked.connect(self._on_barcode_entry_return_pressed)
        self.remove_barcode_button = QPushButton(self.tr("Remove"))
        self.remove_barcode_button.clicked.connect(self.remove_selected_barcode)
        entry = QHBoxLayout()
        entry.addWidget(self.barcode_entry, 1)
        entry.addWidget(self.add_barcode_button)
        entry.addWidget(self.remove_barcode_button)

        form = QFormLayout()
        form.addRow(self.tr("Name"), with_error(errors, "name", self.name))
        form.addRow(self.tr("SKU"), with_error(errors, "sku", self.sku))
        form.addRow(self.tr("Kind"), with_error(errors, "kind", self.kind))
        form.addRow(self.tr("Category"), with_error(errors, "category", self.category))
        form.addRow(self.tr("Brand"), with_error(errors, "brand", self.brand))
        form.addRow(
            self.tr("Fits models"),
            with_error(errors, "compatible_models", self.compatible_models),
        )
        form.addRow(
            self.tr("Barcodes"),
            with_error(errors, "barcodes", self.barcode_list, row_widget(entry)),
        )
        form.addRow(self.tr("Cost"), with_error(errors, "cost_price", self.cost_price))
        form.addRow(
            self.tr("Selling price"),
            with_error(errors, "sell_price", self.sell_price, self.cost_warning),
        )
        form.addRow(self.tr("Tax"), with_error(errors, "tax_class", self.tax_class))
        form.addRow(
            self.tr("Low stock at"),
            with_error(errors, "low_stock_threshold", self.low_stock_threshold),
        )
        form.addRow(
            self.tr("Reorder level"), with_error(errors, "reorder_level", self.reorder_level)
        )
        form.addRow(
            self.tr("Reorder quantity"),
            with_error(errors, "reorder_quantity", self.reorder_quantity),
        )
        form.addRow(self.tr("Bin"), with_error(errors, "bin_location", self.bin_location))
        form.addRow("", self.track_expiry)
        form.addRow("", self.serialized)
        form.addRow(self.tr("Notes"), with_error(errors, "notes", self.notes))

        self.archive_button = QPushButton()
        self.archive_button.clicked.connect(self.toggle_archived)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.clicked.connect(lambda: self.delete_item())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.archive_button)
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(errors.general)
        layout.addLayout(bottom)
        self.kind.currentIndexChanged.connect(lambda _index: self._update_buttons())

    @staticmethod
    def _quantity() -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, MAX_QUANTITY)
        return box

    def _money(self, amount: int) -> str:
        return format_money(amount, self._shop.currency, self._shop.locale)

    def _load(self, item: ItemDetail) -> None:
        self.name.setText(item.name)
        self.sku.setText(item.sku)
        self.kind.setCurrentIndex(max(0, self.kind.findData(item.kind)))
        self.category.setCurrentText(item.category)
        self.brand.setText(item.brand)
        self.compatible_models.setText(item.compatible_models)
        self.cost_price.setText(self._money(item.cost_price))
        self.sell_price.setText(self._money(item.sell_price))
        self.tax_class.setCurrentIndex(max(0, self.tax_class.findData(item.tax_class)))
        self.low_stock_threshold.setValue(item.low_stock_threshold)
        self.reorder_level.setValue(item.reorder_level)
        self.reorder_quantity.setValue(item.reorder_quantity)
        self.bin_location.setText(item.bin_location)
        self.track_expiry.setChecked(item.track_expiry)
        self.serialized.setChecked(item.serialized)
        self.notes.setPlainText(item.notes)
        self.barcode_list.addItems([b.code for b in item.barcodes])

    def _update_buttons(self) -> None:
        can_edit = self._services.ctx.can(Permission.EDIT_ITEMS)
        self.save_button.setEnabled(can_edit)
        existing = self.item is not None
        self.archive_button.setVisible(existing and can_edit)
        self.delete_button.setVisible(existing and can_edit)
        if self.item is not None:
            self.archive_button.setText(
                self.tr("Archive") if self.item.active else self.tr("Restore")
            )
        stock = self.kind.currentData() == "stock"
        for widget in (
            self.low_stock_threshold,
            self.reorder_level,
            self.reorder_quantity,
            self.track_expiry,
            self.serialized,
        ):
            widget.setEnabled(stock)

    # -- barcodes -----------------------------------------------------------------------

    def barcodes(self) -> list[str]:
        return [self.barcode_list.item(i).text() for i in range(self.barcode_list.count())]

    def add_barcode(self, raw: str) -> bool:
        """Add a code after checking it here (check digit, twice in the list); the service
        checks again on save, and whether another item has it."""
        code = barcodes.normalized(raw)
        if not code:
            return False
        problem = barcodes.problem(code)
        if problem is None and code in self.barcodes():
            problem = self.tr("The barcode {code} is listed already.").format(code=code)
        if problem is not None:
            self.errors.show({"barcodes": problem})
            return False
        self.errors.show({})
        self.barcode_list.addItem(code)
        return True

    def _on_barcode_entry_return_pressed(self) -> None:
        if self.add_barcode(self.barcode_entry.text()):
            self.barcode_entry.clear()

    def remove_selected_barcode(self) -> None:
        for entry in self.barcode_list.selectedItems():
            self.barcode_list.takeItem(self.barcode_list.row(entry))

    def take_scan(self, result: ScanResult) -> bool:
        """A scan in the editor is a barcode for this item, wherever the cursor was."""
        if result.kind is ScanKind.TICKET:
            return False
        if result.kind is ScanKind.ITEM and result.id is not None:
            if self.item is None or result.id != self.item.id:
                other = self._services.items.get(result.id)
                self.errors.show(
                    {
                        "barcodes": self.tr(
                            "The barcode {code} already belongs to “{name}” ({sku})."
                        ).format(code=result.code, name=other.name, sku=other.sku)
                    }
                )
            return True
        self.add_barcode(result.code)
        return True

    # -- saving -------------------------------------------------------------------------

    def _update_cost_warning(self) -> None:
        try:
            cost = parse_money(self.cost_price.text(), self._shop.currency, self._shop.locale)
            price = parse_money(self.sell_price.text(), self._shop.currency, self._shop.locale)
        except ValueError:
            self.cost_warning.hide()
            return
        if cost > price:
            self.cost_warning.setText(
                self.tr("The cost is above the selling price: this item sells at a loss.")
            )
            self.cost_warning.show()
        else:
            self.cost_warning.hide()

    def _parsed_money(self, field: str, edit: QLineEdit, problems: dict[str, str]) -> int:
        try:
            amount = parse_money(edit.text(), self._shop.currency, self._shop.locale)
        except ValueError:
            problems[field] = self.tr("Type an amount, like {example}.").format(
                example=self._money(1299)
            )
            return 0
        if amount < 0:
            problems[field] = self.tr("The price cannot be negative.")
        return amount

    def item_input(self, problems: dict[str, str]) -> ItemInput:
        """The form as the service takes it; money that does not parse goes to ``problems``."""
        return ItemInput(
            name=self.name.text(),
            sku=self.sku.text(),
            kind=str(self.kind.currentData()),
            category=self.category.currentText(),
            brand=self.brand.text(),
            cost_price=self._parsed_money("cost_price", self.cost_price, problems),
            sell_price=self._parsed_money("sell_price", self.sell_price, problems),
            tax_class=str(self.tax_class.currentData()),
            low_stock_threshold=self.low_stock_threshold.value(),
            reorder_level=self.reorder_level.value(),
            reorder_quantity=self.reorder_quantity.value(),
            bin_location=self.bin_location.text(),
            track_expiry=self.track_expiry.isChecked(),
            serialized=self.serialized.isChecked(),
            notes=self.notes.toPlainText(),
            barcodes=self.barcodes(),
            compatible_models=self.compatible_models.text(),
        )

    def save(self) -> None:
        problems: dict[str, str] = {}
        data = self.item_input(problems)
        # A barcode typed but not added yet is meant to be saved too.
        pending = self.barcode_entry.text().strip()
        if pending and barcodes.normalized(pending) not in data.barcodes:
            data = replace(data, barcodes=[*data.barcodes, pending])
        try:
            if problems:
                raise ValidationError(problems)
            if self.item is None:
                result = self._services.items.create(data)
            else:
                result = self._services.items.update(self.item.id, data)
        except ValidationError as invalid:
            self.errors.show({**invalid.errors, **problems})
            return
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self.saved = result.item
        self._bus.publish(Changes(items=frozenset({result.item.id})))
        self.item_saved.emit(result.item)
        self.accept()

    def toggle_archived(self) -> None:
        if self.item is None:
            return
        try:
            if self.item.active:
                self.item = self._services.items.archive(self.item.id)
            else:
                self.item = self._services.items.restore(self.item.id)
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return
        self._bus.publish(Changes(items=frozenset({self.item.id})))
        self._update_buttons()

    def delete_item(self, confirm: bool = True) -> bool:
        """Delete an item that never moved stock; one with history is offered archiving."""
        if self.item is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete item"),
                self.tr("Delete “{name}”? This cannot be undone.").format(name=self.item.name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        item_id = self.item.id
        try:
            self._services.items.delete(item_id)
        except RecordInUse as in_use:
            self.errors.show_general(str(in_use))
            if self.item.active:
                self.archive_button.setFocus()
            return False
        except BenchsideError as problem:
            self.errors.show_general(str(problem))
            return False
        self._bus.publish(Changes(items=frozenset({item_id})))
        self.item_deleted.emit(item_id)
        self.accept()
        return True
