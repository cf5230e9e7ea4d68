from fractions import Fraction

import pytest

from desktop.services.errors import ValidationError
from desktop.services.pricing import (
    Discount,
    LineInput,
    allocate,
    cash_rounded,
    compute_totals,
    round_half_up,
)


def test_tax_inclusive_prices_carve_the_tax_out_of_the_price():
    totals = compute_totals([LineInput(1, 1150, 1500)], prices_include_tax=True)
    assert (totals.net, totals.tax_total, totals.total) == (1000, 150, 1150)


def test_tax_exclusive_prices_add_the_tax():
    totals = compute_totals([LineInput(3, 999, 825)], prices_include_tax=False)
    # 2997 at 8.25 % = 247.2525 → 247
    assert (totals.net, totals.tax_total, totals.total) == (2997, 247, 3244)


def test_rounding_per_line_and_per_document_can_differ_by_a_cent():
    lines = [LineInput(1, 5, 1000)] * 3  # 0.5 cent of tax each
    per_line = compute_totals(lines, prices_include_tax=False, rounding_mode="line")
    per_document = compute_totals(lines, prices_include_tax=False, rounding_mode="document")
    assert per_line.tax_total == 3  # 1 + 1 + 1
    assert per_document.tax_total == 2  # round(1.5)
    assert sum(line.tax for line in per_document.lines) == per_document.tax_total


def test_bands_sum_to_the_document_per_rate():
    totals = compute_totals(
        [LineInput(2, 1999, 1500), LineInput(1, 500, 0), LineInput(1, 1000, 1500)],
        prices_include_tax=True,
    )
    assert [band.rate_bp for band in totals.bands] == [0, 1500]
    assert sum(b.gross for b in totals.bands) == totals.total == 2 * 1999 + 500 + 1000
    assert sum(b.tax for b in totals.bands) == totals.tax_total
    assert totals.bands[0].tax == 0


def test_line_discount_then_document_discount_spread_over_lines():
    totals = compute_totals(
        [
            LineInput(1, 1000, 0, Discount("percent", 1000)),  # 900
            LineInput(1, 2000, 0, Discount("amount", 500)),  # 1500
        ],
        prices_include_tax=True,
        discount=Discount("amount", 100),
    )
    assert totals.subtotal == 2400
    assert totals.line_discount_total == 600
    assert totals.discount_total == 100
    assert [line.document_discount for line in totals.lines] == [38, 62]
    assert totals.total == 2300


def test_discounts_out_of_range_are_refused_with_the_field():
    with pytest.raises(ValidationError) as error:
        compute_totals([LineInput(1, 100, 0, Discount("percent", 10001))], prices_include_tax=True)
    assert "lines.0.discount" in error.value.errors
    with pytest.raises(ValidationError) as error:
        compute_totals(
            [LineInput(1, 100, 0)], prices_include_tax=True, discount=Discount("amount", 101)
        )
    assert "discount" in error.value.errors
    with pytest.raises(ValidationError):
        compute_totals([LineInput(1, 100, 0, Discount("amount", -1))], prices_include_tax=True)


def test_bad_quantities_and_prices_are_refused():
    with pytest.raises(ValidationError) as error:
        compute_totals([LineInput(0, 100, 0), LineInput(1, -5, 0)], prices_include_tax=True)
    assert set(error.value.errors) == {"lines.0.quantity", "lines.1.unit_price"}


def test_a_hundred_percent_discount_leaves_nothing_to_pay():
    totals = compute_totals(
        [LineInput(2, 1234, 1500)], prices_include_tax=True, discount=Discount("percent", 10000)
    )
    assert (totals.total, totals.tax_total) == (0, 0)


def test_allocate_sums_exactly_and_is_proportional():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(allocate(7, [5, 3, 11, 0])) == 7
    assert allocate(5, [0, 0]) == [0, 0]


def test_cash_rounding_to_the_smallest_coin():
    assert cash_rounded(1232, 5) == 1230
    assert cash_rounded(1233, 5) == 1235
    assert cash_rounded(1237, 10) == 1240
    assert cash_rounded(1237, 0) == 1237
    assert round_half_up(Fraction(-5, 2)) == -3


def test_discount_share_of_an_amount_rounds_up():
    assert Discount("amount", 1001).share_bp(10000) == 1001
    assert Discount("amount", 1001).share_bp(9999) == 1002
    assert Discount("percent", 1500).share_bp(1) == 1500
