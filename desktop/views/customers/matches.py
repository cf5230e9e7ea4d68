"""Customers found while typing, listed the one way every screen shows them: name, then
phone and email, the first one current so Enter takes it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from desktop.services.customers import CustomerSummary

ID_ROLE = Qt.ItemDataRole.UserRole


def show_matches(results: QListWidget, found: Sequence[CustomerSummary]) -> None:
    results.clear()
    for customer in found:
        details = " · ".join(p for p in (customer.phone, customer.email) if p)
        item = QListWidgetItem(f"{customer.name}   {details}".strip())
        item.setData(ID_ROLE, customer.id)
        results.addItem(item)
    if found:
        results.setCurrentRow(0)


def chosen_id(item: QListWidgetItem | None) -> uuid.UUID | None:
    return item.data(ID_ROLE) if item is not None else None
