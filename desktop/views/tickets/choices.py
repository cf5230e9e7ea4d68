"""The pick lists every ticket screen shares: priorities and the staff who repair."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox

from desktop.services.container import Services
from desktop.services.permissions import Role
from desktop.services.tickets import PRIORITIES

_PRIORITY_LABELS = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}


def add_priorities(combo: QComboBox) -> None:
    """Low … Urgent, with the stored value as each item's data."""
    for value in PRIORITIES:
        combo.addItem(QCoreApplication.translate("Ticket", _PRIORITY_LABELS[value]), value)


def add_technicians(combo: QComboBox, services: Services) -> None:
    """The active staff who can take a repair (not front desk), by user id as text."""
    for user in services.accounts.list_users(include_inactive=False):
        if user.role != Role.FRONT_DESK.value:
            combo.addItem(user.display_name, str(user.id))
