"""Customers, their phone numbers and their devices, and the device model catalog."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import DERIVED, Base, Syncable, Timestamped


class Customer(Syncable, Timestamped, Base):
    __tablename__ = "customers"

    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(1000), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Comma-separated, normalised (lower case, trimmed, sorted).
    tags: Mapped[str] = mapped_column(String(1000), default="")
    marketing_consent: Mapped[bool] = mapped_column(default=False)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    # Lower-cased "last first company": the list's sort key, kept by the service.
    sort_name: Mapped[str] = mapped_column(String(420), default="", info=DERIVED)

    phones: Mapped[list[CustomerPhone]] = relationship(
        back_populates="customer",
        order_by="CustomerPhone.position",
        cascade="all, delete-orphan",
    )
    devices: Mapped[list[Device]] = relationship(back_populates="customer")

    __table_args__ = (
        Index("ix_customers_sort_name_id", "sort_name", "id"),
        Index("ix_customers_email", "email"),
    )


class CustomerPhone(Syncable, Base):
    __tablename__ = "customer_phones"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(50))
    # Digits only, so "+880 1711-234567" and "01711234567" are found alike.
    digits: Mapped[str] = mapped_column(String(30), info=DERIVED)
    label: Mapped[str] = mapped_column(String(30), default="")
    position: Mapped[int] = mapped_column(default=0)

    customer: Mapped[Customer] = relationship(back_populates="phones")

    __table_args__ = (
        Index("ix_customer_phones_customer_id", "customer_id"),
        Index("ix_customer_phones_digits", "digits"),
    )


class DeviceModel(Syncable, Base):
    """Catalog entry; its id is derived from (type, brand, model) so stations agree on it."""

    __tablename__ = "device_models"

    device_type: Mapped[str] = mapped_column(String(50))
    brand: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_device_models_brand_model", "brand", "model"),)


class Device(Syncable, Timestamped, Base):
    __tablename__ = "devices"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"))
    device_type: Mapped[str] = mapped_column(String(50), default="")
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    serial: Mapped[str] = mapped_column(String(100), default="")
    imei: Mapped[str] = mapped_column(String(20), default="")
    colour: Mapped[str] = mapped_column(String(50), default="")
    passcode: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped[Customer] = relationship(back_populates="devices")

    __table_args__ = (Index("ix_devices_customer_id", "customer_id"),)
