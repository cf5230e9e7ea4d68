"""Inventory: the item catalog, its barcodes, stock locations and the stock ledger.

Stock is never a field that stations overwrite: ``stock_movements`` is an append-only
ledger, and ``stock_levels`` (on hand and average cost per item and location) is derived
from it by SQLite triggers (see migration 0008), whoever inserts the movements.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import DERIVED, Base, Syncable, Timestamped, utc_now


class Item(Syncable, Timestamped, Base):
    """Something the shop sells or uses: a stocked part or product, or a service."""

    __tablename__ = "items"

    name: Mapped[str] = mapped_column(String(200))
    # Not unique: two stations offline can both take a value; the server reports the pair.
    sku: Mapped[str] = mapped_column(String(64), index=True)
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
    # Which devices a part fits ("iPhone 12, iPhone 12 Pro"): searched like the name.
    compatible_models: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    # Case-folded name: the list's sort key and the prefix search's column, kept by the service.
    sort_name: Mapped[str] = mapped_column(String(200), default="", info=DERIVED)

    barcodes: Mapped[list[ItemBarcode]] = relationship(
        back_populates="item", order_by="ItemBarcode.code", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("cost_price >= 0", name="cost_price"),
        CheckConstraint("sell_price >= 0", name="sell_price"),
        CheckConstraint("kind IN ('stock', 'service')", name="kind"),
        Index("ix_items_sort_name_id", "sort_name", "id"),
        # The item list: active items by name (and its count), a category by name.
        Index("ix_items_active_sort_name_id", "active", "sort_name", "id"),
        Index("ix_items_category_active_sort_name_id", "category", "active", "sort_name", "id"),
    )


class ItemBarcode(Syncable, Base):
    """A code printed on the item or its box; scanning it finds the item."""

    __tablename__ = "item_barcodes"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    # Not unique: two stations offline can both take a value; the server reports the pair.
    code: Mapped[str] = mapped_column(String(64), index=True)
    symbology: Mapped[str] = mapped_column(String(10))  # ean13 | upca | code128 | internal

    item: Mapped[Item] = relationship(back_populates="barcodes")

    __table_args__ = (Index("ix_item_barcodes_item_id", "item_id"),)


class StockLocation(Syncable, Base):
    """Where stock is kept (the store, a back room, a van). "Store" is seeded by 0008."""

    __tablename__ = "stock_locations"

    # Not unique: two stations offline can both take a value; the server reports the pair.
    name: Mapped[str] = mapped_column(String(60), index=True)
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
    # The lot (expiry) and the unit's serial/IMEI, for items that track them. No foreign key
    # on purpose: the ledger is never rebuilt, and 0010 adds these columns in place.
    lot_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    serial: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __table_args__ = (
        Index("ix_stock_movements_item_id_location_id_at", "item_id", "location_id", "at"),
        Index("ix_stock_movements_at_kind", "at", "kind", "quantity"),
        Index("ix_stock_movements_reference_id", "reference_id"),
        Index("ix_stock_movements_lot_id", "lot_id", sqlite_where=text("lot_id IS NOT NULL")),
        Index("ix_stock_movements_serial", "serial", "item_id", sqlite_where=text("serial <> ''")),
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

    # The valuation's sums per item, from the index alone (migration 0016).
    __table_args__ = (
        Index("ix_stock_levels_item_id_on_hand", "item_id", "on_hand", "average_cost"),
    )


class ItemStock(Base):
    """Units over all locations per item and whether the item is low or due for reorder,
    kept by triggers on ``stock_movements`` and ``items`` (migrations 0010, 0011) so the
    low-stock list and the reorder suggestions read small partial indexes instead of
    summing every level. Derived per station, never synced."""

    __tablename__ = "item_stock"

    item_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    # 1 when the item is an active stock item at or below its low-stock threshold.
    low: Mapped[bool] = mapped_column(default=False)
    # 1 when it is at or below its reorder level: a reorder suggestion (migration 0011).
    reorder: Mapped[bool] = mapped_column(default=False, server_default=text("0"))
    # When a movement last took units out, for the slow movers report (migration 0016).
    last_out_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_item_stock_low", "on_hand", sqlite_where=text("low = 1")),
        Index("ix_item_stock_reorder", "item_id", sqlite_where=text("reorder = 1")),
        Index("ix_item_stock_on_hand", "on_hand"),
    )


class StockLot(Syncable, Base):
    """A batch of an expiring item (glue, batteries): movements carry its id."""

    __tablename__ = "stock_lots"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    code: Mapped[str] = mapped_column(String(64), default="")
    expires_on: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        # Not unique: two stations may receive one lot offline; stock sums over both.
        Index("ix_stock_lots_item_id_code", "item_id", "code", "expires_on"),
        Index("ix_stock_lots_expires_on", "expires_on"),
    )


class Supplier(Syncable, Timestamped, Base):
    __tablename__ = "suppliers"

    name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(1000), default="")
    # Payment terms as the supplier states them ("30 days net").
    terms: Mapped[str] = mapped_column(String(200), default="")
    lead_time_days: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    sort_name: Mapped[str] = mapped_column(String(200), default="", info=DERIVED)

    __table_args__ = (
        CheckConstraint("lead_time_days >= 0", name="lead_time_days"),
        Index("ix_suppliers_sort_name", "sort_name"),
    )


class ItemSupplier(Syncable, Base):
    """Who supplies an item, under which part number and at what cost."""

    __tablename__ = "item_suppliers"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    supplier_sku: Mapped[str] = mapped_column(String(64), default="")
    cost_price: Mapped[int | None] = mapped_column(default=None)  # minor units
    preferred: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        # Not unique: two stations may link one supplier offline.
        Index("ix_item_suppliers_item_id_supplier_id", "item_id", "supplier_id"),
        Index("ix_item_suppliers_supplier_id", "supplier_id"),
        CheckConstraint("cost_price IS NULL OR cost_price >= 0", name="cost_price"),
    )


class PurchaseOrder(Syncable, Timestamped, Base):
    """An order to a supplier: draft, ordered, partly or fully received, or cancelled.

    What was received is never a counter on the order: it is the sum of the receipt
    movements that reference each line, so two stations receiving at once both count."""

    __tablename__ = "purchase_orders"

    number: Mapped[str] = mapped_column(String(30), unique=True)
    supplier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("suppliers.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    ordered_at: Mapped[datetime | None] = mapped_column(default=None)
    expected_on: Mapped[date | None] = mapped_column(default=None)
    created_by: Mapped[uuid.UUID | None] = mapped_column(default=None)

    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="order", order_by="PurchaseOrderLine.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'ordered', 'partial', 'received', 'closed', 'cancelled')",
            name="status",
        ),
        Index("ix_purchase_orders_supplier_id", "supplier_id"),
        Index("ix_purchase_orders_status", "status"),
    )


class PurchaseOrderLine(Syncable, Base):
    __tablename__ = "purchase_order_lines"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("purchase_orders.id", ondelete="CASCADE")
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    position: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[int]
    unit_cost: Mapped[int] = mapped_column(default=0)  # minor units
    supplier_sku: Mapped[str] = mapped_column(String(64), default="")

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_cost >= 0", name="unit_cost"),
        Index("ix_purchase_order_lines_order_id", "order_id"),
        Index("ix_purchase_order_lines_item_id", "item_id"),
    )


class StockCount(Syncable, Timestamped, Base):
    """A count of the shelves at one location: open while counting, then approved (the
    variances are posted as ``count`` movements) or cancelled."""

    __tablename__ = "stock_counts"

    number: Mapped[str] = mapped_column(String(30), unique=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_locations.id"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    # What the count covers, as the user chose it ("Category: Screens"), for the record.
    scope: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)

    lines: Mapped[list[StockCountLine]] = relationship(
        back_populates="count", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("status IN ('open', 'approved', 'cancelled')", name="status"),
    )


class StockCountLine(Syncable, Base):
    """One item of a count. ``expected`` is what the ledger said when the item was first
    counted; the posted adjustment is ``counted - expected``, so sales made while the
    count runs stay in the stock."""

    __tablename__ = "stock_count_lines"

    count_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_counts.id", ondelete="CASCADE"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    expected: Mapped[int | None] = mapped_column(default=None)
    counted: Mapped[int | None] = mapped_column(default=None)
    counted_at: Mapped[datetime | None] = mapped_column(default=None)
    average_cost: Mapped[int] = mapped_column(default=0)  # minor units, at first count

    count: Mapped[StockCount] = relationship(back_populates="lines")

    __table_args__ = (
        # Not unique: two stations counting one item offline each keep their line.
        Index("ix_stock_count_lines_count_id_item_id", "count_id", "item_id"),
        CheckConstraint("counted IS NULL OR counted >= 0", name="counted"),
    )
