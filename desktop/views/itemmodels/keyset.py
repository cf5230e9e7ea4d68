"""A read-only list that reads its rows in keyset pages as the view scrolls: the first
page when the filter changes, the next one after the last row shown."""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject

from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

PAGE_SIZE = 200
Filter = TypeVar("Filter")
Row = TypeVar("Row")


class KeysetTableModel(ReadOnlyTableModel, Generic[Filter, Row]):
    """Subclasses set ``COLUMNS`` and headers and say how to read a page (``_read``)."""

    def __init__(self, where: Filter, parent: QObject | None = None) -> None:
        super().__init__((), parent)
        self._filter = where
        self._rows: list[Row] = []
        self._exhausted = True
        self.fetches = 0  # pages read; tests check the laziness with it

    def _read(self, where: Filter, after: Row | None, limit: int) -> list[Row]:
        """The ``limit`` rows matching ``where`` that follow ``after`` (None: the first)."""
        raise NotImplementedError

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, where: Filter) -> None:
        """Show the rows matching ``where``, reading the first page now."""
        first = self._read(where, None, PAGE_SIZE)
        self.fetches += 1
        self.apply_result(where, first)

    def apply_result(self, where: Filter, first_page: list[Row]) -> None:
        """Show a first page read elsewhere (e.g. off the GUI thread)."""
        self.beginResetModel()
        try:
            self._filter = where
            self._rows = list(first_page)
            self._exhausted = len(first_page) < PAGE_SIZE
        finally:
            self.endResetModel()

    def reload(self) -> None:
        self.set_filter(self._filter)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        more = self._read(self._filter, self._rows[-1] if self._rows else None, PAGE_SIZE)
        self.fetches += 1
        if len(more) < PAGE_SIZE:
            self._exhausted = True
        if not more:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        try:
            self._rows.extend(more)
        finally:
            self.endInsertRows()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)
