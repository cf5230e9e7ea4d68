"""Sales document scenarios: rendering an A4 invoice of 30 lines and a counter sale's
ESC/POS receipt. Neither reads the database, so there is no plain-SQL floor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from benchmarks.scenarios import BenchContext, Measurement, median_ms

INVOICE_LINES = 30
ISSUED = datetime(2024, 6, 11, 13, 5, tzinfo=UTC)


def invoice_pdf_30_lines_ms(ctx: BenchContext) -> Measurement:
    """The demo school's invoice cut to 30 lines, with the logo, on A4 (two pages)."""
    from desktop.sample_documents import sales_view, sample_seller, school_invoice_lines
    from desktop.services.documents.paper import Paper
    from desktop.services.documents.sales import sales_document_pdf
    from desktop.services.pricing import Discount
    from desktop.services.sales_types import DocumentKind

    lines = school_invoice_lines()[:INVOICE_LINES]
    invoice = sales_view(
        DocumentKind.INVOICE,
        "INV-A-000042",
        lines,
        issued_at=ISSUED,
        discount=Discount("percent", 500),
        due_date=ISSUED.date(),
    )
    seller = sample_seller()
    return Measurement(median_ms(lambda: sales_document_pdf(invoice, seller, Paper.A4)), None)


def sale_receipt_escpos_ms(ctx: BenchContext) -> Measurement:
    """The demo sale (five lines, card and cash with change) for an 80 mm printer."""
    from desktop.sample_documents import sample_sales_documents, sample_seller
    from desktop.services.documents.paper import ThermalWidth
    from desktop.services.documents.sales import sales_receipt_escpos

    sale = sample_sales_documents(ISSUED).sale
    seller = sample_seller()
    return Measurement(
        median_ms(lambda: sales_receipt_escpos(sale, seller, ThermalWidth.MM80, True)), None
    )


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "invoice_pdf_30_lines_ms": invoice_pdf_30_lines_ms,
    "sale_receipt_escpos_ms": sale_receipt_escpos_ms,
}
