"""Log to a rotating file; route Qt messages there; never crash silently."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, Signal, qInstallMessageHandler

log = logging.getLogger("benchside")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.INFO), message)


class _CrashReporter(QObject):
    """Shows the crash dialog on the GUI thread, whichever thread crashed."""

    crashed = Signal(str)

    def __init__(self, log_file: Path) -> None:
        super().__init__()
        self._log_file = log_file
        self.crashed.connect(self._on_self_crashed)

    def _on_self_crashed(self, summary: str) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            return
        QMessageBox.critical(
            None,
            self.tr("Benchside: unexpected error"),
            self.tr(
                "Something went wrong and Benchside could not finish this action.\n\n"
                "%1\n\nThe details were written to:\n%2\n\n"
                "Please send this file to your support contact."
            )
            .replace("%1", summary)
            .replace("%2", str(self._log_file)),
        )


_reporter: _CrashReporter | None = None


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    """Install the file handler, the Qt message handler and the crash hooks."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    qInstallMessageHandler(_qt_message)
    install_crash_hooks(log_file)


def install_crash_hooks(log_file: Path) -> None:
    global _reporter
    _reporter = _CrashReporter(log_file)

    def excepthook(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("unhandled error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if _reporter is not None:
            _reporter.crashed.emit(f"{kind.__name__}: {value}")

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
