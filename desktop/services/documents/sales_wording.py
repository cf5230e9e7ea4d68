"""What a sales document says, worded once for the sheet, the roll PDF and the ESC/POS
receipt, so that all three print the same words and the same figures.

Every amount is the ``DocumentView``'s own (``pricing.compute_totals`` made them when the
document was saved). The one sum formed here is a line's amount before the document
discount, quantity x unit price less the line's own discount; those amounts add up to
the stored subtotal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from desktop.services.documents.pdfparts import local_date, local_datetime
from desktop.services.documents.tickets import ShopHeader
from desktop.services.money import format_money
from desktop.services.pricing import TaxBand
from desktop.services.sales_types import DocumentKind, DocumentView, LineView

TITLES = {
    DocumentKind.SALE: "Receipt",
    DocumentKind.INVOICE: "Invoice",
    DocumentKind.CREDIT_NOTE: "Credit note",
}
VOID_STATUSES = frozenset({"voided", "void"})


@dataclass(frozen=True)
class Row:
    """A label and its amount, as the totals, payments and balance print them."""

    label: str
    amount: str
    strong: bool = False
    detail: str = ""  # a smaller line under the label: a payment's date or cash tendered


class Wording:
    """The words and formatted figures of one document in the seller's language."""

    def __init__(self, view: DocumentView, seller: ShopHeader, today: date | None = None) -> None:
        self.view = view
        self.seller = seller
        self.locale = seller.locale
        self.today = today
        # A credit note pays money back: its payments are stored negative (money out)
        # and printed as the positive amounts refunded.
        self.credit = view.kind is DocumentKind.CREDIT_NOTE

    # -- numbers -------------------------------------------------------------------------

    def money(self, amount: int) -> str:
        return format_money(amount, self.view.currency, self.locale)

    def percent(self, rate_bp: int) -> str:
        share = Decimal(rate_bp).scaleb(-4)
        return str(format_percent(share, locale=self.locale, decimal_quantization=False))

    def count(self, quantity: int) -> str:
        return str(format_decimal(quantity, locale=self.locale))

    # -- the document --------------------------------------------------------------------

    @property
    def title(self) -> str:
        return TITLES[self.view.kind]

    @property
    def number(self) -> str:
        """The document's number, or what stands in for it before it has one."""
        return self.view.number or ("Draft" if self.view.status == "draft" else "Not issued")

    @property
    def stamp(self) -> str:
        """The word stamped across a document that is not, or no longer, valid."""
        if self.view.status in VOID_STATUSES:
            return "VOID"
        if self.view.status == "draft":
            return "DRAFT"
        if self.view.status == "held":
            return "ON HOLD"
        return ""

    @property
    def stamp_note(self) -> str:
        """Why the document is stamped, in a sentence for the customer."""
        view = self.view
        kind = self.title.lower()
        if view.status in VOID_STATUSES:
            reason = view.void_reason.strip().rstrip(".")
            because = f": {reason}." if reason else "."
            return f"This {kind} was voided{because} It is no longer valid."
        if view.status == "draft":
            return f"Not issued yet: the {kind} gets its number when it is issued."
        if view.status == "held":
            return "This sale is on hold: it is not complete and nothing is paid on it."
        return ""

    def facts(self, numeric_dates: bool = False) -> list[tuple[str, str]]:
        """Label and value of the document's dates and references; empty ones left out.

        ``numeric_dates`` writes dates as 2024-06-11 13:05, for printers that cannot
        print the month names of the shop's language."""
        view = self.view
        rows: list[tuple[str, str]] = []
        when = view.issued_at or view.created_at
        if when is not None:
            # A sale happens at a moment; invoices and credit notes are dated by the day.
            moment = view.kind is DocumentKind.SALE
            if numeric_dates:
                shown = when.astimezone().strftime("%Y-%m-%d %H:%M" if moment else "%Y-%m-%d")
            elif moment:
                shown = local_datetime(when, self.locale)
            else:
                shown = local_date(when, self.locale)
            rows.append(("Date" if view.issued_at else "Created", shown))
        if view.kind is DocumentKind.INVOICE and view.due_date is not None:
            due = view.due_date.isoformat()
            if not numeric_dates:
                due = str(format_date(view.due_date, "medium", locale=self.locale))
            rows.append(("Due", due))
        if view.original_number:
            rows.append(("Refund of", view.original_number))
        if view.ticket_number:
            rows.append(("Repair", view.ticket_number))
        if view.username:
            rows.append(("Served by", view.username))
        if view.credit_notes:
            rows.append(("Credit notes", ", ".join(view.credit_notes)))
        return rows

    @property
    def status(self) -> str:
        """Paid, partly paid, overdue; for a credit note, how much of it was refunded."""
        view = self.view
        if self.stamp:
            return self.stamp.capitalize()
        if self.credit:
            refunded = -view.paid
            if refunded >= view.payable:
                return "Refunded"
            return "Partly refunded" if refunded > 0 else "Not refunded yet"
        return view.payment_status(self.today).label

    @property
    def party_heading(self) -> str:
        return {
            DocumentKind.SALE: "Customer",
            DocumentKind.INVOICE: "Bill to",
            DocumentKind.CREDIT_NOTE: "Credit to",
        }[self.view.kind]

    # -- lines ---------------------------------------------------------------------------

    @staticmethod
    def line_amount(line: LineView) -> int:
        """The line before the document discount: quantity x unit price less its own."""
        return line.quantity * line.unit_price - line.line_discount

    @staticmethod
    def line_references(line: LineView) -> str:
        parts = [f"SKU {line.sku}" if line.sku else "", f"S/N {line.serial}" if line.serial else ""]
        return " · ".join(p for p in parts if p)

    def line_discount_label(self, line: LineView) -> str:
        if line.discount_kind == "percent" and line.discount_value:
            return f"Discount {self.percent(line.discount_value)}"
        return "Discount"

    # -- totals --------------------------------------------------------------------------

    def totals(self) -> list[Row]:
        """Subtotal, discount, tax, total and the cash rounding, in the order they add up."""
        view = self.view
        rows = [Row("Subtotal", self.money(view.subtotal))]
        if view.discount_total:
            label = "Discount"
            if view.discount_kind == "percent" and view.discount_value:
                label = f"Discount {self.percent(view.discount_value)}"
            rows.append(Row(label, self.money(-view.discount_total)))
        if not view.prices_include_tax:
            rows.append(Row("Tax", self.money(view.tax_total)))
        rows.append(Row("Total", self.money(view.total), strong=True))
        if view.rounding:
            rows.append(Row("Cash rounding", self.money(view.rounding)))
            rows.append(Row("To pay", self.money(view.payable), strong=True))
        if view.prices_include_tax:
            rows.append(Row("Includes tax", self.money(view.tax_total)))
        return rows

    def band_figures(self, band: TaxBand) -> tuple[str, str, str, str]:
        """Rate, net, tax and gross of one tax rate."""
        return (
            self.percent(band.rate_bp),
            self.money(band.net),
            self.money(band.tax),
            self.money(band.gross),
        )

    # -- payments ------------------------------------------------------------------------

    @property
    def payments_heading(self) -> str:
        return "Refunds" if self.credit else "Payments"

    def payments(self, dated: bool) -> list[Row]:
        """Each payment (refund) with its reference, and for cash what was handed over."""
        sign = -1 if self.credit else 1
        rows: list[Row] = []
        for payment in self.view.payments:
            label = payment.method_name or payment.method_code
            if payment.reference:
                label = f"{label} · {payment.reference}"
            details = [local_date(payment.at, self.locale)] if dated else []
            if payment.tendered is not None:
                details.append(f"Tendered {self.money(payment.tendered)}")
            if payment.tip:
                details.append(f"Tip {self.money(payment.tip)}")
            rows.append(Row(label, self.money(sign * payment.amount), detail=" · ".join(details)))
        return rows

    def settlement(self) -> list[Row]:
        """Paid, change and what is still owed, either way; nothing on a stamped document."""
        view = self.view
        if self.stamp:
            return []
        if self.credit:
            refunded = -view.paid
            rows = [Row("Refunded", self.money(refunded))]
            if view.payable > refunded:
                rows.append(Row("Still to refund", self.money(view.payable - refunded), True))
            return rows
        rows = [Row("Paid", self.money(view.paid))]
        if view.change_given:
            rows.append(Row("Change", self.money(view.change_given), strong=True))
        if view.balance > 0:
            rows.append(Row("Balance due", self.money(view.balance), strong=True))
        elif view.balance < 0:
            rows.append(Row("Owed to the customer", self.money(-view.balance), strong=True))
        return rows

    @property
    def footer(self) -> str:
        """The shop's own closing words: the receipt's under sales, the invoice's under
        invoices; a credit note has none (payment terms and return rules do not apply)."""
        if self.view.kind is DocumentKind.SALE:
            return self.seller.receipt_footer
        if self.view.kind is DocumentKind.INVOICE:
            return self.seller.invoice_footer
        return ""

    @property
    def shows_bank_details(self) -> bool:
        """Invoices always carry the bank details; other documents when money is owed."""
        if not self.seller.bank_details or self.stamp:
            return False
        return self.view.kind is DocumentKind.INVOICE or (not self.credit and self.view.balance > 0)
