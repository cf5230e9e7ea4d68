import pytest

from desktop.services.money import format_money, parse_money


def test_format_money_follows_currency_digits_and_locale():
    assert format_money(1234, "EUR", "de_DE") == "12,34\xa0€"
    assert format_money(500, "JPY", "en_US") == "¥500"
    assert format_money(-150, "USD") == "-$1.50"


@pytest.mark.parametrize(
    ("text", "currency", "locale", "expected"),
    [
        ("12.5", "USD", "en_US", 1250),
        ("$ 1,234.50", "USD", "en_US", 123450),
        ("12,5 €", "EUR", "de_DE", 1250),
        ("", "USD", "en_US", 0),
        ("-3", "USD", "en_US", -300),
        ("700", "JPY", "ja_JP", 700),
    ],
)
def test_parse_money_reads_what_people_type(text, currency, locale, expected):
    assert parse_money(text, currency, locale) == expected


@pytest.mark.parametrize("text", ["1.234", "abc", "1e5", "12.5.5"])
def test_parse_money_refuses_non_amounts(text):
    with pytest.raises(ValueError):
        parse_money(text, "USD")
