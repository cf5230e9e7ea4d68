"""Run a function off the GUI thread, then call back on the GUI thread with its result
or its error. The only place views start background work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(object, object)  # result, error


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the caller's on_error on the GUI thread
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    """``run(fn, on_done, on_error)``. With ``synchronous=True`` (tests) it runs inline."""

    def __init__(self, parent: QObject | None = None, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._synchronous = synchronous
        self._relays: set[_Relay] = set()
        self._lock = threading.Lock()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """With ``owner``, the callbacks are skipped if it was deleted meanwhile (a window
        closed while its work ran); the work itself is done either way."""

        def deliver(result: Any, error: Exception | None) -> None:
            self._relays.discard(relay)
            if owner is not None and not shiboken6.isValid(owner):
                if error is not None:
                    log.warning("background work of a closed window failed", exc_info=error)
                return
            if error is not None:
                if on_error is None:
                    raise error
                on_error(error)
            elif on_done is not None:
                on_done(result)

        if self._synchronous:
            try:
                value = fn()
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(exc)
                return
            if on_done is not None:
                on_done(value)
            return
        relay = _Relay()
        relay.finished.connect(deliver)
        self._relays.add(relay)
        self._pool.start(_Job(fn, relay))

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)
