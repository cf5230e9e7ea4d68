"""Reports printed and exported: the PDF on sheets and rolls, and the spreadsheet rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium

from desktop.services.report_format import export_rows, headers
from desktop.services.report_periods import PeriodKind, period
from tests.unit.services.documents.test_shift_report import _pages
from tests.unit.services.reports.conftest import KnownWeek

WEEK = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 9))
QUIET = period(PeriodKind.CUSTOM, date(2026, 3, 10), date(2026, 2, 1), date(2026, 2, 28))


def test_a_report_prints_its_rows_totals_and_notes_on_a_sheet(week: KnownWeek) -> None:
    report = week.services.sales_reports.by_day(WEEK)
    job = week.services.printing.report_job(report, "a4")
    assert job.stem == "report-sales-by-day-20260306-20260309"
    text = "\n".join(_pages(job.pdf))
    assert "Sales by day" in text and "Mar 6, 2026 – Mar 9, 2026" in text
    assert "$389.13" in text  # the net sales total
    assert "$187.50" in text  # Friday's money received
    assert "Page 1 of 1" in text
    assert "credit notes" in text  # the note on what counts


def test_a_wide_report_turns_the_sheet_and_a_roll_fits_its_width(week: KnownWeek) -> None:
    report = week.services.sales_reports.by_day(WEEK)  # nine columns
    sheet = pdfium.PdfDocument(week.services.printing.report_job(report, "a4").pdf)
    roll = pdfium.PdfDocument(week.services.printing.report_job(report, "thermal_80").pdf)
    try:
        width, height = sheet[0].get_size()
        assert width > height
        assert round(roll[0].get_size()[0]) == round(80 / 25.4 * 72)
    finally:
        sheet.close()
        roll.close()
    assert "$389.13" in "\n".join(
        _pages(week.services.printing.report_job(report, "thermal_80").pdf)
    )


def test_an_empty_report_prints_that_there_is_nothing(week: KnownWeek) -> None:
    report = week.services.sales_reports.tax_summary(QUIET)
    text = "\n".join(_pages(week.services.printing.report_job(report, "letter").pdf))
    assert "Nothing to report for this period." in text


def test_export_rows_keep_numbers_as_numbers(week: KnownWeek) -> None:
    report = week.services.sales_reports.tax_summary(WEEK)
    assert headers(report)[0] == "Tax rate (%)"
    rows = export_rows(report, "USD")
    assert rows[0] == [
        Decimal(15), Decimal("409.13"), Decimal("20.00"), Decimal("389.13"),
        Decimal("58.37"), Decimal("447.50"),
    ]  # fmt: skip
    assert rows[-1][0] == "Total"
