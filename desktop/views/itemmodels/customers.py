"""The customer list: total count up front, rows fetched in blocks as they are shown."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
)

from desktop.services.changes import Changes
from desktop.services.customers import CustomerService, CustomerSummary
from desktop.views.itemmodels.blocks import BLOCK_SIZE, Blocks, Reader
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel


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
        self._blocks: Blocks[CustomerSummary] = Blocks(self._reader(""))
        self._headers = (self.tr("Name"), self.tr("Company"), self.tr("Phone"), self.tr("Email"))

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
            self._blocks.reset(self._reader(text), total, first_block)
        finally:
            self.endResetModel()

    def _reader(self, text: str) -> Reader[CustomerSummary]:
        def read(after: tuple[str, uuid.UUID] | None, offset: int) -> list[CustomerSummary]:
            return self._customers.page(text, after=after, offset=offset, limit=BLOCK_SIZE)

        return read

    @property
    def fetches(self) -> int:
        """Blocks read; tests check the laziness with it."""
        return self._blocks.fetches

    def reload(self) -> None:
        self.set_query(self._query)

    def on_data_changed(self, changes: Changes) -> None:
        if changes.everything or changes.customers:
            self.reload()

    def summary(self, row: int) -> CustomerSummary | None:
        return self._blocks.row(row)

    def customer_id(self, row: int) -> uuid.UUID | None:
        found = self.summary(row)
        return found.id if found else None

    def row_of(self, customer_id: uuid.UUID) -> int | None:
        """The row of a customer among the blocks already loaded, if any."""
        return self._blocks.row_of(customer_id)

    def cached_blocks(self) -> int:
        return self._blocks.cached()

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._blocks.total

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
