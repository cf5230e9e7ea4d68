"""Background sync: one daemon thread runs the engine's sync pass soon after each local
commit, on a timer to pull, and again with backoff while the server cannot be reached.

Plain Python (no Qt): the views turn ``on_status`` calls, which come from the runner's
thread, into a Qt signal. Retries run on the timer, never only when the next local write
happens, so a queue stuck behind a network error empties by itself.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Protocol

from desktop.services.errors import SyncError
from desktop.sync.client import SchemaTooNew, SchemaTooOld, SyncAuthError, SyncOffline

log = logging.getLogger(__name__)

LOG_SIZE = 200


class SyncState(StrEnum):
    OFF = "off"  # no server set up: nothing runs
    STARTING = "starting"  # running, first pass not finished yet
    ONLINE = "online"
    OFFLINE = "offline"
    ERROR = "error"
    UPDATE_REQUIRED = "update_required"
    PAUSED = "paused"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows. ``pending``: local changes not yet accepted by the
    server; ``rejected``/``conflicts``: totals a manager should look at."""

    state: SyncState
    pending: int = 0
    last_synced_at: datetime | None = None
    last_error: str = ""
    rejected: int = 0
    conflicts: int = 0


SYNC_OFF = SyncStatus(SyncState.OFF)


class PassReport(Protocol):
    """What one sync pass returns: ``pushed``/``pulled`` in this pass; ``pending``,
    ``rejected`` and ``conflicts`` as they stand after it."""

    @property
    def pending(self) -> int: ...

    @property
    def pushed(self) -> int: ...

    @property
    def pulled(self) -> int: ...

    @property
    def rejected(self) -> int: ...

    @property
    def conflicts(self) -> int: ...


@dataclass(frozen=True)
class SyncReport:
    pending: int = 0
    pushed: int = 0
    pulled: int = 0
    rejected: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class SyncLogEntry:
    at: datetime
    level: str  # info | warning | error
    text: str


class _Wake(Enum):
    SYNC = "sync"
    COUNT = "count"  # a local commit while backing off: only refresh the waiting count
    STOP = "stop"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SyncRunner:
    """Runs ``sync_once`` on its own daemon thread and reports every attempt.

    ``sync_once`` returns a ``PassReport`` or raises ``SyncError`` subclasses:
    ``SyncOffline`` backs off exponentially with full jitter (``backoff_base`` doubling
    up to ``backoff_cap``, reset on success); ``SchemaTooOld``/``SchemaTooNew`` retry
    every ``update_retry`` seconds; ``SyncAuthError`` waits for ``sync_now``/``resume``
    (the user enrolled again); any other error backs off like ``SyncOffline``.
    ``pending_count`` (optional) refreshes the waiting count while the server is away.
    """

    def __init__(
        self,
        sync_once: Callable[[], PassReport],
        on_status: Callable[[SyncStatus], None],
        clock: Callable[[], float] = time.monotonic,
        pull_interval: float = 15.0,
        debounce: float = 1.0,
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        update_retry: float = 300.0,
        paused: bool = False,
        pending_count: Callable[[], int] | None = None,
        jitter: Callable[[], float] = random.random,
        wall_clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._sync_once = sync_once
        self._on_status = on_status
        self._clock = clock
        self._pull_interval = pull_interval
        self._debounce = debounce
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._update_retry = update_retry
        self._pending_count = pending_count
        self._jitter = jitter
        self._wall_clock = wall_clock
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._paused = paused
        self._now_requested = False
        self._commit_due: float | None = None
        self._commit_seen = False
        self._next_attempt: float | None = None  # None: wait for the user (auth error)
        self._healthy = True  # the last pass worked: commits push soon
        self._failures = 0
        self._state = SyncState.STARTING
        self._status = SyncStatus(SyncState.PAUSED if paused else SyncState.STARTING)
        self._log: deque[SyncLogEntry] = deque(maxlen=LOG_SIZE)

    # -- control (any thread) -------------------------------------------------------------

    def start(self) -> None:
        """Start the thread; the first pass runs at once (unless paused)."""
        with self._cond:
            if self._thread is not None:
                return
            self._next_attempt = self._clock()
            self._thread = threading.Thread(target=self._run, name="benchside-sync", daemon=True)
            self._thread.start()
        self._publish()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop the thread and wait for it (at most ``timeout`` seconds: a pass in the
        middle of a slow request is left to finish on its own, the thread is a daemon)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def notify_local_commit(self) -> None:
        """Something was written locally: push it soon (within ``debounce`` seconds).
        Commits in that window join the same pass instead of moving it later."""
        with self._cond:
            if self._commit_due is None:
                self._commit_due = self._clock() + self._debounce
            self._commit_seen = True
            self._cond.notify_all()

    def sync_now(self) -> None:
        """Run a pass at once, even while backing off or after an authentication error."""
        with self._cond:
            self._now_requested = True
            self._cond.notify_all()

    def pause(self) -> None:
        """No passes until ``resume``; a pass already running finishes."""
        with self._cond:
            self._paused = True
            self._cond.notify_all()
        self._add_log("info", "Sync paused.")
        self._publish()

    def resume(self) -> None:
        """Sync again, starting with a pass at once."""
        with self._cond:
            self._paused = False
            self._now_requested = True
            self._cond.notify_all()
        self._add_log("info", "Sync resumed.")
        self._publish()

    @property
    def status(self) -> SyncStatus:
        with self._cond:
            return self._status

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def log_entries(self) -> list[SyncLogEntry]:
        """The last ``LOG_SIZE`` entries of the sync log, oldest first."""
        with self._cond:
            return list(self._log)

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                wake = self._wait()
            if wake is _Wake.STOP:
                return
            if wake is _Wake.COUNT:
                self._refresh_pending()
            else:
                self._attempt()

    def _wait(self) -> _Wake:
        """Under the lock: sleep until a pass is due (or a count refresh, or stop)."""
        while not self._stopping:
            timeout: float | None = None
            if not self._paused:
                now = self._clock()
                due_at = self._due_at()
                if self._now_requested or (due_at is not None and now >= due_at):
                    self._now_requested = False
                    self._commit_due = None
                    self._commit_seen = False
                    return _Wake.SYNC
                if self._commit_seen and not self._healthy:
                    self._commit_seen = False
                    return _Wake.COUNT
                timeout = None if due_at is None else max(due_at - now, 0.0)
            self._cond.wait(timeout)
        return _Wake.STOP

    def _due_at(self) -> float | None:
        # While backing off, new local commits wait for the retry instead of hammering a
        # server that is away; the retry sends them.
        times = [self._next_attempt, self._commit_due if self._healthy else None]
        return min((t for t in times if t is not None), default=None)

    def _attempt(self) -> None:
        try:
            report = self._sync_once()
        except SyncOffline as exc:
            self._failed(SyncState.OFFLINE, str(exc), self._backoff(), "warning")
        except (SchemaTooOld, SchemaTooNew) as exc:
            self._failed(SyncState.UPDATE_REQUIRED, str(exc), self._update_retry, "error")
        except SyncAuthError as exc:
            self._failed(SyncState.ERROR, str(exc), None, "error")
        except SyncError as exc:
            self._failed(SyncState.ERROR, str(exc), self._backoff(), "error")
        except Exception:
            # A programming error: keep the counter usable, keep trying, leave a trace.
            log.exception("sync pass failed unexpectedly")
            message = "Sync stopped on an unexpected problem; it is written in the log file."
            self._failed(SyncState.ERROR, message, self._backoff(), "error")
        else:
            self._succeeded(report)
        self._publish()

    def _backoff(self) -> float:
        """Full jitter: a random wait up to base * 2^failures (failures before this one),
        capped; never zero, so a run of tiny random draws cannot become a busy loop."""
        doubled: float = self._backoff_base * 2.0 ** min(self._failures, 30)
        ceiling = min(self._backoff_cap, doubled)
        return max(self._jitter() * ceiling, self._backoff_base / 10)

    def _failed(self, state: SyncState, message: str, retry_in: float | None, level: str) -> None:
        with self._cond:
            changed = (state, message) != (self._state, self._status.last_error)
            self._failures += 1
            self._healthy = False
            self._state = state
            self._next_attempt = None if retry_in is None else self._clock() + retry_in
            self._status = replace(self._status, last_error=message)
        if changed:
            self._add_log(level, message)
        else:
            log.debug("sync still failing: %s", message)
        self._refresh_pending(publish=False)

    def _succeeded(self, report: PassReport) -> None:
        with self._cond:
            previous, before = self._state, self._status
            self._failures = 0
            self._healthy = True
            self._state = SyncState.ONLINE
            self._next_attempt = self._clock() + self._pull_interval
            self._status = SyncStatus(
                SyncState.ONLINE,
                pending=report.pending,
                last_synced_at=self._wall_clock(),
                rejected=report.rejected,
                conflicts=report.conflicts,
            )
        if previous is not SyncState.ONLINE:
            self._add_log("info", "Connected to the sync server.")
        if report.pushed or report.pulled:
            self._add_log(
                "info", f"Sent {report.pushed} changes, received {report.pulled} changes."
            )
        if report.rejected > before.rejected:
            count = report.rejected - before.rejected
            self._add_log("warning", f"The server refused {count} changes; see Settings → Sync.")
        if report.conflicts > before.conflicts:
            count = report.conflicts - before.conflicts
            self._add_log("warning", f"{count} changes made at two stations at once need a look.")

    def _refresh_pending(self, publish: bool = True) -> None:
        if self._pending_count is None:
            return
        try:
            pending = self._pending_count()
        except Exception as exc:  # a busy database: the old count stays until next time
            log.warning("cannot count the changes waiting to sync: %s", exc)
            return
        with self._cond:
            self._status = replace(self._status, pending=pending)
        if publish:
            self._publish()

    # -- reporting -----------------------------------------------------------------------

    def _publish(self) -> None:
        with self._cond:
            state = SyncState.PAUSED if self._paused else self._state
            self._status = replace(self._status, state=state)
            status = self._status
        try:
            self._on_status(status)
        except Exception:  # the listener's bug must not stop sync
            log.exception("sync status listener failed")

    def _add_log(self, level: str, text: str) -> None:
        entry = SyncLogEntry(self._wall_clock(), level, text)
        with self._cond:
            self._log.append(entry)
        log.log(logging.getLevelName(level.upper()), "sync: %s", text)
