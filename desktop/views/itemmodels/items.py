"""The inventory item list: the true count up front, rows fetched in blocks as they show."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.services.changes import Changes
from desktop.services.item_lists import ItemFilter, ItemListService, ItemRow
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

BLOCK_SIZE = 200
MAX_BLOCKS = 50
NEGATIVE = QColor("#b3261e")
LOW = QColor("#9a5b00")
ARCHIVED = QColor("#8a8f98")


class ItemTableModel(ReadOnlyTableModel):
    """Name, SKU, category, on hand, price and bin of the items the filter lets through.

    ``rowCount`` is the true total so the scroll bar is honest; ``data`` loads the block
    holding the asked row, by keyset after the previous block when that one is cached,
    else by offset (the scroll bar was dragged far ahead). Negative stock shows red, low
    stock amber, archived items grey.
    """

    COLUMNS = ("name", "sku", "category", "on_hand", "sell_price", "bin_location")
    NUMERIC = frozenset({"on_hand", "sell_price"})

    def __init__(
        self,
        lists: ItemListService,
        money: Callable[[int], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__((), parent)
        self._lists = lists
        self._money = money
        self._filter = ItemFilter()
        self._total = 0
        self._blocks: OrderedDict[int, list[ItemRow]] = OrderedDict()
        self._headers = (
            self.tr("Name"),
            self.tr("SKU"),
            self.tr("Category"),
            self.tr("On hand"),
            self.tr("Price"),
            self.tr("Bin"),
        )
        self.fetches = 0  # pages read; tests check the laziness with it

    @property
    def item_filter(self) -> ItemFilter:
        return self._filter

    def set_filter(self, chosen: ItemFilter) -> None:
        """Show the items ``chosen`` lets through; reads the count now (tests, small lists)."""
        self.apply_result(chosen, self._lists.count(chosen), None)

    def apply_result(
        self, chosen: ItemFilter, total: int, first_block: list[ItemRow] | None
    ) -> None:
        """Show a count (and perhaps the first block) read off the GUI thread."""
        self.beginResetModel()
        try:
            self._filter = chosen
            self._total = total
            self._blocks.clear()
            if first_block is not None:
                self._blocks[0] = first_block
        finally:
            self.endResetModel()

    def on_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.items or changes.stock:
            self.set_filter(self._filter)

    def _block(self, number: int) -> list[ItemRow]:
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        previous = self._blocks.get(number - 1)
        if previous and len(previous) == BLOCK_SIZE:
            last = previous[-1]
            block = self._lists.page(
                self._filter, after=(last.sort_name, last.id), limit=BLOCK_SIZE
            )
        else:
            block = self._lists.page(self._filter, offset=number * BLOCK_SIZE, limit=BLOCK_SIZE)
        self.fetches += 1
        self._blocks[number] = block
        while len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def row(self, row: int) -> ItemRow | None:
        if not 0 <= row < self._total:
            return None
        block = self._block(row // BLOCK_SIZE)
        offset = row % BLOCK_SIZE
        return block[offset] if offset < len(block) else None

    def item_id(self, row: int) -> uuid.UUID | None:
        found = self.row(row)
        return found.id if found else None

    def row_of(self, item_id: uuid.UUID) -> int | None:
        """The row of an item among the blocks already loaded, if any."""
        for number, block in self._blocks.items():
            for offset, item in enumerate(block):
                if item.id == item_id:
                    return number * BLOCK_SIZE + offset
        return None

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in self.NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.UserRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
        ):
            return None
        item = self.row(index.row())
        if item is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(item, column)
        if role == Qt.ItemDataRole.FontRole:
            if column == "on_hand" and (item.low or item.on_hand < 0):
                font = QFont()
                font.setBold(True)
                return font
            return None
        return self._text(item, column, role == Qt.ItemDataRole.ToolTipRole)

    def _colour(self, item: ItemRow, column: str) -> QBrush | None:
        if not item.active:
            return QBrush(ARCHIVED)
        if column == "on_hand" and item.kind == "stock":
            if item.on_hand < 0:
                return QBrush(NEGATIVE)
            if item.low:
                return QBrush(LOW)
        return None

    def _text(self, item: ItemRow, column: str, tooltip: bool) -> str:
        if column == "sell_price":
            return self._money(item.sell_price)
        if column == "on_hand":
            if item.kind != "stock":
                return "—"
            if tooltip and item.on_hand < 0:
                return self.tr("Negative stock: more was sold or used than was booked in.")
            if tooltip and item.low:
                return self.tr("Low stock")
            return str(item.on_hand)
        if column == "name" and not item.active:
            return self.tr("{name} (archived)").format(name=item.name)
        return str(getattr(item, column))
