"""Reading and writing the tables people exchange with spreadsheets: CSV and XLSX.

Files come from supplier portals, old shop software and Excel on a Windows PC: UTF-8 with
or without a byte-order mark, UTF-16 (Excel's "Unicode text"), or the old Windows code
page; commas, semicolons (European Excel) or tabs. Whatever we write may be opened in a
spreadsheet, so text that a spreadsheet would run as a formula is escaped.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.services.errors import Cancelled, ValidationError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELL = 10_000
DELIMITERS = ",;\t"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class Table:
    """A file's header row and its data rows, every cell as text."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str = ""  # for CSV files: how the bytes were read
    delimiter: str = ""


def read_table(path: Path) -> Table:
    """The header and rows of a ``.csv`` (or ``.txt``) or ``.xlsx`` file.

    Raises ``ValidationError`` (``file``) for a file that is missing, too big, has too many
    rows, no header, or cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ValidationError({"file": f"The file cannot be opened: {error.strerror}."}) from error
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": f"The file is {size / 1024 / 1024:.0f} MB; at most 50 MB can be imported."}
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return read_csv_bytes(path.read_bytes())


def read_csv_bytes(data: bytes) -> Table:
    """A CSV file's table from its bytes, guessing the encoding and the delimiter."""
    text, encoding = decode(data)
    sample = text[:65_536]
    delimiter = sniff_delimiter(sample)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table(reader, encoding, delimiter)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: a byte-order mark wins, then strict UTF-8,
    then the Windows code page (which reads any byte)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: what the first lines agree on, else the most frequent in
    the header line."""
    lines = sample.splitlines()
    try:
        return csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count) if header else ","


def _read_xlsx(path: Path) -> Table:
    # openpyxl is imported here, on first use, not at start-up.
    from openpyxl import load_workbook

    try:
        # data_only: a formula cell gives the value Excel saved, never runs.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise ValidationError({"file": "This is not an Excel workbook (.xlsx)."}) from error
    try:
        sheet = book.worksheets[0]
        rows = ([_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
        return _table(rows, "", "")
    finally:
        book.close()


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(rows: Iterable[Sequence[str]], encoding: str, delimiter: str) -> Table:
    iterator = iter(rows)
    try:
        headers = next(r for r in iterator if any(c.strip() for c in r))
    except StopIteration:
        raise ValidationError({"file": "The file is empty: no header row."}) from None
    except csv.Error as error:
        raise ValidationError({"file": f"The file is not a readable table: {error}."}) from None
    if len(headers) > MAX_COLUMNS:
        raise ValidationError({"file": f"At most {MAX_COLUMNS} columns can be imported."})
    width = len(headers)
    data: list[tuple[str, ...]] = []
    try:
        for row in iterator:
            if not any(cell.strip() for cell in row):
                continue
            if len(data) == MAX_ROWS:
                raise ValidationError(
                    {"file": f"The file has more than {MAX_ROWS:,} rows; split it in parts."}
                )
            cells = [cell[:MAX_CELL] for cell in row[:width]]
            data.append(tuple(cells + [""] * (width - len(cells))))
    except csv.Error as error:
        raise ValidationError({"file": f"The file is not a readable table: {error}."}) from None
    return Table(tuple(h.strip() for h in headers), tuple(data), encoding, delimiter)


# -- writing -----------------------------------------------------------------------------


def escaped(value: object) -> object:
    """A cell value safe to open in a spreadsheet: text that would start a formula gets a
    leading apostrophe; numbers stay numbers."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def unescaped(value: str) -> str:
    """Undo ``escaped`` on text read back from a file we wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Windows reads accents right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([escaped(h) for h in headers])
    writer.writerows([escaped(v) for v in row] for row in rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A one-sheet workbook; text cells are written as text, never as formulas."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([escaped(h) for h in headers])
    for row in rows:
        sheet.append([escaped(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Rows written between two progress reports (and two looks at "cancel").
PROGRESS_ROWS = 1000


def write_table(
    path: Path,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write ``rows`` to ``path`` as XLSX or CSV (by its suffix), streamed: memory stays
    flat however many rows come. ``progress`` hears the rows written so far every
    ``PROGRESS_ROWS``; ``cancelled`` is asked as often, and stops the export. The file
    is written beside the target and renamed at the end, so an export that stops or fails
    leaves nothing behind and never half-overwrites an earlier file. Returns the rows
    written. Raises ``ValidationError`` (field "folder") when the folder cannot be
    written, and ``Cancelled``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError({"file": "Export to a file ending in .xlsx or .csv."})
    try:
        handle, name = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=path.parent)
    except OSError as error:
        raise _unwritable(path, error) from None
    os.close(handle)
    partial = Path(name)
    try:
        written = _write_rows(partial, suffix, title, headers, rows, progress, cancelled)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise _unwritable(path, error) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _write_rows(
    partial: Path,
    suffix: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    def counted(append: Callable[[list[Any]], Any]) -> int:
        written = 0
        for row in rows:
            append([escaped(v) for v in row])
            written += 1
            if written % PROGRESS_ROWS == 0:
                if cancelled is not None and cancelled():
                    raise Cancelled("The export was stopped.")
                if progress is not None:
                    progress(written)
        if progress is not None:
            progress(written)
        return written

    if suffix == ".csv":
        with partial.open("w", encoding="utf-8-sig", newline="") as output:
            writer = csv.writer(output)
            writer.writerow([escaped(h) for h in headers])
            return counted(writer.writerow)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Sheet")
    sheet.append([escaped(h) for h in headers])
    try:
        written = counted(sheet.append)
    except BaseException:
        # Finish the sheet's stream now: left to the garbage collector, it writes into
        # a file already closed.
        with contextlib.suppress(Exception):
            book.save(partial)
        raise
    book.save(partial)
    return written


def _unwritable(path: Path, error: OSError) -> ValidationError:
    return ValidationError(
        {
            "folder": f"Cannot write to {path.parent}: {error.strerror or error}. "
            "Choose another folder."
        }
    )


def chunks(values: Sequence[object], size: int) -> Iterator[Sequence[object]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
