"""The shop profile, its stations, and station-local state."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, Syncable, Timestamped


class ShopProfile(Syncable, Timestamped, Base):
    __tablename__ = "shop_profile"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(1000), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    tax_id: Mapped[str] = mapped_column(String(100), default="")
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(20), default="en_US")
    prices_include_tax: Mapped[bool] = mapped_column(default=True)
    # Basis points: 1500 == 15.00 %.
    default_tax_rate_bp: Mapped[int] = mapped_column(default=0)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    idle_lock_minutes: Mapped[int] = mapped_column(default=10)
    # Printed on claim receipts and shown before the customer signs at intake.
    ticket_terms: Mapped[str] = mapped_column(Text, default="")
    warranty_days: Mapped[int] = mapped_column(default=90)
    # Parts added to a ticket: "consume" takes them out of stock at once, "reserve" holds
    # them until the ticket is finished.
    ticket_parts_mode: Mapped[str] = mapped_column(
        String(10), default="consume", server_default="consume"
    )
    # Selling (migration 0012). Tax is rounded per line or once per rate on the document;
    # cash totals round to the smallest coin (minor units; 0 or 1 == no rounding).
    rounding_mode: Mapped[str] = mapped_column(String(10), default="line", server_default="line")
    cash_rounding: Mapped[int] = mapped_column(default=0, server_default="0")
    invoice_prefix: Mapped[str] = mapped_column(String(10), default="INV", server_default="INV")
    payment_terms_days: Mapped[int] = mapped_column(default=14, server_default="14")
    invoice_footer: Mapped[str] = mapped_column(Text, default="", server_default="")
    receipt_footer: Mapped[str] = mapped_column(Text, default="", server_default="")
    bank_details: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Further tax or registration ids printed under ``tax_id``, one per line.
    tax_ids: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Discounts above these (basis points of the line or sale) need a manager's password.
    front_desk_discount_limit_bp: Mapped[int] = mapped_column(default=1000, server_default="1000")
    technician_discount_limit_bp: Mapped[int] = mapped_column(default=0, server_default="0")
    # Refunds above this amount (minor units) need a manager's password.
    refund_limit: Mapped[int] = mapped_column(default=5000, server_default="5000")
    # A card or transfer paying more than is due may keep the rest as a tip.
    tips_allowed: Mapped[bool] = mapped_column(default=False, server_default="0")

    __table_args__ = (
        CheckConstraint(
            "default_tax_rate_bp >= 0 AND default_tax_rate_bp <= 10000", name="tax_rate"
        ),
    )


class Station(Syncable, Timestamped, Base):
    __tablename__ = "stations"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class LocalSetting(Base):
    """Key/value state of this station only (which station we are, clock); never synced."""

    __tablename__ = "local_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(4000))


class DocumentSequence(Base):
    """Next human number per station and document kind; station-local, never reused."""

    __tablename__ = "document_sequences"

    station_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_value: Mapped[int]
