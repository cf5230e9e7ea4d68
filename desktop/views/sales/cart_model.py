"""The lines of the open sale as a table: quantity and price are edited in place, and
every change re-totals the cart through the same pricing the service stores."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.services.errors import ValidationError
from desktop.services.pricing import Totals
from desktop.services.sales_types import MAX_QUANTITY, Cart, CartLine
from desktop.views.inventory.money_input import ShopMoney

Index = QModelIndex | QPersistentModelIndex
DESCRIPTION, QUANTITY, PRICE, DISCOUNT, AMOUNT = range(5)


class CartModel(QAbstractTableModel):
    """``cart_changed()`` after every change; ``totals`` is None while the cart cannot be
    totalled (``problem`` says why)."""

    cart_changed = Signal()
    price_edited = Signal(int)  # row

    def __init__(self, money: ShopMoney, totalled: Callable[[Cart], Totals], cart: Cart) -> None:
        super().__init__()
        self.money = money
        self._totalled = totalled
        self.cart = cart
        self.totals: Totals | None = None
        self.problem = ""
        self._retotal()

    # -- reading ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cart.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Item"),
            self.tr("Qty"),
            self.tr("Price"),
            self.tr("Discount"),
            self.tr("Amount"),
        )[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in (QUANTITY, PRICE):
            line = self.cart.lines[index.row()]
            if index.column() == QUANTITY and line.serial:
                return base
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.cart.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), line, column)
        if role == Qt.ItemDataRole.EditRole:
            if column == QUANTITY:
                return str(line.quantity)
            if column == PRICE:
                return self.money.show(line.unit_price).strip()
        if role == Qt.ItemDataRole.TextAlignmentRole and column != DESCRIPTION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == DESCRIPTION:
            return " · ".join(p for p in (line.sku, line.serial) if p) or None
        return None

    def _display(self, row: int, line: CartLine, column: int) -> str:
        if column == DESCRIPTION:
            return line.description + (f"  [{line.serial}]" if line.serial else "")
        if column == QUANTITY:
            return str(line.quantity)
        if column == PRICE:
            return self.money.show(line.unit_price)
        amounts = self.totals.lines[row] if self.totals else None
        if column == DISCOUNT:
            if line.discount is None:
                return ""
            off = self.money.show(amounts.line_discount) if amounts else ""
            if line.discount.kind == "percent":
                return f"{line.discount.value / 100:g} % ({off})"
            return off
        if amounts is None:
            return ""
        return self.money.show(amounts.base - amounts.line_discount)

    # -- editing ----------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        line = self.cart.lines[index.row()]
        try:
            if index.column() == QUANTITY:
                quantity = int(str(value).strip())
                if not 1 <= quantity <= MAX_QUANTITY:
                    return False
                changed = replace(line, quantity=quantity)
            elif index.column() == PRICE:
                price = self.money.parse(str(value))
                if price < 0:
                    return False
                changed = replace(line, unit_price=price)
            else:
                return False
        except ValueError:
            return False
        self.replace_line(index.row(), changed)
        if index.column() == PRICE:
            self.price_edited.emit(index.row())
        return True

    def set_cart(self, cart: Cart) -> None:
        self.beginResetModel()
        self.cart = cart
        self._retotal()
        self.endResetModel()
        self.cart_changed.emit()

    def add_line(self, line: CartLine) -> int:
        """Add ``line``, or one more of the same item on its last plain line; its row."""
        for row in range(len(self.cart.lines) - 1, -1, -1):
            same = self.cart.lines[row]
            if (
                line.item_id is not None
                and same.item_id == line.item_id
                and not same.serial
                and not line.serial
                and same.discount is None
                and same.unit_price == line.unit_price
            ):
                self.replace_line(row, replace(same, quantity=same.quantity + line.quantity))
                return row
        row = len(self.cart.lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self.cart = replace(self.cart, lines=(*self.cart.lines, line))
        self._retotal()
        self.endInsertRows()
        self._refresh_amounts()
        self.cart_changed.emit()
        return row

    def replace_line(self, row: int, line: CartLine) -> None:
        lines = list(self.cart.lines)
        lines[row] = line
        self.cart = replace(self.cart, lines=tuple(lines))
        self._retotal()
        self._refresh_amounts()
        self.cart_changed.emit()

    def remove_line(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        lines = list(self.cart.lines)
        del lines[row]
        self.cart = replace(self.cart, lines=tuple(lines))
        self._retotal()
        self.endRemoveRows()
        self._refresh_amounts()
        self.cart_changed.emit()

    def update_cart(self, **changes: Any) -> None:
        """Change the cart's customer, discount or notes."""
        self.cart = replace(self.cart, **changes)
        self._retotal()
        self._refresh_amounts()
        self.cart_changed.emit()

    def _retotal(self) -> None:
        try:
            self.totals = self._totalled(self.cart)
            self.problem = ""
        except ValidationError as error:
            self.totals = None
            self.problem = next(iter(error.errors.values()))

    def _refresh_amounts(self) -> None:
        if self.cart.lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.cart.lines) - 1, AMOUNT))
