"""Counter sales: the cart, discounts within each role's limit, completing a sale with
any number of tenders, holding and resuming a sale, and voiding one that is open.

The cart lives on the screen until it is completed or held. Completing writes the
document, its lines, the stock movements, the payments, any store credit and the journal
entry in one transaction, so a sale is either wholly there or not at all. The cart's id
becomes the document's id: a second click on "Complete sale" finds the sale already
made and returns it instead of selling twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Customer, Item, SalesDocument, ShopProfile, StockLevel
from desktop.services import audit, journal
from desktop.services.context import Actor, ServiceContext
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.ids import new_id
from desktop.services.items import ItemService
from desktop.services.numbering import next_number
from desktop.services.payments import (
    Settlement,
    payment_methods,
    settle,
    store_credit_balance,
    write_payments,
)
from desktop.services.permissions import Permission, Role
from desktop.services.pricing import FULL_BP, Totals
from desktop.services.sales_records import (
    cart_of,
    cart_totals,
    document_view,
    existing_document,
    summaries,
    write_lines,
)
from desktop.services.sales_settings import next_invoice_number
from desktop.services.sales_types import (
    MAX_LINES,
    MAX_QUANTITY,
    Cart,
    CartLine,
    DocumentSummary,
    DocumentView,
    PaymentInput,
    PaymentMethodInfo,
    SaleCompleted,
)
from desktop.services.shop import shop_profile
from desktop.services.stock import (
    DEFAULT_LOCATION_ID,
    StockReference,
    record_movement,
    stock_item_ids,
)
from desktop.services.tax_classes import tax_rates
from desktop.services.text import clean_line
from desktop.services.ticket_charges import DEPOSIT_KIND
from desktop.services.ticket_checkout import checkout_deposit, finish_checkout
from desktop.services.ticket_types import MAX_MONEY


class ApprovalRequired(PermissionDenied):
    """The sale asks for more than the signed-in role may give; a manager's password
    approves it (``AccountService.authorize``)."""


@dataclass(frozen=True)
class SellingTerms:
    """What the sale screen needs to total and check a cart as the service will."""

    currency: str
    locale: str
    prices_include_tax: bool
    rounding_mode: str
    cash_rounding: int
    tips_allowed: bool
    discount_limit_bp: int  # FULL_BP: no limit for this role
    tax_rates: dict[str, int]


class SaleService:
    def __init__(self, ctx: ServiceContext, items: ItemService) -> None:
        self.ctx = ctx
        self.items = items

    # -- the cart ---------------------------------------------------------------------

    def new_cart(self, ticket_id: uuid.UUID | None = None) -> Cart:
        return Cart(id=new_id(), ticket_id=ticket_id)

    def terms(self) -> SellingTerms:
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            return SellingTerms(
                currency=profile.currency,
                locale=profile.locale,
                prices_include_tax=profile.prices_include_tax,
                rounding_mode=profile.rounding_mode,
                cash_rounding=profile.cash_rounding,
                tips_allowed=profile.tips_allowed,
                discount_limit_bp=discount_limit(profile, actor),
                tax_rates=tax_rates(tx.session),
            )

    def payment_methods(self) -> list[PaymentMethodInfo]:
        with self.ctx.uow() as tx:
            return payment_methods(tx.session)

    def line_for_item(self, item_id: uuid.UUID, quantity: int = 1) -> CartLine:
        """A cart line selling ``item_id`` at its price. Raises ``NotFound``,
        ``ValidationError`` for an archived item."""
        with self.ctx.uow() as tx:
            item = tx.session.get(Item, item_id)
            if item is None:
                raise NotFound("This item no longer exists.")
            if not item.active:
                raise ValidationError({"item": f"“{item.name}” is archived; it is not for sale."})
            return CartLine(
                description=item.name,
                quantity=quantity,
                unit_price=item.sell_price,
                tax_class=item.tax_class,
                item_id=item.id,
                sku=item.sku,
            )

    def line_for_code(self, code: str) -> CartLine | None:
        """The line for a scanned barcode or SKU, or None when no item has it."""
        item = self.items.find_by_barcode(code)
        return self.line_for_item(item.id) if item is not None else None

    def totals(self, cart: Cart, terms: SellingTerms | None = None) -> Totals:
        """The cart's totals as completing it would store them."""
        terms = terms or self.terms()
        return cart_totals(cart.lines, terms.tax_rates, _pricing_document(terms, cart))

    def store_credit(self, customer_id: uuid.UUID) -> int:
        with self.ctx.uow() as tx:
            return store_credit_balance(tx.session, customer_id)

    # -- completing -------------------------------------------------------------------

    def complete(
        self,
        cart: Cart,
        payments: Sequence[PaymentInput],
        approved_by: Actor | None = None,
    ) -> SaleCompleted:
        """Complete the sale: document, lines, stock, payments and journal, at once.

        A tender "on account" leaves that part owing: the sale is then issued as an
        invoice (``INV-…``) due after the shop's payment terms. A repair ticket's cart
        (``TicketPaymentService.checkout_cart``) counts the ticket's deposits as paid and
        closes the ticket (see ``ticket_checkout``); a ticket is checked out once. Raises
        ``ValidationError`` (empty cart, bad lines, tenders that do not settle it),
        ``ApprovalRequired`` (a discount or price the role may not give, unless
        ``approved_by`` is a manager), ``NotFound``."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            existing = session.get(SalesDocument, cart.id)
            if existing is not None and existing.status != "held":
                return self._already(session, existing)
            profile = shop_profile(session)
            check_cart(cart)
            if cart.customer_id is not None and session.get(Customer, cart.customer_id) is None:
                raise NotFound("This customer no longer exists.")
            document = existing or SalesDocument(id=cart.id, kind="sale", status="held")
            apply_terms(document, profile, cart, self.ctx, actor)
            rates = tax_rates(session)
            totals = cart_totals(cart.lines, rates, document)
            overrides = price_overrides(session, profile, actor, cart, totals, approved_by)
            deposit = checkout_deposit(session, cart, totals.total)
            settlement = settle(
                session, profile, totals.total - deposit, payments, cart.customer_id
            )
            if existing is None:
                session.add(document)
            session.flush()
            costs = unit_costs(session, cart.lines)
            write_lines(session, document, cart.lines, totals, rates, costs)
            self._issue(session, document, profile, settlement)
            take_stock(session, self.ctx, actor, StockReference("sale", document.id), cart.lines)
            write_payments(
                session,
                self.ctx,
                actor,
                settlement,
                document_id=document.id,
                customer_id=cart.customer_id,
            )
            if cart.ticket_id is not None:
                finish_checkout(session, self.ctx, actor, cart.ticket_id, document, deposit)
            journal.append(
                session,
                self.ctx,
                document.kind,
                _journal_payload(document, cart.lines, totals, settlement, deposit),
                document.id,
            )
            for action, details in overrides:
                audit.record(session, self.ctx, action, "sale", document.number or "", **details)
            session.flush()
            view = document_view(session, document.id)
            tx.commit()
        return SaleCompleted(view, settlement.change, settlement.takes_cash)

    def _already(self, session: Session, document: SalesDocument) -> SaleCompleted:
        if document.status == "voided":
            raise ValidationError({"sale": "This sale was voided; start a new one."})
        view = document_view(session, document.id)
        return SaleCompleted(view, view.change_given, False, already_completed=True)

    def _issue(
        self,
        session: Session,
        document: SalesDocument,
        profile: ShopProfile,
        settlement: Settlement,
    ) -> None:
        now = datetime.now(UTC)
        if settlement.on_account:
            document.kind, document.status = "invoice", "issued"
            document.number = next_invoice_number(session, self.ctx.station_code)
            document.due_date = (now + timedelta(days=profile.payment_terms_days)).date()
        else:
            document.kind, document.status = "sale", "completed"
            document.number = next_number(session, self.ctx.station_code, "sale")
        document.issued_at = now
        document.rounding = settlement.rounding
        document.hold_label = ""

    # -- holding and voiding ----------------------------------------------------------

    def hold(self, cart: Cart, label: str = "") -> DocumentSummary:
        """Park the cart (no number yet) to serve the next customer. Raises
        ``ValidationError`` for an empty or bad cart."""
        actor = self.ctx.require(Permission.SELL)
        check_cart(cart)
        with self.ctx.uow() as tx:
            session = tx.session
            document = session.get(SalesDocument, cart.id)
            if document is not None and document.status != "held":
                raise ValidationError({"sale": "This sale is already completed."})
            profile = shop_profile(session)
            if document is None:
                document = SalesDocument(id=cart.id, kind="sale", status="held")
                session.add(document)
            apply_terms(document, profile, cart, self.ctx, actor)
            document.hold_label = clean_line(label)[:100]
            rates = tax_rates(session)
            totals = cart_totals(cart.lines, rates, document)
            session.flush()
            write_lines(session, document, cart.lines, totals, rates)
            session.flush()
            summary = summaries(session, [document])[0]
            tx.commit()
            return summary

    def held(self) -> list[DocumentSummary]:
        """Sales parked at any station, oldest first."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            documents = tx.session.scalars(
                select(SalesDocument)
                .where(SalesDocument.kind == "sale", SalesDocument.status == "held")
                .order_by(SalesDocument.created_at)
            ).all()
            return summaries(tx.session, documents)

    def resume(self, document_id: uuid.UUID) -> Cart:
        """The cart of a held sale, to carry on with. Raises ``NotFound``,
        ``ValidationError`` when it is no longer held."""
        self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            document = existing_document(tx.session, document_id)
            if document.status != "held":
                raise ValidationError({"sale": "This sale is no longer on hold."})
            return cart_of(document_view(tx.session, document_id))

    def void_open(self, cart: Cart, reason: str = "") -> None:
        """Abandon an open or held sale. Nothing was sold, but the void is journaled and
        audited (a cart emptied after scanning is what a till watcher looks for)."""
        actor = self.ctx.require(Permission.SELL)
        with self.ctx.uow() as tx:
            session = tx.session
            document = session.get(SalesDocument, cart.id)
            if document is not None and document.status != "held":
                raise ValidationError({"sale": "A completed sale is refunded, not voided."})
            reason = clean_line(reason)[:500]
            if document is not None:
                document.status = "voided"
                document.void_reason = reason
                document.voided_at = datetime.now(UTC)
                document.voided_by = actor.user_id
            payload: dict[str, Any] = {
                "cart": str(cart.id),
                "lines": len(cart.lines),
                "value": sum(line.quantity * line.unit_price for line in cart.lines),
                "reason": reason,
            }
            journal.append(session, self.ctx, "void", payload, document.id if document else None)
            audit.record(session, self.ctx, "sale_voided", "sale", str(cart.id), **payload)
            tx.commit()

    # -- reading ----------------------------------------------------------------------

    def document(self, document_id: uuid.UUID) -> DocumentView:
        with self.ctx.uow() as tx:
            return document_view(tx.session, document_id)

    def find_id(self, number: str) -> uuid.UUID | None:
        """The document with ``number`` (already cleaned), if any; for the scan router."""
        with self.ctx.uow() as tx:
            return tx.session.scalar(select(SalesDocument.id).where(SalesDocument.number == number))

    def find(self, number: str) -> DocumentView:
        """A document by its number (a scanned receipt barcode). Raises ``NotFound``."""
        cleaned = clean_line(number).upper()[:30]
        with self.ctx.uow() as tx:
            found = tx.session.scalar(
                select(SalesDocument.id).where(SalesDocument.number == cleaned)
            )
            if found is None:
                raise NotFound(f"No sale or invoice has the number {cleaned or '(empty)'}.")
            return document_view(tx.session, found)


def discount_limit(profile: ShopProfile, actor: Actor) -> int:
    """The largest discount (basis points) ``actor`` may give without a manager."""
    if actor.role in (Role.OWNER, Role.MANAGER):
        return FULL_BP
    if actor.role == Role.TECHNICIAN:
        return profile.technician_discount_limit_bp
    return profile.front_desk_discount_limit_bp


def allowed_below_cost(actor: Actor) -> bool:
    return actor.role in (Role.OWNER, Role.MANAGER)


def take_stock(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    reference: StockReference,
    lines: Sequence[CartLine],
) -> None:
    """Sold units leave the store, by serial where the line has one, in the caller's
    transaction. Parts checked out with a ticket left with it."""
    stocked = stock_item_ids(session, (line.item_id for line in lines))
    for line in lines:
        if line.item_id not in stocked or line.source_kind == "ticket_part":
            continue
        assert line.item_id is not None
        if line.serial:
            for _ in range(line.quantity):
                record_movement(
                    session, ctx, actor, line.item_id, DEFAULT_LOCATION_ID, -1,
                    "sale", reference=reference, serial=line.serial,
                )  # fmt: skip
        else:
            record_movement(
                session, ctx, actor, line.item_id, DEFAULT_LOCATION_ID,
                -line.quantity, "sale", reference=reference,
            )  # fmt: skip


def price_overrides(
    session: Session,
    profile: ShopProfile,
    actor: Actor,
    cart: Cart,
    totals: Totals,
    approved_by: Actor | None,
) -> list[tuple[str, dict[str, Any]]]:
    """The discounts and below-cost prices ``cart`` gives beyond the role's limits, as
    audit entries; raises ``ApprovalRequired`` unless a manager approved."""
    limit = discount_limit(profile, actor)
    found: list[tuple[str, dict[str, Any]]] = []
    for line, amounts in zip(cart.lines, totals.lines, strict=True):
        if line.discount is not None and line.discount.share_bp(amounts.base) > limit:
            found.append(
                ("discount_override", {"line": line.description, "off": amounts.line_discount})
            )
    if cart.discount is not None and cart.discount.share_bp(totals.subtotal) > limit:
        found.append(("discount_override", {"sale": True, "off": totals.discount_total}))
    for line, amounts in zip(cart.lines, totals.lines, strict=True):
        cost = _cost(session, line)
        if cost and amounts.net < cost * line.quantity and not allowed_below_cost(actor):
            found.append(("price_below_cost", {"line": line.description, "net": amounts.net}))
    if not found:
        return []
    if approved_by is None:
        what = "discount" if found[0][0] == "discount_override" else "price below cost"
        raise ApprovalRequired(
            f"This {what} is beyond what your role may give "
            f"(limit {limit / 100:g} %). A manager must approve it."
        )
    if approved_by.role not in (Role.OWNER, Role.MANAGER):
        raise PermissionDenied("Only a manager or owner can approve this.")
    return [
        (action, {**details, "approved_by": approved_by.username, "cashier": actor.username})
        for action, details in found
    ]


def _pricing_document(terms: SellingTerms, cart: Cart) -> SalesDocument:
    """An unsaved document carrying the terms, for totalling a cart on screen."""
    return SalesDocument(
        prices_include_tax=terms.prices_include_tax,
        rounding_mode=terms.rounding_mode,
        discount_kind=cart.discount.kind if cart.discount else "",
        discount_value=cart.discount.value if cart.discount else 0,
    )


def apply_terms(
    document: SalesDocument, profile: ShopProfile, cart: Cart, ctx: ServiceContext, actor: Actor
) -> None:
    document.currency = profile.currency
    document.prices_include_tax = profile.prices_include_tax
    document.rounding_mode = profile.rounding_mode
    document.discount_kind = cart.discount.kind if cart.discount else ""
    document.discount_value = cart.discount.value if cart.discount else 0
    document.customer_id = cart.customer_id
    document.ticket_id = cart.ticket_id
    document.notes = cart.notes[:4000]
    document.station_code = ctx.station_code
    document.user_id = actor.user_id


def check_cart(cart: Cart, document: str = "sale") -> None:
    """Raise ``ValidationError`` for each bad line of ``cart`` (``document`` names it in
    the messages: a sale, an invoice)."""
    errors: dict[str, str] = {}
    if not cart.lines:
        errors["lines"] = f"Add at least one item to the {document}."
    if len(cart.lines) > MAX_LINES:
        errors["lines"] = f"A {document} has at most {MAX_LINES} lines."
    for index, line in enumerate(cart.lines):
        if not clean_line(line.description):
            errors[f"lines.{index}.description"] = "Each line needs a description."
        if line.quantity > MAX_QUANTITY:
            errors[f"lines.{index}.quantity"] = f"At most {MAX_QUANTITY} units on a line."
        if line.unit_price > MAX_MONEY:
            errors[f"lines.{index}.unit_price"] = "This price is too large."
        if line.serial and line.quantity != 1:
            errors[f"lines.{index}.quantity"] = "A serial number is one unit."
    if errors:
        raise ValidationError(errors)


def unit_costs(session: Session, lines: Sequence[CartLine]) -> dict[uuid.UUID, int]:
    """The average cost of each item at the store now, for margins in reports."""
    ids = {line.item_id for line in lines if line.item_id}
    costs = {
        row.id: row.cost_price
        for row in session.execute(select(Item.id, Item.cost_price).where(Item.id.in_(ids)))
    }
    for item_id, average in session.execute(
        select(StockLevel.item_id, StockLevel.average_cost).where(
            StockLevel.item_id.in_(ids), StockLevel.location_id == DEFAULT_LOCATION_ID
        )
    ):
        if average:
            costs[item_id] = average
    return costs


def _cost(session: Session, line: CartLine) -> int:
    if line.item_id is None:
        return 0
    return int(session.scalar(select(Item.cost_price).where(Item.id == line.item_id)) or 0)


def _journal_payload(
    document: SalesDocument,
    lines: Sequence[CartLine],
    totals: Totals,
    settlement: Settlement,
    deposit: int,
) -> dict[str, object]:
    return {
        "number": document.number,
        "total": document.total,
        "tax": totals.tax_total,
        "rounding": settlement.rounding,
        "customer": str(document.customer_id) if document.customer_id else None,
        "lines": [
            [line.sku or line.description, line.quantity, amounts.gross]
            for line, amounts in zip(lines, totals.lines, strict=True)
        ],
        "payments": [
            [t.method.code, t.amount, t.change, t.tip, t.credit] for t in settlement.tenders
        ]
        + ([[DEPOSIT_KIND, deposit, 0, 0, 0]] if deposit else []),
    }
