"""One item's stock movements, newest first, read further back only as the list scrolls."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from desktop.services.stock import Movement, StockService
from desktop.views.formatting import local_time
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

PAGE = 100


class MovementTableModel(ReadOnlyTableModel):
    """When, where, how many, what kind and why; ``fetchMore`` reads the next page by
    keyset on (at, id), so an item with years of history opens as fast as a new one."""

    COLUMNS = ("at", "location", "quantity", "kind", "reason")

    def __init__(self, stock: StockService, parent: QObject | None = None) -> None:
        super().__init__((), parent)
        self._stock = stock
        self._item_id: uuid.UUID | None = None
        self._rows: list[Movement] = []
        self._more = False
        self._locations: dict[uuid.UUID, str] = {}
        self._headers = (
            self.tr("When"),
            self.tr("Location"),
            self.tr("Units"),
            self.tr("Kind"),
            self.tr("Reason"),
        )
        self._kinds = {
            "receive": self.tr("Received"),
            "sale": self.tr("Sold"),
            "ticket_part": self.tr("Used on a ticket"),
            "return": self.tr("Returned"),
            "adjustment": self.tr("Adjusted"),
            "count": self.tr("Counted"),
            "transfer_in": self.tr("Moved in"),
            "transfer_out": self.tr("Moved out"),
            "write_off": self.tr("Written off"),
            "supplier_return": self.tr("Back to supplier"),
        }

    def show_item(self, item_id: uuid.UUID | None) -> None:
        self.beginResetModel()
        try:
            self._item_id = item_id
            self._locations = {
                location.id: location.name
                for location in self._stock.locations(include_inactive=True)
            }
            self._rows = self._stock.movements(item_id, limit=PAGE) if item_id else []
            self._more = len(self._rows) == PAGE
        finally:
            self.endResetModel()

    def movement(self, row: int) -> Movement | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._item_id is None:
            return
        last = self._rows[-1]
        more = self._stock.movements(self._item_id, limit=PAGE, before=(last.at, last.id))
        self._more = len(more) == PAGE
        if more:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "quantity":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        movement = self._rows[index.row()]
        if column == "at":
            return local_time(movement.at)
        if column == "location":
            return self._locations.get(movement.location_id, "")
        if column == "quantity":
            return f"{movement.quantity:+d}"
        if column == "kind":
            return self._kinds.get(movement.kind, movement.kind)
        reason = movement.reason
        if movement.serial:
            reason = f"{reason} · {movement.serial}" if reason else movement.serial
        return reason
