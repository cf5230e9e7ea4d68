"""The invoice list: drafts, then the newest issued first, read in keyset pages as the view
scrolls."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.services.invoice_lists import InvoiceFilter, InvoiceRow, InvoiceStatus
from desktop.services.invoices import InvoiceService
from desktop.views.formatting import local_date
from desktop.views.itemmodels.keyset import KeysetTableModel
from desktop.views.itemmodels.readonly import ModelIndex

OVERDUE_BACKGROUND = QColor("#fde2e1")
DRAFT_BACKGROUND = QColor("#eef3fb")
ROW_TEXT = QColor("#202020")  # dark text stays readable on the light row colours
MONEY_COLUMNS = frozenset({"total", "paid", "balance"})


class InvoiceTableModel(KeysetTableModel[InvoiceFilter, InvoiceRow]):
    """Invoices matching an ``InvoiceFilter``; ``fetchMore`` reads the next keyset page.
    ``money`` formats amounts in the shop's currency."""

    COLUMNS = ("number", "customer", "issued", "due", "total", "paid", "balance", "status")

    def __init__(
        self, invoices: InvoiceService, money: Callable[[int], str], parent: QObject | None = None
    ) -> None:
        super().__init__(InvoiceFilter(), parent)
        self._invoices = invoices
        self._money = money
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

    def _read(self, where: InvoiceFilter, after: InvoiceRow | None, limit: int) -> list[InvoiceRow]:
        key = (after.summary.issued_at, after.summary.id) if after is not None else None
        return self._invoices.page(where, after=key, limit=limit)

    def status_label(self, status: InvoiceStatus) -> str:
        return self._statuses[status]

    def invoice(self, row: int) -> InvoiceRow | None:
        return self.row_at(row)

    def row_of(self, invoice_id: uuid.UUID) -> int | None:
        for row, found in enumerate(self._rows):
            if found.id == invoice_id:
                return row
        return None

    # -- Qt model interface -----------------------------------------------------------

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
