"""Background work: callbacks on the GUI thread, and none for a window closed meanwhile;
progress that reaches the GUI thread, and work that stops when cancelled."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QWidget

from desktop.services.errors import Cancelled
from desktop.views.tasks import TaskRunner


def test_results_come_back_on_the_gui_thread(qtbot) -> None:
    runner = TaskRunner()
    seen: list[tuple[int, bool]] = []
    main = threading.get_ident()
    runner.run(lambda: 41 + 1, lambda value: seen.append((value, threading.get_ident() == main)))
    qtbot.waitUntil(lambda: seen == [(42, True)])


def test_no_callback_reaches_a_window_closed_while_its_work_ran(qtbot) -> None:
    runner = TaskRunner()
    owner = QWidget()
    started, release = threading.Event(), threading.Event()
    done: list[object] = []

    def work() -> str:
        started.set()
        release.wait(5)
        return "saved"

    runner.run(work, done.append, done.append, owner=owner)
    assert started.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    release.set()
    assert runner.wait(5000)
    qtbot.wait(50)  # let the queued delivery run
    assert done == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


# -- progress and cancel -------------------------------------------------------------------


def test_progress_reaches_the_gui_thread_before_the_result(qtbot) -> None:
    runner = TaskRunner()
    main = threading.get_ident()
    heard: list[tuple[str, object, bool]] = []

    def work(progress, cancelled) -> str:
        for done in range(1, 4):
            progress(done, 3)
            time.sleep(0.02)  # give the GUI thread time to hear each step
        return "written"

    runner.run_cancellable(
        work,
        lambda done, total: heard.append(("progress", (done, total), _on(main))),
        lambda result: heard.append(("done", result, _on(main))),
    )
    qtbot.waitUntil(lambda: bool(heard) and heard[-1][0] == "done")
    assert heard[-1] == ("done", "written", True)
    progress = heard[:-1]
    assert progress and all(kind == "progress" and gui for kind, _value, gui in progress)
    assert progress[-1][1] == (3, 3)
    assert [value for _kind, value, _gui in progress] == sorted(v for _k, v, _g in progress)


def test_reports_faster_than_the_gui_takes_them_arrive_as_the_newest(qtbot) -> None:
    runner = TaskRunner()
    heard: list[tuple[int, int | None]] = []
    done: list[object] = []

    def work(progress, cancelled) -> None:
        for count in range(1, 10_001):
            progress(count, None)

    runner.run_cancellable(work, lambda d, t: heard.append((d, t)), done.append)
    assert runner.wait(5000)  # the GUI thread takes no events while it waits
    qtbot.waitUntil(lambda: done == [None])
    assert heard == [(10_000, None)]


def test_cancel_stops_the_work_and_its_error_is_delivered(qtbot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    steps: list[int] = []
    failed: list[Exception] = []

    def work(progress, cancelled) -> str:
        started.set()
        for step in range(500):
            if cancelled():
                raise Cancelled("The export was stopped.")
            steps.append(step)
            time.sleep(0.01)
        return "finished"

    handle = runner.run_cancellable(work, on_done=failed.append, on_error=failed.append)
    assert started.wait(5)
    assert not handle.is_cancelled()
    handle.cancel()
    assert handle.is_cancelled()
    qtbot.waitUntil(lambda: bool(failed))
    assert len(failed) == 1 and isinstance(failed[0], Cancelled)
    assert len(steps) < 500


def test_an_error_of_cancellable_work_reaches_on_error_on_the_gui_thread(qtbot) -> None:
    runner = TaskRunner()
    main = threading.get_ident()
    failed: list[tuple[Exception, bool]] = []

    def work(progress, cancelled) -> None:
        progress(1, None)
        raise OSError(28, "No space left on device")

    runner.run_cancellable(
        work, on_done=pytest.fail, on_error=lambda e: failed.append((e, _on(main)))
    )
    qtbot.waitUntil(lambda: bool(failed))
    error, on_gui = failed[0]
    assert isinstance(error, OSError) and error.errno == 28 and on_gui


def test_no_progress_reaches_a_window_closed_while_its_work_ran(qtbot) -> None:
    runner = TaskRunner()
    owner = QWidget()
    started, release = threading.Event(), threading.Event()
    heard: list[object] = []

    def work(progress, cancelled) -> str:
        started.set()
        release.wait(5)
        progress(1, 1)
        return "saved"

    runner.run_cancellable(work, heard.append, heard.append, heard.append, owner=owner)
    assert started.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    release.set()
    assert runner.wait(5000)
    qtbot.wait(50)  # let the queued deliveries run
    assert heard == []


def test_synchronous_runner_reports_progress_and_the_result_inline(qapp) -> None:
    runner = TaskRunner(synchronous=True)
    heard: list[object] = []

    def work(progress, cancelled) -> str:
        progress(1, 2)
        progress(2, 2)
        return "cancelled" if cancelled() else "done"

    handle = runner.run_cancellable(work, lambda d, t: heard.append((d, t)), heard.append)
    assert heard == [(1, 2), (2, 2), "done"]
    assert not handle.is_cancelled()


def _on(thread_id: int) -> bool:
    return threading.get_ident() == thread_id
