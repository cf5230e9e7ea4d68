from __future__ import annotations

import pytest

from desktop.services.barcodes import check_digit_valid, classify, normalized, problem


@pytest.mark.parametrize(
    ("code", "symbology"),
    [
        ("5901234123457", "ean13"),
        ("036000291452", "upca"),
        ("ITM-A-000123", "internal"),
        ("itm-b-000001", "internal"),
        ("SCR-IP12-BLK", "code128"),
        ("12345", "code128"),
    ],
)
def test_classify_tells_the_symbology(code: str, symbology: str) -> None:
    assert classify(code) == symbology


def test_an_ean_with_a_leading_zero_is_the_upc_of_the_same_product() -> None:
    assert normalized("0036000291452") == "036000291452"
    assert classify("0036000291452") == "upca"


def test_normalized_drops_spaces_and_dashes_of_a_typed_number_only() -> None:
    assert normalized(" 5 901234 123457 ") == "5901234123457"
    assert normalized("5-901234-123457") == "5901234123457"
    assert normalized("SCR-IP12 blk") == "SCR-IP12blk"


def test_check_digits_of_ean_and_upc_are_checked() -> None:
    assert check_digit_valid("5901234123457")
    assert not check_digit_valid("5901234123458")
    assert check_digit_valid("036000291452")
    assert not check_digit_valid("036000291453")
    assert check_digit_valid("ANYTHING-128")


def test_problem_explains_a_wrong_check_digit() -> None:
    assert problem("5901234123457") is None
    message = problem("5901234123458")
    assert message is not None
    assert "EAN-13" in message
    assert "check digit" in message
    assert problem("") == "The barcode is empty."
    assert problem("x" * 65) is not None
    assert problem("café") is not None
