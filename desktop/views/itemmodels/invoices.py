"""The invoice list: drafts, then the newest issued first, read in keyset pages as the view
scrolls."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.services.invoice_lists import InvoiceFilter, InvoiceRow, InvoiceStatus
from desktop.services.invoices import InvoiceService
from desktop.views.formatting import local_date
from desktop.views.itemmodels.readonly import ModelIndex, ReadOnlyTableModel

PAGE_SIZE = 200
OVERDUE_BACKGROUND = QColor("#fde2e1")
DRAFT_BACKGROUND = QColor("#eef3fb")
ROW_TEXT = QColor("#202020")  # dark text stays readable on the light row colours
MONEY_COLUMNS = frozenset({"total", "paid", "balance"})


class InvoiceTableModel(ReadOnlyTableModel):
    """Invoices matching an ``InvoiceFilter``; ``fetchMore`` reads the next keyset page.
    ``money`` formats amounts in the shop's currency."""

    COLUMNS = ("number", "customer", "issued", "due", "total", "paid", "balance", "status")

    def __init__(
        self, invoices: InvoiceService, money: Callable[[int], str], parent: QObject | None = None
    ) -> None:
        super().__init__((), parent)
        self._invoices = invoices
        self._money = money
        self._filter = InvoiceFilter()
        self._rows: list[InvoiceRow] = []
        self._exhausted = True
        self._headers = (
            self.tr("Number"),
            self.tr("Customer"),
            self.tr("Issued"),
            self.tr("Due"),
            self.tr("Total"),
            self.tr("Paid"),
            self.tr("Balance"),
            self.tr("Status"),
        )
        self._statuses = {
            InvoiceStatus.DRAFT: self.tr("Draft"),
            InvoiceStatus.ISSUED: self.tr("Issued"),
            InvoiceStatus.PARTIAL: self.tr("Partially paid"),
            InvoiceStatus.PAID: self.tr("Paid"),
            InvoiceStatus.OVERDUE: self.tr("Overdue"),
            InvoiceStatus.VOID: self.tr("Void"),
        }
        self.fetches = 0  # pages read; tests check the laziness with it

    # -- loading ----------------------------------------------------------------------

    @property
    def filter(self) -> InvoiceFilter:
        return self._filter

    def set_filter(self, where: InvoiceFilter) -> None:
        """Show the invoices matching ``where``, reading the first page now."""
        first = self._invoices.page(where, limit=PAGE_SIZE)
        self.fetches += 1
        self.apply_result(where, first)

    def apply_result(self, where: InvoiceFilter, first_page: list[InvoiceRow]) -> None:
        """Show a first page read elsewhere (e.g. off the GUI thread)."""
        self.beginResetModel()
        try:
            self._filter = where
            self._rows = list(first_page)
            self._exhausted = len(first_page) < PAGE_SIZE
        finally:
            self.endResetModel()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or not self._rows:
            return
        last = self._rows[-1].summary
        more = self._invoices.page(self._filter, after=(last.issued_at, last.id), limit=PAGE_SIZE)
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

    def status_label(self, status: InvoiceStatus) -> str:
        return self._statuses[status]

    def invoice(self, row: int) -> InvoiceRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, invoice_id: uuid.UUID) -> int | None:
        for row, found in enumerate(self._rows):
            if found.id == invoice_id:
                return row
        return None

    # -- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def _text(self, row: InvoiceRow, column: str) -> str:
        summary = row.summary
        if column == "number":
            return summary.number or self.tr("(draft)")
        if column == "customer":
            return summary.customer_name
        if column == "issued":
            return local_date(summary.issued_at)
        if column == "due":
            return summary.due_date.isoformat() if summary.due_date else ""
        if column == "total":
            return self._money(summary.total)
        if column == "paid":
            return self._money(summary.paid) if summary.paid else ""
        if column == "balance":
            return self._money(summary.balance)
        return self.status_label(row.status)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.invoice(index.row())
        if row is None or not 0 <= index.column() < len(self.COLUMNS):
            return None
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.status is InvoiceStatus.OVERDUE:
                return QBrush(OVERDUE_BACKGROUND)
            if row.status is InvoiceStatus.DRAFT:
                return QBrush(DRAFT_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and row.status in (
            InvoiceStatus.OVERDUE,
            InvoiceStatus.DRAFT,
        ):
            return QBrush(ROW_TEXT)
        return None
