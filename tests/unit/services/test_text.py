from __future__ import annotations

import pytest

from desktop.services.text import (
    clean_line,
    clean_multiline,
    digits_only,
    is_email,
    is_phone,
    luhn_valid,
)


def test_clean_line_removes_control_characters_and_collapses_space() -> None:
    assert clean_line("  Jo\x00hn\r\n  Smith\t\x1b ") == "Jo hn Smith"


def test_clean_multiline_keeps_line_breaks_only() -> None:
    assert clean_multiline("a\r\nb\x07c\rd") == "a\nbc\nd"


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("+880 1711-234567", True),
        ("(555) 201 3344 ext 12", True),
        ("12", False),
        ("call 555", False),
        ("5" * 25, False),
    ],
)
def test_phone_numbers(number: str, ok: bool) -> None:
    assert is_phone(number) is ok


def test_digits_email_and_luhn() -> None:
    assert digits_only("+1 (555) 201-3344") == "15552013344"
    assert is_email("a@b.co") and not is_email("a@b") and not is_email("ab.com")
    assert luhn_valid("356938035643809") and not luhn_valid("356938035643808")
    assert not luhn_valid("35693803564380x")
