"""A dashboard figure: its name, its value, and how it moved against the period before.
Clicking it opens the list behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

UP, DOWN, SAME = "#2e7d4f", "#b3403a", "#6b7280"


def change_text(now: float, before: float, higher_is_better: bool = True) -> tuple[str, str]:
    """``▲ 12 % vs previous period`` and its colour; the text says when there is nothing
    to compare with."""
    if before == 0:
        return ("New this period", SAME) if now else ("No change", SAME)
    share = (now - before) / abs(before)
    if abs(share) < 0.005:
        return "No change", SAME
    arrow = "▲" if share > 0 else "▼"
    good = (share > 0) == higher_is_better
    return f"{arrow} {abs(share):.0%} vs previous period", UP if good else DOWN


class KpiTile(QFrame):
    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpi")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            "#kpi { border: 1px solid palette(mid); border-radius: 6px; "
            "background: palette(base); }"
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: palette(placeholder-text); font-size: 11px;")
        self.value = QLabel("–")
        font = self.value.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.value.setFont(font)
        self.change = QLabel("")
        self.change.setStyleSheet("font-size: 11px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.change)

    def show_value(self, value: str, change: tuple[str, str] | None = None, tip: str = "") -> None:
        self.value.setText(value)
        text, colour = change if change is not None else ("", SAME)
        self.change.setText(text)
        self.change.setStyleSheet(f"font-size: 11px; color: {colour};")
        self.setToolTip(tip)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
