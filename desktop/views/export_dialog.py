"""The Export dialog of the reports: choose XLSX or CSV and where to save, then watch the
rows being written, with a button to stop.

The rows are produced and written off the GUI thread (``TaskRunner.run_cancellable``).
``write_table`` writes beside the target and renames at the end, so an export that is
stopped or fails leaves no file behind and never half-overwrites an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QLocale, QStandardPaths, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import BenchsideError, Cancelled, ValidationError
from desktop.services.spreadsheets import write_table
from desktop.views.forms import FieldErrors, error_label, row_widget
from desktop.views.tasks import CancelHandle, Progress, TaskRunner

# Called on the worker thread: the rows to write and how many there are (None: unknown).
RowSource = Callable[[], tuple[Iterable[Sequence[object]], int | None]]

XLSX = ".xlsx"
CSV = ".csv"
FILE_FILTERS = {XLSX: "Excel workbook (*.xlsx)", CSV: "CSV (*.csv)"}


class ExportDialog(QDialog):
    """Export one table to a file the user chooses. ``rows`` is called off the GUI
    thread when the export starts, so a report's query runs there too."""

    exported = Signal(object, int)  # the file's Path, the rows written

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        rows: RowSource,
        default_name: str,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export"))
        self.setModal(True)
        self._title = title
        self._headers = tuple(headers)
        self._rows = rows
        self._tasks = tasks
        self._handle: CancelHandle | None = None
        self._running = False
        self.errors = FieldErrors(error_label(self))
        self.format = QComboBox(self)
        self.format.addItem(self.tr("Excel workbook (.xlsx)"), XLSX)
        self.format.addItem(self.tr("CSV, for any spreadsheet (.csv)"), CSV)
        self.format.currentIndexChanged.connect(self._on_format_current_index_changed)
        self.path = QLineEdit(self)
        self.path.textEdited.connect(self._on_path_text_edited)
        self.choose_button = QPushButton(self.tr("Choose…"), self)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        path_error = error_label(self)
        # write_table names a bad folder "folder" and a bad file name "file".
        self.errors.add("folder", path_error)
        self.errors.add("file", path_error)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        self.export_button = QPushButton(self.tr("Export"), self)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        close_button = QPushButton(self.tr("Close"), self)
        close_button.clicked.connect(self.reject)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.choose_button)
        path_box = QVBoxLayout()
        path_box.setSpacing(2)
        path_box.addWidget(row_widget(path_row))
        path_box.addWidget(path_error)
        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Save to"), row_widget(path_box))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        heading = QLabel(title, self)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.errors.general)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())
        default = Path(default_name)
        if default.suffix.lower() not in FILE_FILTERS:
            default = default.with_name(default.name + XLSX)
        self.set_path(_default_folder() / default)

    # -- the file ------------------------------------------------------------------------

    def set_path(self, path: Path) -> None:
        """Export to ``path``; a name ending in .xlsx or .csv chooses the format too, any
        other gets the chosen format's ending when the export starts."""
        self.path.setText(str(path))
        self._follow_suffix(path)

    def target(self) -> Path | None:
        """The file the export writes, or None while no path is given."""
        text = self.path.text().strip()
        if not text:
            return None
        path = Path(text)
        suffix = str(self.format.currentData())
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def _follow_suffix(self, path: Path) -> None:
        index = self.format.findData(path.suffix.lower())
        if index >= 0 and index != self.format.currentIndex():
            self.format.blockSignals(True)
            self.format.setCurrentIndex(index)
            self.format.blockSignals(False)

    def _on_path_text_edited(self, text: str) -> None:
        self._follow_suffix(Path(text.strip()))

    def _on_format_current_index_changed(self, _index: int) -> None:
        text = self.path.text().strip()
        path = Path(text)
        if text and path.suffix.lower() in FILE_FILTERS:
            self.path.setText(str(path.with_suffix(str(self.format.currentData()))))

    def _on_choose_button_clicked(self) -> None:
        chosen = str(self.format.currentData())
        name, selected = QFileDialog.getSaveFileName(
            self,
            self.tr("Export"),
            self.path.text().strip() or str(_default_folder()),
            ";;".join(self.tr(f) for f in FILE_FILTERS.values()),
            self.tr(FILE_FILTERS[chosen]),
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in FILE_FILTERS:
            suffix = XLSX if "xlsx" in selected else CSV
            path = path.with_name(path.name + suffix)
        self.set_path(path)

    # -- exporting -----------------------------------------------------------------------

    def start(self) -> None:
        """Write the rows to the chosen file off the GUI thread."""
        target = self.target()
        self.errors.clear()
        if target is None:
            self.errors.show({"file": self.tr("Choose where to save the file.")})
            return
        title, headers, source = self._title, self._headers, self._rows

        def work(progress: Progress, cancelled: Callable[[], bool]) -> int:
            rows, total = source()
            if cancelled():
                raise Cancelled("The export was stopped.")
            progress(0, total)
            return write_table(
                target,
                title,
                headers,
                rows,
                progress=lambda done: progress(done, total),
                cancelled=cancelled,
            )

        self._show_running(True)
        self.progress.setRange(0, 0)  # busy until the row count is known
        self._say(self.tr("Exporting…"))
        handle = self._tasks.run_cancellable(
            work,
            self._on_export_progress,
            lambda written: self._on_export_done(target, written),
            self._on_export_failed,
            self,
        )
        # A synchronous runner (tests) has already finished the export by now.
        self._handle = handle if self._running else None

    def cancel(self) -> None:
        """Ask the running export to stop; it says so when it has."""
        if self._handle is None:
            return
        self._handle.cancel()
        self.cancel_button.setEnabled(False)
        self._say(self.tr("Stopping…"))

    def reject(self) -> None:
        self.cancel()
        super().reject()

    def _on_export_button_clicked(self) -> None:
        self.start()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_export_progress(self, done: int, total: int | None) -> None:
        if self._handle is not None and self._handle.is_cancelled():
            return
        locale = QLocale()
        if total is None:
            self.progress.setRange(0, 0)
            text = self.tr("{done} rows written…").format(done=locale.toString(done))
        else:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(done, total))
            text = self.tr("{done} of {total} rows written…").format(
                done=locale.toString(done), total=locale.toString(total)
            )
        self._say(text)

    def _on_export_done(self, target: Path, written: int) -> None:
        self._show_running(False)
        self._say(
            self.tr("{rows} rows saved to {path}.").format(
                rows=QLocale().toString(written), path=target
            )
        )
        self.exported.emit(target, written)

    def _on_export_failed(self, problem: Exception) -> None:
        self._show_running(False)
        if isinstance(problem, Cancelled):
            self._say(self.tr("The export was stopped; no file was written."))
        elif isinstance(problem, ValidationError):
            self._say("")
            self.errors.show(problem.errors)
        elif isinstance(problem, BenchsideError):
            self._say("")
            self.errors.show_general(str(problem))
        elif isinstance(problem, OSError):
            self._say("")
            self.errors.show_general(
                self.tr("The file could not be written: {reason}.").format(
                    reason=problem.strerror or problem
                )
            )
        else:
            raise problem

    def _show_running(self, running: bool) -> None:
        self._running = running
        if not running:
            self._handle = None
        for widget in (self.export_button, self.format, self.path, self.choose_button):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


def _default_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()
