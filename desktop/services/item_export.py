"""The item list as a spreadsheet (CSV or XLSX): for the accountant, a price review, or
the supplier. Its headers are the ones the import recognises, so an edited export can be
imported back to update prices."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from desktop.models import Item, ItemBarcode, ItemStock, StockLevel
from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.money import to_decimal
from desktop.services.permissions import Permission
from desktop.services.shop import shop_profile
from desktop.services.spreadsheets import csv_bytes, xlsx_bytes

HEADERS = (
    "SKU",
    "Name",
    "Barcodes",
    "Category",
    "Brand",
    "Compatible models",
    "Cost",
    "Price",
    "Tax class",
    "Low-stock threshold",
    "Reorder level",
    "Reorder quantity",
    "Bin",
    "On hand",
    "Average cost",
    "Active",
)
FORMATS = ("csv", "xlsx")


class ItemExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def export(self, file_format: str, include_archived: bool = False) -> bytes:
        """Every item with its units on hand (all locations) and average cost, by name, as
        the bytes of a ``csv`` or ``xlsx`` file. Text that a spreadsheet would take for a
        formula is escaped. Raises ``ValidationError``, ``PermissionDenied`` (costs are
        management's)."""
        self.ctx.require(Permission.EDIT_ITEMS)
        if file_format not in FORMATS:
            raise ValidationError({"format": "Choose CSV or Excel (XLSX)."})
        rows = self._rows(include_archived)
        if file_format == "csv":
            return csv_bytes(HEADERS, rows)
        return xlsx_bytes("Items", HEADERS, rows)

    def _rows(self, include_archived: bool) -> list[tuple[object, ...]]:
        held = (
            select(
                StockLevel.item_id,
                (
                    func.sum(StockLevel.on_hand * StockLevel.average_cost)
                    / func.sum(StockLevel.on_hand)
                ).label("average"),
            )
            .where(StockLevel.on_hand > 0)
            .group_by(StockLevel.item_id)
            .subquery()
        )
        codes = (
            select(func.group_concat(ItemBarcode.code, " "))
            .where(ItemBarcode.item_id == Item.id)
            .scalar_subquery()
        )
        statement = (
            select(Item, ItemStock.on_hand, held.c.average, codes)
            .outerjoin(ItemStock, ItemStock.item_id == Item.id)
            .outerjoin(held, held.c.item_id == Item.id)
            .order_by(Item.sort_name, Item.id)
        )
        if not include_archived:
            statement = statement.where(Item.active.is_(True))
        with self.ctx.uow() as tx:
            currency = shop_profile(tx.session).currency

            def money(amount: int | None) -> Decimal | None:
                return None if amount is None else to_decimal(int(amount), currency)

            return [
                (
                    item.sku,
                    item.name,
                    barcodes or "",
                    item.category,
                    item.brand,
                    item.compatible_models,
                    money(item.cost_price),
                    money(item.sell_price),
                    item.tax_class,
                    item.low_stock_threshold,
                    item.reorder_level,
                    item.reorder_quantity,
                    item.bin_location,
                    int(on_hand or 0),
                    money(average),
                    "yes" if item.active else "no",
                )
                for item, on_hand, average, barcodes in tx.session.execute(statement)
            ]
