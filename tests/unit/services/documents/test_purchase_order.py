"""The purchase order PDF: its number read back by a real barcode decoder, every line and
total shown, long orders running over several pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pypdfium2 as pdfium
import pytest
import zxingcpp

from desktop.services.documents.paper import Paper
from desktop.services.documents.purchase_order import (
    OrderedLine,
    PurchaseOrderDocument,
    purchase_order_pdf,
)
from desktop.services.documents.tickets import ShopHeader


def _order(**changes: object) -> PurchaseOrderDocument:
    order = PurchaseOrderDocument(
        shop=ShopHeader(
            "Fix-It Corner", "1 Main St\nSpringfield", "+1 555 0100", "hi@fixit.example"
        ),
        number="PO-A-000042",
        status="Ordered",
        created_at=datetime(2030, 4, 2, 9, 30, tzinfo=UTC),
        ordered_at=datetime(2030, 4, 2, 10, 0, tzinfo=UTC),
        expected_on=date(2030, 4, 9),
        supplier_name="Parts Direct",
        supplier_contact="Sam Seller",
        supplier_address="1 Dock Rd\nPortsmouth",
        supplier_phone="+1 555 0199",
        supplier_email="orders@parts.example",
        supplier_terms="30 days net",
        deliver_to="Store",
        notes="Mark the box fragile.",
        lines=(
            OrderedLine("ITM-A-000001", "PD-SCR-12", "iPhone 12 screen", 3, 1100),
            OrderedLine("ITM-A-000002", "", "Galaxy S22 battery", 12, 1450),
        ),
        currency="USD",
        locale="en_US",
    )
    return replace(order, **changes)  # type: ignore[arg-type]


def _pages(pdf: bytes) -> list[tuple[str, list[str]]]:
    """Each page's text and the barcodes a real decoder reads off its 300 dpi picture."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            text_page = page.get_textpage()
            picture = page.render(scale=300 / 72).to_pil()
            pages.append(
                (text_page.get_text_range(), [f.text for f in zxingcpp.read_barcodes(picture)])
            )
            text_page.close()
            page.close()
    finally:
        document.close()
    return pages


@pytest.mark.parametrize("paper", [Paper.A4, Paper.LETTER])
def test_the_barcode_reads_the_order_number(paper: Paper) -> None:
    [(shown, barcodes)] = _pages(purchase_order_pdf(_order(), paper))
    assert barcodes == ["PO-A-000042"]
    for expected in (
        "Parts Direct",
        "Sam Seller",
        "PD-SCR-12",
        "ITM-A-000002",
        "$11.00",
        "$174.00",
        "$207.00",  # 3 x 11.00 + 12 x 14.50
        "30 days net",
        "Apr 9, 2030",
        "Mark the box fragile.",
    ):
        assert expected in shown


def test_a_long_order_runs_over_pages_with_the_headings_repeated() -> None:
    lines = tuple(
        OrderedLine(f"ITM-A-{n:06d}", f"SUP-{n}", f"Part number {n} " + "é" * 30, n, 100)
        for n in range(1, 91)
    )
    pages = _pages(purchase_order_pdf(_order(lines=lines, currency="EUR", locale="de_DE")))
    assert len(pages) > 1
    assert all("SUPPLIER PART" in text for text, _ in pages)
    assert pages[0][1] == ["PO-A-000042"]
    assert "Part number 90" in pages[-1][0]
    # 1 + 2 + ... + 90 units at 1,00 €, written as Germans write numbers.
    assert "Total 4.095 4.095,00" in pages[-1][0].replace("\xa0", " ")
