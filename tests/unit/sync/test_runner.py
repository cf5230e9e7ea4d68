"""The background sync runner, on a real thread, with small intervals to stay fast."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop.sync.client import SchemaTooOld, SyncAuthError, SyncOffline, SyncServerError
from desktop.sync.runner import LOG_SIZE, SyncReport, SyncRunner, SyncState, SyncStatus

LONG = 60.0  # an interval that never elapses during a test


class ScriptedPass:
    """A sync pass that plays a script of outcomes (a report or an exception to raise),
    then repeats the last one; it records when each call happened."""

    def __init__(self, *outcomes: SyncReport | Exception) -> None:
        self.outcomes = list(outcomes) or [SyncReport()]
        self.calls: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> SyncReport:
        with self._lock:
            self.calls.append(time.monotonic())
            outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.calls)

    def gaps(self) -> list[float]:
        with self._lock:
            return [b - a for a, b in zip(self.calls, self.calls[1:], strict=False)]


class Statuses:
    def __init__(self) -> None:
        self.seen: list[SyncStatus] = []
        self._lock = threading.Lock()

    def __call__(self, status: SyncStatus) -> None:
        with self._lock:
            self.seen.append(status)

    @property
    def last(self) -> SyncStatus:
        with self._lock:
            return self.seen[-1]

    def states(self) -> list[SyncState]:
        with self._lock:
            return [s.state for s in self.seen]


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.002)


@pytest.fixture
def make_runner() -> Iterator[Callable[..., tuple[SyncRunner, ScriptedPass, Statuses]]]:
    runners: list[SyncRunner] = []

    def make(*outcomes: SyncReport | Exception, **options: Any):
        sync_once = ScriptedPass(*outcomes)
        statuses = Statuses()
        settings: dict[str, Any] = {"pull_interval": LONG, "debounce": 0.02} | options
        runner = SyncRunner(sync_once, statuses, **settings)
        runners.append(runner)
        return runner, sync_once, statuses

    yield make
    for runner in runners:
        runner.stop()


def test_first_pass_runs_at_start_and_reports_online(make_runner) -> None:
    runner, sync_once, statuses = make_runner(
        SyncReport(pending=2, pushed=3, pulled=4, rejected=1, conflicts=5)
    )
    runner.start()
    wait_for(lambda: statuses.last.state is SyncState.ONLINE)
    status = statuses.last
    assert (status.pending, status.rejected, status.conflicts, status.last_error) == (2, 1, 5, "")
    assert status.last_synced_at is not None
    assert statuses.states()[0] is SyncState.STARTING
    assert sync_once.count == 1
    assert [e.text for e in runner.log_entries()] == [
        "Connected to the sync server.",
        "Sent 3 changes, received 4 changes.",
        "The server refused 1 changes; see Settings → Sync.",
        "5 changes made at two stations at once need a look.",
    ]


def test_a_local_commit_is_pushed_after_the_debounce(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(debounce=0.05)
    runner.start()
    wait_for(lambda: sync_once.count == 1)
    committed = time.monotonic()
    runner.notify_local_commit()
    wait_for(lambda: sync_once.count == 2)
    waited = sync_once.calls[1] - committed
    assert 0.04 <= waited < 1.0


def test_commits_within_the_debounce_share_one_pass(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(debounce=0.1)
    runner.start()
    wait_for(lambda: sync_once.count == 1)
    for _ in range(5):
        runner.notify_local_commit()
        time.sleep(0.01)
    wait_for(lambda: sync_once.count == 2)
    time.sleep(0.2)
    assert sync_once.count == 2


def test_the_timer_pulls_without_local_writes(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(pull_interval=0.03)
    runner.start()
    wait_for(lambda: sync_once.count >= 4)
    assert min(sync_once.gaps()) >= 0.025


def test_offline_backs_off_doubling_to_the_cap_and_resets_on_success(make_runner) -> None:
    offline = SyncOffline("The sync server cannot be reached.")
    runner, sync_once, statuses = make_runner(
        offline,
        offline,
        offline,
        offline,
        offline,
        SyncReport(),
        offline,
        SyncReport(),
        backoff_base=0.02,
        backoff_cap=0.08,
        pull_interval=0.03,
        jitter=lambda: 1.0,
    )
    runner.start()
    wait_for(lambda: sync_once.count >= 8)
    gaps = sync_once.gaps()
    # Waits after failures 1..5: 0.02, 0.04, 0.08 (cap), 0.08; then the pull interval,
    # then a fresh backoff of 0.02 after the next failure.
    for gap, expected in zip(gaps, [0.02, 0.04, 0.08, 0.08, 0.08, 0.03, 0.02], strict=False):
        assert expected * 0.9 <= gap < expected + 0.08
    assert SyncState.OFFLINE in statuses.states()
    offline_status = next(s for s in statuses.seen if s.state is SyncState.OFFLINE)
    assert offline_status.last_error == "The sync server cannot be reached."


def test_offline_log_says_it_once_not_at_every_retry(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(
        SyncOffline("The sync server cannot be reached."), backoff_base=0.01, backoff_cap=0.01
    )
    runner.start()
    wait_for(lambda: sync_once.count >= 5)
    assert [e.text for e in runner.log_entries()] == ["The sync server cannot be reached."]


def test_full_jitter_never_busy_loops(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(
        SyncOffline("away"), backoff_base=0.1, backoff_cap=0.1, jitter=lambda: 0.0
    )
    runner.start()
    time.sleep(0.2)
    # The floor is a tenth of the base (10 ms): about 20 attempts, never thousands.
    assert 2 <= sync_once.count <= 30


def test_jitter_spreads_the_waits(make_runner) -> None:
    draws = iter([0.5, 0.25, 1.0, 0.5])
    runner, sync_once, _statuses = make_runner(
        SyncOffline("away"), backoff_base=0.08, backoff_cap=1.0, jitter=lambda: next(draws, 1.0)
    )
    runner.start()
    wait_for(lambda: sync_once.count >= 4)
    for gap, expected in zip(sync_once.gaps(), [0.04, 0.04, 0.32], strict=False):
        assert expected * 0.9 <= gap < expected + 0.08


def test_schema_too_old_means_update_required_and_slow_retries(make_runner) -> None:
    runner, sync_once, statuses = make_runner(
        SchemaTooOld("Update Benchside on this PC."), update_retry=0.15, backoff_base=0.001
    )
    runner.start()
    wait_for(lambda: sync_once.count == 2)
    time.sleep(0.05)
    assert sync_once.count == 2
    assert 0.13 <= sync_once.gaps()[0] < 0.3
    assert statuses.last.state is SyncState.UPDATE_REQUIRED
    assert statuses.last.last_error == "Update Benchside on this PC."


def test_an_auth_error_stops_retrying_until_sync_now(make_runner) -> None:
    runner, sync_once, statuses = make_runner(
        SyncAuthError("Connect this station again."),
        SyncReport(),
        backoff_base=0.001,
        pull_interval=LONG,
    )
    runner.start()
    wait_for(lambda: statuses.last.state is SyncState.ERROR)
    runner.notify_local_commit()
    time.sleep(0.15)
    assert sync_once.count == 1
    assert statuses.last.last_error == "Connect this station again."
    runner.sync_now()
    wait_for(lambda: statuses.last.state is SyncState.ONLINE)
    assert sync_once.count == 2


def test_other_errors_show_the_reason_and_keep_retrying(make_runner) -> None:
    runner, sync_once, statuses = make_runner(
        SyncServerError("The server had a problem."),
        SyncServerError("The server had a problem."),
        SyncReport(),
        backoff_base=0.01,
        backoff_cap=0.02,
    )
    runner.start()
    wait_for(lambda: sync_once.count == 3)
    wait_for(lambda: statuses.last.state is SyncState.ONLINE)
    assert SyncState.ERROR in statuses.states()
    assert statuses.last.last_error == ""


def test_a_programming_error_is_logged_and_retried(make_runner, caplog) -> None:
    runner, sync_once, statuses = make_runner(
        ZeroDivisionError("bug"), SyncReport(), backoff_base=0.01
    )
    with caplog.at_level(logging.ERROR, logger="desktop.sync.runner"):
        runner.start()
        wait_for(lambda: sync_once.count == 2)
        wait_for(lambda: statuses.last.state is SyncState.ONLINE)
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    assert SyncState.ERROR in statuses.states()


def test_pause_stops_passes_and_resume_syncs_at_once(make_runner) -> None:
    runner, sync_once, statuses = make_runner(pull_interval=0.02)
    runner.start()
    wait_for(lambda: sync_once.count >= 1)
    runner.pause()
    assert statuses.last.state is SyncState.PAUSED
    time.sleep(0.03)  # a pass already running finishes
    paused_at = sync_once.count
    runner.notify_local_commit()
    time.sleep(0.1)
    assert sync_once.count == paused_at
    runner.resume()
    wait_for(lambda: sync_once.count > paused_at)
    wait_for(lambda: statuses.last.state is SyncState.ONLINE)


def test_a_runner_started_paused_waits_for_resume(make_runner) -> None:
    runner, sync_once, statuses = make_runner(paused=True)
    runner.start()
    time.sleep(0.05)
    assert sync_once.count == 0
    assert statuses.last.state is SyncState.PAUSED
    runner.resume()
    wait_for(lambda: sync_once.count == 1)


def test_stop_joins_the_thread(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(pull_interval=0.01)
    runner.start()
    wait_for(lambda: sync_once.count >= 2)
    runner.stop()
    assert not runner.running
    stopped_at = sync_once.count
    time.sleep(0.05)
    assert sync_once.count == stopped_at


def test_local_commits_while_offline_update_the_waiting_count(make_runner) -> None:
    waiting = iter(range(10, 100))
    runner, sync_once, statuses = make_runner(
        SyncOffline("away"), backoff_base=LONG, pending_count=lambda: next(waiting)
    )
    runner.start()
    wait_for(lambda: statuses.last.state is SyncState.OFFLINE)
    assert statuses.last.pending == 10
    runner.notify_local_commit()
    wait_for(lambda: statuses.last.pending == 11)
    assert statuses.last.state is SyncState.OFFLINE
    assert sync_once.count == 1


def test_the_log_keeps_the_last_entries_only(make_runner) -> None:
    runner, sync_once, _statuses = make_runner(SyncReport(pushed=1), pull_interval=0.0005)
    runner.start()
    wait_for(lambda: sync_once.count > LOG_SIZE + 5)
    runner.stop()
    entries = runner.log_entries()
    assert len(entries) == LOG_SIZE
    assert entries[-1].text == "Sent 1 changes, received 0 changes."


def test_a_failing_listener_does_not_stop_sync(make_runner) -> None:
    calls: list[SyncStatus] = []

    def listener(status: SyncStatus) -> None:
        calls.append(status)
        raise RuntimeError("listener bug")

    sync_once = ScriptedPass(SyncReport())
    runner = SyncRunner(sync_once, listener, pull_interval=0.01)
    try:
        runner.start()
        wait_for(lambda: sync_once.count >= 3)
        assert runner.running
    finally:
        runner.stop()
