"""Background work: callbacks on the GUI thread, and none for a window closed meanwhile."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

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
