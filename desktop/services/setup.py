"""First start: the shop profile, the owner account and this station's identity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from sqlalchemy import func, select

from desktop.models import LocalSetting, ShopProfile, Station, User
from desktop.services import audit
from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.numbering import continue_series
from desktop.services.passwords import (
    hash_secret,
    new_recovery_code,
    password_problem,
)
from desktop.services.permissions import Role
from desktop.services.tax_classes import set_standard_rate
from desktop.services.text import FieldChecker

STATION_KEY = "station_code"
# Set while this PC loads a shop it joined from the sync server; the app shows the load
# again at start until it is done (users may be loaded before the rest of the shop).
JOINING_KEY = "sync_joining"
STATION_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,3}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")
MAX_LOGO_BYTES = 1_000_000

DEFAULT_TICKET_TERMS = (
    "We are not responsible for data loss; please back up your device. "
    "Devices not collected within 90 days of our notice may be disposed of. "
    "Estimates may change after diagnosis; we ask before doing more work. "
    "Repairs carry the warranty stated on your invoice, which does not cover "
    "physical or liquid damage after pickup."
)


@dataclass(frozen=True)
class ShopSetup:
    shop_name: str
    currency: str
    owner_username: str
    owner_display_name: str
    owner_password: str
    station_code: str = "A"
    station_name: str = "Counter"
    address: str = ""
    phone: str = ""
    email: str = ""
    tax_id: str = ""
    locale: str = "en_US"
    prices_include_tax: bool = True
    default_tax_rate_bp: int = 0
    logo: bytes | None = None


def check_shop_fields(check: FieldChecker, setup_or_profile: ShopSetup) -> dict[str, object]:
    """Validated shop profile fields (shared by setup and the profile editor)."""
    s = setup_or_profile
    values: dict[str, object] = {
        "name": check.line("shop_name", s.shop_name, 200, required=True),
        "address": check.text("address", s.address, 1000),
        "phone": check.line("phone", s.phone, 50),
        "email": check.email("email", s.email),
        "tax_id": check.line("tax_id", s.tax_id, 100),
        "prices_include_tax": bool(s.prices_include_tax),
        "default_tax_rate_bp": s.default_tax_rate_bp,
        "logo": s.logo,
    }
    currency = s.currency.strip().upper()
    try:
        get_currency_name(currency)
        valid_currency = len(currency) == 3 and currency.isalpha()
    except (ValueError, KeyError):
        valid_currency = False
    if not valid_currency:
        check.fail("currency", "Choose a currency code such as USD, EUR or BDT.")
    values["currency"] = currency
    try:
        Locale.parse(s.locale)
    except (ValueError, UnknownLocaleError):
        check.fail("locale", "Unknown language/region.")
    values["locale"] = s.locale
    if not 0 <= s.default_tax_rate_bp <= 10000:
        check.fail("default_tax_rate", "The tax rate must be between 0 % and 100 %.")
    if s.logo is not None and len(s.logo) > MAX_LOGO_BYTES:
        check.fail("logo", "The logo file is too large (at most 1 MB).")
    return values


def check_username(check: FieldChecker, field: str, username: str) -> str:
    cleaned = username.strip().lower()
    if not USERNAME.match(cleaned):
        check.fail(
            field,
            "Use 2–50 lower-case letters, digits, dots, dashes or underscores.",
        )
    return cleaned


class SetupService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def is_set_up(self) -> bool:
        with self.ctx.uow() as tx:
            return bool(tx.session.scalar(select(func.count()).select_from(User)))

    def joining(self) -> bool:
        """True while a shop joined from the sync server is still being loaded here."""
        with self.ctx.uow() as tx:
            return tx.session.get(LocalSetting, JOINING_KEY) is not None

    def set_joining(self, joining: bool) -> None:
        """Mark the load of a joined shop as begun (True) or finished (False)."""
        with self.ctx.uow() as tx:
            row = tx.session.get(LocalSetting, JOINING_KEY)
            if joining and row is None:
                tx.session.add(LocalSetting(key=JOINING_KEY, value="1"))
            elif not joining and row is not None:
                tx.session.delete(row)
            tx.commit()

    def adopt_station_code(self, station_code: str) -> str:
        """Become station ``station_code`` (given by the sync server): every number and
        every change made here from now on carries it. Raises ``ValidationError``."""
        code = station_code.strip().upper()
        if not STATION_CODE.match(code):
            raise ValidationError({"station_code": "The server gave an invalid station code."})
        self.ctx.set_station(code)
        with self.ctx.uow() as tx:
            tx.session.merge(LocalSetting(key=STATION_KEY, value=code))
            tx.commit()
        return code

    def join_shop(self, station_code: str, station_name: str) -> None:
        """Become station ``station_code`` of the shop just loaded from the server: adopt
        the code, add the station if the shop doesn't know it, and continue its number
        series past the numbers it gave before (a reinstalled PC)."""
        code = self.adopt_station_code(station_code)
        with self.ctx.uow() as tx:
            if tx.session.scalar(select(Station.id).where(Station.code == code)) is None:
                tx.session.add(Station(code=code, name=station_name.strip()[:100] or code))
            continue_series(tx.session, code)
            tx.commit()

    def create_shop(self, setup: ShopSetup) -> str:
        """Create the shop, the owner and this station. Returns the owner's one-time
        recovery code (shown once). Raises ``ValidationError``; nothing is written then."""
        check = FieldChecker()
        shop = check_shop_fields(check, setup)
        username = check_username(check, "owner_username", setup.owner_username)
        display = check.line("owner_display_name", setup.owner_display_name, 100, required=True)
        problem = password_problem(setup.owner_password)
        if problem:
            check.fail("owner_password", problem)
        code = setup.station_code.strip().upper()
        if not STATION_CODE.match(code):
            check.fail("station_code", "Use 1–4 capital letters or digits, starting with a letter.")
        station_name = check.line("station_name", setup.station_name, 100, required=True)
        check.raise_if_any()
        if self.is_set_up():
            raise ValidationError({"shop_name": "This database already has a shop."})

        recovery = new_recovery_code()
        self.ctx.set_station(code)
        with self.ctx.uow() as tx:
            tx.session.add(ShopProfile(**shop, ticket_terms=DEFAULT_TICKET_TERMS))
            # The tax classes were seeded before there was a profile to take the rate from.
            set_standard_rate(tx.session, setup.default_tax_rate_bp)
            tx.session.add(Station(code=code, name=station_name))
            tx.session.add(LocalSetting(key=STATION_KEY, value=code))
            owner = User(
                username=username,
                display_name=display,
                role=Role.OWNER.value,
                password_hash=hash_secret(setup.owner_password),
                recovery_code_hash=hash_secret(recovery),
            )
            tx.session.add(owner)
            tx.session.flush()
            audit.record(tx.session, self.ctx, "shop_created", "shop", "", username=username)
            tx.commit()
        return recovery
