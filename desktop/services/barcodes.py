"""Barcodes as scanners type them: cleaning, telling the symbology, checking EAN/UPC digits."""

from __future__ import annotations

from barcode import EAN13, UPCA
from barcode.errors import BarcodeError

from desktop.services.text import clean_line

SYMBOLOGIES = ("ean13", "upca", "code128", "internal")
# Labels the shop prints for itself carry the item's SKU (ITM-A-000123) as Code 128.
INTERNAL_PREFIX = "ITM-"
MAX_LENGTH = 64


def normalized(code: str) -> str:
    """The form a code is stored and looked up in.

    Spaces are dropped; a number typed with spaces or dashes (``5 901234 123457``) loses
    them; an EAN-13 that starts with 0 is the UPC-A of the same product, so it becomes that
    UPC-A: a scanner reporting either form finds the item. Other codes keep their case.
    """
    cleaned = "".join(clean_line(code).split())
    digits = cleaned.replace("-", "")
    if digits.isdigit() and len(digits) in (12, 13):
        cleaned = digits
    if len(cleaned) == 13 and cleaned.isdigit() and cleaned.startswith("0"):
        return cleaned[1:]
    return cleaned


def classify(code: str) -> str:
    """The symbology of a (normalised) code: ``ean13``, ``upca``, ``internal`` or ``code128``."""
    code = normalized(code)
    if code.isdigit() and len(code) == 13:
        return "ean13"
    if code.isdigit() and len(code) == 12:
        return "upca"
    if code.upper().startswith(INTERNAL_PREFIX):
        return "internal"
    return "code128"


def check_digit_valid(code: str) -> bool:
    """True when a 13-digit EAN or 12-digit UPC-A ends in its check digit; other codes have
    none to check and pass."""
    code = normalized(code)
    symbology = classify(code)
    try:
        if symbology == "ean13":
            return str(EAN13(code[:12]).get_fullcode()) == code
        if symbology == "upca":
            return str(UPCA(code[:11]).get_fullcode()) == code
    except BarcodeError:
        return False
    return True


def problem(code: str) -> str | None:
    """Why ``code`` cannot be an item's barcode, in words for the counter; None if it can."""
    code = normalized(code)
    if not code:
        return "The barcode is empty."
    if len(code) > MAX_LENGTH:
        return f"A barcode has at most {MAX_LENGTH} characters."
    if not code.isascii() or not code.isprintable():
        return "A barcode holds only letters, digits and common signs."
    if not check_digit_valid(code):
        name = "EAN-13" if classify(code) == "ean13" else "UPC-A"
        return f"{code} is not a valid {name}: its last digit (the check digit) is wrong."
    return None
