"""Claim receipts and device labels: barcodes read back with a real decoder, ESC/POS
bytes checked command by command, long and non-ASCII text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from desktop.services.documents.paper import LabelSize, Paper, ThermalWidth
from desktop.services.documents.thermal import wrap
from desktop.services.documents.tickets import (
    ClaimReceipt,
    DeviceLabel,
    ShopHeader,
    claim_receipt_escpos,
    claim_receipt_pdf,
    device_label_pdf,
)

RECEIVED = datetime(2024, 6, 11, 13, 5, tzinfo=UTC)
LONG_PROBLEM = (
    "Screen cracked after a drop and the touch does not respond in the lower third; "
    "battery drains within two hours; "
) * 8 + "Supercalifragilisticexpialidociousunbrokenwordthatmustbreaksomewhere"


def _logo() -> bytes:
    picture = Image.new("RGB", (240, 80), "#0b5394")
    ImageDraw.Draw(picture).rectangle((20, 20, 220, 60), fill="white")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _signature() -> bytes:
    picture = Image.new("RGBA", (600, 150), (0, 0, 0, 0))
    ImageDraw.Draw(picture).line([(10, 120), (200, 20), (380, 130), (590, 30)], "black", 6)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _claim(**changes: object) -> ClaimReceipt:
    claim = ClaimReceipt(
        shop=ShopHeader(
            "Fix-It Corner", "1 Main St\nSpringfield", "+1 555 0100", "hi@fixit.example", "T-99"
        ),
        ticket_number="T-A-10001",
        created_at=RECEIVED,
        customer_name="Jane Smith",
        customer_phone="+1 555 201 4432",
        device="Apple iPhone 13",
        serial="F17GH2KLQ1",
        imei="356938035643809",
        problem="Screen cracked.",
        accessories=("Case", "Charger"),
        condition=("Powers on: yes", "Scratches: no"),
        estimate_total=18_900,
        currency="USD",
        locale="en_US",
        promised_at=RECEIVED + timedelta(days=2),
        technician="Tom Technician",
        terms="We keep devices for 90 days. " * 30,
    )
    return replace(claim, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PageInfo:
    width: float
    height: float
    text: str
    boxes: list[tuple[float, float, float, float]]  # left, bottom, right, top per character
    barcodes: list[str]


def _pages(pdf: bytes, dpi: int = 300) -> list[PageInfo]:
    """What each page shows, and the barcodes a real decoder reads off its picture."""
    document = pdfium.PdfDocument(pdf)
    pages: list[PageInfo] = []
    try:
        for page in document:
            text_page = page.get_textpage()
            picture = page.render(scale=dpi / 72).to_pil()
            pages.append(
                PageInfo(
                    page.get_width(),
                    page.get_height(),
                    text_page.get_text_range(),
                    [text_page.get_charbox(i) for i in range(text_page.count_chars())],
                    [found.text for found in zxingcpp.read_barcodes(picture)],
                )
            )
            text_page.close()
            page.close()
    finally:
        document.close()
    return pages


def _decoded(pdf: bytes) -> list[str]:
    return [text for page in _pages(pdf) for text in page.barcodes]


def _text(pdf: bytes) -> str:
    return "\n".join(page.text for page in _pages(pdf))


@pytest.mark.parametrize("paper", list(Paper))
def test_claim_receipt_barcode_reads_the_ticket_number(paper: Paper) -> None:
    pdf = claim_receipt_pdf(_claim(shop=replace(_claim().shop, logo=_logo())), paper)
    assert pdf.startswith(b"%PDF")
    assert _decoded(pdf) == ["T-A-10001"]


def test_sheet_receipt_shows_every_field_and_the_money_in_the_shop_locale() -> None:
    claim = _claim(currency="EUR", locale="de_DE", estimate_total=12_345)
    shown = _text(claim_receipt_pdf(claim, Paper.A4))
    for expected in ("Fix-It Corner", "Jane Smith", "F17GH2KLQ1", "356938035643809", "Charger"):
        assert expected in shown
    assert "123,45\xa0€" in shown or "123,45 €" in shown
    assert "13.06.2024" in shown  # the promised date, as Germans write it


def test_thermal_pdf_is_as_wide_as_the_roll_and_as_long_as_the_receipt() -> None:
    short = _pages(claim_receipt_pdf(_claim(terms=""), Paper.THERMAL_58))
    long = _pages(claim_receipt_pdf(_claim(problem=LONG_PROBLEM), Paper.THERMAL_58))
    assert len(short) == len(long) == 1
    assert short[0].width == pytest.approx(58 / 25.4 * 72, abs=0.5)
    assert long[0].height > short[0].height + 100


@pytest.mark.parametrize("paper", [Paper.A4, Paper.THERMAL_58])
def test_long_problem_text_wraps_inside_the_page(paper: Paper) -> None:
    page = _pages(claim_receipt_pdf(_claim(problem=LONG_PROBLEM), paper))[0]
    assert max(box[2] for box in page.boxes) <= page.width
    # The unbroken word is split over lines rather than running off the paper.
    assert "Supercalifragilisticexpialidocious" in page.text.replace("\r\n", "")


def test_non_latin_names_are_printed_in_the_pdf() -> None:
    shown = _text(claim_receipt_pdf(_claim(customer_name="Zoë Łódź Петров"), Paper.A4))
    assert "Zoë Łódź Петров" in shown


def test_signature_and_its_date_appear_when_signed() -> None:
    claim = _claim(signature_png=_signature(), signed_at=RECEIVED)
    pdf = claim_receipt_pdf(claim, Paper.A4)
    assert "Signed Jun 11, 2024" in _text(pdf)
    assert b"/Subtype /Image" in pdf


def test_a_damaged_logo_or_signature_does_not_stop_the_receipt() -> None:
    claim = _claim(shop=replace(_claim().shop, logo=b"not a picture"), signature_png=b"junk")
    assert _decoded(claim_receipt_pdf(claim, Paper.A4)) == ["T-A-10001"]
    assert claim_receipt_escpos(claim).endswith(b"\x1dV\x00")


@pytest.mark.parametrize("size", list(LabelSize))
def test_device_label_barcode_reads_the_ticket_number(size: LabelSize) -> None:
    label = DeviceLabel("T-A-10001", "Jane Smith", "Apple iPhone 13", RECEIVED, "en_US")
    pdf = device_label_pdf(label, size)
    page = _pages(pdf)[0]
    assert (page.width, page.height) == pytest.approx(size.points, abs=0.5)
    assert page.barcodes == ["T-A-10001"]
    assert "Jane Smith" in page.text


def test_device_label_shrinks_and_cuts_long_text_to_fit() -> None:
    label = DeviceLabel(
        "T-AB-1000001",
        "Maximilian Alexander von Hohenzollern-Sigmaringen of Very Long Company Name Ltd",
        "Samsung Galaxy Z Fold5 512 GB Phantom Black with a very long description",
        RECEIVED,
        "en_US",
    )
    page = _pages(device_label_pdf(label, LabelSize.L62X29))[0]
    assert min(box[0] for box in page.boxes) >= 0
    assert max(box[2] for box in page.boxes) <= page.width
    assert "…" in page.text
    assert page.barcodes == ["T-AB-1000001"]


# -- ESC/POS --------------------------------------------------------------------------

ESC_CODES = re.compile(rb"\x1b[!EMatd].")


def _plain_lines(data: bytes) -> list[tuple[bytes, bool]]:
    """Text lines of a slip without its one-byte-argument ESC commands, each with whether
    it is in the small font B; lines holding a GS command (barcode, image) are left out."""
    lines: list[tuple[bytes, bool]] = []
    small = False
    for line in data.split(b"\n"):
        for command in ESC_CODES.findall(line):
            if command.startswith(b"\x1bM"):
                small = command[2] == 1
        if b"\x1d" not in line:
            lines.append((ESC_CODES.sub(b"", line), small))
    return lines


@pytest.mark.parametrize("width", list(ThermalWidth))
def test_escpos_slip_starts_with_init_has_the_barcode_and_ends_with_a_cut(
    width: ThermalWidth,
) -> None:
    data = claim_receipt_escpos(_claim(), width)
    assert data.startswith(b"\x1b@")
    # GS k 73 (CODE128), length, then code set B and the ticket number.
    assert b"\x1dkI\x0b{BT-A-10001" in data
    assert data.endswith(b"\x1dV\x00")
    assert b"Jane Smith" in data
    assert b"$189.00" in data


def test_escpos_text_wraps_to_the_paper_width() -> None:
    data = claim_receipt_escpos(_claim(problem=LONG_PROBLEM, terms=""), ThermalWidth.MM58)
    lines = _plain_lines(data)
    assert max(len(line) for line, small in lines if not small) <= 32
    assert max(len(line) for line, small in lines if small) <= 42
    assert sum(1 for line, _small in lines if b"battery drains" in line) >= 8


def test_escpos_non_ascii_names_switch_code_pages_and_never_crash() -> None:
    data = claim_receipt_escpos(_claim(customer_name="Zoë Łódź Петров 李雷 🙂"))
    assert b"Zo\x89" in data  # ë in CP437
    assert b"\x1bt" in data  # a code page change
    assert b"??" in data  # ideographs become question marks
    assert b"\x8f\xa5\xe2\xe0\xae\xa2" in data  # Петров in CP866


def test_escpos_signature_is_scaled_to_the_print_head() -> None:
    data = claim_receipt_escpos(
        _claim(signature_png=_signature(), signed_at=RECEIVED), ThermalWidth.MM58
    )
    start = data.index(b"\x1dv0")
    width_bytes = data[start + 4] + 256 * data[start + 5]
    assert width_bytes * 8 == 384
    assert b"Signed Jun 11, 2024" in data


def test_wrap_keeps_paragraphs_and_breaks_long_words() -> None:
    assert wrap("one two three\nfour", 7) == ["one two", "three", "four"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("Label: alpha beta gamma", 12, indent=7) == [
        "Label: alpha",
        "       beta",
        "       gamma",
    ]


def test_a_deposit_is_printed_on_the_claim_receipt_only_when_one_was_paid() -> None:
    paid = _claim(deposit=5000)
    assert "Deposit paid" in _text(claim_receipt_pdf(paid, Paper.A4))
    assert "Deposit paid" in _text(claim_receipt_pdf(paid, Paper.THERMAL_80))
    slip = claim_receipt_escpos(paid)
    assert b"Deposit paid" in slip and b"$50.00" in slip
    assert "Deposit" not in _text(claim_receipt_pdf(_claim(), Paper.A4))
    assert b"Deposit" not in claim_receipt_escpos(_claim())
