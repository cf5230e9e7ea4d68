"""How the shop sells: the rates of its tax classes, the payment methods the counter
offers, and the selling settings of the shop profile (rounding, invoice numbers and
paper, discount and refund limits). The owner changes them; anyone signed in reads them.

Payment methods are never deleted, only retired, because payments name them by code;
a method's code is made once from its first name and never changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import PaymentMethod, ShopProfile, TaxClass
from desktop.services import audit
from desktop.services.changes import Changes
from desktop.services.context import ServiceContext
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.ids import stable_id
from desktop.services.items import TAX_CLASSES
from desktop.services.numbering import FORMATS, next_number
from desktop.services.permissions import Permission
from desktop.services.pricing import FULL_BP
from desktop.services.sales_types import PaymentMethodInfo, TaxRate
from desktop.services.shop import shop_profile
from desktop.services.tax_classes import STANDARD, UNTAXED
from desktop.services.text import FieldChecker, clean_line
from desktop.services.ticket_types import MAX_MONEY

PAYMENT_KINDS = ("cash", "card", "bank", "mobile", "store_credit", "on_account", "other")
# The sale screen looks these up by kind: it must find one balance to spend, one to owe.
SINGLE_KINDS = {"store_credit": "store credit", "on_account": "on account"}
ROUNDING_MODES = ("line", "document")
# The smallest coin cash totals round to, in minor units; 0 rounds nothing.
CASH_ROUNDING_STEPS = (0, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
INVOICE_PREFIX = re.compile(r"^[A-Z]{1,6}$")
MAX_PAYMENT_TERMS_DAYS = 365
MAX_TAX_ID_LINES = 6
# Free text printed on invoices and receipts, and its longest length.
TEXT_LIMITS = {"invoice_footer": 2000, "receipt_footer": 500, "bank_details": 1000}

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class SellingSettings:
    """The selling part of the shop profile, as the Selling settings edit it."""

    prices_include_tax: bool
    rounding_mode: str  # line | document: where tax is rounded
    cash_rounding: int  # smallest coin, minor units; 0 == none
    invoice_prefix: str
    payment_terms_days: int
    invoice_footer: str
    receipt_footer: str
    bank_details: str
    tax_ids: str  # one per line, printed under the shop's tax id
    front_desk_discount_limit_bp: int
    technician_discount_limit_bp: int
    refund_limit: int  # minor units; a larger refund needs a manager
    tips_allowed: bool


@dataclass(frozen=True)
class TaxClassChange:
    code: str
    name: str
    rate_bp: int


@dataclass(frozen=True)
class SettingsSaved(Generic[T_co]):
    """What a change saved, and what the open screens should reload."""

    value: T_co
    changes: Changes


def _saved(value: T) -> SettingsSaved[T]:
    return SettingsSaved(value, Changes(shop=True))


def next_invoice_number(session: Session, station_code: str) -> str:
    """The next invoice number with the shop's prefix (``INV-A-000123``), taken in the
    caller's transaction."""
    prefix = session.scalar(select(ShopProfile.invoice_prefix).limit(1))
    return next_number(session, station_code, "invoice", prefix=prefix or None)


def _selling_of(profile: ShopProfile) -> SellingSettings:
    return SellingSettings(**{f.name: getattr(profile, f.name) for f in fields(SellingSettings)})


def _tax_rate(tax_class: TaxClass) -> TaxRate:
    return TaxRate(tax_class.code, tax_class.name, tax_class.rate_bp, tax_class.active)


def _method_info(method: PaymentMethod) -> PaymentMethodInfo:
    return PaymentMethodInfo(
        method.id,
        method.code,
        method.name,
        method.kind,
        method.needs_reference,
        method.active,
        method.position,
    )


def _in_list_order(methods: Sequence[PaymentMethod]) -> list[PaymentMethod]:
    """Methods in use first, each group in the owner's order."""
    return sorted(methods, key=lambda m: (not m.active, m.position, m.name.casefold()))


def check_selling(settings: SellingSettings) -> dict[str, Any]:
    """The cleaned profile values of ``settings``; raises ``ValidationError`` naming
    every field that is wrong."""
    s = settings
    check = FieldChecker()
    values: dict[str, Any] = {
        "prices_include_tax": bool(s.prices_include_tax),
        "tips_allowed": bool(s.tips_allowed),
    }
    if s.rounding_mode not in ROUNDING_MODES:
        check.fail("rounding_mode", "Choose to round tax per line or per document.")
    values["rounding_mode"] = s.rounding_mode
    cash_rounding = 0 if s.cash_rounding == 1 else s.cash_rounding
    if cash_rounding not in CASH_ROUNDING_STEPS:
        check.fail("cash_rounding", "Choose no rounding or one of the coins offered.")
    values["cash_rounding"] = cash_rounding
    values["invoice_prefix"] = _check_prefix(check, s.invoice_prefix)
    if not 0 <= s.payment_terms_days <= MAX_PAYMENT_TERMS_DAYS:
        check.fail("payment_terms_days", f"Between 0 and {MAX_PAYMENT_TERMS_DAYS} days.")
    values["payment_terms_days"] = s.payment_terms_days
    for name, limit in TEXT_LIMITS.items():
        values[name] = check.text(name, getattr(s, name), limit)
    values["tax_ids"] = _check_tax_ids(check, s.tax_ids)
    for name in ("front_desk_discount_limit_bp", "technician_discount_limit_bp"):
        if not 0 <= getattr(s, name) <= FULL_BP:
            check.fail(name, "Between 0 % and 100 %.")
        values[name] = getattr(s, name)
    if s.refund_limit < 0:
        check.fail("refund_limit", "The refund limit cannot be negative.")
    elif s.refund_limit > MAX_MONEY:
        check.fail("refund_limit", "That is more than any refund could be.")
    values["refund_limit"] = s.refund_limit
    check.raise_if_any()
    return values


def _check_prefix(check: FieldChecker, prefix: str) -> str:
    cleaned = prefix.strip().upper()
    if not INVOICE_PREFIX.match(cleaned):
        check.fail("invoice_prefix", "Use 1 to 6 letters, such as INV.")
        return cleaned
    # Sales, credit notes and invoices share one column of unique numbers, and a scanned
    # T-… is a ticket: another kind's prefix would make two documents one number.
    taken = {fmt.prefix: kind for kind, fmt in FORMATS.items() if kind != "invoice"}
    if cleaned in taken:
        used_by = taken[cleaned].replace("_", " ")
        check.fail("invoice_prefix", f"{cleaned} numbers the {used_by}s; choose another.")
    return cleaned


def _check_tax_ids(check: FieldChecker, text: str) -> str:
    cleaned = check.text("tax_ids", text, 1000)
    lines = [line for line in (clean_line(raw) for raw in cleaned.split("\n")) if line]
    if len(lines) > MAX_TAX_ID_LINES:
        check.fail("tax_ids", f"At most {MAX_TAX_ID_LINES} lines.")
    elif any(len(line) > 100 for line in lines):
        check.fail("tax_ids", "A line is too long: at most 100 characters.")
    return "\n".join(lines)


def _new_code(name: str, taken: set[str]) -> str:
    """A code from the name (``Card (Amex)`` → ``card_amex``) that no method has had.

    Two stations adding the same name offline make the same code and so the same row.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:24].strip("_")
    base = base or "method"
    code, suffix = base, 2
    while code in taken:
        code, suffix = f"{base}_{suffix}", suffix + 1
    return code


def _kind_problem(methods: Sequence[PaymentMethod], changed: PaymentMethod) -> str | None:
    """Why the methods in use, after ``changed`` was changed, cannot work at the counter."""
    active = [m for m in methods if m.active]
    if not any(m.kind == "cash" for m in active):
        return "At least one cash method must stay in use: the drawer counts on it."
    for kind, label in SINGLE_KINDS.items():
        same = [m for m in active if m.kind == kind]
        if len(same) > 1:
            other = next(m for m in same if m is not changed)
            return f"Only one {label} method can be in use: “{other.name}” is."
    return None


class SalesSettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _signed_in(self) -> None:
        if self.ctx.actor is None:
            raise PermissionDenied("Please sign in first.")

    # -- selling settings ---------------------------------------------------------------

    def selling(self) -> SellingSettings:
        """The selling settings. Raises ``PermissionDenied`` when nobody is signed in."""
        self._signed_in()
        with self.ctx.uow() as tx:
            return _selling_of(shop_profile(tx.session))

    def update_selling(self, settings: SellingSettings) -> SettingsSaved[SellingSettings]:
        """Save the selling settings (owner). Raises ``ValidationError`` naming every
        wrong field, ``PermissionDenied``."""
        self.ctx.require(Permission.MANAGE_SHOP)
        values = check_selling(settings)
        with self.ctx.uow() as tx:
            profile = shop_profile(tx.session)
            before = _selling_of(profile)
            for key, value in values.items():
                setattr(profile, key, value)
            after = _selling_of(profile)
            changed = {
                f.name: [getattr(before, f.name), getattr(after, f.name)]
                for f in fields(SellingSettings)
                if getattr(before, f.name) != getattr(after, f.name)
            }
            if changed:
                audit.record(
                    tx.session,
                    self.ctx,
                    "selling_settings_changed",
                    "shop",
                    str(profile.id),
                    changed=changed,
                )
            tx.commit()
            return _saved(after)

    # -- tax classes --------------------------------------------------------------------

    def tax_classes(self) -> list[TaxRate]:
        """The four tax classes in their order. Raises ``PermissionDenied`` when nobody
        is signed in."""
        self._signed_in()
        with self.ctx.uow() as tx:
            rows = tx.session.scalars(select(TaxClass).order_by(TaxClass.position))
            return [_tax_rate(row) for row in rows]

    def update_tax_classes(
        self, changes: Sequence[TaxClassChange]
    ) -> SettingsSaved[tuple[TaxRate, ...]]:
        """Rename tax classes and change their rates (owner), all or none. The standard
        class's rate is the shop's default rate too.

        Fields are named ``<code>.name`` and ``<code>.rate_bp``. Raises
        ``ValidationError``, ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_SHOP)
        codes = [change.code for change in changes]
        if len(set(codes)) != len(codes) or not set(codes) <= set(TAX_CLASSES):
            known = ", ".join(TAX_CLASSES)
            raise ValidationError({"code": f"Change each of {known} at most once."})
        with self.ctx.uow() as tx:
            classes = {c.code: c for c in tx.session.scalars(select(TaxClass))}
            if not set(codes) <= set(classes):
                raise NotFound("A tax class is missing. Restore the latest backup.")
            wanted = _checked_tax_changes(changes, classes)
            changed: dict[str, dict[str, list[object]]] = {}
            for code, (name, rate_bp) in wanted.items():
                tax_class = classes[code]
                diff = {
                    key: [getattr(tax_class, key), value]
                    for key, value in (("name", name), ("rate_bp", rate_bp))
                    if getattr(tax_class, key) != value
                }
                if diff:
                    changed[code] = diff
                    tax_class.name, tax_class.rate_bp = name, rate_bp
            if STANDARD in changed:
                shop_profile(tx.session).default_tax_rate_bp = classes[STANDARD].rate_bp
            if changed:
                audit.record(
                    tx.session, self.ctx, "tax_classes_changed", "tax_class", changed=changed
                )
            tx.commit()
            ordered = sorted(classes.values(), key=lambda c: c.position)
            return _saved(tuple(_tax_rate(c) for c in ordered))

    # -- payment methods ----------------------------------------------------------------

    def payment_methods(self) -> list[PaymentMethodInfo]:
        """Every payment method, those in use first, in the owner's order. Raises
        ``PermissionDenied`` when nobody is signed in."""
        self._signed_in()
        with self.ctx.uow() as tx:
            return [_method_info(m) for m in _in_list_order(_all_methods(tx.session))]

    def add_payment_method(
        self, name: str, kind: str, needs_reference: bool = False
    ) -> SettingsSaved[PaymentMethodInfo]:
        """Offer a new way to pay, last in the list (owner). Its code comes from the name.

        Raises ``ValidationError`` (``name``, ``kind``), ``PermissionDenied``.
        """
        self.ctx.require(Permission.MANAGE_SHOP)
        with self.ctx.uow() as tx:
            methods = _all_methods(tx.session)
            check = FieldChecker()
            cleaned = _check_method_name(check, methods, None, name)
            code = _new_code(cleaned, {m.code for m in methods})
            method = PaymentMethod(
                id=stable_id("payment_method", code),
                code=code,
                name=cleaned,
                kind=kind,
                needs_reference=bool(needs_reference),
                active=True,
                position=max((m.position for m in methods), default=-1) + 1,
            )
            _check_kind(check, [*methods, method], method, "kind")
            check.raise_if_any()
            tx.session.add(method)
            audit.record(
                tx.session,
                self.ctx,
                "payment_method_added",
                "payment_method",
                code,
                name=cleaned,
                kind=kind,
            )
            tx.commit()
            return _saved(_method_info(method))

    def update_payment_method(
        self, code: str, name: str, kind: str, needs_reference: bool
    ) -> SettingsSaved[PaymentMethodInfo]:
        """Rename a method or change its kind or whether it asks for a reference (owner);
        its code stays. Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.MANAGE_SHOP)
        with self.ctx.uow() as tx:
            methods = _all_methods(tx.session)
            method = _method(methods, code)
            check = FieldChecker()
            cleaned = _check_method_name(check, methods, method, name)
            before = {
                "name": method.name,
                "kind": method.kind,
                "needs_reference": method.needs_reference,
            }
            method.name, method.kind = cleaned, kind
            method.needs_reference = bool(needs_reference)
            _check_kind(check, methods, method, "kind")
            check.raise_if_any()
            diff = {
                key: [old, getattr(method, key)]
                for key, old in before.items()
                if getattr(method, key) != old
            }
            if diff:
                audit.record(
                    tx.session,
                    self.ctx,
                    "payment_method_changed",
                    "payment_method",
                    code,
                    changed=diff,
                )
            tx.commit()
            return _saved(_method_info(method))

    def reorder_payment_methods(
        self, codes: Sequence[str]
    ) -> SettingsSaved[tuple[PaymentMethodInfo, ...]]:
        """Put the methods in this order (owner); methods not named (added at another
        station meanwhile) follow in their order. Raises ``ValidationError`` for a code
        given twice, ``NotFound``, ``PermissionDenied``."""
        self.ctx.require(Permission.MANAGE_SHOP)
        if len(set(codes)) != len(codes):
            raise ValidationError({"order": "A payment method is in the list twice."})
        with self.ctx.uow() as tx:
            methods = _all_methods(tx.session)
            named = [_method(methods, code) for code in codes]
            rest = [m for m in sorted(methods, key=lambda m: m.position) if m not in named]
            for position, method in enumerate([*named, *rest]):
                method.position = position
            audit.record(
                tx.session,
                self.ctx,
                "payment_methods_reordered",
                "payment_method",
                order=list(codes),
            )
            tx.commit()
            return _saved(tuple(_method_info(m) for m in _in_list_order(methods)))

    def retire_payment_method(self, code: str) -> SettingsSaved[PaymentMethodInfo]:
        """Stop offering a method; its payments keep its name (owner). Refused for the
        last cash method. Raises ``ValidationError``, ``NotFound``, ``PermissionDenied``."""
        return self._set_active(code, False)

    def restore_payment_method(self, code: str) -> SettingsSaved[PaymentMethodInfo]:
        """Offer a retired method again (owner). Refused when another store credit or on
        account method is in use. Raises ``ValidationError``, ``NotFound``,
        ``PermissionDenied``."""
        return self._set_active(code, True)

    def _set_active(self, code: str, active: bool) -> SettingsSaved[PaymentMethodInfo]:
        self.ctx.require(Permission.MANAGE_SHOP)
        with self.ctx.uow() as tx:
            methods = _all_methods(tx.session)
            method = _method(methods, code)
            if method.active != active:
                method.active = active
                check = FieldChecker()
                _check_kind(check, methods, method, "method")
                check.raise_if_any()
                action = "payment_method_restored" if active else "payment_method_retired"
                audit.record(tx.session, self.ctx, action, "payment_method", code, name=method.name)
            tx.commit()
            return _saved(_method_info(method))


def _all_methods(session: Session) -> list[PaymentMethod]:
    return list(session.scalars(select(PaymentMethod)))


def _method(methods: Sequence[PaymentMethod], code: str) -> PaymentMethod:
    found = next((m for m in methods if m.code == code), None)
    if found is None:
        raise NotFound("This payment method no longer exists.")
    return found


def _check_method_name(
    check: FieldChecker, methods: Sequence[PaymentMethod], target: PaymentMethod | None, name: str
) -> str:
    cleaned = check.line("name", name, 60, required=True)
    folded = cleaned.casefold()
    clash = next((m for m in methods if m is not target and m.name.casefold() == folded), None)
    if cleaned and clash is not None:
        if clash.active:
            check.fail("name", "A payment method has this name.")
        else:
            check.fail("name", f"A retired method is called “{clash.name}”: restore it instead.")
    return cleaned


def _check_kind(
    check: FieldChecker, methods: Sequence[PaymentMethod], changed: PaymentMethod, field: str
) -> None:
    if changed.kind not in PAYMENT_KINDS:
        check.fail("kind", "Choose what kind of payment this is.")
        return
    problem = _kind_problem(methods, changed)
    if problem:
        check.fail(field, problem)


def _checked_tax_changes(
    changes: Sequence[TaxClassChange], classes: dict[str, TaxClass]
) -> dict[str, tuple[str, int]]:
    """Each change's cleaned name and rate; raises ``ValidationError`` for all at once."""
    check = FieldChecker()
    wanted: dict[str, tuple[str, int]] = {}
    for change in changes:
        name = check.line(f"{change.code}.name", change.name, 60, required=True)
        rate_field = f"{change.code}.rate_bp"
        if not 0 <= change.rate_bp <= FULL_BP:
            check.fail(rate_field, "The rate must be between 0 % and 100 %.")
        elif change.code in UNTAXED and change.rate_bp:
            check.fail(rate_field, "Zero-rated and exempt sales charge no tax.")
        wanted[change.code] = (name, change.rate_bp)
    final = {code: wanted.get(code, (c.name, 0))[0].casefold() for code, c in classes.items()}
    for code in wanted:
        if final[code] and any(final[other] == final[code] for other in final if other != code):
            check.fail(f"{code}.name", "Two tax classes cannot share a name.")
    check.raise_if_any()
    return wanted
