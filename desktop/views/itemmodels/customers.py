"""The customer list: total count up front, rows fetched in blocks as they are shown."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
)

from desktop.services.changes import Changes
from desktop.services.customers import CustomerService, CustomerSummary
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

BLOCK_SIZE = 200
MAX_BLOCKS = 50


class CustomerTableModel(ReadOnlyTableModel):
    """Name, company, phone and email of the customers matching the current query.

    ``rowCount`` is the true total so the scroll bar is honest; ``data`` loads the block
    holding the asked row: by keyset after the previous block when that block is cached,
    else by offset (the user dragged the scroll bar far ahead).
    """

    COLUMNS = ("name", "company", "phone", "email")

    def __init__(self, customers: CustomerService, parent: QObject | None = None) -> None:
        super().__init__((), parent)
        self._customers = customers
        self._query = ""
        self._total = 0
        self._blocks: OrderedDict[int, list[CustomerSummary]] = OrderedDict()
        self._headers = (self.tr("Name"), self.tr("Company"), self.tr("Phone"), self.tr("Email"))
        self.fetches = 0  # how many pages were read; tests check the laziness with it

    # -- loading ----------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        """Show the customers matching ``text`` (all when empty); reads the count now."""
        self.apply_result(text, self._customers.count(text), None)

    def apply_result(
        self, text: str, total: int, first_block: list[CustomerSummary] | None
    ) -> None:
        """Show a count (and optionally the first block) computed off the GUI thread."""
        self.beginResetModel()
        try:
            self._query = text
            self._total = total
            self._blocks.clear()
            if first_block is not None:
                self._blocks[0] = first_block
        finally:
            self.endResetModel()

    def reload(self) -> None:
        self.set_query(self._query)

    def on_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.customers:
            self.reload()

    def _block(self, number: int) -> list[CustomerSummary]:
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        previous = self._blocks.get(number - 1)
        if previous and len(previous) == BLOCK_SIZE:
            last = previous[-1]
            block = self._customers.page(
                self._query, after=(last.sort_name, last.id), limit=BLOCK_SIZE
            )
        else:
            block = self._customers.page(self._query, offset=number * BLOCK_SIZE, limit=BLOCK_SIZE)
        self.fetches += 1
        self._blocks[number] = block
        while len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def summary(self, row: int) -> CustomerSummary | None:
        if not 0 <= row < self._total:
            return None
        block = self._block(row // BLOCK_SIZE)
        offset = row % BLOCK_SIZE
        return block[offset] if offset < len(block) else None

    def customer_id(self, row: int) -> uuid.UUID | None:
        found = self.summary(row)
        return found.id if found else None

    def row_of(self, customer_id: uuid.UUID) -> int | None:
        """The row of a customer among the blocks already loaded, if any."""
        for number, block in self._blocks.items():
            for offset, summary in enumerate(block):
                if summary.id == customer_id:
                    return number * BLOCK_SIZE + offset
        return None

    def cached_blocks(self) -> int:
        return len(self._blocks)

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.UserRole,
        ):
            return None
        summary = self.summary(index.row())
        if summary is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return summary.id
        return str(getattr(summary, self.COLUMNS[index.column()]))
