"""Inventory: the item catalog, its barcodes, stock locations and the stock ledger.

Stock is never a field that stations overwrite: ``stock_movements`` is an append-only
ledger, and ``stock_levels`` (on hand and average cost per item and location) is derived
from it by SQLite triggers (see migration 0008), whoever inserts the movements.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, Syncable, Timestamped, utc_now


class Item(Syncable, Timestamped, Base):
    """Something the shop sells or uses: a stocked part or product, or a service."""

    __tablename__ = "items"

    name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="stock")  # stock | service
    category: Mapped[str] = mapped_column(String(100), default="")
    brand: Mapped[str] = mapped_column(String(100), default="")
    cost_price: Mapped[int] = mapped_column(default=0)  # minor units
    sell_price: Mapped[int] = mapped_column(default=0)  # minor units
    tax_class: Mapped[str] = mapped_column(String(30), default="standard")
    low_stock_threshold: Mapped[int] = mapped_column(default=0)
    reorder_level: Mapped[int] = mapped_column(default=0)
    reorder_quantity: Mapped[int] = mapped_column(default=0)
    bin_location: Mapped[str] = mapped_column(String(50), default="")
    track_expiry: Mapped[bool] = mapped_column(default=False)
    serialized: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Case-folded name: the list's sort key and the prefix search's column, kept by the service.
    sort_name: Mapped[str] = mapped_column(String(200), default="")

    barcodes: Mapped[list[ItemBarcode]] = relationship(
        back_populates="item", order_by="ItemBarcode.code", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("cost_price >= 0", name="cost_price"),
        CheckConstraint("sell_price >= 0", name="sell_price"),
        CheckConstraint("kind IN ('stock', 'service')", name="kind"),
        Index("ix_items_sort_name_id", "sort_name", "id"),
    )


class ItemBarcode(Syncable, Base):
    """A code printed on the item or its box; scanning it finds the item."""

    __tablename__ = "item_barcodes"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    symbology: Mapped[str] = mapped_column(String(10))  # ean13 | upca | code128 | internal

    item: Mapped[Item] = relationship(back_populates="barcodes")

    __table_args__ = (Index("ix_item_barcodes_item_id", "item_id"),)


class StockLocation(Syncable, Base):
    """Where stock is kept (the store, a back room, a van). "Store" is seeded by 0008."""

    __tablename__ = "stock_locations"

    name: Mapped[str] = mapped_column(String(60), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class StockMovement(Syncable, Base):
    """One line of the stock ledger: ``quantity`` units in (positive) or out (negative)."""

    __tablename__ = "stock_movements"
    __append_only__ = True

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    quantity: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    # What one unit cost (minor units): set on receipts and transfers in; drives the average.
    unit_cost: Mapped[int | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    reference_kind: Mapped[str] = mapped_column(String(30), default="")  # ticket, purchase_order
    reference_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    station_code: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (
        Index("ix_stock_movements_item_id_location_id_at", "item_id", "location_id", "at"),
        CheckConstraint("quantity <> 0", name="quantity"),
        CheckConstraint("unit_cost IS NULL OR unit_cost >= 0", name="unit_cost"),
    )


class StockLevel(Base):
    """On hand and moving-average cost per item and location, kept by triggers on
    ``stock_movements`` (migration 0008). Derived per station: never synced, never written
    by services."""

    __tablename__ = "stock_levels"

    item_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    location_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    average_cost: Mapped[int] = mapped_column(default=0)  # minor units
