"""The Qt binding itself: a model's ``data()`` returning None to Qt must not cost a
reference to None. PySide6 6.12.0 did, and on Python 3.11 a long list (200k items)
soon brought None's count to zero and aborted the app; pyproject excludes it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex


class _Blank(QAbstractTableModel):
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1000

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return None


def test_a_model_returning_none_to_qt_keeps_none_alive(qapp: object) -> None:
    model = _Blank()
    before = sys.getrefcount(None)
    for row in range(1000):
        model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)  # through Qt's C++ side
    assert sys.getrefcount(None) - before > -100
