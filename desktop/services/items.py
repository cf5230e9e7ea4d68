"""The item catalog: parts, products and services, their prices and barcodes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import Session, selectinload

from desktop.models import Item, ItemBarcode, SearchKey, StockMovement
from desktop.services import audit, barcodes
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound, RecordInUse
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, clean_line
from desktop.services.ticket_types import MAX_MONEY

KINDS = ("stock", "service")
TAX_CLASSES = ("standard", "reduced", "zero", "exempt")
MAX_QUANTITY = 1_000_000
MAX_BARCODES = 20


@dataclass(frozen=True)
class ItemInput:
    name: str
    sku: str = ""  # empty: the next ITM-<station>-nnnnnn
    kind: str = "stock"
    category: str = ""
    brand: str = ""
    cost_price: int = 0  # minor units
    sell_price: int = 0  # minor units
    tax_class: str = "standard"
    low_stock_threshold: int = 0
    reorder_level: int = 0
    reorder_quantity: int = 0
    bin_location: str = ""
    track_expiry: bool = False
    serialized: bool = False
    notes: str = ""
    barcodes: Sequence[str] = ()
    compatible_models: str = ""  # "iPhone 12, iPhone 12 Pro"


@dataclass(frozen=True)
class ItemBarcodeView:
    code: str
    symbology: str


@dataclass(frozen=True)
class ItemSummary:
    id: uuid.UUID
    name: str
    sku: str
    kind: str
    category: str
    brand: str
    sell_price: int
    active: bool
    sort_name: str


@dataclass(frozen=True)
class ItemDetail:
    id: uuid.UUID
    name: str
    sku: str
    kind: str
    category: str
    brand: str
    cost_price: int
    sell_price: int
    tax_class: str
    low_stock_threshold: int
    reorder_level: int
    reorder_quantity: int
    bin_location: str
    track_expiry: bool
    serialized: bool
    active: bool
    notes: str
    barcodes: tuple[ItemBarcodeView, ...]
    compatible_models: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ItemSaved:
    """The saved item, and warnings the user should see (saved anyway): field -> message."""

    item: ItemDetail
    warnings: dict[str, str] = field(default_factory=dict)


def _detail(item: Item) -> ItemDetail:
    return ItemDetail(
        id=item.id,
        name=item.name,
        sku=item.sku,
        kind=item.kind,
        category=item.category,
        brand=item.brand,
        cost_price=item.cost_price,
        sell_price=item.sell_price,
        tax_class=item.tax_class,
        low_stock_threshold=item.low_stock_threshold,
        reorder_level=item.reorder_level,
        reorder_quantity=item.reorder_quantity,
        bin_location=item.bin_location,
        track_expiry=item.track_expiry,
        serialized=item.serialized,
        active=item.active,
        notes=item.notes,
        barcodes=tuple(ItemBarcodeView(b.code, b.symbology) for b in item.barcodes),
        compatible_models=item.compatible_models,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _summary(item: Item) -> ItemSummary:
    return ItemSummary(
        id=item.id,
        name=item.name,
        sku=item.sku,
        kind=item.kind,
        category=item.category,
        brand=item.brand,
        sell_price=item.sell_price,
        active=item.active,
        sort_name=item.sort_name,
    )


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


# Active, written so SQLite does not pick the (active, name) index for it: walking every
# active item in name order costs more than starting from the few a search matches.
ACTIVE_AFTER_MATCHING = literal_column("+items.active") == 1


def matching_items(text: str, newest: int | None = None) -> ColumnElement[bool] | None:
    """Items matching ``text`` in any part of the name, SKU, brand, category, compatible
    models or a barcode (FTS5 trigram index; every word of three letters or more must
    match, and with ``newest`` only that many of the newest matches count), or, for input
    without such a word, the start of a name, SKU or barcode. None for empty input."""
    text = clean_line(text)[:200]
    if not text:
        return None
    words = [w for w in text.split() if len(w) >= 3]
    if words:
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        fts: Select[tuple[Any]] = (
            select(literal_column("rowid"))
            .select_from(table("item_fts"))
            .where(literal_column("item_fts").op("MATCH")(match))
        )
        if newest is not None:
            # The newest matches, as the customer search does: a common word can match
            # tens of thousands of parts, and sorting them all by name costs more than
            # typing one more letter.
            fts = fts.order_by(literal_column("rowid").desc()).limit(newest)
        return Item.id.in_(select(SearchKey.entity_id).where(SearchKey.rowid.in_(fts)))
    barcode_match = exists().where(
        ItemBarcode.item_id == Item.id,
        ItemBarcode.code.like(_like_prefix(barcodes.normalized(text)), escape="\\"),
    )
    return or_(
        Item.sort_name.like(_like_prefix(text.casefold()), escape="\\"),
        Item.sku.like(_like_prefix(normalized_sku(text)), escape="\\"),
        barcode_match,
    )


def normalized_sku(value: str) -> str:
    """SKUs are compared and stored in upper case without spaces around them."""
    return clean_line(value).upper()


def checked_item(data: ItemInput) -> tuple[dict[str, object], list[str], dict[str, str]]:
    """Field values, normalised barcodes and warnings; raises ``ValidationError``."""
    check = FieldChecker()
    values: dict[str, object] = {
        "name": check.line("name", data.name, 200, required=True),
        "sku": normalized_sku(check.line("sku", data.sku, 64)),
        "kind": data.kind,
        "category": check.line("category", data.category, 100),
        "brand": check.line("brand", data.brand, 100),
        "cost_price": data.cost_price,
        "sell_price": data.sell_price,
        "tax_class": data.tax_class,
        "low_stock_threshold": data.low_stock_threshold,
        "reorder_level": data.reorder_level,
        "reorder_quantity": data.reorder_quantity,
        "bin_location": check.line("bin_location", data.bin_location, 50),
        "track_expiry": data.track_expiry,
        "serialized": data.serialized,
        "notes": check.text("notes", data.notes, 10_000),
        "compatible_models": check.line("compatible_models", data.compatible_models, 1000),
    }
    if data.kind not in KINDS:
        check.fail("kind", "Choose stock item or service.")
    if data.tax_class not in TAX_CLASSES:
        check.fail("tax_class", "Choose a tax class.")
    for name in ("cost_price", "sell_price"):
        if not 0 <= getattr(data, name) <= MAX_MONEY:
            check.fail(name, "The price cannot be negative or absurdly large.")
    for name in ("low_stock_threshold", "reorder_level", "reorder_quantity"):
        if not 0 <= getattr(data, name) <= MAX_QUANTITY:
            check.fail(name, f"Between 0 and {MAX_QUANTITY:,}.")
    codes: list[str] = []
    for raw in data.barcodes:
        code = barcodes.normalized(raw)
        if not code:
            continue
        problem = barcodes.problem(code)
        if problem is not None:
            check.fail("barcodes", problem)
        elif code in codes:
            check.fail("barcodes", f"The barcode {code} is listed twice.")
        else:
            codes.append(code)
    if len(codes) > MAX_BARCODES:
        check.fail("barcodes", f"An item has at most {MAX_BARCODES} barcodes.")
    check.raise_if_any()
    warnings: dict[str, str] = {}
    if data.cost_price > data.sell_price:
        warnings["sell_price"] = "The cost is above the selling price: this item sells at a loss."
    return values, codes, warnings


class ItemService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def create(self, data: ItemInput) -> ItemSaved:
        """Add an item; an empty SKU gets the station's next ``ITM-A-000123``.

        Raises ``ValidationError`` (bad input, a SKU or barcode another item has, a wrong
        EAN/UPC check digit), ``PermissionDenied``.
        """
        self.ctx.require(Permission.EDIT_ITEMS)
        values, codes, warnings = checked_item(data)
        with self.ctx.uow() as tx:
            if not values["sku"]:
                values["sku"] = self._free_sku(tx.session)
            self._refuse_taken(tx.session, str(values["sku"]), codes, None)
            item = Item(**values, sort_name=str(values["name"]).casefold())
            item.barcodes = [ItemBarcode(code=c, symbology=barcodes.classify(c)) for c in codes]
            tx.session.add(item)
            tx.commit()
            return ItemSaved(_detail(item), warnings)

    def update(self, item_id: uuid.UUID, data: ItemInput) -> ItemSaved:
        """Save an item's fields and its barcodes (the list replaces the old one).

        A price or cost change goes to the audit log. An empty SKU keeps the current one.
        Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.EDIT_ITEMS)
        values, codes, warnings = checked_item(data)
        with self.ctx.uow() as tx:
            item = self._item(tx.session, item_id)
            if not values["sku"]:
                values["sku"] = item.sku
            self._refuse_taken(tx.session, str(values["sku"]), codes, item.id)
            before = {
                name: getattr(item, name)
                for name in ("cost_price", "sell_price")
                if getattr(item, name) != values[name]
            }
            if before:
                after = {name: values[name] for name in before}
                audit.record(
                    tx.session,
                    self.ctx,
                    "item_price_changed",
                    "item",
                    str(item.id),
                    before=before,
                    after=after,
                )
            for name, value in values.items():
                setattr(item, name, value)
            item.sort_name = item.name.casefold()
            kept = {b.code: b for b in item.barcodes}
            item.barcodes = [
                kept.get(c) or ItemBarcode(code=c, symbology=barcodes.classify(c)) for c in codes
            ]
            tx.commit()
            return ItemSaved(_detail(item), warnings)

    def archive(self, item_id: uuid.UUID) -> ItemDetail:
        """Hide an item from lists and search; its history stays. Raises ``NotFound``."""
        return self._set_active(item_id, False)

    def restore(self, item_id: uuid.UUID) -> ItemDetail:
        """Bring an archived item back. Raises ``NotFound``, ``PermissionDenied``."""
        return self._set_active(item_id, True)

    def delete(self, item_id: uuid.UUID) -> None:
        """Delete an item that never moved stock (a typo, a duplicate).

        Raises ``RecordInUse`` when it has stock movements (archive it instead),
        ``NotFound``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.EDIT_ITEMS)
        with self.ctx.uow() as tx:
            item = self._item(tx.session, item_id)
            if self._has_movements(tx.session, item.id):
                raise RecordInUse(
                    f"“{item.name}” has stock history, so it cannot be deleted. Archive it instead."
                )
            audit.record(tx.session, self.ctx, "item_deleted", "item", str(item.id), sku=item.sku)
            tx.session.delete(item)
            tx.commit()

    def get(self, item_id: uuid.UUID) -> ItemDetail:
        """The item. Raises ``NotFound``."""
        with self.ctx.uow() as tx:
            return _detail(self._item(tx.session, item_id))

    def find_by_barcode(self, code: str) -> ItemDetail | None:
        """The item a scanned code belongs to: one of its barcodes, else its SKU (the shop's
        own labels print the SKU). Archived items are found too; the caller decides."""
        code = barcodes.normalized(code)
        if not code:
            return None
        with self.ctx.uow() as tx:
            item = tx.session.scalar(
                select(Item).join(ItemBarcode).where(ItemBarcode.code == code)
            ) or tx.session.scalar(select(Item).where(Item.sku == normalized_sku(code)))
            return _detail(item) if item is not None else None

    def search(
        self, text: str, limit: int = 50, include_archived: bool = False
    ) -> list[ItemSummary]:
        """Items matching ``text`` in any part of the name, SKU, brand, category or a
        barcode (FTS5 trigram index, every word of three letters or more must match; the
        newest matches when there are many); input without such a word matches the start of
        a name, SKU or barcode. Ordered by name.
        """
        condition = matching_items(text, newest=limit * 2)
        if condition is None:
            return []
        statement = select(Item).where(condition)
        if not include_archived:
            statement = statement.where(ACTIVE_AFTER_MATCHING)
        statement = statement.order_by(Item.sort_name, Item.id).limit(limit)
        with self.ctx.uow() as tx:
            return [_summary(item) for item in tx.session.scalars(statement)]

    def page(
        self,
        *,
        after: tuple[str, uuid.UUID] | None = None,
        limit: int = 100,
        include_archived: bool = False,
    ) -> list[ItemSummary]:
        """One page of the item list by name; continue with ``after`` = (sort_name, id) of
        the last row (keyset, constant time)."""
        statement = select(Item)
        if not include_archived:
            statement = statement.where(Item.active.is_(True))
        if after is not None:
            statement = statement.where(
                (Item.sort_name > after[0]) | ((Item.sort_name == after[0]) & (Item.id > after[1]))
            )
        statement = statement.order_by(Item.sort_name, Item.id).limit(limit)
        with self.ctx.uow() as tx:
            return [_summary(item) for item in tx.session.scalars(statement)]

    def count(self, include_archived: bool = False) -> int:
        statement = select(func.count()).select_from(Item)
        if not include_archived:
            statement = statement.where(Item.active.is_(True))
        with self.ctx.uow() as tx:
            return int(tx.session.scalar(statement) or 0)

    # -- helpers ---------------------------------------------------------------------------

    def _set_active(self, item_id: uuid.UUID, active: bool) -> ItemDetail:
        self.ctx.require(Permission.EDIT_ITEMS)
        with self.ctx.uow() as tx:
            item = self._item(tx.session, item_id)
            if item.active != active:
                item.active = active
                action = "item_restored" if active else "item_archived"
                audit.record(tx.session, self.ctx, action, "item", str(item.id), sku=item.sku)
            tx.commit()
            return _detail(item)

    @staticmethod
    def _item(session: Session, item_id: uuid.UUID) -> Item:
        item = session.scalar(
            select(Item).where(Item.id == item_id).options(selectinload(Item.barcodes))
        )
        if item is None:
            raise NotFound("This item no longer exists.")
        return item

    @staticmethod
    def _has_movements(session: Session, item_id: uuid.UUID) -> bool:
        return bool(session.scalar(select(exists().where(StockMovement.item_id == item_id))))

    def _free_sku(self, session: Session) -> str:
        # A SKU typed by hand may already look like a generated one: skip past it.
        while True:
            sku = next_number(session, self.ctx.station_code, "item")
            if session.scalar(select(Item.id).where(Item.sku == sku)) is None:
                return sku

    @staticmethod
    def _refuse_taken(
        session: Session, sku: str, codes: list[str], item_id: uuid.UUID | None
    ) -> None:
        """Refuse a SKU or barcode that another item has, naming that item."""
        check = FieldChecker()
        other = session.scalar(select(Item).where(Item.sku == sku, Item.id != item_id))
        if other is not None:
            check.fail("sku", f"The SKU {sku} already belongs to “{other.name}”.")
        if codes:
            taken = session.execute(
                select(ItemBarcode.code, Item.name, Item.sku)
                .join(Item)
                .where(ItemBarcode.code.in_(codes), Item.id != item_id)
                .order_by(ItemBarcode.code)
            ).first()
            if taken is not None:
                check.fail(
                    "barcodes",
                    f"The barcode {taken.code} already belongs to “{taken.name}” ({taken.sku}).",
                )
        check.raise_if_any()


__all__ = [
    "ItemBarcodeView",
    "ItemDetail",
    "ItemInput",
    "ItemSaved",
    "ItemService",
    "ItemSummary",
]
