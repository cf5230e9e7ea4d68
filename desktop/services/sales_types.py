"""What selling passes around: the cart the sale screen holds, payments offered, and the
frozen views of sales documents that the screens and the printed documents read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from desktop.services.pricing import Discount, TaxBand

MAX_LINES = 500
MAX_QUANTITY = 100_000


class DocumentKind(StrEnum):
    SALE = "sale"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"

    @property
    def label(self) -> str:
        return {"sale": "Sale", "invoice": "Invoice", "credit_note": "Credit note"}[self.value]


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIAL = "partial"
    PAID = "paid"
    DUE = "due"  # an invoice past its due date with money still owing

    @property
    def label(self) -> str:
        return {
            "unpaid": "Unpaid",
            "partial": "Partially paid",
            "paid": "Paid",
            "due": "Overdue",
        }[self.value]


def payment_status(
    kind: DocumentKind, balance: int, paid: int, due_date: date | None, today: date | None
) -> PaymentStatus:
    """Paid, partly paid, unpaid, or (an invoice past ``due_date`` on ``today``) overdue."""
    if balance <= 0:
        return PaymentStatus.PAID
    if (
        kind is DocumentKind.INVOICE
        and due_date is not None
        and today is not None
        and today > due_date
    ):
        return PaymentStatus.DUE
    return PaymentStatus.PARTIAL if paid > 0 else PaymentStatus.UNPAID


@dataclass(frozen=True)
class CartLine:
    """A line as the counter builds it; prices as the shop quotes them (tax in or out)."""

    description: str
    quantity: int
    unit_price: int
    tax_class: str = "standard"
    item_id: uuid.UUID | None = None
    sku: str = ""
    discount: Discount | None = None
    serial: str = ""
    # Where the line came from (a ticket's part or labour line): such parts left stock
    # with the ticket, so the sale does not take them again.
    source_kind: str = ""
    source_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Cart:
    """An open sale. ``id`` is the future document's id, fixed when the cart starts, so
    completing the same cart twice makes one sale, not two."""

    id: uuid.UUID
    lines: tuple[CartLine, ...] = ()
    customer_id: uuid.UUID | None = None
    discount: Discount | None = None
    notes: str = ""
    ticket_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PaymentInput:
    """One tender. ``amount`` is what it pays towards the document; for cash,
    ``tendered`` is what the customer handed over (the change is the difference).
    A card paying more than is due needs ``overpayment`` "tip" or "credit"."""

    method_code: str
    amount: int
    tendered: int | None = None
    reference: str = ""
    overpayment: str = ""  # "" | "tip" | "credit"


@dataclass(frozen=True)
class TaxRate:
    code: str
    name: str
    rate_bp: int
    active: bool = True


@dataclass(frozen=True)
class PaymentMethodInfo:
    id: uuid.UUID
    code: str
    name: str
    kind: str  # cash | card | bank | mobile | store_credit | on_account | other
    needs_reference: bool
    active: bool
    position: int

    @property
    def gives_change(self) -> bool:
        return self.kind == "cash"


@dataclass(frozen=True)
class PartyInfo:
    """The customer as printed on a document."""

    id: uuid.UUID
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    tax_id: str = ""


@dataclass(frozen=True)
class LineView:
    id: uuid.UUID
    position: int
    description: str
    sku: str
    quantity: int
    unit_price: int
    line_discount: int
    document_discount: int
    tax_rate_bp: int
    net: int
    tax: int
    gross: int
    item_id: uuid.UUID | None = None
    serial: str = ""
    unit_cost: int | None = None
    discount_kind: str = ""
    discount_value: int = 0
    tax_class: str = "standard"
    source_kind: str = ""
    source_id: uuid.UUID | None = None
    restock: bool = False


@dataclass(frozen=True)
class PaymentView:
    id: uuid.UUID
    at: datetime
    method_code: str
    method_name: str
    method_kind: str
    amount: int  # negative: money paid back
    tendered: int | None = None
    change: int = 0
    tip: int = 0
    reference: str = ""
    username: str = ""


@dataclass(frozen=True)
class DocumentView:
    """A sale, invoice or credit note as the screens and the printed documents show it."""

    id: uuid.UUID
    kind: DocumentKind
    number: str  # "" while a sale is held or an invoice a draft
    status: str
    currency: str
    prices_include_tax: bool
    subtotal: int
    discount_total: int
    tax_total: int
    total: int
    rounding: int
    lines: tuple[LineView, ...]
    bands: tuple[TaxBand, ...]
    payments: tuple[PaymentView, ...]
    issued_at: datetime | None = None
    created_at: datetime | None = None
    due_date: date | None = None
    customer: PartyInfo | None = None
    ticket_id: uuid.UUID | None = None
    ticket_number: str = ""
    original_id: uuid.UUID | None = None
    original_number: str = ""
    station_code: str = ""
    username: str = ""
    notes: str = ""
    discount_kind: str = ""
    discount_value: int = 0
    void_reason: str = ""
    hold_label: str = ""
    credit_notes: tuple[str, ...] = field(default_factory=tuple)  # numbers refunding it

    @property
    def payable(self) -> int:
        """What the customer owes in all: the total plus cash rounding."""
        return self.total + self.rounding

    @property
    def paid(self) -> int:
        """Money received net of refunds paid out on this document."""
        return sum(p.amount for p in self.payments)

    @property
    def balance(self) -> int:
        """What is still owed (negative: the shop owes the customer)."""
        if self.status in ("voided", "void", "draft", "held"):
            return 0
        if self.kind is DocumentKind.CREDIT_NOTE:
            return self.payable + self.paid  # refunds are negative payments
        return self.payable - self.paid

    @property
    def change_given(self) -> int:
        return sum(p.change for p in self.payments)

    def payment_status(self, today: date | None = None) -> PaymentStatus:
        return payment_status(self.kind, self.balance, self.paid, self.due_date, today)


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the sales and invoice lists."""

    id: uuid.UUID
    kind: DocumentKind
    number: str
    status: str
    customer_name: str
    issued_at: datetime | None
    due_date: date | None
    total: int
    paid: int
    currency: str

    @property
    def balance(self) -> int:
        """What is still owed, as ``DocumentView.balance`` (``total`` includes rounding)."""
        if self.status in ("voided", "void", "draft", "held"):
            return 0
        if self.kind is DocumentKind.CREDIT_NOTE:
            return self.total + self.paid
        return self.total - self.paid

    def payment_status(self, today: date | None = None) -> PaymentStatus:
        return payment_status(self.kind, self.balance, self.paid, self.due_date, today)


@dataclass(frozen=True)
class SaleCompleted:
    """What completing a sale did: the document, the change to hand back and whether the
    drawer should open (a cash tender)."""

    document: DocumentView
    change: int
    open_drawer: bool
    already_completed: bool = False
