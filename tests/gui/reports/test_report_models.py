"""The report table model: values as the shop reads them, numbers to the right, the
totals row bold and last whatever the sort."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from desktop.services.report_periods import PeriodKind, period
from desktop.services.report_types import ChartPoint, Column, ColumnKind, ReportTable
from desktop.views.reports.models import RAW_ROLE, ReportTableModel

MONTH = period(PeriodKind.CUSTOM, date(2026, 3, 31), date(2026, 3, 1), date(2026, 3, 31))
COLUMNS = (
    Column("item", "Item"),
    Column("quantity", "Quantity", ColumnKind.COUNT),
    Column("net", "Net sales", ColumnKind.MONEY),
    Column("margin", "Margin", ColumnKind.PERCENT),
    Column("last", "Last sold", ColumnKind.DATE),
)
REPORT = ReportTable(
    "sales_by_item",
    "Sales by item",
    COLUMNS,
    (
        ("screen", 3, 29000, 5862, date(2026, 3, 9)),
        ("Battery", 12, 58800, 4000, date(2026, 3, 2)),
        ("Case", 1, 2000, None, None),
    ),
    ("Total", 16, 89800, None, None),
    MONTH,
    chart=(ChartPoint("screen", 29000),),
)


def _model(qapp) -> ReportTableModel:
    model = ReportTableModel()
    model.set_report(REPORT, "USD", "en_US")
    return model


def _column(model: ReportTableModel, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_model_passes_the_model_tester(qapp, qtmodeltester):
    model = _model(qapp)
    qtmodeltester.check(model)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_report(None, "USD", "en_US")
    qtmodeltester.check(model)


def test_cells_are_formatted_and_numbers_right_aligned(qapp):
    model = _model(qapp)
    assert model.rowCount() == 4 and model.columnCount() == 5
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Item", "Quantity", "Net sales", "Margin", "Last sold",
    ]  # fmt: skip
    assert model.index(0, 2).data() == "$290.00"
    assert model.index(0, 3).data() == "58.62 %"
    assert model.index(0, 4).data() == "Mar 9, 2026"
    assert model.index(2, 3).data() == ""  # nothing to show, not "None"
    assert model.index(0, 2).data(RAW_ROLE) == 29000
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) != right


def test_the_totals_row_is_last_and_bold(qapp):
    model = _model(qapp)
    assert model.is_totals_row(3) and not model.is_totals_row(2)
    assert model.index(3, 0).data() == "Total"
    assert model.index(3, 2).data() == "$898.00"
    assert model.index(3, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None


def test_sorting_uses_the_raw_values_and_keeps_the_totals_last(qapp):
    model = _model(qapp)
    model.sort(2, Qt.SortOrder.DescendingOrder)  # money as minor units, not as text
    assert _column(model, 0) == ["Battery", "screen", "Case", "Total"]
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert _column(model, 0) == ["Case", "screen", "Battery", "Total"]
    model.sort(0, Qt.SortOrder.AscendingOrder)  # text whatever its case
    assert _column(model, 0) == ["Battery", "Case", "screen", "Total"]
    model.sort(4, Qt.SortOrder.DescendingOrder)  # empty cells last either way
    assert _column(model, 0) == ["screen", "Battery", "Case", "Total"]
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert _column(model, 0) == ["Battery", "screen", "Case", "Total"]


def test_a_report_without_totals_has_no_totals_row(qapp):
    model = ReportTableModel()
    model.set_report(ReportTable("x", "X", COLUMNS[:2], (("a", 1),)), "EUR", "de_DE")
    assert model.rowCount() == 1 and not model.is_totals_row(0)
    assert model.index(0, 1).data() == "1"
