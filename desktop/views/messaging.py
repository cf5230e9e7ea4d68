"""Sends the message outbox in the background: every 30 seconds, and soon after any change
(a status change may just have queued a message), always off the GUI thread."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.services.changes import Changes
from desktop.services.message_sender import MessageSender, SendReport
from desktop.views.bus import DataBus
from desktop.views.tasks import TaskRunner

log = logging.getLogger(__name__)

INTERVAL_MS = 30_000
AFTER_CHANGE_MS = 1_000


class MessageDispatcher(QObject):
    """Runs ``MessageSender.send_due`` through the task runner, one run at a time.

    The first run settles messages a previous run left half-sent (``recover_interrupted``).
    """

    messages_sent = Signal(object)  # SendReport, after each run that sent or failed something

    def __init__(
        self,
        sender: MessageSender,
        tasks: TaskRunner,
        bus: DataBus | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sender = sender
        self._tasks = tasks
        self._bus = bus
        self._running = False
        self._again = False
        self._recovered = False
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.send_now)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(AFTER_CHANGE_MS)
        self._soon.timeout.connect(self.send_now)
        if bus is not None:
            bus.data_changed.connect(self._on_bus_data_changed)

    def start(self) -> None:
        self.timer.start()
        self.send_now()

    def stop(self) -> None:
        self.timer.stop()
        self._soon.stop()

    def send_now(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        recover = not self._recovered

        def work() -> SendReport:
            if recover:
                self._sender.recover_interrupted()
            return self._sender.send_due()

        self._tasks.run(work, self._on_run_done, self._on_run_failed)

    def _on_run_done(self, report: SendReport) -> None:
        self._recovered = True
        self._finish()
        if report.anything:
            self.messages_sent.emit(report)
            if self._bus is not None:
                self._bus.publish(Changes(messages=True))

    def _on_run_failed(self, error: Exception) -> None:
        log.error("sending messages failed", exc_info=error)
        self._finish()

    def _finish(self) -> None:
        self._running = False
        if self._again and self.timer.isActive():
            self._again = False
            self._soon.start()

    def _on_bus_data_changed(self, changes: Changes) -> None:
        if changes == Changes(messages=True):
            return  # our own news: nothing new to send
        if self.timer.isActive():
            self._soon.start()
