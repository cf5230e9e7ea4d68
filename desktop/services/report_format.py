"""A report's values as people read them (screens, PDFs) and as spreadsheets want them.

Screens and printouts show money with its currency, dates in the shop's locale and times
on the shop's clock. Exports keep numbers as numbers: money in major units (a
``Decimal``, so a spreadsheet sums it exactly), percentages as fractions of 100.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from desktop.services.money import format_money, to_decimal
from desktop.services.report_periods import Period
from desktop.services.report_types import Cell, Column, ColumnKind, ReportTable


def display(column: Column, value: Cell, currency: str, locale: str) -> str:
    """``value`` of ``column`` as a screen or a printout shows it."""
    if value is None or value == "":
        return ""
    kind = column.kind
    if isinstance(value, str):
        return value
    if kind is ColumnKind.MONEY and isinstance(value, int):
        return format_money(value, currency, locale)
    if kind is ColumnKind.PERCENT and isinstance(value, int | float):
        return f"{format_decimal(Decimal(value) / 100, format='#,##0.##', locale=locale)} %"
    if kind in (ColumnKind.DAYS, ColumnKind.HOURS) and isinstance(value, int | float):
        return str(format_decimal(round(value, 1), format="#,##0.0", locale=locale))
    if isinstance(value, datetime):
        local = value.astimezone()
        return str(format_datetime(local, format="short", tzinfo=local.tzinfo, locale=locale))
    if isinstance(value, date):
        return str(format_date(value, format="medium", locale=locale))
    return str(format_decimal(value, locale=locale))


def exported(column: Column, value: Cell, currency: str) -> object:
    """``value`` of ``column`` for a spreadsheet cell."""
    if value is None:
        return None
    if column.kind is ColumnKind.MONEY and isinstance(value, int):
        return to_decimal(value, currency)
    if column.kind is ColumnKind.PERCENT and isinstance(value, int | float):
        return Decimal(value) / 100
    if column.kind in (ColumnKind.DAYS, ColumnKind.HOURS) and isinstance(value, float):
        return round(value, 2)
    if isinstance(value, datetime):
        return value.astimezone().replace(tzinfo=None)
    return value


def headers(report: ReportTable) -> list[str]:
    return [f"{c.title} (%)" if c.kind is ColumnKind.PERCENT else c.title for c in report.columns]


def export_rows(report: ReportTable, currency: str) -> list[list[object]]:
    """The rows and the totals row, each cell as a spreadsheet wants it."""
    rows = [*report.rows, *((report.totals,) if report.totals else ())]
    return [
        [
            exported(column, value, currency)
            for column, value in zip(report.columns, row, strict=True)
        ]
        for row in rows
    ]


def period_text(period: Period | None, locale: str) -> str:
    """The first and last day with a dash between, one day alone, or empty for a report
    of the moment."""
    if period is None:
        return ""
    first = format_date(period.first, format="medium", locale=locale)
    if period.first == period.last:
        return str(first)
    return f"{first} – {format_date(period.last, format='medium', locale=locale)}"
