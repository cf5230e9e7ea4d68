"""A report's table on screen: the rows as the shop reads them, the totals row in bold
at the bottom whatever the sort."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop.services.report_format import display
from desktop.services.report_types import Cell, Column, ReportTable

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
# The raw value of a cell (an int of minor units, a date ...), for sorting and tests.
RAW_ROLE = Qt.ItemDataRole.UserRole


class ReportTableModel(QAbstractTableModel):
    """One ``ReportTable``; values shown through ``report_format.display``. Sorting sorts
    the rows on their raw values (money as minor units, dates as dates) and keeps the
    totals row last."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._report: ReportTable | None = None
        self._rows: list[tuple[Cell, ...]] = []
        self._currency = "USD"
        self._locale = "en_US"
        self._bold = QFont()
        self._bold.setBold(True)

    # -- the report -------------------------------------------------------------------

    @property
    def report(self) -> ReportTable | None:
        return self._report

    def set_report(self, report: ReportTable | None, currency: str, locale: str) -> None:
        """Show ``report`` (None: nothing) with money in ``currency`` and ``locale``."""
        self.beginResetModel()
        self._report = report
        self._rows = list(report.rows) if report is not None else []
        self._currency, self._locale = currency, locale
        self.endResetModel()

    def is_totals_row(self, row: int) -> bool:
        return (
            self._report is not None and self._report.totals is not None and row == len(self._rows)
        )

    def column(self, section: int) -> Column:
        assert self._report is not None
        return self._report.columns[section]

    def _row(self, row: int) -> tuple[Cell, ...]:
        if self.is_totals_row(row):
            assert self._report is not None and self._report.totals is not None
            return self._report.totals
        return self._rows[row]

    # -- QAbstractTableModel ----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._report is None:
            return 0
        return len(self._rows) + (1 if self._report.totals is not None else 0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._report is None:
            return 0
        return len(self._report.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._report is None:
            return None
        column = self._report.columns[index.column()]
        value = self._row(index.row())[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return display(column, value, self._currency, self._locale)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column.numeric else LEFT)
        if role == Qt.ItemDataRole.FontRole and self.is_totals_row(index.row()):
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and self.is_totals_row(index.row()):
            return QApplication.palette().brush(QPalette.ColorRole.Midlight)
        if role == RAW_ROLE:
            return value
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._report is None or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self._report.columns):
            return None
        column = self._report.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column.numeric else LEFT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows on the raw values of ``column``; empty cells go last either
        way and the totals row stays at the bottom."""
        if self._report is None or not 0 <= column < len(self._report.columns):
            return
        self.layoutAboutToBeChanged.emit()
        before = list(self._rows)
        filled = [row for row in self._rows if row[column] is not None]
        empty = [row for row in self._rows if row[column] is None]
        descending = order == Qt.SortOrder.DescendingOrder
        try:
            filled.sort(key=lambda row: _sort_key(row[column]), reverse=descending)
        except TypeError:  # a column of mixed kinds: compare as text
            filled.sort(key=lambda row: str(row[column]), reverse=descending)
        self._rows = filled + empty
        self._move_persistent_indexes(before)
        self.layoutChanged.emit()

    def _move_persistent_indexes(self, before: list[tuple[Cell, ...]]) -> None:
        # Rows can be equal tuples: hand each old position the next new one of its value.
        new_positions: dict[tuple[Cell, ...], list[int]] = {}
        for position, values in enumerate(self._rows):
            new_positions.setdefault(values, []).append(position)
        moved = [new_positions[values].pop(0) for values in before]
        old_list, new_list = [], []
        for index in self.persistentIndexList():
            if index.row() < len(moved):
                old_list.append(index)
                new_list.append(self.index(moved[index.row()], index.column()))
        self.changePersistentIndexList(old_list, new_list)


def _sort_key(value: Cell) -> Any:
    return value.casefold() if isinstance(value, str) else value
