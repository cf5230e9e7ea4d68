"""Barcode scanners that type like a keyboard ("keyboard wedge"), seen application-wide.

A scanner types a whole code in a few milliseconds and ends it with Enter (or Tab, as the
station's scanner settings say); people do not.
The detector watches every key press of the application, and when a fast burst ending in
Enter looks like a scan, it offers the code to a handler (the scan router). A code the
handler takes is removed from the text field it was typed into, and its Enter is swallowed,
so a scan into the wrong field neither leaves junk behind nor presses a default button.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from desktop.services.scan_router import ScanResult
from desktop.services.scanner_settings import ScannerSettings

SUFFIX_KEYS = {
    "enter": {Qt.Key.Key_Return, Qt.Key.Key_Enter},
    "tab": {Qt.Key.Key_Tab},
    "enter_or_tab": {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab},
}


@runtime_checkable
class ScanTarget(Protocol):
    """A window or page that does something with a scan in its context (ARCHITECTURE §5):
    a ticket adds the item as a part, a count session counts it, receiving receives it.
    The main window offers each scan to the focused target first."""

    def take_scan(self, result: ScanResult) -> bool:
        """Act on the scanned code; False leaves it to the next target."""
        ...


@dataclass(frozen=True)
class Burst:
    """A run of keys that ended with the suffix: what the settings page's test shows."""

    code: str
    keys: int
    slowest_gap_ms: float
    is_scan: bool


class ScanDetector(QObject):
    def __init__(
        self,
        handler: Callable[[str], bool],
        settings: ScannerSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._handler = handler
        self._clock = clock
        self._buffer = ""  # the current fast run of keys: a scan in the making
        self._gaps: list[float] = []
        self._typed = ""  # everything since the last suffix, for the test display
        self._slowest = 0.0
        self._last = 0.0
        self.last_burst: Burst | None = None
        self.apply(settings or ScannerSettings())

    def apply(self, settings: ScannerSettings) -> None:
        """Use this station's scanner settings from now on."""
        self.settings = settings
        self._suffix_keys = SUFFIX_KEYS[settings.suffix]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every key press reaches its window first, then the focus widget and perhaps its
        # parents: looking at the window's copy counts each key once.
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWindow):
            return False
        assert isinstance(event, QKeyEvent)
        now = self._clock()
        gap_ms = (now - self._last) * 1000
        self._last = now
        if event.key() in self._suffix_keys:
            return self._on_suffix(gap_ms)
        text = event.text()
        if len(text) != 1 or not text.isprintable():
            self._buffer, self._gaps, self._typed, self._slowest = "", [], "", 0.0
            return False
        if self._typed:
            self._slowest = max(self._slowest, gap_ms)
        self._typed += text
        if gap_ms <= self.settings.max_gap_ms and self._buffer:
            self._buffer += text
            self._gaps.append(gap_ms)
        else:
            self._buffer, self._gaps = text, []
        return False

    def _on_suffix(self, gap_ms: float) -> bool:
        typed, gaps = self._buffer, [*self._gaps, gap_ms]
        everything, slowest = self._typed, max(self._slowest, gap_ms)
        self._buffer, self._gaps, self._typed, self._slowest = "", [], "", 0.0
        prefix = self.settings.prefix
        code = typed[len(prefix) :] if prefix and typed.startswith(prefix) else typed
        is_scan = (
            len(code) >= self.settings.min_length
            and max(gaps) <= self.settings.max_gap_ms
            and (not prefix or typed.startswith(prefix))
        )
        if is_scan:
            self.last_burst = Burst(code, len(typed), max(gaps), True)
        else:
            self.last_burst = Burst(everything, len(everything), slowest, False)
        # The handler may move the focus (a ticket shows its parts): remember where the
        # code was typed.
        focus = QApplication.focusWidget()
        if is_scan and self._handler(code):
            _remove_typed(focus, typed)
            return True
        return False


def _remove_typed(focus: QWidget | None, code: str) -> None:
    """Take a taken scan back out of the field it was typed into."""
    if isinstance(focus, QLineEdit) and focus.text().endswith(code):
        focus.setText(focus.text()[: -len(code)])
    elif isinstance(focus, QPlainTextEdit) and focus.toPlainText().endswith(code):
        cursor = focus.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        for _ in code:
            cursor.deletePreviousChar()
