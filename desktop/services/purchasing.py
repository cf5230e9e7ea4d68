"""Purchase orders: drafting (by hand or from reorder suggestions), ordering, receiving
deliveries into stock, returning units to the supplier, and emailing the order.

Receiving and returning write the stock ledger in the order's own transaction, so an
order's state and its stock movements commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Item,
    ItemSupplier,
    Message,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLocation,
)
from desktop.models.base import utc_now
from desktop.services import audit
from desktop.services.context import Actor, ServiceContext
from desktop.services.documents.paper import Paper
from desktop.services.errors import NotFound, ValidationError
from desktop.services.items import MAX_QUANTITY, ItemService
from desktop.services.local_settings import read_local
from desktop.services.messages import OutgoingAttachment, enqueue_email
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission
from desktop.services.printing import DocumentKind, PrintTarget, paper_of, setting_key
from desktop.services.purchase_orders import (
    STATUSES,
    OrderDetail,
    OrderSummary,
    existing_order,
    line_quantities,
    order_detail,
    order_document,
    order_line,
    order_summaries,
)
from desktop.services.purchase_receipts import (
    LineReceipt,
    OverReceipt,
    receive_lines,
    return_units,
)
from desktop.services.reorder import SuggestionGroup, reorder_suggestions
from desktop.services.stock import (
    DEFAULT_LOCATION_ID,
)
from desktop.services.suppliers import existing_supplier
from desktop.services.text import FieldChecker
from desktop.services.ticket_types import MAX_MONEY

MAX_LINES = 500


@dataclass(frozen=True)
class OrderInput:
    """An order's header: who it goes to, where the goods arrive, when, and notes."""

    supplier_id: uuid.UUID
    location_id: uuid.UUID | None = None  # None: the Store
    expected_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class LineInput:
    item_id: uuid.UUID
    quantity: int
    unit_cost: int | None = None  # None: the supplier's price for the item, else its cost
    supplier_sku: str | None = None  # None: the supplier's part number on record


@dataclass(frozen=True)
class DraftRequest:
    """One reorder suggestion the user kept, possibly with another quantity."""

    supplier_id: uuid.UUID
    item_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class ScannedReceipt:
    """The order after a scanned unit was received, and the line that took it."""

    order: OrderDetail
    line_id: uuid.UUID


@dataclass(frozen=True)
class _LineValues:
    item: Item
    quantity: int
    unit_cost: int
    supplier_sku: str


class PurchaseOrderService:
    def __init__(self, ctx: ServiceContext, items: ItemService) -> None:
        self.ctx = ctx
        self.items = items

    # -- reading ----------------------------------------------------------------------------

    def get(self, order_id: uuid.UUID) -> OrderDetail:
        """The order with what each line has received. Raises ``NotFound``."""
        with self.ctx.uow() as tx:
            return order_detail(tx.session, existing_order(tx.session, order_id))

    def suggestions(self) -> list[SuggestionGroup]:
        """What to order again, grouped by preferred supplier (see ``reorder``)."""
        with self.ctx.uow() as tx:
            return reorder_suggestions(tx.session)

    # -- drafts -------------------------------------------------------------------------------

    def create_draft(self, data: OrderInput, lines: Sequence[LineInput] = ()) -> OrderDetail:
        """A new draft order with its number (PO-A-000001). Raises ``ValidationError``
        (an archived supplier, bad lines: all at once), ``NotFound``,
        ``PermissionDenied``."""
        actor = self.ctx.require(Permission.ORDER_STOCK)
        notes = self._checked_notes(data)
        with self.ctx.uow() as tx:
            session = tx.session
            self._check_header(session, data)
            order = self._new_order(session, actor, data, notes)
            check = FieldChecker()
            values = [
                self._line_values(session, check, f"lines.{n}.", order.supplier_id, line)
                for n, line in enumerate(lines)
            ]
            if len(values) > MAX_LINES:
                check.fail("lines", f"An order has at most {MAX_LINES} lines.")
            check.raise_if_any()
            for value in values:
                self._add_line(order, value)
            detail = order_detail(session, order)
            tx.commit()
            return detail

    def update_draft(self, order_id: uuid.UUID, data: OrderInput) -> OrderDetail:
        """Change a draft's supplier, location, expected date or notes. Raises
        ``ValidationError`` (not a draft, archived supplier), ``NotFound``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        notes = self._checked_notes(data)
        with self.ctx.uow() as tx:
            order = self._draft(tx.session, order_id)
            self._check_header(tx.session, data)
            order.supplier_id = data.supplier_id
            order.location_id = data.location_id or DEFAULT_LOCATION_ID
            order.expected_on = data.expected_on
            order.notes = notes
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    def add_line(self, order_id: uuid.UUID, line: LineInput) -> OrderDetail:
        """Add units of an item to a draft; an item already on it gets the units added to
        its line. Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            order = self._draft(tx.session, order_id)
            check = FieldChecker()
            values = self._line_values(tx.session, check, "", order.supplier_id, line)
            same = next((x for x in order.lines if x.item_id == line.item_id), None)
            if same is not None and same.quantity + line.quantity > MAX_QUANTITY:
                check.fail("quantity", f"At most {MAX_QUANTITY:,} units on one line.")
            if same is None and len(order.lines) >= MAX_LINES:
                check.fail("item", f"An order has at most {MAX_LINES} lines.")
            check.raise_if_any()
            if same is not None:
                same.quantity += values.quantity
            else:
                self._add_line(order, values)
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    def change_line(
        self,
        order_id: uuid.UUID,
        line_id: uuid.UUID,
        quantity: int,
        unit_cost: int,
        supplier_sku: str,
    ) -> OrderDetail:
        """Change a draft line's quantity, cost and supplier part number. Raises
        ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            order = self._draft(tx.session, order_id)
            line = order_line(order, line_id)
            check = FieldChecker()
            values = self._line_values(
                tx.session,
                check,
                "",
                order.supplier_id,
                LineInput(line.item_id, quantity, unit_cost, supplier_sku),
            )
            check.raise_if_any()
            line.quantity = values.quantity
            line.unit_cost = values.unit_cost
            line.supplier_sku = values.supplier_sku
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    def remove_line(self, order_id: uuid.UUID, line_id: uuid.UUID) -> OrderDetail:
        """Take a line off a draft. Raises ``ValidationError``, ``NotFound``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            order = self._draft(tx.session, order_id)
            order.lines.remove(order_line(order, line_id))
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    def drafts_from_suggestions(
        self, requests: Sequence[DraftRequest], location_id: uuid.UUID | None = None
    ) -> list[OrderDetail]:
        """One draft per supplier from the kept suggestions, all in one transaction.
        Raises ``ValidationError`` (nothing kept, an archived supplier, a bad quantity),
        ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.ORDER_STOCK)
        if not requests:
            raise ValidationError({"lines": "Choose at least one item to order."})
        by_supplier: dict[uuid.UUID, list[DraftRequest]] = defaultdict(list)
        for request in requests:
            by_supplier[request.supplier_id].append(request)
        with self.ctx.uow() as tx:
            session = tx.session
            check = FieldChecker()
            planned = []
            for supplier_id, kept in by_supplier.items():
                header = OrderInput(supplier_id, location_id)
                self._check_header(session, header)
                values = [
                    self._line_values(
                        session,
                        check,
                        f"lines.{r.item_id}.",
                        supplier_id,
                        LineInput(r.item_id, r.quantity),
                    )
                    for r in kept
                ]
                planned.append((header, values))
            check.raise_if_any()
            orders = []
            for header, values in planned:
                order = self._new_order(session, actor, header, "")
                for value in values:
                    self._add_line(order, value)
                orders.append(order)
            details = [order_detail(session, order) for order in orders]
            tx.commit()
            return details

    # -- status ------------------------------------------------------------------------------

    def mark_ordered(self, order_id: uuid.UUID) -> OrderDetail:
        """The draft was sent to the supplier: it becomes ordered and waits for goods.
        Raises ``ValidationError`` (not a draft, no lines, archived supplier),
        ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            order = self._draft(tx.session, order_id)
            if not order.lines:
                raise ValidationError({"lines": "Add at least one item before ordering."})
            self._check_header(tx.session, OrderInput(order.supplier_id, order.location_id))
            order.status = "ordered"
            order.ordered_at = utc_now()
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    def cancel(self, order_id: uuid.UUID) -> OrderDetail:
        """Cancel a draft or an order of which nothing arrived. Raises
        ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            order = existing_order(tx.session, order_id)
            received = line_quantities(tx.session, (line.id for line in order.lines))
            if order.status not in ("draft", "ordered") or any(r for r, _ in received.values()):
                raise ValidationError(
                    {
                        "status": "Only a draft or an order of which nothing arrived can be "
                        "cancelled. Close a partly received order instead."
                    }
                )
            order.status = "cancelled"
            audit.record(
                tx.session,
                self.ctx,
                "purchase_order_cancelled",
                "purchase_order",
                str(order.id),
                number=order.number,
            )
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    def close(self, order_id: uuid.UUID) -> OrderDetail:
        """Close a partly received order: the rest will not come (it no longer counts as
        on order). Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            order = existing_order(tx.session, order_id)
            if order.status != "partial":
                raise ValidationError({"status": "Only a partly received order can be closed."})
            order.status = "closed"
            detail = order_detail(tx.session, order)
            tx.commit()
            return detail

    # -- receiving ----------------------------------------------------------------------------

    def receive(
        self,
        order_id: uuid.UUID,
        receipts: Sequence[LineReceipt],
        over_receipt_reason: str = "",
    ) -> OrderDetail:
        """Book arriving units into stock at the order's location, line by line, in one
        transaction; the order becomes partly or fully received.

        An invoiced ``unit_cost`` different from the line's becomes the line's and the
        item's cost (audited; needs the right to edit items). More units than ordered raise
        ``OverReceipt`` unless ``over_receipt_reason`` is given (then audited). Raises
        ``ValidationError`` (every bad line at once), ``NotFound``, ``PermissionDenied``.
        """
        actor = self.ctx.require(Permission.RECEIVE_STOCK)
        check = FieldChecker()
        reason = check.line("reason", over_receipt_reason, 500)
        if not receipts:
            check.fail("lines", "Enter how many units arrived.")
        for receipt in receipts:
            prefix = f"lines.{receipt.line_id}."
            if not 1 <= receipt.quantity <= MAX_QUANTITY:
                check.fail(prefix + "quantity", f"Between 1 and {MAX_QUANTITY:,} units.")
            if receipt.unit_cost is not None and not 0 <= receipt.unit_cost <= MAX_MONEY:
                check.fail(prefix + "unit_cost", "The cost cannot be negative or absurdly large.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            detail = receive_lines(tx.session, self.ctx, actor, order_id, receipts, reason)
            tx.commit()
            return detail

    def receive_scan(
        self, order_id: uuid.UUID, code: str, over_receipt_reason: str = ""
    ) -> ScannedReceipt:
        """Receive one unit of the line whose item has the scanned barcode (or SKU): the
        first line still expecting units, else the first line of that item. Raises
        ``ValidationError`` (unknown code, item not on this order, serial or expiry
        needed), ``OverReceipt``, ``NotFound``, ``PermissionDenied``."""
        item = self.items.find_by_barcode(code[:200])
        if item is None:
            raise ValidationError({"code": f"No item has the code {code[:64]}."})
        order = self.get(order_id)
        lines = [line for line in order.lines if line.item_id == item.id]
        if not lines:
            raise ValidationError({"code": f"“{item.name}” is not on this order."})
        line = next((x for x in lines if x.outstanding > 0), lines[0])
        after = self.receive(order_id, [LineReceipt(line.id, 1)], over_receipt_reason)
        return ScannedReceipt(after, line.id)

    def return_to_supplier(
        self,
        order_id: uuid.UUID,
        line_id: uuid.UUID,
        quantity: int,
        reason: str,
        serials: Sequence[str] = (),
    ) -> OrderDetail:
        """Send received units of a line back to the supplier (faulty, wrong part): a
        ``supplier_return`` movement out of the order's location, at most what the line
        received and has not returned yet; serialized items by serial. Audited. Raises
        ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        actor = self.ctx.require(Permission.ORDER_STOCK)
        check = FieldChecker()
        reason = check.line("reason", reason, 500, required=True)
        if not 1 <= quantity <= MAX_QUANTITY:
            check.fail("quantity", f"Between 1 and {MAX_QUANTITY:,} units.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            detail = return_units(
                tx.session, self.ctx, actor, order_id, line_id, quantity, reason, serials
            )
            tx.commit()
            return detail

    def list(
        self, status: str | None = None, supplier_id: uuid.UUID | None = None, limit: int = 500
    ) -> list[OrderSummary]:
        """Orders newest first, optionally of one status or supplier."""
        if status is not None and status not in STATUSES:
            raise ValidationError({"status": "Choose a status from the list."})
        with self.ctx.uow() as tx:
            return order_summaries(tx.session, status, supplier_id, limit)

    # -- sending ----------------------------------------------------------------------------

    def email(self, order_id: uuid.UUID, to: str = "", note: str = "") -> str:
        """Queue the order as a PDF attachment to the supplier's address (or ``to``) in the
        message outbox, which sends it when online; returns the address. Raises
        ``ValidationError`` (no address, a cancelled order), ``NotFound``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        from desktop.services.documents.purchase_order import purchase_order_pdf

        check = FieldChecker()
        note = check.text("note", note, 5_000)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            session = tx.session
            order = existing_order(session, order_id)
            if order.status == "cancelled":
                raise ValidationError({"status": f"Order {order.number} was cancelled."})
            document = order_document(session, order_id)
            address = to.strip() or document.supplier_email
            if not address:
                raise ValidationError(
                    {"to": f"“{document.supplier_name}” has no email address: enter one."}
                )
            pdf = purchase_order_pdf(document, Paper(_station_paper(session)))
            sent_before = session.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.subject_kind == "purchase_order", Message.subject_id == order.id)
            )
            greeting = document.supplier_contact or document.supplier_name
            body = "\n\n".join(
                part
                for part in (
                    f"Dear {greeting},",
                    f"Please find attached our purchase order {document.number}.",
                    note,
                    f"Kind regards,\n{document.shop.name}",
                )
                if part
            )
            enqueue_email(
                session,
                self.ctx,
                to=address,
                subject=f"Purchase order {document.number} from {document.shop.name}",
                body=body,
                dedupe_key=f"purchase_order:{order.id}:email:{int(sent_before or 0) + 1}",
                subject_kind="purchase_order",
                subject_id=order.id,
                attachments=[OutgoingAttachment(f"{document.number}.pdf", "application/pdf", pdf)],
            )
            tx.commit()
            return address.lower()

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _checked_notes(data: OrderInput) -> str:
        check = FieldChecker()
        notes = check.text("notes", data.notes, 5_000)
        check.raise_if_any()
        return notes

    @staticmethod
    def _check_header(session: Session, data: OrderInput) -> None:
        supplier = existing_supplier(session, data.supplier_id)
        if not supplier.active:
            raise ValidationError(
                {"supplier": f"“{supplier.name}” is archived: restore it to order from it."}
            )
        location = session.get(StockLocation, data.location_id or DEFAULT_LOCATION_ID)
        if location is None or not location.active:
            raise ValidationError({"location": "Choose a stock location in use."})

    def _new_order(
        self, session: Session, actor: Actor, data: OrderInput, notes: str
    ) -> PurchaseOrder:
        order = PurchaseOrder(
            number=next_number(session, self.ctx.station_code, "purchase_order"),
            supplier_id=data.supplier_id,
            status="draft",
            location_id=data.location_id or DEFAULT_LOCATION_ID,
            expected_on=data.expected_on,
            notes=notes,
            created_by=actor.user_id,
        )
        session.add(order)
        return order

    @staticmethod
    def _add_line(order: PurchaseOrder, values: _LineValues) -> None:
        position = max((line.position for line in order.lines), default=0) + 1
        order.lines.append(
            PurchaseOrderLine(
                item_id=values.item.id,
                position=position,
                quantity=values.quantity,
                unit_cost=values.unit_cost,
                supplier_sku=values.supplier_sku,
            )
        )

    @staticmethod
    def _line_values(
        session: Session,
        check: FieldChecker,
        prefix: str,
        supplier_id: uuid.UUID,
        line: LineInput,
    ) -> _LineValues:
        """The line with its defaults filled in; problems go to ``check``. Raises
        ``NotFound`` for an item that is gone."""
        item = session.get(Item, line.item_id)
        if item is None:
            raise NotFound("This item no longer exists.")
        if item.kind != "stock":
            check.fail(prefix + "item", f"“{item.name}” is a service; it is not ordered.")
        elif not item.active:
            check.fail(prefix + "item", f"“{item.name}” is archived.")
        if not 1 <= line.quantity <= MAX_QUANTITY:
            check.fail(prefix + "quantity", f"Between 1 and {MAX_QUANTITY:,} units.")
        if line.unit_cost is not None and not 0 <= line.unit_cost <= MAX_MONEY:
            check.fail(prefix + "unit_cost", "The cost cannot be negative or absurdly large.")
        sku = check.line(prefix + "supplier_sku", line.supplier_sku or "", 64)
        link = session.scalar(
            select(ItemSupplier).where(
                ItemSupplier.item_id == item.id, ItemSupplier.supplier_id == supplier_id
            )
        )
        cost = line.unit_cost
        if cost is None:
            known = link.cost_price if link is not None else None
            cost = item.cost_price if known is None else known
        if line.supplier_sku is None and link is not None:
            sku = link.supplier_sku
        return _LineValues(item, line.quantity, cost, sku)

    @staticmethod
    def _draft(session: Session, order_id: uuid.UUID) -> PurchaseOrder:
        order = existing_order(session, order_id)
        if order.status != "draft":
            raise ValidationError(
                {"status": f"Order {order.number} was already sent; only drafts can be changed."}
            )
        return order


def _station_paper(session: Session) -> str:
    """The sheet this station prints purchase orders on, so the emailed PDF matches."""
    stored = read_local(session, setting_key(DocumentKind.PURCHASE_ORDER))
    target = PrintTarget.from_json(stored) if stored is not None else PrintTarget()
    return paper_of(DocumentKind.PURCHASE_ORDER, target)


__all__ = [
    "DraftRequest",
    "LineInput",
    "LineReceipt",
    "OrderInput",
    "OverReceipt",
    "PurchaseOrderService",
    "ScannedReceipt",
]
