"""One invoice line typed by hand (labour, a service, something not in stock) or an item's
line to change: description, quantity, price, tax class and its own discount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.sales_types import MAX_QUANTITY, CartLine, TaxRate
from desktop.views.forms import FieldErrors, error_label, with_error
from desktop.views.inventory.money_input import ShopMoney
from desktop.views.sales.discount_input import discount_text, parse_discount


class LineDialog(QDialog):
    """After ``accept()``, ``line`` is the line as typed."""

    def __init__(
        self,
        money: ShopMoney,
        tax_classes: Sequence[TaxRate],
        line: CartLine | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Invoice line") if line is None else self.tr("Change line"))
        self.money = money
        self.line: CartLine | None = line
        self.description = QLineEdit(self)
        self.description.setMaxLength(300)
        self.description.setPlaceholderText(self.tr("Labour, a service, a part…"))
        self.quantity = QSpinBox(self)
        self.quantity.setRange(1, MAX_QUANTITY)
        self.price = QLineEdit(self)
        self.price.setMaxLength(20)
        self.tax_class = QComboBox(self)
        for tax_class in tax_classes:
            if tax_class.active or (line is not None and line.tax_class == tax_class.code):
                self.tax_class.addItem(
                    f"{tax_class.name} ({tax_class.rate_bp / 100:g} %)", tax_class.code
                )
        self.discount = QLineEdit(self)
        self.discount.setMaxLength(20)
        self.discount.setPlaceholderText(self.tr("10% or 5.00; empty for none"))
        self.errors = FieldErrors(error_label(self))
        form = QFormLayout()
        form.addRow(
            self.tr("Description"), with_error(self.errors, "description", self.description)
        )
        form.addRow(self.tr("Quantity"), self.quantity)
        form.addRow(self.tr("Unit price"), with_error(self.errors, "price", self.price))
        form.addRow(self.tr("Tax"), self.tax_class)
        form.addRow(self.tr("Discount"), with_error(self.errors, "discount", self.discount))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.take)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if line is not None and line.item_id is not None:
            layout.addWidget(QLabel(self.tr("From stock: {sku}").format(sku=line.sku), self))
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        if line is not None:
            self._fill(line)
        self.resize(440, 0)

    def _fill(self, line: CartLine) -> None:
        self.description.setText(line.description)
        self.quantity.setValue(line.quantity)
        self.quantity.setEnabled(not line.serial)  # a serial number is one unit
        self.price.setText(self.money.show(line.unit_price).strip())
        index = self.tax_class.findData(line.tax_class)
        if index >= 0:
            self.tax_class.setCurrentIndex(index)
        self.discount.setText(discount_text(line.discount, self.money))

    def take(self) -> None:
        """Accept the line when every field reads; else say what is wrong at the field."""
        problems: dict[str, str] = {}
        description = " ".join(self.description.text().split())
        if not description:
            problems["description"] = self.tr("Describe what is invoiced.")
        price = 0
        try:
            price = self.money.parse(self.price.text())
            if price < 0:
                problems["price"] = self.tr("A price cannot be negative.")
        except ValueError:
            problems["price"] = self.tr("Type the price, like 12.50.")
        discount = None
        try:
            discount = parse_discount(self.discount.text(), self.money)
        except ValueError:
            problems["discount"] = self.tr("Type a discount like 10% or 5.00.")
        if problems:
            self.errors.show(problems)
            return
        tax_class = self.tax_class.currentData() or "standard"
        quantity = self.quantity.value()
        if self.line is None:
            self.line = CartLine(description, quantity, price, tax_class, discount=discount)
        else:
            self.line = replace(
                self.line,
                description=description,
                quantity=quantity,
                unit_price=price,
                tax_class=tax_class,
                discount=discount,
            )
        self.accept()
