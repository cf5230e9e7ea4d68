"""The shop profile and this station, as the settings screens edit them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import ShopProfile, Station
from desktop.services import audit
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound
from desktop.services.permissions import Permission
from desktop.services.setup import ShopSetup, check_shop_fields
from desktop.services.tax_classes import set_standard_rate
from desktop.services.text import FieldChecker


@dataclass(frozen=True)
class ShopInfo:
    id: uuid.UUID
    name: str
    address: str
    phone: str
    email: str
    tax_id: str
    currency: str
    locale: str
    prices_include_tax: bool
    default_tax_rate_bp: int
    logo: bytes | None
    idle_lock_minutes: int
    ticket_terms: str = ""
    warranty_days: int = 90
    ticket_parts_mode: str = "consume"  # consume | reserve


@dataclass(frozen=True)
class StationInfo:
    code: str
    name: str


def _info(p: ShopProfile) -> ShopInfo:
    return ShopInfo(
        p.id,
        p.name,
        p.address,
        p.phone,
        p.email,
        p.tax_id,
        p.currency,
        p.locale,
        p.prices_include_tax,
        p.default_tax_rate_bp,
        p.logo,
        p.idle_lock_minutes,
        p.ticket_terms,
        p.warranty_days,
        p.ticket_parts_mode,
    )


def shop_profile(session: Session) -> ShopProfile:
    """The shop's one profile row; ``NotFound`` before the setup wizard has run."""
    profile = session.scalar(select(ShopProfile).limit(1))
    if profile is None:
        raise NotFound("The shop is not set up yet.")
    return profile


class ShopService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def profile(self) -> ShopInfo:
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            return _info(profile)

    def update_profile(self, data: ShopSetup, idle_lock_minutes: int) -> ShopInfo:
        """Save the shop profile (owner); the default tax rate is the standard class's
        rate too. Raises ``ValidationError``, ``PermissionDenied``."""
        self.ctx.require(Permission.MANAGE_SHOP)
        check = FieldChecker()
        values = check_shop_fields(check, data)
        if not 1 <= idle_lock_minutes <= 240:
            check.fail("idle_lock_minutes", "Between 1 and 240 minutes.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            for key, value in values.items():
                setattr(profile, key, value)
            profile.idle_lock_minutes = idle_lock_minutes
            set_standard_rate(tx.session, profile.default_tax_rate_bp)
            audit.record(tx.session, self.ctx, "shop_profile_changed", "shop", str(profile.id))
            tx.commit()
            return _info(profile)

    def update_ticket_settings(
        self, terms: str, warranty_days: int, parts_mode: str | None = None
    ) -> ShopInfo:
        """Save the intake terms, the default repair warranty and whether parts put on a
        ticket leave stock at once ("consume") or wait for the repair ("reserve") (owner).

        Raises ``ValidationError``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_SHOP)
        check = FieldChecker()
        cleaned = check.text("ticket_terms", terms, 5000)
        if not 0 <= warranty_days <= 3650:
            check.fail("warranty_days", "Between 0 and 3650 days.")
        if parts_mode is not None and parts_mode not in ("consume", "reserve"):
            check.fail("ticket_parts_mode", "Choose when parts leave the stock.")
        check.raise_if_any()
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            profile.ticket_terms = cleaned
            profile.warranty_days = warranty_days
            if parts_mode is not None:
                profile.ticket_parts_mode = parts_mode
            audit.record(tx.session, self.ctx, "ticket_settings_changed", "shop", str(profile.id))
            tx.commit()
            return _info(profile)

    def station(self) -> StationInfo:
        with self.ctx.uow() as tx:
            station = tx.session.scalar(
                select(Station).where(Station.code == self.ctx.station_code)
            )
            if station is None:
                return StationInfo(self.ctx.station_code, "")
            return StationInfo(station.code, station.name)

    def rename_station(self, name: str) -> StationInfo:
        """Rename this station (its code is its identity and never changes)."""
        self.ctx.require(Permission.MANAGE_STATION)
        check = FieldChecker()
        cleaned = check.line("station_name", name, 100, required=True)
        check.raise_if_any()
        with self.ctx.uow() as tx:
            station = tx.session.scalar(
                select(Station).where(Station.code == self.ctx.station_code)
            )
            if station is None:
                raise NotFound("This station is not registered.")
            station.name = cleaned
            tx.commit()
            return StationInfo(station.code, station.name)
