"""Cleaning and checking what people type or paste (and what scanners type)."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./\-]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)


def clean_line(value: str) -> str:
    """One line of text: control characters and line breaks removed, spaces collapsed."""
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub(" ", value.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return " ".join(value.split())


def clean_multiline(value: str) -> str:
    """Free text that may keep line breaks; other control characters removed."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value.replace("\t", "    "))
    return value.strip()


def digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_phone(value: str) -> bool:
    return bool(_PHONE.match(value)) and 3 <= len(digits_only(value)) <= 20


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check (IMEI, cards)."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """The Luhn check used by IMEI numbers (15 digits)."""
    if not number.isdigit() or len(number) < 2:
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


class FieldChecker:
    """Collects field errors so a form reports them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def line(self, field: str, value: str, max_length: int, required: bool = False) -> str:
        cleaned = clean_line(value)
        if required and not cleaned:
            self.errors[field] = "This field is required."
        elif len(cleaned) > max_length:
            self.errors[field] = f"Too long: at most {max_length} characters."
        return cleaned

    def text(self, field: str, value: str, max_length: int) -> str:
        cleaned = clean_multiline(value)
        if len(cleaned) > max_length:
            self.errors[field] = f"Too long: at most {max_length:,} characters."
        return cleaned

    def email(self, field: str, value: str) -> str:
        cleaned = self.line(field, value, 254)
        if cleaned and field not in self.errors and not is_email(cleaned):
            self.errors[field] = "This is not an email address (name@example.com)."
        return cleaned.lower()

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        from desktop.services.errors import ValidationError

        if self.errors:
            raise ValidationError(self.errors)
