"""What the dashboard and the reports hand to screens, printers and exports.

A report is a table: typed columns, rows of plain values (money in minor units, counts,
days as floats, dates, text), an optional totals row and notes that say how a figure is
computed. Screens format the values by column kind; exports write them as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from desktop.services.report_periods import Period

# A list report shows at most this many rows (its notes say so when it stops there).
MAX_ROWS = 5000


class ColumnKind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # minor units
    COUNT = "count"
    QUANTITY = "quantity"
    DAYS = "days"  # a float of days, None when there is nothing to average
    HOURS = "hours"
    PERCENT = "percent"  # basis points: 1500 == 15.00 %
    DATE = "date"
    TIME = "time"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind = ColumnKind.TEXT

    @property
    def numeric(self) -> bool:
        return self.kind not in (ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.TIME)


Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class ChartPoint:
    """One bar or slice: its label and value, and what to open when it is clicked
    (``drill`` is a report key and filter values, empty when there is nothing behind)."""

    label: str
    value: int | float
    drill: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportTable:
    """One report's answer. ``rows`` hold one value per column; ``totals`` too (None in
    columns that do not add up), or is None for a report without a totals row."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None
    period: Period | None = None
    notes: tuple[str, ...] = ()
    chart: tuple[ChartPoint, ...] = ()
    chart_title: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def values(self, key: str) -> list[Cell]:
        """The column ``key`` down the rows (tests and charts read a report this way)."""
        index = self.column(key)
        return [row[index] for row in self.rows]

    def row_by(self, key: str, value: Cell) -> dict[str, Cell]:
        """The first row whose ``key`` column holds ``value``, by column key."""
        index = self.column(key)
        for row in self.rows:
            if row[index] == value:
                return dict(zip((c.key for c in self.columns), row, strict=True))
        raise KeyError(value)


def totals_row(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], label: str = "Total"
) -> tuple[Cell, ...]:
    """Sums of the money, count and quantity columns; ``label`` in the first column."""
    totals: list[Cell] = []
    for index, column in enumerate(columns):
        if column.kind in (ColumnKind.MONEY, ColumnKind.COUNT, ColumnKind.QUANTITY):
            totals.append(sum(_number(row[index]) for row in rows))
        else:
            totals.append(None)
    if columns and not columns[0].numeric:
        totals[0] = label
    return tuple(totals)


def _number(value: Cell) -> int:
    return value if isinstance(value, int) else 0
