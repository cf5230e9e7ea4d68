"""Barcode scanners that type like a keyboard ("keyboard wedge"), seen application-wide.

A scanner types a whole code in a few milliseconds and ends it with Enter; people do not.
The detector watches every key press of the application, and when a fast burst ending in
Enter looks like a scan, it offers the code to a handler (the scan router). A code the
handler takes is removed from the text field it was typed into, and its Enter is swallowed,
so a scan into the wrong field neither leaves junk behind nor presses a default button.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

DEFAULT_MIN_LENGTH = 6
DEFAULT_MAX_GAP_MS = 50.0


class ScanDetector(QObject):
    def __init__(
        self,
        handler: Callable[[str], bool],
        min_length: int = DEFAULT_MIN_LENGTH,
        max_gap_ms: float = DEFAULT_MAX_GAP_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._handler = handler
        self.min_length = min_length
        self.max_gap_ms = max_gap_ms
        self._clock = clock
        self._buffer = ""
        self._last = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every key press reaches its window first, then the focus widget and perhaps its
        # parents: looking at the window's copy counts each key once.
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWindow):
            return False
        assert isinstance(event, QKeyEvent)
        now = self._clock()
        gap_ms = (now - self._last) * 1000
        self._last = now
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code, self._buffer = self._buffer, ""
            if len(code) >= self.min_length and gap_ms <= self.max_gap_ms and self._handler(code):
                _remove_typed(code)
                return True
            return False
        text = event.text()
        if len(text) != 1 or not text.isprintable():
            self._buffer = ""
            return False
        self._buffer = self._buffer + text if gap_ms <= self.max_gap_ms else text
        return False


def _remove_typed(code: str) -> None:
    """Take a taken scan back out of the field that had the focus."""
    focus = QApplication.focusWidget()
    if isinstance(focus, QLineEdit) and focus.text().endswith(code):
        focus.setText(focus.text()[: -len(code)])
    elif isinstance(focus, QPlainTextEdit) and focus.toPlainText().endswith(code):
        cursor = focus.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        for _ in code:
            cursor.deletePreviousChar()
