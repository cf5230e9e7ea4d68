"""Run a function off the GUI thread, then call back on the GUI thread with its result
or its error. The only place views start background work.

Long work (an export, an import) can also report its progress and be asked to stop:
``run_cancellable`` hands it a ``progress`` callable and a ``cancelled`` callable, and
gives the caller a ``CancelHandle``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

# ``progress(done, total)``: ``total`` is None while the amount of work is unknown.
Progress = Callable[[int, int | None], None]


class CancelHandle:
    """Given back by ``run_cancellable``: ``cancel()`` asks the work to stop. The work
    sees it through the ``cancelled`` callable it was given and decides how to stop
    (the services raise ``Cancelled``, which reaches ``on_error``)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def is_cancelled(self) -> bool:
        return self._event.is_set()


class _Relay(QObject):
    finished = Signal(object, object)  # result, error
    progressed = Signal()  # the newest progress waits in the relay: see ``report``

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._latest: tuple[int, int | None] | None = None

    def report(self, done: int, total: int | None) -> None:
        """Called on the worker thread. Only one signal is queued at a time and it
        carries the newest value, so work that reports every row cannot flood the GUI
        thread with events."""
        with self._lock:
            queued = self._latest is not None
            self._latest = (done, total)
        if not queued:
            self.progressed.emit()

    def take(self) -> tuple[int, int | None] | None:
        with self._lock:
            latest, self._latest = self._latest, None
        return latest


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
    """``run(fn, on_done, on_error)`` and ``run_cancellable(fn, on_progress, ...)``.
    With ``synchronous=True`` (tests) they run inline."""

    def __init__(self, parent: QObject | None = None, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._synchronous = synchronous
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """With ``owner``, the callbacks are skipped if it was deleted meanwhile (a window
        closed while its work ran); the work itself is done either way."""
        self._start(lambda _progress: fn(), None, on_done, on_error, owner)

    def run_cancellable(
        self,
        fn: Callable[[Progress, Callable[[], bool]], Any],
        on_progress: Progress | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> CancelHandle:
        """Run ``fn(progress, cancelled)`` like ``run``. Each ``progress(done, total)``
        reaches ``on_progress`` on the GUI thread (reports that come faster than the GUI
        takes them are merged: it sees the newest); ``cancelled()`` turns true once the
        returned handle's ``cancel()`` was called. ``owner`` works as in ``run`` and
        also silences ``on_progress``."""
        handle = CancelHandle()
        self._start(
            lambda progress: fn(progress, handle.is_cancelled),
            on_progress,
            on_done,
            on_error,
            owner,
        )
        return handle

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

    def _start(
        self,
        work: Callable[[Progress], Any],
        on_progress: Progress | None,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
        owner: QObject | None,
    ) -> None:
        if self._synchronous:
            self._run_inline(work, on_progress, on_done, on_error)
            return

        def alive() -> bool:
            return owner is None or shiboken6.isValid(owner)

        def deliver(result: Any, error: Exception | None) -> None:
            self._relays.discard(relay)
            if not alive():
                if error is not None:
                    log.warning("background work of a closed window failed", exc_info=error)
                return
            if error is not None:
                if on_error is None:
                    raise error
                on_error(error)
            elif on_done is not None:
                on_done(result)

        def deliver_progress() -> None:
            latest = relay.take()
            if latest is not None and on_progress is not None and alive():
                on_progress(*latest)

        relay = _Relay()
        relay.finished.connect(deliver)
        relay.progressed.connect(deliver_progress)
        self._relays.add(relay)
        self._pool.start(_Job(lambda: work(relay.report), relay))

    @staticmethod
    def _run_inline(
        work: Callable[[Progress], Any],
        on_progress: Progress | None,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        def progress(done: int, total: int | None) -> None:
            if on_progress is not None:
                on_progress(done, total)

        try:
            value = work(progress)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        if on_done is not None:
            on_done(value)
