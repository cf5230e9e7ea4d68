"""Importing items from a spreadsheet, and exporting the item list to one.

Reading, checking and importing a big file take seconds, so they run off the GUI thread;
the import reports its progress through a signal, which Qt delivers on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.container import Services
from desktop.services.errors import BenchsideError, ValidationError
from desktop.services.files import write_atomically
from desktop.services.item_import import (
    FIELDS,
    ImportOptions,
    ImportReport,
    RowCheck,
    rejected_rows_csv,
    suggested_mapping,
)
from desktop.services.spreadsheets import Table, read_table
from desktop.views.bus import DataBus
from desktop.views.forms import ERROR_STYLE
from desktop.views.tasks import TaskRunner

FILE_FILTER = "Spreadsheets (*.csv *.txt *.xlsx)"


def _problem_text(problem: Exception) -> str:
    if isinstance(problem, ValidationError):
        return " ".join(problem.errors.values())
    if isinstance(problem, BenchsideError | OSError):
        return str(problem)
    raise problem


class _Progress(QObject):
    """Carries progress from the worker thread to the dialog."""

    advanced = Signal(int, int)


class ImportDialog(QDialog):
    """Choose a file, say which column holds what, look at the preview, import."""

    imported = Signal(object)  # ImportReport

    def __init__(
        self, services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import items"))
        self._services = services
        self._bus = bus
        self._tasks = tasks
        self.table: Table | None = None
        self.report: ImportReport | None = None
        self.combos: list[QComboBox] = []
        self._progress = _Progress(self)
        self.file_label = QLabel(self.tr("No file chosen."))
        self.choose_button = QPushButton(self.tr("Choose file…"))
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.mapping = QFormLayout()
        self.existing = QComboBox()
        self.existing.addItem(self.tr("Skip items whose SKU exists"), "skip")
        self.existing.addItem(self.tr("Update items whose SKU exists"), "update")
        self.existing.currentIndexChanged.connect(self._on_mapping_changed)
        self.preview = QTableWidget(0, 4)
        self.preview.setHorizontalHeaderLabels(
            [self.tr("Line"), self.tr("Will be"), self.tr("Name"), self.tr("Problem")]
        )
        self.preview.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self._progress.advanced.connect(self._on_progress_advanced)
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.save_rejected_button = QPushButton(self.tr("Save rejected rows…"))
        self.save_rejected_button.setEnabled(False)
        self.save_rejected_button.clicked.connect(self._on_save_rejected_button_clicked)
        close_button = QPushButton(self.tr("Close"))
        close_button.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_rejected_button)
        buttons.addStretch()
        buttons.addWidget(self.import_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.mapping)
        layout.addWidget(self.existing)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.resize(800, 600)

    # -- the file and its mapping ------------------------------------------------------------

    def load_file(self, path: Path) -> None:
        """Read ``path`` in the background, then offer its columns for mapping."""
        self.file_label.setText(path.name)
        self._say(self.tr("Reading {name}…").format(name=path.name))
        self._tasks.run(lambda: read_table(path), self._show_table, self._on_failed, self)

    def mapping_chosen(self) -> tuple[str, ...]:
        return tuple(str(combo.currentData() or "") for combo in self.combos)

    def _show_table(self, table: Table) -> None:
        self.table = table
        self.report = None
        self.save_rejected_button.setEnabled(False)
        while self.mapping.rowCount():
            self.mapping.removeRow(0)
        self.combos = []
        for header, field in zip(table.headers, suggested_mapping(table.headers), strict=True):
            combo = QComboBox()
            combo.addItem(self.tr("(ignore)"), "")
            for key, label in FIELDS.items():
                combo.addItem(self.tr(label), key)
            combo.setCurrentIndex(max(0, combo.findData(field)))
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            self.mapping.addRow(header or self.tr("(no header)"), combo)
            self.combos.append(combo)
        self._say(self.tr("{rows} rows.").format(rows=len(table.rows)))
        self._on_mapping_changed()

    def _on_mapping_changed(self) -> None:
        table = self.table
        if table is None:
            return
        mapping = self.mapping_chosen()
        options = ImportOptions(existing=str(self.existing.currentData()))
        self._tasks.run(
            lambda: self._services.item_import.preview(table, mapping, options),
            self._show_preview,
            self._on_preview_failed,
            self,
        )

    def _show_preview(self, rows: list[RowCheck]) -> None:
        self.preview.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, text in enumerate(
                (str(row.line), self._action_text(row.action), row.name, row.message)
            ):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
                self.preview.setItem(index, column, cell)
        self.import_button.setEnabled(True)
        refused = sum(1 for r in rows if r.action == "reject")
        self._say(
            self.tr("First {shown} of {rows} rows shown; {refused} of them refused.").format(
                shown=len(rows), rows=len(self.table.rows) if self.table else 0, refused=refused
            )
        )

    def _on_preview_failed(self, problem: Exception) -> None:
        self.import_button.setEnabled(False)
        self.preview.setRowCount(0)
        self._on_failed(problem)

    def _action_text(self, action: str) -> str:
        return {
            "create": self.tr("added"),
            "update": self.tr("updated"),
            "skip": self.tr("skipped (exists)"),
            "reject": self.tr("refused"),
        }[action]

    # -- importing ---------------------------------------------------------------------------

    def start_import(self) -> None:
        table = self.table
        if table is None:
            return
        mapping = self.mapping_chosen()
        options = ImportOptions(existing=str(self.existing.currentData()))
        progress = self._progress.advanced.emit
        self.import_button.setEnabled(False)
        self.progress.setRange(0, max(1, len(table.rows)))
        self.progress.setValue(0)
        self.progress.show()
        self._tasks.run(
            lambda: self._services.item_import.import_items(table, mapping, options, progress),
            self._on_imported,
            self._on_failed,
            self,
        )

    def _on_import_button_clicked(self) -> None:
        self.start_import()

    def _on_progress_advanced(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)

    def _on_imported(self, report: ImportReport) -> None:
        self.report = report
        self.progress.hide()
        self.save_rejected_button.setEnabled(bool(report.rejected))
        self._say(
            self.tr(
                "{created} added, {updated} updated, {skipped} skipped, {rejected} refused."
            ).format(
                created=report.created,
                updated=report.updated,
                skipped=report.skipped,
                rejected=len(report.rejected),
            )
        )
        self._bus.publish(report.changes)
        self.imported.emit(report)

    def save_rejected(self, path: Path) -> None:
        """Write the refused rows, with their reasons, where the user chose."""
        if self.table is None or self.report is None:
            return
        try:
            write_atomically(path, rejected_rows_csv(self.table, self.report.rejected))
        except OSError as problem:
            self._on_failed(problem)
            return
        self._say(self.tr("Refused rows saved to {path}.").format(path=path))

    def _on_save_rejected_button_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save rejected rows"), "rejected-items.csv", "CSV (*.csv)"
        )
        if name:
            self.save_rejected(Path(name))

    def _on_choose_button_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import items"), "", self.tr(FILE_FILTER)
        )
        if name:
            self.load_file(Path(name))

    def _on_failed(self, problem: Exception) -> None:
        self.progress.hide()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(_problem_text(problem))

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)


def export_items_to(
    services: Services,
    tasks: TaskRunner,
    path: Path,
    on_done: Any = None,
    on_error: Any = None,
    owner: QObject | None = None,
) -> None:
    """Write the item list to ``path`` (XLSX when it ends in .xlsx, else CSV) off the GUI
    thread; ``on_done(path)`` or ``on_error(problem)`` follow."""
    file_format = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"

    def work() -> Path:
        write_atomically(path, services.item_export.export(file_format))
        return path

    tasks.run(work, on_done, on_error, owner)


def export_items(
    services: Services, bus: DataBus, tasks: TaskRunner, parent: QWidget | None = None
) -> None:
    """Ask where to save the item list, then write it and say how it went."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, parent.tr("Export items") if parent else "Export items", "items.xlsx",
        "Excel (*.xlsx);;CSV (*.csv)",
    )  # fmt: skip
    if not name:
        return

    def done(path: Path) -> None:
        QMessageBox.information(parent, "Export items", f"The item list is saved in {path}.")

    def failed(problem: Exception) -> None:
        QMessageBox.warning(parent, "Export items", _problem_text(problem))

    export_items_to(services, tasks, Path(name), done, failed, parent)
