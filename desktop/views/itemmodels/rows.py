"""A short list of records shown whole (suppliers, purchase orders): the service reads it
in one go, so there is nothing to page."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt

from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

Row = TypeVar("Row")


class RowsTableModel(ReadOnlyTableModel, Generic[Row]):
    """Rows of ``Row`` records; ``cells(row)`` gives the text of each column, and each
    record's ``id`` attribute finds its row again after a reload."""

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[Row], Sequence[str]],
        right_aligned: Sequence[int] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(headers, parent)
        self.COLUMNS = tuple(str(n) for n in range(len(headers)))
        self._cells = cells
        self._right = frozenset(right_aligned)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_record(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: uuid.UUID) -> int | None:
        for row, record in enumerate(self._rows):
            if getattr(record, "id", None) == record_id:
                return row
        return None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(self._rows[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
