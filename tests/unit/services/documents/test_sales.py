"""Sales documents: sheets, roll PDFs and ESC/POS receipts print the stored figures to the
cent, every barcode reads back with a real decoder, and receipts fit their paper."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp

from desktop.sample_documents import (
    SalesSamples,
    sales_view,
    sample_payment,
    sample_sales_documents,
    sample_seller,
)
from desktop.services.documents.paper import Paper, ThermalWidth
from desktop.services.documents.sales import (
    drawer_kick_escpos,
    sales_document_pdf,
    sales_receipt_escpos,
    sales_receipt_pdf,
)
from desktop.services.documents.sales_wording import Wording
from desktop.services.pricing import Discount
from desktop.services.sales_types import CartLine, DocumentKind, DocumentView, PartyInfo

AT = datetime(2024, 6, 11, 13, 5, tzinfo=UTC)
SELLER = sample_seller()
KICK = b"\x1bp\x00"  # ESC p on pin 2, then the pulse's on and off times
LONG_NAME = "Samsung Galaxy Z Fold5 inner folding display assembly with frame " * 2


@pytest.fixture(scope="module")
def samples() -> SalesSamples:
    return sample_sales_documents(AT)


def _texts(pdf: bytes) -> list[str]:
    """Each page's text, whitespace made single spaces."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def _barcodes(pdf: bytes) -> list[str]:
    """The barcodes a real decoder reads off each page's 300 dpi picture."""
    document = pdfium.PdfDocument(pdf)
    try:
        pictures = [page.render(scale=300 / 72).to_pil() for page in document]
    finally:
        document.close()
    return [found.text for picture in pictures for found in zxingcpp.read_barcodes(picture)]


def _euro_sale(**fields: object) -> DocumentView:
    """Prices with tax in, two rates, a document discount and cash rounding to 10 cents."""
    lines = [
        CartLine("Displaytausch Galaxy S22", 1, 18990, "standard", sku="SCR-S22"),
        CartLine("Schutzhülle", 1, 1995, "standard", discount=Discount("amount", 300)),
        CartLine("Ladekabel USB-C", 3, 799, "reduced"),
    ]
    return sales_view(
        DocumentKind.SALE,
        "S-B-000012",
        lines,
        issued_at=AT,
        prices_include_tax=True,
        cash_rounding=10,
        currency="EUR",
        rates={"standard": 1900, "reduced": 700},
        discount=Discount("percent", 250),
        **fields,
    )


# -- the figures ---------------------------------------------------------------------------


def test_sample_figures_come_from_the_totals_and_add_up(samples: SalesSamples) -> None:
    for view in (samples.sale, samples.credit_note, samples.invoice):
        words = Wording(view, SELLER)
        assert sum(words.line_amount(line) for line in view.lines) == view.subtotal
        assert sum(band.gross for band in view.bands) == view.total
        assert sum(band.tax for band in view.bands) == view.tax_total
    sale = samples.sale
    assert [band.rate_bp for band in sale.bands] == [0, 825]
    assert (sale.subtotal, sale.tax_total, sale.total) == (26_547, 1_819, 28_366)
    assert (sale.paid, sale.balance, sale.change_given) == (28_366, 0, 634)
    assert len(samples.invoice.lines) >= 30
    assert samples.invoice.balance > 0


# -- sheets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "paper"),
    [
        ("sale", Paper.A4),
        ("invoice", Paper.A4),
        ("credit_note", Paper.LETTER),
        ("sale", Paper.THERMAL_58),
        ("credit_note", Paper.THERMAL_80),
    ],
)
def test_every_document_carries_its_number_as_a_barcode(
    samples: SalesSamples, name: str, paper: Paper
) -> None:
    view: DocumentView = getattr(samples, name)
    pdf = sales_document_pdf(view, SELLER, paper)
    assert pdf.startswith(b"%PDF")
    assert _barcodes(pdf) == [view.number]


def test_the_sheet_shows_the_totals_tax_per_rate_payments_and_change(
    samples: SalesSamples,
) -> None:
    shown = " ".join(_texts(sales_document_pdf(samples.sale, SELLER)))
    for expected in (
        "RECEIPT S-A-000311",
        "Tax ID US-12-3456789 State sales tax permit SP-448-2291",
        "CUSTOMER Jane Smith",
        "REPAIR T-A-10001",
        "STATUS Paid",
        "1 $24.99 -$2.50 10% 8.25% $22.49",
        "0% $45.00 $0.00 $45.00",
        "8.25% $220.47 $18.19 $238.66",
        "Subtotal $265.47 Tax $18.19 Total $283.66",
        "Card · **** 4242",
        "Tendered $140.00",
        "Paid $283.66 Change $6.34",
        "Thank you! Keep this receipt",
        "Page 1 of 1",
    ):
        assert expected in shown


def test_an_invoice_shows_its_due_date_bank_details_and_balance(samples: SalesSamples) -> None:
    invoice = samples.invoice
    pages = _texts(sales_document_pdf(invoice, SELLER))
    shown = " ".join(pages)
    assert "INVOICE INV-A-000042" in pages[0]
    assert "BILL TO Springfield Elementary School District" in shown
    assert "Tax ID EIN 38-6004512" in shown
    assert "DUE Jul 8, 2024" in shown
    assert "Discount 5% -$106.59" in shown
    assert "Bank transfer · TRF 88213" in shown
    assert "Balance due $1,650.44" in shown
    assert "Routing 021000021" in shown
    assert "Payment is due within 30 days" in shown
    assert "STATUS Partially paid" in shown


def test_an_unpaid_invoice_past_its_due_date_says_overdue(samples: SalesSamples) -> None:
    invoice = samples.invoice
    assert invoice.due_date is not None
    late = invoice.due_date + timedelta(days=1)
    assert "STATUS Overdue" in _texts(sales_document_pdf(invoice, SELLER, today=late))[0]
    assert "STATUS Partially paid" in _texts(sales_document_pdf(invoice, SELLER))[0]


def test_a_long_invoice_runs_over_pages_with_the_column_headings_repeated() -> None:
    lines = [
        CartLine(f"{LONG_NAME if n % 7 == 0 else 'Screen'} {n}", 1, 1000 + n, "standard")
        for n in range(40)
    ]
    invoice = sales_view(DocumentKind.INVOICE, "INV-A-000100", lines, issued_at=AT)
    pages = _texts(sales_document_pdf(invoice, SELLER))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "DESCRIPTION QTY UNIT PRICE TAX AMOUNT" in page
        assert f"Page {number} of {len(pages)}" in page
    assert "Invoice INV-A-000100, continued" in pages[1]
    assert f"Total {Wording(invoice, SELLER).money(invoice.total)}" in pages[-1]


def test_a_credit_note_is_titled_so_and_names_the_sale_it_refunds(
    samples: SalesSamples,
) -> None:
    shown = " ".join(_texts(sales_document_pdf(samples.credit_note, SELLER)))
    assert "CREDIT NOTE CN-A-000007 Refund of S-A-000311" in shown
    assert "CREDIT TO Jane Smith" in shown
    assert "Refunds Cash" in shown
    assert "Refunded $24.35" in shown
    assert "STATUS Refunded" in shown
    assert "Thank you!" not in shown and "Payment is due" not in shown


def test_tax_included_prices_with_cash_rounding_print_the_rounding_and_what_to_pay() -> None:
    unpaid = _euro_sale()
    assert unpaid.rounding != 0
    cash = sample_payment("cash", unpaid.payable, AT, tendered=25_000)
    sale = replace(unpaid, payments=(cash,))
    german = replace(SELLER, locale="de_DE")
    words = Wording(sale, german)
    shown = " ".join(_texts(sales_document_pdf(sale, german)))
    for label, amount in (
        ("Total", sale.total),
        ("Cash rounding", sale.rounding),
        ("To pay", sale.payable),
        ("Includes tax", sale.tax_total),
        ("Change", 25_000 - sale.payable),
    ):
        assert " ".join(f"{label} {words.money(amount)}".split()) in shown
    assert "7 % " in shown and "19 % " in shown  # the rates as Germans write them


def test_void_and_draft_documents_are_stamped_and_owe_nothing(samples: SalesSamples) -> None:
    void = replace(samples.sale, status="voided", void_reason="Rang up the wrong phone")
    shown = " ".join(_texts(sales_document_pdf(void, SELLER)))
    assert "VOID — This receipt was voided: Rang up the wrong phone." in shown
    assert "Balance due" not in shown and "Change" not in shown
    draft = replace(samples.invoice, number="", status="draft", payments=())
    pdf = sales_document_pdf(draft, SELLER)
    assert "INVOICE Draft" in _texts(pdf)[0]
    assert _barcodes(pdf) == []  # no number yet, so nothing to scan


def test_a_walk_in_sale_without_customer_or_logo_still_prints(samples: SalesSamples) -> None:
    plain = replace(SELLER, logo=b"not a picture", tax_ids=(), bank_details="")
    walk_in = replace(samples.sale, customer=None, ticket_number="", username="")
    pdf = sales_document_pdf(walk_in, plain)
    assert "CUSTOMER" not in _texts(pdf)[0]
    assert _barcodes(pdf) == ["S-A-000311"]


def test_the_customers_tax_id_and_address_are_printed(samples: SalesSamples) -> None:
    company = PartyInfo(
        uuid.uuid4(), "Łódź Repairs Sp. z o.o.", address="ul. Piotrkowska 1", tax_id="PL 725123"
    )
    shown = _texts(sales_document_pdf(replace(samples.sale, customer=company), SELLER))[0]
    assert "Łódź Repairs Sp. z o.o. ul. Piotrkowska 1 Tax ID PL 725123" in shown


# -- the roll PDF --------------------------------------------------------------------------


@pytest.mark.parametrize("width", list(ThermalWidth))
def test_the_roll_pdf_is_one_page_as_wide_as_the_roll(
    samples: SalesSamples, width: ThermalWidth
) -> None:
    pdf = sales_receipt_pdf(samples.sale, SELLER, width)
    document = pdfium.PdfDocument(pdf)
    try:
        assert len(document) == 1
        page = document[0]
        assert page.get_width() == pytest.approx(int(width) / 25.4 * 72, abs=0.5)
        text_page = page.get_textpage()
        right = max(text_page.get_charbox(i)[2] for i in range(text_page.count_chars()))
        assert right <= page.get_width()
    finally:
        document.close()
    shown = _texts(pdf)[0]
    for expected in ("2 × $9.99 $19.98", "Discount 10% -$2.50", "Total $283.66"):
        assert expected in shown
    assert "Tax 8.25% on $220.47 $18.19" in shown or width is ThermalWidth.MM58


# -- ESC/POS -------------------------------------------------------------------------------

ESC_CODES = re.compile(rb"\x1b[!EMatd].")


def _slip_lines(data: bytes) -> list[bytes]:
    """The printed text lines of a slip in font A, without one-byte ESC commands; lines
    holding a GS command (barcode, cut) are left out."""
    return [ESC_CODES.sub(b"", line) for line in data.split(b"\n") if b"\x1d" not in line]


def test_the_receipt_has_the_lines_totals_tax_payments_change_and_barcode(
    samples: SalesSamples,
) -> None:
    data = sales_receipt_escpos(samples.sale, SELLER)
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1dV\x00")
    lines = _slip_lines(data)
    for label, amount in (
        (b"  1 x $24.99", b"$24.99"),
        (b"  Discount 10%", b"-$2.50"),
        (b"Subtotal", b"$265.47"),
        (b"Tax", b"$18.19"),
        (b"Total", b"$283.66"),
        (b"Tax 0% on $45.00", b"$0.00"),
        (b"Tax 8.25% on $220.47", b"$18.19"),
        (b"Card \xfa **** 4242", b"$150.00"),
        (b"Cash", b"$133.66"),
        (b"Change", b"$6.34"),
    ):
        assert label + b" " * (48 - len(label) - len(amount)) + amount in lines
    assert b"  Tendered $140.00" in lines
    assert b"Date: Jun 11, 2024, 1:05 PM" in lines
    assert b"Served by: olivia" in lines
    # GS k 73 (CODE128), length, then code set B and the sale's number, for returns.
    assert b"\x1dkI\x0c{BS-A-000311" in data
    assert b"Thank you! Keep this receipt: returns within 14" in lines


def test_58_mm_receipt_lines_never_exceed_the_columns() -> None:
    lines = [
        CartLine(LONG_NAME, 12, 1_234_567, "standard", sku="SCR-ZFOLD5-INNER", serial="R5CW" * 6),
        CartLine("Labour", 1, 9_999_999, "zero", discount=Discount("percent", 1250)),
    ]
    customer = PartyInfo(uuid.uuid4(), LONG_NAME, tax_id="DE" + "1" * 40)
    unpaid = sales_view(
        DocumentKind.INVOICE,
        "INV-ABC-000123",
        lines,
        issued_at=AT,
        customer=customer,
        due_date=date(2024, 7, 1),
        notes=LONG_NAME,
    )
    paid = sample_payment("cash", 100_000_00, AT, tendered=100_000_00, reference="X" * 60)
    invoice = replace(unpaid, payments=(paid,))
    for seller in (SELLER, replace(SELLER, locale="bn_BD"), replace(SELLER, locale="fr_FR")):
        for view in (invoice, replace(invoice, currency="BDT"), replace(invoice, currency="EUR")):
            printed = _slip_lines(sales_receipt_escpos(view, seller, ThermalWidth.MM58))
            too_long = [line for line in printed if len(line) > 32]
            assert too_long == []


@pytest.mark.parametrize(
    ("currency", "locale", "total"),
    [("BDT", "bn_BD", b"283.66Tk"), ("INR", "en_IN", b"Rs283.66"), ("EUR", "fr_FR", b"283,66")],
)
def test_currency_signs_the_printer_lacks_are_spelled_out(
    samples: SalesSamples, currency: str, locale: str, total: bytes
) -> None:
    sale = replace(samples.sale, currency=currency)
    lines = _slip_lines(sales_receipt_escpos(sale, replace(SELLER, locale=locale)))
    assert any(line.startswith(b"Total") and total in line for line in lines)
    # Not the month's name in Bengali script, which no receipt code page has.
    assert not any(b"?" in line for line in lines)
    assert b"Date: 2024-06-11 " in b"\n".join(lines) or locale != "bn_BD"


def test_the_drawer_kick_is_in_the_receipt_only_when_asked(samples: SalesSamples) -> None:
    plain = sales_receipt_escpos(samples.sale, SELLER)
    kicking = sales_receipt_escpos(samples.sale, SELLER, open_drawer=True)
    assert KICK not in plain
    # First thing after ESC @, so the drawer is open while the receipt prints.
    assert kicking == plain[:2] + drawer_kick_escpos() + plain[2:]


def test_the_drawer_kick_alone_opens_pin_2_and_prints_nothing() -> None:
    data = drawer_kick_escpos()
    assert data.startswith(KICK)
    assert len(data) == 5
    assert b"\x1dV" not in data and b"\n" not in data
