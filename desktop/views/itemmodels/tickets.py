"""The bench ticket list: newest first, read in keyset pages as the view scrolls."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.services.tickets import TicketFilter, TicketService, TicketSummary
from desktop.views.formatting import local_time
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

PAGE_SIZE = 200
WAITING = frozenset({"waiting_parts", "waiting_customer"})
OVERDUE_BACKGROUND = QColor("#fde2e1")
WAITING_BACKGROUND = QColor("#fff1cc")
ROW_TEXT = QColor("#202020")  # dark text stays readable on the light row colours


class TicketTableModel(ReadOnlyTableModel):
    """Tickets matching a ``TicketFilter``; ``fetchMore`` reads the next keyset page."""

    COLUMNS = (
        "number",
        "customer",
        "device",
        "status",
        "priority",
        "promised",
        "technician",
        "created",
    )

    def __init__(self, tickets: TicketService, parent: QObject | None = None) -> None:
        super().__init__((), parent)
        self._tickets = tickets
        self._filter = TicketFilter()
        self._rows: list[TicketSummary] = []
        self._exhausted = True
        self._headers = (
            self.tr("Number"),
            self.tr("Customer"),
            self.tr("Device"),
            self.tr("Status"),
            self.tr("Priority"),
            self.tr("Promised"),
            self.tr("Technician"),
            self.tr("Created"),
        )
        self._priorities = {
            "low": self.tr("Low"),
            "normal": self.tr("Normal"),
            "high": self.tr("High"),
            "urgent": self.tr("Urgent"),
        }
        self.fetches = 0  # pages read; tests check the laziness with it

    # -- loading ----------------------------------------------------------------------

    @property
    def filter(self) -> TicketFilter:
        return self._filter

    def set_filter(self, where: TicketFilter) -> None:
        """Show the tickets matching ``where``, reading the first page now."""
        first = self._tickets.page(where, limit=PAGE_SIZE)
        self.fetches += 1
        self.apply_result(where, first)

    def apply_result(self, where: TicketFilter, first_page: list[TicketSummary]) -> None:
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
        after = (self._rows[-1].created_at, self._rows[-1].id) if self._rows else None
        more = self._tickets.page(self._filter, after=after, limit=PAGE_SIZE)
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

    def summary(self, row: int) -> TicketSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def ticket_id(self, row: int) -> uuid.UUID | None:
        found = self.summary(row)
        return found.id if found else None

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def _text(self, summary: TicketSummary, column: str) -> str:
        if column == "number":
            return summary.number
        if column == "customer":
            return summary.customer_name
        if column == "device":
            return summary.device
        if column == "status":
            return summary.status_name
        if column == "priority":
            return self._priorities.get(summary.priority, summary.priority)
        if column == "promised":
            return local_time(summary.promised_at)
        if column == "technician":
            return summary.technician
        return local_time(summary.created_at)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        summary = self.summary(index.row())
        if summary is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(summary, self.COLUMNS[index.column()])
        if role == Qt.ItemDataRole.UserRole:
            return summary.id
        if role == Qt.ItemDataRole.BackgroundRole:
            if summary.overdue:
                return QBrush(OVERDUE_BACKGROUND)
            if summary.status_category in WAITING:
                return QBrush(WAITING_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if summary.overdue or summary.status_category in WAITING:
                return QBrush(ROW_TEXT)
            return None
        return None
