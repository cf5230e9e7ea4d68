"""One broadcast of what changed; each open view reloads only what concerns it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.services.changes import Changes


class DataBus(QObject):
    data_changed = Signal(object)  # Changes

    def publish(self, changes: Changes) -> None:
        self.data_changed.emit(changes)
