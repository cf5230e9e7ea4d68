"""Importing the item list from a spreadsheet, and exporting it to one.

Rows are checked exactly as the item form checks them (``checked_item``), plus what only
a file can get wrong: the same SKU or barcode twice in the file, a barcode another item
already has, a formula where a number belongs. The good rows go in together, in one
transaction, or none do; the refused ones can be saved as a CSV with the reason per row,
corrected and imported again.

Tens of thousands of rows are inserted with Core ``executemany`` statements: the search
and stock triggers still fire per row, and the sync outbox gets the same entries the ORM
would write (``capture_bulk_inserts``), so imported items reach the other stations.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import QueryableAttribute, Session

from desktop.models import Item, ItemBarcode, ItemSupplier, StockMovement, Supplier
from desktop.models.base import utc_now
from desktop.services import audit, barcodes
from desktop.services.changes import Changes
from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.ids import new_id
from desktop.services.items import (
    MAX_QUANTITY,
    TAX_CLASSES,
    ItemInput,
    checked_item,
    normalized_sku,
)
from desktop.services.money import minor_digits, parse_money
from desktop.services.numbering import next_number
from desktop.services.permissions import Permission
from desktop.services.shop import shop_profile
from desktop.services.spreadsheets import FORMULA_STARTS, Table, unescaped
from desktop.services.stock import DEFAULT_LOCATION_ID
from desktop.services.text import clean_line
from desktop.sync.capture import capture_bulk_inserts

FIELDS: dict[str, str] = {
    "name": "Name",
    "sku": "SKU",
    "barcodes": "Barcode(s)",
    "category": "Category",
    "brand": "Brand",
    "compatible_models": "Compatible models",
    "cost_price": "Cost",
    "sell_price": "Price",
    "tax_class": "Tax class",
    "low_stock_threshold": "Low-stock threshold",
    "reorder_level": "Reorder level",
    "reorder_quantity": "Reorder quantity",
    "bin_location": "Bin",
    "supplier_name": "Supplier",
    "supplier_sku": "Supplier SKU",
    "opening_stock": "Opening stock",
}
MONEY_FIELDS = ("cost_price", "sell_price")
COUNT_FIELDS = ("low_stock_threshold", "reorder_level", "reorder_quantity", "opening_stock")
# Header words (letters and digits only, case-folded) that name each field.
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "item", "itemname", "product", "productname", "description", "title"),
    "sku": ("sku", "code", "itemcode", "productcode", "partnumber", "partno", "ref", "reference"),
    "barcodes": ("barcode", "barcodes", "ean", "ean13", "upc", "gtin"),
    "category": ("category", "group", "type"),
    "brand": ("brand", "make", "manufacturer"),
    "compatible_models": ("compatiblemodels", "compatible", "models", "fits", "compatibility"),
    "cost_price": ("cost", "costprice", "purchaseprice", "buyprice", "unitcost", "averagecost"),
    "sell_price": ("price", "sellprice", "sellingprice", "retailprice", "saleprice", "rrp"),
    "tax_class": ("tax", "taxclass", "vat", "vatclass"),
    "low_stock_threshold": ("lowstock", "lowstockthreshold", "minstock", "minimum"),
    "reorder_level": ("reorderlevel", "reorderpoint"),
    "reorder_quantity": ("reorderquantity", "reorderqty", "orderquantity", "orderqty"),
    "bin_location": ("bin", "binlocation", "shelf", "location"),
    "supplier_name": ("supplier", "suppliername", "vendor"),
    "supplier_sku": ("suppliersku", "suppliercode", "supplierpartnumber", "vendorsku"),
    "opening_stock": ("openingstock", "stock", "quantity", "qty", "onhand", "instock"),
}
_SPLIT_CODES = re.compile(r"[,;|]")
# Decimal comma only with one or two digits after it: "1,234" stays a thousand.
_PLAIN_AMOUNT = re.compile(r"^(\d{1,12})(?:[.](\d{1,6})|,(\d{1,2}))?$")
PREVIEW_ROWS = 100
PROGRESS_STEP = 5_000
CHUNK = 500


@dataclass(frozen=True)
class ImportOptions:
    """``existing``: what a row whose SKU is already an item does, ``update`` or ``skip``."""

    existing: str = "skip"
    location_id: uuid.UUID | None = None  # where opening stock goes; the store by default


@dataclass(frozen=True)
class RowCheck:
    """One data row: ``line`` is its line in the file (the header is line 1)."""

    line: int
    action: str  # create | update | skip | reject
    name: str
    sku: str
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return " ".join(f"{FIELDS.get(k, k)}: {v}" for k, v in self.errors.items())


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    skipped: int
    rejected: tuple[RowCheck, ...]
    changes: Changes = field(default_factory=Changes)


@dataclass
class _Row:
    """A checked row on its way into the database."""

    check: RowCheck
    values: dict[str, object]
    codes: list[str]
    supplier: str
    supplier_sku: str
    opening: int
    existing: uuid.UUID | None = None


Progress = Callable[[int, int], None]
_T = TypeVar("_T")
_Column = ColumnElement[Any] | QueryableAttribute[Any]


def suggested_mapping(headers: Sequence[str]) -> tuple[str, ...]:
    """The field each column probably holds ("" to ignore it), from its header; each
    field once, except barcodes, which several columns may hold."""
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        word = "".join(ch for ch in header.casefold() if ch.isalnum())
        word = word.rstrip("0123456789") if word.startswith(("barcode", "ean")) else word
        found = next((f for f, words in _HEADER_WORDS.items() if word in words), "")
        if found in taken and found != "barcodes":
            found = ""
        taken.add(found)
        mapping.append(found)
    return tuple(mapping)


def rejected_rows_csv(table: Table, rejected: Iterable[RowCheck]) -> bytes:
    """The refused rows as they were in the file, with the reason in a last column."""
    from desktop.services.spreadsheets import csv_bytes

    rows = [(*table.rows[r.line - 2], r.message) for r in rejected]
    return csv_bytes([*table.headers, "Error"], rows)


class ItemImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def preview(
        self,
        table: Table,
        mapping: Sequence[str],
        options: ImportOptions | None = None,
        rows: int = PREVIEW_ROWS,
    ) -> list[RowCheck]:
        """What would happen to the first ``rows`` rows. Raises ``ValidationError``
        (``mapping``), ``PermissionDenied``."""
        self.ctx.require(Permission.EDIT_ITEMS)
        options = _checked_options(options, mapping, len(table.headers))
        first = replace(table, rows=table.rows[:rows])
        with self.ctx.uow() as tx:
            return [row.check for row in self._checked_rows(tx.session, first, mapping, options)]

    def import_items(
        self,
        table: Table,
        mapping: Sequence[str],
        options: ImportOptions | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Create (or update, or skip, per ``options``) an item per good row, with its
        barcodes, supplier and opening stock, all in one transaction. Refused rows are
        reported, not imported. Raises ``ValidationError`` (``mapping``),
        ``PermissionDenied``."""
        actor = self.ctx.require(Permission.EDIT_ITEMS)
        options = _checked_options(options, mapping, len(table.headers))
        report = progress or (lambda done, total: None)
        total = len(table.rows)
        with self.ctx.uow() as tx:
            session = tx.session
            currency = shop_profile(session).currency
            checked = self._checked_rows(session, table, mapping, options, currency, report)
            new = [r for r in checked if r.check.action == "create"]
            updates = [r for r in checked if r.check.action == "update"]
            self._insert(session, new, options, actor.user_id)
            report(total * 9 // 10, total)
            self._update(session, updates, {m for m in mapping if m in _UPDATED})
            created, updated = len(new), len(updates)
            rejected = tuple(r.check for r in checked if r.check.action == "reject")
            skipped = sum(1 for r in checked if r.check.action == "skip")
            audit.record(
                session,
                self.ctx,
                "items_imported",
                "item",
                "",
                created=created,
                updated=updated,
                skipped=skipped,
                rejected=len(rejected),
            )
            tx.commit()
            report(total, total)
        ids = frozenset(r.existing for r in (*new, *updates) if r.existing is not None)
        stocked = frozenset(r.existing for r in new if r.opening and r.existing is not None)
        return ImportReport(created, updated, skipped, rejected, Changes(items=ids, stock=stocked))

    # -- checking ----------------------------------------------------------------------------

    def _checked_rows(
        self,
        session: Session,
        table: Table,
        mapping: Sequence[str],
        options: ImportOptions,
        currency: str | None = None,
        progress: Progress | None = None,
    ) -> list[_Row]:
        currency = currency or shop_profile(session).currency
        total = len(table.rows)
        rows: list[_Row] = []
        # Checking the rows is about half the work of an import: report it as such.
        for line, cells in _lines(table):
            rows.append(self._parsed(line, cells, mapping, currency))
            if progress is not None and len(rows) % PROGRESS_STEP == 0:
                progress(len(rows) // 2, total)
        existing_skus = _existing(session, {str(r.values["sku"]) for r in rows})
        codes = {c for r in rows for c in r.codes}
        owners = dict(_pairs(session, ItemBarcode.code, ItemBarcode.item_id, codes))
        seen_skus: dict[str, int] = {}
        seen_codes: dict[str, int] = {}
        for row in rows:
            if row.check.errors:
                continue
            errors: dict[str, str] = {}
            sku = str(row.values["sku"])
            row.existing = existing_skus.get(sku)
            if sku and sku in seen_skus:
                errors["sku"] = f"The SKU {sku} is also on line {seen_skus[sku]}."
            for code in row.codes:
                owner = owners.get(code)
                if code in seen_codes:
                    errors["barcodes"] = f"The barcode {code} is also on line {seen_codes[code]}."
                elif owner is not None and owner != row.existing:
                    errors["barcodes"] = f"The barcode {code} already belongs to another item."
            if errors:
                row.check = replace(row.check, action="reject", errors=errors)
                continue
            if sku:
                seen_skus[sku] = row.check.line
            seen_codes.update(dict.fromkeys(row.codes, row.check.line))
            if row.existing is not None:
                action = "update" if options.existing == "update" else "skip"
                row.check = replace(row.check, action=action)
        return rows

    @staticmethod
    def _parsed(line: int, cells: Sequence[str], mapping: Sequence[str], currency: str) -> _Row:
        """A row's cells as item fields, checked like the item form; errors per field."""
        raw: dict[str, str] = {}
        codes: list[str] = []
        for cell, name in zip(cells, mapping, strict=False):
            if not name:
                continue
            text = unescaped(cell.strip())
            if name == "barcodes":
                codes.extend(c for c in _SPLIT_CODES.split(text) if c.strip())
            else:
                raw[name] = text
        errors: dict[str, str] = {}
        numbers: dict[str, int] = {}
        for name in (*MONEY_FIELDS, *COUNT_FIELDS):
            text = raw.get(name, "")
            if text.startswith(FORMULA_STARTS) and not _is_number(text):
                errors[name] = "A formula, not a number: put the value in the file."
            elif name in MONEY_FIELDS:
                try:
                    numbers[name] = _money(text, currency)
                except ValueError:
                    errors[name] = f"“{text[:40]}” is not an amount."
            else:
                numbers[name] = _count(text, name, errors)
        tax = raw.get("tax_class", "").casefold() or "standard"
        if tax not in TAX_CLASSES:
            errors["tax_class"] = f"Use one of: {', '.join(TAX_CLASSES)}."
        supplier = clean_line(raw.get("supplier_name", ""))
        supplier_sku = clean_line(raw.get("supplier_sku", ""))
        if len(supplier) > 200:
            errors["supplier_name"] = "Too long: at most 200 characters."
        if len(supplier_sku) > 64:
            errors["supplier_sku"] = "Too long: at most 64 characters."
        data = ItemInput(
            name=raw.get("name", ""),
            sku=raw.get("sku", ""),
            category=raw.get("category", ""),
            brand=raw.get("brand", ""),
            cost_price=numbers.get("cost_price", 0),
            sell_price=numbers.get("sell_price", 0),
            tax_class=tax if tax in TAX_CLASSES else "standard",
            low_stock_threshold=numbers.get("low_stock_threshold", 0),
            reorder_level=numbers.get("reorder_level", 0),
            reorder_quantity=numbers.get("reorder_quantity", 0),
            bin_location=raw.get("bin_location", ""),
            barcodes=codes,
            compatible_models=raw.get("compatible_models", ""),
        )
        values: dict[str, object] = {"sku": normalized_sku(data.sku), "name": data.name}
        normalized: list[str] = []
        try:
            values, normalized, _warnings = checked_item(data)
        except ValidationError as refused:
            errors = {**refused.errors, **errors}
        check = RowCheck(
            line,
            "reject" if errors else "create",
            clean_line(data.name)[:200],
            str(values["sku"]),
            errors,
        )
        opening = numbers.get("opening_stock", 0)
        return _Row(check, values, normalized, supplier, supplier_sku, opening)

    # -- writing -----------------------------------------------------------------------------

    def _insert(
        self, session: Session, rows: list[_Row], options: ImportOptions, user_id: uuid.UUID
    ) -> None:
        now = utc_now()
        taken = {str(r.values["sku"]) for r in rows}
        items: list[dict[str, object]] = []
        codes: list[dict[str, object]] = []
        for row in rows:
            row.existing = new_id()
            if not row.values["sku"]:
                row.values["sku"] = self._free_sku(session, taken)
            items.append(_item_row(row, now))
            codes.extend(
                {"id": new_id(), "item_id": row.existing, "code": c, "symbology": _symbology(c)}
                for c in row.codes
            )
        _bulk(session, Item, items)
        _bulk(session, ItemBarcode, codes)
        self._link_suppliers(session, rows, now)
        location = options.location_id or DEFAULT_LOCATION_ID
        movements = [
            {
                "id": new_id(),
                "item_id": r.existing,
                "location_id": location,
                "quantity": r.opening,
                "kind": "receive",
                "unit_cost": r.values["cost_price"] or None,
                "reason": "Opening stock",
                "reference_kind": "",
                "reference_id": None,
                "at": now,
                "user_id": user_id,
                "station_code": self.ctx.station_code,
                "lot_id": None,
                "serial": "",
            }
            for r in rows
            if r.opening > 0
        ]
        _bulk(session, StockMovement, movements)

    def _update(self, session: Session, rows: list[_Row], mapped: set[str]) -> None:
        """Existing items take the values of the file's ``mapped`` columns (the others stay
        as they are) and any new barcode; price changes go to the audit log as the item
        form's do."""
        by_id = {r.existing: r for r in rows}
        for chunk in _chunks(list(by_id), CHUNK):
            for item in session.scalars(select(Item).where(Item.id.in_(chunk))):
                row = by_id[item.id]
                changed = {
                    n: (getattr(item, n), row.values[n])
                    for n in ("cost_price", "sell_price")
                    if n in mapped and getattr(item, n) != row.values[n]
                }
                for name in mapped:
                    setattr(item, name, row.values[name])
                item.sort_name = item.name.casefold()
                have = {b.code for b in item.barcodes}
                item.barcodes.extend(
                    ItemBarcode(code=c, symbology=_symbology(c)) for c in row.codes if c not in have
                )
                if changed:
                    audit.record(
                        session,
                        self.ctx,
                        "item_price_changed",
                        "item",
                        str(item.id),
                        before={k: v[0] for k, v in changed.items()},
                        after={k: v[1] for k, v in changed.items()},
                    )
            session.flush()

    def _link_suppliers(self, session: Session, rows: list[_Row], now: object) -> None:
        """Suppliers named in the file, found by name or added, linked to their items."""
        names: dict[str, str] = {}
        for row in rows:
            if row.supplier:
                names.setdefault(row.supplier.casefold(), row.supplier)
        if not names:
            return
        known = dict(_pairs(session, func.lower(Supplier.name), Supplier.id, set(names)))
        for key, name in names.items():
            if key not in known:
                supplier = Supplier(name=name, sort_name=key)
                session.add(supplier)
                session.flush()
                known[key] = supplier.id
        _bulk(
            session,
            ItemSupplier,
            [
                {
                    "id": new_id(),
                    "item_id": r.existing,
                    "supplier_id": known[r.supplier.casefold()],
                    "supplier_sku": r.supplier_sku,
                    "cost_price": r.values["cost_price"] or None,
                    "preferred": True,
                }
                for r in rows
                if r.supplier
            ],
        )

    def _free_sku(self, session: Session, taken: set[str]) -> str:
        while True:
            sku = next_number(session, self.ctx.station_code, "item")
            if sku not in taken and session.scalar(select(Item.id).where(Item.sku == sku)) is None:
                taken.add(sku)
                return sku


_UPDATED = (
    "name",
    "category",
    "brand",
    "cost_price",
    "sell_price",
    "tax_class",
    "low_stock_threshold",
    "reorder_level",
    "reorder_quantity",
    "bin_location",
    "compatible_models",
)


def _checked_options(
    options: ImportOptions | None, mapping: Sequence[str], columns: int
) -> ImportOptions:
    options = options or ImportOptions()
    errors: dict[str, str] = {}
    chosen = [m for m in mapping if m]
    if len(mapping) != columns:
        errors["mapping"] = "Choose a field (or nothing) for every column."
    elif "name" not in chosen:
        errors["mapping"] = "Choose the column that holds the item name."
    elif unknown := sorted(set(chosen) - set(FIELDS)):
        errors["mapping"] = f"Unknown field: {', '.join(unknown)}."
    elif twice := sorted({m for m in chosen if chosen.count(m) > 1 and m != "barcodes"}):
        errors["mapping"] = "Each field from one column only: " + ", ".join(
            FIELDS[m] for m in twice
        )
    if options.existing not in ("update", "skip"):
        errors["existing"] = "Choose to update or to skip items that exist."
    if errors:
        raise ValidationError(errors)
    return options


def _lines(table: Table) -> Iterator[tuple[int, tuple[str, ...]]]:
    return ((index + 2, row) for index, row in enumerate(table.rows))


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", "."))
    except InvalidOperation:
        return False
    return True


def _money(text: str, currency: str) -> int:
    """Minor units of an amount in a file: plain numbers (``12.5``, or ``12,50`` from a
    European spreadsheet) read directly, anything else (``$1,234.50``) through Babel."""
    plain = _PLAIN_AMOUNT.match(text)
    if plain is None:
        return parse_money(text, currency)
    digits: int = minor_digits(currency)
    whole, fraction = plain.group(1), plain.group(2) or plain.group(3) or ""
    if len(fraction) > digits:
        raise ValueError(f"{text!r} has more than {digits} decimals")
    return int(whole + fraction.ljust(digits, "0"))


def _count(text: str, name: str, errors: dict[str, str]) -> int:
    if not text:
        return 0
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        errors[name] = f"“{text[:40]}” is not a number."
        return 0
    if value != value.to_integral_value() or not 0 <= value <= MAX_QUANTITY:
        errors[name] = f"A whole number between 0 and {MAX_QUANTITY:,}."
        return 0
    return int(value)


def _symbology(code: str) -> str:
    return barcodes.classify(code)


def _item_row(row: _Row, now: object) -> dict[str, object]:
    values = row.values
    return {
        "id": row.existing,
        "name": values["name"],
        "sku": values["sku"],
        "kind": "stock",
        "category": values["category"],
        "brand": values["brand"],
        "cost_price": values["cost_price"],
        "sell_price": values["sell_price"],
        "tax_class": values["tax_class"],
        "low_stock_threshold": values["low_stock_threshold"],
        "reorder_level": values["reorder_level"],
        "reorder_quantity": values["reorder_quantity"],
        "bin_location": values["bin_location"],
        "track_expiry": False,
        "serialized": False,
        "active": True,
        "notes": "",
        "compatible_models": values["compatible_models"],
        "sort_name": str(values["name"]).casefold(),
        "created_at": now,
        "updated_at": now,
    }


def _bulk(session: Session, model: type[object], rows: list[dict[str, object]]) -> None:
    """Insert ``rows`` with executemany and write their outbox entries."""
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    for chunk in _chunks(rows, 5_000):
        session.execute(insert(table), chunk)
        capture_bulk_inserts(session, table.name, chunk)


def _chunks(values: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing(session: Session, keys: set[str]) -> dict[str, uuid.UUID]:
    return dict(_pairs(session, Item.sku, Item.id, keys - {""}))


def _pairs(
    session: Session, key: _Column, value: _Column, keys: set[str]
) -> Iterator[tuple[str, uuid.UUID]]:
    """(key, value) for each of ``keys`` found, in chunks small enough for SQLite."""
    for chunk in _chunks(sorted(keys), CHUNK):
        rows = session.execute(select(key, value).where(key.in_(chunk)))
        yield from ((row[0], row[1]) for row in rows)
