"""Writing a long table to an XLSX or CSV file: streamed, with progress, stoppable, and
nothing left behind when it stops or the folder cannot be written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.errors import Cancelled, ValidationError
from desktop.services.spreadsheets import PROGRESS_ROWS, write_table

HEADERS = ("Day", "Item", "Units", "Total")


def rows(count: int) -> list[tuple[object, ...]]:
    return [(f"2026-03-{n % 28 + 1:02d}", f"Part {n}", n % 7, n * 125) for n in range(count)]


def test_an_xlsx_holds_every_row_and_reports_its_progress(tmp_path: Path) -> None:
    seen: list[int] = []
    target = tmp_path / "sales.xlsx"
    count = 2 * PROGRESS_ROWS + 17
    assert write_table(target, "Sales by day", HEADERS, rows(count), progress=seen.append) == count
    assert seen == [PROGRESS_ROWS, 2 * PROGRESS_ROWS, count]
    sheet = load_workbook(target, read_only=True)["Sales by day"]
    read = list(sheet.iter_rows(values_only=True))
    assert read[0] == HEADERS and len(read) == count + 1
    assert read[-1] == tuple(rows(count)[-1])
    assert [p.name for p in tmp_path.iterdir()] == ["sales.xlsx"]


def test_a_csv_opens_in_excel_and_never_runs_a_formula(tmp_path: Path) -> None:
    target = tmp_path / "sales.csv"
    write_table(target, "Sales", HEADERS, [("2026-03-01", "=HYPERLINK(1)", 1, 500)])
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1] == ["2026-03-01", "'=HYPERLINK(1)", "1", "500"]


def test_stopping_leaves_no_file_and_keeps_the_earlier_one(tmp_path: Path) -> None:
    target = tmp_path / "sales.xlsx"
    write_table(target, "Sales", HEADERS, rows(3))
    before = target.read_bytes()
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) == 2

    with pytest.raises(Cancelled):
        write_table(target, "Sales", HEADERS, rows(5 * PROGRESS_ROWS), cancelled=cancelled)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["sales.xlsx"]


def test_a_folder_that_cannot_be_written_is_refused_with_a_message(tmp_path: Path) -> None:
    # A "folder" that is a file: no system lets anyone write in it, root included.
    not_a_folder = tmp_path / "report.txt"
    not_a_folder.write_text("")
    with pytest.raises(ValidationError) as refused:
        write_table(not_a_folder / "sales.xlsx", "Sales", HEADERS, rows(3))
    assert "Choose another folder" in refused.value.errors["folder"]


def test_a_missing_folder_or_a_wrong_kind_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as missing:
        write_table(tmp_path / "nowhere" / "sales.xlsx", "Sales", HEADERS, rows(3))
    assert "Choose another folder" in missing.value.errors["folder"]
    with pytest.raises(ValidationError, match=r"\.xlsx or \.csv"):
        write_table(tmp_path / "sales.pdf", "Sales", HEADERS, rows(3))
