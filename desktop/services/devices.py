"""A customer's devices, the device model catalog, and finding a device by serial/IMEI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text

from desktop.models import Customer, Device, DeviceModel, SearchKey
from desktop.services.context import ServiceContext
from desktop.services.customers import display_name, fts_phrase
from desktop.services.errors import NotFound
from desktop.services.ids import stable_id
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, clean_line, luhn_valid

DEVICE_TYPES = ("Phone", "Tablet", "Laptop", "Desktop", "Console", "Smartwatch", "Other")


@dataclass(frozen=True)
class DeviceInput:
    customer_id: uuid.UUID
    device_type: str = ""
    brand: str = ""
    model: str = ""
    serial: str = ""
    imei: str = ""
    colour: str = ""
    passcode: str = ""
    notes: str = ""


@dataclass(frozen=True)
class DeviceInfo:
    id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str
    device_type: str
    brand: str
    model: str
    serial: str
    imei: str
    colour: str
    # None when the signed-in role may not see passcodes.
    passcode: str | None
    notes: str
    created_at: datetime
    imei_warning: str | None

    @property
    def title(self) -> str:
        return " ".join(p for p in (self.brand, self.model) if p) or self.device_type or "Device"


def imei_warning(imei: str) -> str | None:
    """Why an IMEI looks wrong (a warning only: the device is saved anyway)."""
    if not imei:
        return None
    if not imei.isdigit() or len(imei) != 15:
        return "An IMEI has 15 digits."
    if not luhn_valid(imei):
        return "The IMEI check digit does not match: please double-check the number."
    return None


class DeviceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _info(self, device: Device, customer: Customer) -> DeviceInfo:
        show = self.ctx.can(Permission.VIEW_PASSCODES)
        return DeviceInfo(
            id=device.id,
            customer_id=device.customer_id,
            customer_name=display_name(customer.first_name, customer.last_name, customer.company),
            device_type=device.device_type,
            brand=device.brand,
            model=device.model,
            serial=device.serial,
            imei=device.imei,
            colour=device.colour,
            passcode=device.passcode if show else None,
            notes=device.notes,
            created_at=device.created_at,
            imei_warning=imei_warning(device.imei),
        )

    def save(self, data: DeviceInput, device_id: uuid.UUID | None = None) -> DeviceInfo:
        """Create (``device_id`` None) or update a device; new brands/models join the catalog.

        A role that may not see passcodes may still set one, but an empty passcode from
        such a role leaves the stored one as it is. Raises ``ValidationError``, ``NotFound``.
        """
        self.ctx.require(Permission.EDIT_CUSTOMERS)
        check = FieldChecker()
        values = {
            "device_type": check.line("device_type", data.device_type, 50),
            "brand": check.line("brand", data.brand, 100),
            "model": check.line("model", data.model, 200),
            "serial": check.line("serial", data.serial, 100).upper(),
            "imei": "".join(check.line("imei", data.imei, 40).split()),
            "colour": check.line("colour", data.colour, 50),
            "notes": check.text("notes", data.notes, 20_000),
        }
        passcode = check.line("passcode", data.passcode, 200)
        if len(values["imei"]) > 20:
            check.fail("imei", "An IMEI has 15 digits.")
        if not (values["brand"] or values["model"] or values["device_type"]):
            check.fail("model", "Enter at least the device type, brand or model.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            customer = tx.session.get(Customer, data.customer_id)
            if customer is None:
                raise NotFound("This customer no longer exists.")
            if device_id is None:
                device = Device(customer_id=customer.id)
                tx.session.add(device)
            else:
                found = tx.session.get(Device, device_id)
                if found is None:
                    raise NotFound("This device no longer exists.")
                device = found
                device.customer_id = customer.id
            for key, value in values.items():
                setattr(device, key, value)
            if passcode or self.ctx.can(Permission.VIEW_PASSCODES):
                device.passcode = passcode
            model_row = self._catalog_row(values["device_type"], values["brand"], values["model"])
            if model_row is not None and tx.session.get(DeviceModel, model_row.id) is None:
                tx.session.add(model_row)
            tx.commit()
            return self._info(device, customer)

    @staticmethod
    def _catalog_row(device_type: str, brand: str, model: str) -> DeviceModel | None:
        if not (brand and model):
            return None
        return DeviceModel(
            id=stable_id(device_type, brand, model),
            device_type=device_type,
            brand=brand,
            model=model,
        )

    def get(self, device_id: uuid.UUID) -> DeviceInfo:
        with self.ctx.uow() as tx:
            device = tx.session.get(Device, device_id)
            if device is None:
                raise NotFound("This device no longer exists.")
            return self._info(device, device.customer)

    def for_customer(self, customer_id: uuid.UUID) -> list[DeviceInfo]:
        with self.ctx.uow() as tx:
            customer = tx.session.get(Customer, customer_id)
            if customer is None:
                raise NotFound("This customer no longer exists.")
            devices = tx.session.scalars(
                select(Device).where(Device.customer_id == customer_id).order_by(Device.created_at)
            )
            return [self._info(d, customer) for d in devices]

    def search(self, query: str, limit: int = 50) -> list[DeviceInfo]:
        """Devices whose serial or IMEI contains ``query`` (3+ characters), or whose
        type/brand/model/colour does."""
        cleaned = clean_line(query)[:100]
        if len(cleaned) < 3:
            return []
        match = " AND ".join(fts_phrase(t) for t in cleaned.split() if len(t) >= 3)
        if not match:
            return []
        with self.ctx.uow() as tx:
            rowids = list(
                tx.session.scalars(
                    text(
                        "SELECT rowid FROM device_fts WHERE device_fts MATCH :m "
                        "ORDER BY rowid DESC LIMIT :limit"
                    ),
                    {"m": match, "limit": limit},
                )
            )
            if not rowids:
                return []
            rows = tx.session.execute(
                select(Device, Customer)
                .join(SearchKey, SearchKey.entity_id == Device.id)
                .join(Customer, Customer.id == Device.customer_id)
                .where(SearchKey.rowid.in_(rowids))
                .order_by(SearchKey.rowid.desc())
            )
            return [self._info(device, customer) for device, customer in rows]

    # -- catalog ----------------------------------------------------------------------

    def brands(self, device_type: str = "") -> list[str]:
        with self.ctx.uow() as tx:
            query = select(DeviceModel.brand).distinct().order_by(DeviceModel.brand)
            if device_type:
                query = query.where(DeviceModel.device_type == device_type)
            return list(tx.session.scalars(query))

    def models(self, brand: str, device_type: str = "") -> list[str]:
        with self.ctx.uow() as tx:
            query = (
                select(DeviceModel.model)
                .where(DeviceModel.brand == brand)
                .distinct()
                .order_by(DeviceModel.model)
            )
            if device_type:
                query = query.where(DeviceModel.device_type == device_type)
            return list(tx.session.scalars(query))
