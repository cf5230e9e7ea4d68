"""Suppliers: who the shop buys from, how to reach them, and which items each supplies
under which part number and at what cost."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from desktop.models import Item, ItemSupplier, PurchaseOrder, Supplier
from desktop.services import audit
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound, RecordInUse, ValidationError
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, clean_line, is_phone
from desktop.services.ticket_types import MAX_MONEY

MAX_LEAD_TIME_DAYS = 365


@dataclass(frozen=True)
class SupplierInput:
    name: str
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    terms: str = ""  # payment terms as the supplier states them ("30 days net")
    lead_time_days: int = 0
    notes: str = ""


@dataclass(frozen=True)
class SupplierDetail:
    id: uuid.UUID
    name: str
    contact_name: str
    phone: str
    email: str
    address: str
    terms: str
    lead_time_days: int
    notes: str
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SuppliedItem:
    """One item as one supplier supplies it."""

    item_id: uuid.UUID
    item_name: str
    sku: str
    supplier_id: uuid.UUID
    supplier_name: str
    supplier_sku: str
    cost_price: int | None  # minor units; None: the supplier's price is not known
    preferred: bool
    item_cost_price: int  # what the item's own record says it costs


def _detail(s: Supplier) -> SupplierDetail:
    return SupplierDetail(
        s.id,
        s.name,
        s.contact_name,
        s.phone,
        s.email,
        s.address,
        s.terms,
        s.lead_time_days,
        s.notes,
        s.active,
        s.created_at,
        s.updated_at,
    )


def _checked(data: SupplierInput) -> dict[str, object]:
    """The cleaned fields; raises ``ValidationError`` naming every bad one."""
    check = FieldChecker()
    values: dict[str, object] = {
        "name": check.line("name", data.name, 200, required=True),
        "contact_name": check.line("contact_name", data.contact_name, 200),
        "phone": check.line("phone", data.phone, 50),
        "email": check.email("email", data.email),
        "address": check.text("address", data.address, 1000),
        "terms": check.line("terms", data.terms, 200),
        "lead_time_days": data.lead_time_days,
        "notes": check.text("notes", data.notes, 10_000),
    }
    phone = str(values["phone"])
    if phone and "phone" not in check.errors and not is_phone(phone):
        check.fail("phone", "This is not a phone number.")
    if not 0 <= data.lead_time_days <= MAX_LEAD_TIME_DAYS:
        check.fail("lead_time_days", f"Between 0 and {MAX_LEAD_TIME_DAYS} days.")
    check.raise_if_any()
    return values


def existing_supplier(session: Session, supplier_id: uuid.UUID) -> Supplier:
    """The supplier, or ``NotFound``."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound("This supplier no longer exists.")
    return supplier


def supplied_items(session: Session, *conditions: object) -> list[SuppliedItem]:
    """Item-supplier links matching ``conditions``, preferred first, then by item name."""
    statement = (
        select(ItemSupplier, Item, Supplier)
        .join(Item, Item.id == ItemSupplier.item_id)
        .join(Supplier, Supplier.id == ItemSupplier.supplier_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(ItemSupplier.preferred.desc(), Item.sort_name, Supplier.sort_name)
    )
    return [
        SuppliedItem(
            item.id,
            item.name,
            item.sku,
            supplier.id,
            supplier.name,
            link.supplier_sku,
            link.cost_price,
            link.preferred,
            item.cost_price,
        )
        for link, item, supplier in session.execute(statement)
    ]


class SupplierService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def create(self, data: SupplierInput) -> SupplierDetail:
        """Add a supplier. Raises ``ValidationError`` (no name, a bad email or phone, a lead
        time outside 0..365 days), ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        values = _checked(data)
        with self.ctx.uow() as tx:
            supplier = Supplier(**values, sort_name=str(values["name"]).casefold())
            tx.session.add(supplier)
            tx.commit()
            return _detail(supplier)

    def update(self, supplier_id: uuid.UUID, data: SupplierInput) -> SupplierDetail:
        """Save a supplier's fields. Raises ``ValidationError``, ``NotFound``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        values = _checked(data)
        with self.ctx.uow() as tx:
            supplier = existing_supplier(tx.session, supplier_id)
            for name, value in values.items():
                setattr(supplier, name, value)
            supplier.sort_name = supplier.name.casefold()
            tx.commit()
            return _detail(supplier)

    def archive(self, supplier_id: uuid.UUID) -> SupplierDetail:
        """Stop offering a supplier for new orders; its orders and history stay.
        Raises ``NotFound``, ``PermissionDenied``."""
        return self._set_active(supplier_id, False)

    def restore(self, supplier_id: uuid.UUID) -> SupplierDetail:
        """Offer an archived supplier for orders again. Raises ``NotFound``,
        ``PermissionDenied``."""
        return self._set_active(supplier_id, True)

    def delete(self, supplier_id: uuid.UUID) -> None:
        """Delete a supplier entered by mistake, with its item links.

        Raises ``RecordInUse`` when it has purchase orders (archive it instead),
        ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            supplier = existing_supplier(tx.session, supplier_id)
            if tx.session.scalar(select(exists().where(PurchaseOrder.supplier_id == supplier_id))):
                raise RecordInUse(
                    f"“{supplier.name}” has purchase orders, so it cannot be deleted. "
                    "Archive it instead."
                )
            for link in tx.session.scalars(
                select(ItemSupplier).where(ItemSupplier.supplier_id == supplier_id)
            ):
                tx.session.delete(link)
            audit.record(tx.session, self.ctx, "supplier_deleted", "supplier", str(supplier.id))
            tx.session.delete(supplier)
            tx.commit()

    def get(self, supplier_id: uuid.UUID) -> SupplierDetail:
        """The supplier. Raises ``NotFound``."""
        with self.ctx.uow() as tx:
            return _detail(existing_supplier(tx.session, supplier_id))

    # -- what each supplier supplies --------------------------------------------------------

    def link_item(
        self,
        supplier_id: uuid.UUID,
        item_id: uuid.UUID,
        supplier_sku: str = "",
        cost_price: int | None = None,
        preferred: bool = False,
    ) -> SuppliedItem:
        """Record (or change) that ``supplier_id`` supplies ``item_id``. Making it the
        preferred supplier takes that from any other supplier of the item; an item's first
        supplier becomes its preferred one. Raises ``ValidationError``, ``NotFound``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        check = FieldChecker()
        sku = check.line("supplier_sku", supplier_sku, 64)
        if cost_price is not None and not 0 <= cost_price <= MAX_MONEY:
            check.fail("cost_price", "The cost cannot be negative or absurdly large.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            session = tx.session
            supplier = existing_supplier(session, supplier_id)
            item = session.get(Item, item_id)
            if item is None:
                raise NotFound("This item no longer exists.")
            if item.kind != "stock":
                raise ValidationError({"item": f"“{item.name}” is a service; it is not ordered."})
            others = list(
                session.scalars(select(ItemSupplier).where(ItemSupplier.item_id == item_id))
            )
            link = next((o for o in others if o.supplier_id == supplier.id), None)
            if link is None:
                link = ItemSupplier(item_id=item_id, supplier_id=supplier.id)
                session.add(link)
            link.supplier_sku = sku
            link.cost_price = cost_price
            has_preferred = any(o.preferred for o in others if o is not link)
            if preferred:
                session.execute(
                    update(ItemSupplier)
                    .where(ItemSupplier.item_id == item_id, ItemSupplier.supplier_id != supplier.id)
                    .values(preferred=False)
                )
            link.preferred = preferred or not has_preferred
            session.flush()
            [saved] = supplied_items(
                session, ItemSupplier.item_id == item_id, ItemSupplier.supplier_id == supplier.id
            )
            tx.commit()
            return saved

    def unlink_item(self, supplier_id: uuid.UUID, item_id: uuid.UUID) -> None:
        """Forget that the supplier supplies the item (orders already made keep their
        lines). Raises ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            link = tx.session.scalar(
                select(ItemSupplier).where(
                    ItemSupplier.item_id == item_id, ItemSupplier.supplier_id == supplier_id
                )
            )
            if link is None:
                raise NotFound("This supplier does not supply this item.")
            tx.session.delete(link)
            tx.commit()

    def items_of(self, supplier_id: uuid.UUID) -> list[SuppliedItem]:
        """What the supplier supplies, by item name."""
        with self.ctx.uow() as tx:
            return supplied_items(tx.session, ItemSupplier.supplier_id == supplier_id)

    def suppliers_of(self, item_id: uuid.UUID) -> list[SuppliedItem]:
        """Who supplies the item, the preferred supplier first."""
        with self.ctx.uow() as tx:
            return supplied_items(tx.session, ItemSupplier.item_id == item_id)

    def list(
        self, search: str = "", include_archived: bool = False, limit: int = 500
    ) -> list[SupplierDetail]:
        """Suppliers by name; ``search`` matches any part of the name or the contact."""
        statement = select(Supplier)
        text = clean_line(search)[:200].casefold()
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            statement = statement.where(
                Supplier.sort_name.like(pattern, escape="\\")
                | Supplier.contact_name.ilike(pattern, escape="\\")
            )
        if not include_archived:
            statement = statement.where(Supplier.active.is_(True))
        statement = statement.order_by(Supplier.sort_name, Supplier.id).limit(limit)
        with self.ctx.uow() as tx:
            return [_detail(s) for s in tx.session.scalars(statement)]

    # -- helpers ---------------------------------------------------------------------------

    def _set_active(self, supplier_id: uuid.UUID, active: bool) -> SupplierDetail:
        self.ctx.require(Permission.ORDER_STOCK)
        with self.ctx.uow() as tx:
            supplier = existing_supplier(tx.session, supplier_id)
            supplier.active = active
            tx.commit()
            return _detail(supplier)


__all__ = [
    "SuppliedItem",
    "SupplierDetail",
    "SupplierInput",
    "SupplierService",
    "existing_supplier",
    "supplied_items",
]
