"""The inventory item list: the true count up front, rows fetched in blocks as they show."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.services.changes import Changes
from desktop.services.item_lists import ItemFilter, ItemListService, ItemRow
from desktop.views.itemmodels.blocks import BLOCK_SIZE, Blocks, Reader
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

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
        self._blocks: Blocks[ItemRow] = Blocks(self._reader(self._filter))
        self._headers = (
            self.tr("Name"),
            self.tr("SKU"),
            self.tr("Category"),
            self.tr("On hand"),
            self.tr("Price"),
            self.tr("Bin"),
        )

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
            self._blocks.reset(self._reader(chosen), total, first_block)
        finally:
            self.endResetModel()

    def _reader(self, chosen: ItemFilter) -> Reader[ItemRow]:
        def read(after: tuple[str, uuid.UUID] | None, offset: int) -> list[ItemRow]:
            return self._lists.page(chosen, after=after, offset=offset, limit=BLOCK_SIZE)

        return read

    @property
    def fetches(self) -> int:
        """Blocks read; tests check the laziness with it."""
        return self._blocks.fetches

    def on_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.items or changes.stock:
            self.set_filter(self._filter)

    def row(self, row: int) -> ItemRow | None:
        return self._blocks.row(row)

    def item_id(self, row: int) -> uuid.UUID | None:
        found = self.row(row)
        return found.id if found else None

    def row_of(self, item_id: uuid.UUID) -> int | None:
        """The row of an item among the blocks already loaded, if any."""
        return self._blocks.row_of(item_id)

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._blocks.total

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
