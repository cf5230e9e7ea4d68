"""Item price labels: every barcode read back by a real decoder, on each label size and
on the A4 sheet; names cut to fit; the catalog's data and quantities."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp

from desktop.services.container import Services
from desktop.services.documents.item_labels import (
    A4_3X8,
    MAX_LABELS,
    ItemLabel,
    item_labels_pdf,
)
from desktop.services.documents.paper import LabelSize
from desktop.services.errors import ValidationError
from desktop.services.items import ItemInput
from desktop.services.printing import DocumentKind

LABELS = (
    ItemLabel("iPhone 12 screen", "$129.00", "4006381333931", "ean13"),
    ItemLabel("Galaxy S21 battery", "$49.00", "012345678905", "upca", 2),
    ItemLabel("Ladekabel für Geräte — äöü", "12,99 €", "ITM-A-000003", "code128"),
)


def _read(pdf: bytes) -> list[tuple[str, list[tuple[str, str]]]]:
    """(text, [(code, format)]) of each page."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            text_page = page.get_textpage()
            picture = page.render(scale=300 / 72).to_pil()
            found = zxingcpp.read_barcodes(picture)
            pages.append(
                (text_page.get_text_range(), sorted((f.text, f.format.name) for f in found))
            )
            text_page.close()
            page.close()
    finally:
        document.close()
    return pages


EXPECTED = {
    "4006381333931": "EAN13",
    "0012345678905": "EAN13",  # the decoder reports UPC-A as the EAN-13 it is part of
    "ITM-A-000003": "Code128",
}


@pytest.mark.parametrize("size", list(LabelSize))
def test_one_label_per_page_each_barcode_decodes(size: LabelSize) -> None:
    pages = _read(item_labels_pdf(LABELS, size.value))
    assert len(pages) == 4  # the battery twice
    decoded = [codes for _text, codes in pages]
    assert [len(codes) for codes in decoded] == [1, 1, 1, 1]
    assert {code: kind for codes in decoded for code, kind in codes} == EXPECTED
    assert "$129.00" in pages[0][0] and "12,99 €" in pages[3][0]


def test_a4_sheet_holds_24_labels_and_each_decodes() -> None:
    many = [ItemLabel(f"Part {n}", "$1.00", "4006381333931", "ean13", 1) for n in range(25)]
    pages = _read(item_labels_pdf([*LABELS, *many], "a4"))
    assert A4_3X8.per_page == 24
    assert len(pages) == 2
    first, second = (codes for _text, codes in pages)
    assert len(first) == 24 and len(second) == 5  # 4 + 25 labels
    assert {code for code, _kind in first} == set(EXPECTED)


def test_long_names_are_cut_with_an_ellipsis() -> None:
    long = ItemLabel("Screen assembly " * 20, "$1.00", "4006381333931", "ean13")
    ((text, codes),) = _read(item_labels_pdf([long], LabelSize.L57X32.value))
    assert "…" in text and len(codes) == 1


def test_too_many_labels_are_refused() -> None:
    with pytest.raises(ValueError):
        item_labels_pdf([ItemLabel("x", "$1", "ITM-1", "code128", MAX_LABELS + 1)])


def test_labels_job_reads_the_catalog_in_the_shop_currency(shop: Services) -> None:
    retail = shop.items.create(
        ItemInput("Screen", sell_price=12900, barcodes=["ABC-1", "4006381333931"])
    ).item
    own = shop.items.create(ItemInput("Cable", sell_price=900)).item
    job = shop.printing.item_labels_job([(retail.id, 1), (own.id, 2)], paper="a4")
    assert job.kind is DocumentKind.ITEM_LABELS and job.paper == "a4"
    ((text, codes),) = _read(job.pdf)
    assert sorted(code for code, _kind in codes) == sorted(["4006381333931", own.sku, own.sku])
    assert "Screen" in text
    with pytest.raises(ValidationError) as refused:
        shop.printing.item_labels_job([(retail.id, 0)])
    assert "quantity" in refused.value.errors
    with pytest.raises(ValidationError):
        shop.printing.item_labels_job([])
    default = shop.printing.item_labels_job([(own.id, 1)])
    assert default.paper == LabelSize.L62X29.value
