"""An honest page for a part of Benchside that is not built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = QLabel(title, self)
        heading.setObjectName("placeholderTitle")
        font = heading.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        soon = QLabel(self.tr("Coming soon"), self)
        soon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        soon.setStyleSheet("color: palette(mid);")
        body = QLabel(description, self)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setMaximumWidth(520)
        layout.addWidget(heading)
        layout.addWidget(soon)
        layout.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        self.description = body
