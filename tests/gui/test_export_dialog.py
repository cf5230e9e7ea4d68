"""The Export dialog writing real files: XLSX and CSV read back, a progress bar that
follows the rows, a stop that leaves no file, and problems shown in the dialog."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from desktop.services.errors import PermissionDenied
from desktop.services.spreadsheets import PROGRESS_ROWS
from desktop.views.export_dialog import ExportDialog
from desktop.views.tasks import TaskRunner

TITLE = "Sales by day"
HEADERS = ("Day", "Item", "Units", "Total")


def _rows(count: int) -> list[tuple[object, ...]]:
    return [(f"2026-03-{n % 28 + 1:02d}", f"Part {n}", n % 7, n * 125) for n in range(count)]


def _dialog(qtbot, tasks, source, name: str = "sales-by-day") -> ExportDialog:
    dialog = ExportDialog(TITLE, HEADERS, source, name, tasks)
    qtbot.addWidget(dialog)
    return dialog


def test_an_xlsx_export_holds_every_row_and_the_bar_counts_them(qtbot, tasks, tmp_path) -> None:
    count = 2 * PROGRESS_ROWS + 17
    seen_while_writing: list[tuple[int, int]] = []
    dialog: ExportDialog | None = None

    def rows() -> Iterator[tuple[object, ...]]:
        for index, row in enumerate(_rows(count)):
            if index == PROGRESS_ROWS + 1 and dialog is not None:
                # The runner is synchronous: the bar has heard of the first 1000 rows.
                seen_while_writing.append((dialog.progress.value(), dialog.progress.maximum()))
            yield row

    dialog = _dialog(qtbot, tasks, lambda: (rows(), count))
    assert dialog.target() is not None and dialog.target().name == "sales-by-day.xlsx"
    target = tmp_path / "march.xlsx"
    dialog.set_path(target)
    with qtbot.waitSignal(dialog.exported) as exported:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert exported.args == [target, count]
    assert seen_while_writing == [(PROGRESS_ROWS, count)]
    read = list(load_workbook(target, read_only=True)[TITLE].iter_rows(values_only=True))
    assert read[0] == HEADERS
    assert read[1:] == _rows(count)
    assert str(target) in dialog.message.text()
    assert [p.name for p in tmp_path.iterdir()] == ["march.xlsx"]
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_a_csv_export_of_unknown_length_keeps_the_bar_busy(qtbot, tasks, tmp_path) -> None:
    count = PROGRESS_ROWS + 5
    busy_while_writing: list[bool] = []
    dialog: ExportDialog | None = None

    def rows() -> Iterator[tuple[object, ...]]:
        for index, row in enumerate(_rows(count)):
            if index == PROGRESS_ROWS + 1 and dialog is not None:
                bar = dialog.progress
                busy_while_writing.append(bar.minimum() == bar.maximum() == 0)
            yield row

    dialog = _dialog(qtbot, tasks, lambda: (rows(), None))
    dialog.set_path(tmp_path / "march.xlsx")
    dialog.format.setCurrentIndex(dialog.format.findData(".csv"))
    target = tmp_path / "march.csv"
    assert dialog.target() == target
    dialog.start()
    assert busy_while_writing == [True]
    with target.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0] == list(HEADERS)
    assert read[1:] == [[str(cell) for cell in row] for row in _rows(count)]
    assert str(target) in dialog.message.text()


def test_a_path_ending_in_csv_chooses_the_format_and_a_bare_name_gets_one(qtbot, tasks) -> None:
    dialog = _dialog(qtbot, tasks, lambda: ([], 0), name="stock.csv")
    assert dialog.format.currentData() == ".csv"
    dialog.set_path(Path("/somewhere/stock.xlsx"))
    assert dialog.format.currentData() == ".xlsx"
    dialog.set_path(Path("/somewhere/stock-march"))
    assert dialog.target() == Path("/somewhere/stock-march.xlsx")


def test_stopping_leaves_no_file_and_the_dialog_can_export_again(qtbot, tmp_path) -> None:
    runner = TaskRunner()
    started, release = threading.Event(), threading.Event()

    def rows() -> Iterator[tuple[object, ...]]:
        for index, row in enumerate(_rows(3 * PROGRESS_ROWS)):
            if index == 1:
                started.set()
                release.wait(5)  # holds the export halfway through its first thousand rows
            yield row

    dialog = _dialog(qtbot, runner, lambda: (rows(), 3 * PROGRESS_ROWS))
    target = tmp_path / "march.xlsx"
    dialog.set_path(target)
    dialog.start()
    assert started.wait(5)
    assert dialog.cancel_button.isEnabled() and not dialog.export_button.isEnabled()
    assert dialog.progress.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: "stopped" in dialog.message.text())
    assert runner.wait(5000)
    assert list(tmp_path.iterdir()) == []
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()

    with qtbot.waitSignal(dialog.exported):
        dialog.start()
    assert runner.wait(5000)
    assert [p.name for p in tmp_path.iterdir()] == ["march.xlsx"]


def test_closing_the_dialog_stops_its_export(qtbot, tmp_path) -> None:
    runner = TaskRunner()
    started, release = threading.Event(), threading.Event()

    def rows() -> Iterator[tuple[object, ...]]:
        for index, row in enumerate(_rows(3 * PROGRESS_ROWS)):
            if index == 1:
                started.set()
                release.wait(5)
            yield row

    dialog = _dialog(qtbot, runner, lambda: (rows(), None))
    dialog.set_path(tmp_path / "march.csv")
    dialog.start()
    assert started.wait(5)
    dialog.reject()
    release.set()
    qtbot.waitUntil(lambda: "stopped" in dialog.message.text())
    assert runner.wait(5000)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_shown_under_the_path(qtbot, tasks, tmp_path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file, not a folder")
    dialog = _dialog(qtbot, tasks, lambda: (iter(_rows(3)), 3))
    dialog.set_path(not_a_folder / "march.xlsx")
    dialog.start()
    assert "Cannot write to" in dialog.errors.message("folder")
    assert str(not_a_folder) in dialog.errors.message("folder")
    assert dialog.export_button.isEnabled() and not dialog.progress.isVisibleTo(dialog)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]

    dialog.set_path(tmp_path / "march.xlsx")
    dialog.start()
    assert dialog.errors.message("folder") == ""
    assert (tmp_path / "march.xlsx").exists()


def test_a_problem_producing_the_rows_is_shown_in_the_dialog(qtbot, tasks, tmp_path) -> None:
    def refused() -> tuple[list[tuple[object, ...]], int | None]:
        raise PermissionDenied("Your role (technician) may not view reports.")

    dialog = _dialog(qtbot, tasks, refused)
    dialog.set_path(tmp_path / "march.xlsx")
    dialog.start()
    assert "may not view reports" in dialog.errors.general.text()
    assert not dialog.errors.general.isHidden()
    assert list(tmp_path.iterdir()) == []


def test_an_empty_path_asks_where_to_save(qtbot, tasks) -> None:
    dialog = _dialog(qtbot, tasks, lambda: ([], 0))
    dialog.path.clear()
    dialog.start()
    assert dialog.errors.message("file") == "Choose where to save the file."
