"""X and Z reports: every figure on every paper, the X report without a count, a long day
running over pages, and the ESC/POS slip fitting its roll."""

from __future__ import annotations

import re
from dataclasses import replace

import pypdfium2 as pdfium
import pytest

from desktop.sample_documents import sample_shift_report
from desktop.services.container import Services
from desktop.services.denominations import LOOSE
from desktop.services.documents.paper import Paper, ThermalWidth
from desktop.services.documents.shift_report import shift_report_escpos, shift_report_pdf
from desktop.services.printing import DocumentKind
from desktop.services.shift_types import ShiftReport

Z = sample_shift_report()
X = replace(
    Z, z_number="", closed_at=None, closed_by="", counted_cash=None, denominations=(), note=""
)


def _pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range().replace("\r\n", "\n"))
            text_page.close()
            page.close()
        return texts
    finally:
        document.close()


def _text(pdf: bytes) -> str:
    """The words of every page, wrapped lines joined."""
    return " ".join(" ".join(_pages(pdf)).split())


@pytest.mark.parametrize("paper", list(Paper))
def test_the_z_report_shows_sales_tax_takings_and_the_drawer_on_every_paper(paper: Paper) -> None:
    shown = _text(shift_report_pdf(Z, paper))
    for expected in (
        "Z report Z-A-00042",
        "Benchside Demo Repairs",
        "A · Front counter",
        "Sales (14)",
        "$1,286.40",
        "Refunds (1)",
        "-$49.99",
        "Net sales",
        "$1,236.41",
        "Discounts given",
        "$38.50",
        "20 % on $955.34",
        "$191.07",
        "Cash (10)",
        "$362.61",
        "Card (6)",
        "$743.80",
        "Opening float",
        "$150.00",
        "Pay-outs",
        "-$212.80",
        "Expected in the drawer",
        "$349.81",
        "$349.76",
        "Short",
        "-$0.05",
        "Courier for a screen delivery",
        "$0.25 x 6",
        "Counted by",
        "nickel",
    ):
        assert expected in shown, (paper, expected)
    if paper.thermal is None:
        assert len(_pages(shift_report_pdf(Z, paper))) == 1


def test_the_x_report_says_it_is_not_closed_and_has_no_count() -> None:
    shown = _text(shift_report_pdf(X, Paper.A4))
    assert "X report (not closed)" in shown and "still open" in shown
    assert "Expected in the drawer" in shown and "$349.81" in shown
    assert "Counted" not in shown and "Short" not in shown and "Z-A-" not in shown


def test_an_exact_or_over_count_and_one_counted_amount_are_named_so() -> None:
    exact = replace(Z, counted_cash=Z.expected_cash, denominations=())
    assert "Over/short $0.00" in _text(shift_report_pdf(exact, Paper.A4))
    over = replace(Z, counted_cash=Z.expected_cash + 120)
    assert "Over $1.20" in _text(shift_report_pdf(over, Paper.A4))
    from desktop.services.shift_types import CountedDenomination

    whole = replace(Z, denominations=(CountedDenomination(LOOSE, 34976),))
    assert "Counted as one amount $349.76" in _text(shift_report_pdf(whole, Paper.A4))


def test_a_long_day_of_pay_outs_runs_over_the_pages() -> None:
    busy = replace(Z, cash_movements=Z.cash_movements * 60)
    pages = _pages(shift_report_pdf(busy, Paper.A4))
    assert len(pages) > 2
    assert sum(page.count("Cash to the bank") for page in pages) == 60
    assert "Counted by" in pages[-1]


# -- ESC/POS --------------------------------------------------------------------------

ESC_CODES = re.compile(rb"\x1b[!EMatd].")


def _lines(data: bytes) -> list[str]:
    plain = ESC_CODES.sub(b"", data.removeprefix(b"\x1b@"))
    return [line.decode("cp437") for line in plain.split(b"\n") if b"\x1d" not in line]


@pytest.mark.parametrize("width", list(ThermalWidth))
def test_the_slip_has_every_figure_and_fits_the_roll(width: ThermalWidth) -> None:
    data = shift_report_escpos(Z, width)
    assert data.startswith(b"\x1b@") and data.endswith(b"\x1dV\x00")
    lines = _lines(data)
    assert max(len(line) for line in lines) <= width.columns
    slip = "\n".join(lines)
    for expected in ("Z report Z-A-00042", "$349.81", "-$0.05", "Short", "$191.07", "Cash (10)"):
        assert expected in slip
    assert "8:55 AM" in slip  # the time's narrow no-break space prints as a space
    expected_row = next(line for line in lines if line.startswith("Expected in the drawer"))
    assert expected_row.endswith("$349.81") and len(expected_row) == width.columns


def test_the_x_slip_has_no_count_and_no_signature() -> None:
    slip = "\n".join(_lines(shift_report_escpos(X, ThermalWidth.MM58)))
    assert "X report (not closed)" in slip
    assert "COUNT\n" not in slip and "Counted by" not in slip


# -- a real shift, printed ------------------------------------------------------------


def test_a_closed_shift_prints_its_z_report_for_the_station_report_target(shop: Services) -> None:
    shop.cash_shifts.open_shift(10000)
    shop.cash_shifts.pay_in(2500, "Change from the bank")
    report: ShiftReport = shop.cash_shifts.close_shift({10000: 1, 2000: 1, 500: 1})
    sheet = shop.printing.shift_report_job(report)
    assert (sheet.kind, sheet.paper, sheet.stem) == (
        DocumentKind.REPORT,
        "a4",
        "z-report-Z-A-00001",
    )
    assert sheet.escpos is None
    shown = _text(sheet.pdf)
    assert "Z report Z-A-00001" in shown and "$125.00" in shown and "Over/short $0.00" in shown
    roll = shop.printing.shift_report_job(report, paper="thermal_58")
    assert roll.escpos is not None and b"Z report Z-A-00001" in roll.escpos
    reprint = shop.printing.shift_report_job(shop.cash_shifts.z_report(report.shift_id), "a4")
    assert _text(reprint.pdf) == shown
