"""The bench ticket list: newest first, read in keyset pages as the view scrolls."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.services.tickets import TicketFilter, TicketService, TicketSummary
from desktop.views.formatting import local_time
from desktop.views.itemmodels.keyset import KeysetTableModel
from desktop.views.itemmodels.readonly import ModelIndex

WAITING = frozenset({"waiting_parts", "waiting_customer"})
OVERDUE_BACKGROUND = QColor("#fde2e1")
WAITING_BACKGROUND = QColor("#fff1cc")
ROW_TEXT = QColor("#202020")  # dark text stays readable on the light row colours


class TicketTableModel(KeysetTableModel[TicketFilter, TicketSummary]):
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
        super().__init__(TicketFilter(), parent)
        self._tickets = tickets
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

    def _read(
        self, where: TicketFilter, after: TicketSummary | None, limit: int
    ) -> list[TicketSummary]:
        key = (after.created_at, after.id) if after is not None else None
        return self._tickets.page(where, after=key, limit=limit)

    def summary(self, row: int) -> TicketSummary | None:
        return self.row_at(row)

    def ticket_id(self, row: int) -> uuid.UUID | None:
        found = self.summary(row)
        return found.id if found else None

    # -- Qt model interface -----------------------------------------------------------

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
