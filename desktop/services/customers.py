"""Customers: create, edit, find (as you type), detect duplicates, merge."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, Select, func, select, text
from sqlalchemy.orm import Session, selectinload

from desktop.models import (
    Customer,
    CustomerPhone,
    Device,
    SalesDocument,
    SearchKey,
    StoreCreditEntry,
    Ticket,
)
from desktop.models.base import utc_now
from desktop.services import audit
from desktop.services.changes import Changes
from desktop.services.context import ServiceContext
from desktop.services.errors import BenchsideError, NotFound, ValidationError
from desktop.services.permissions import Permission
from desktop.services.text import FieldChecker, clean_line, digits_only, is_phone

MAX_PHONES = 10
_PhoneRow = tuple[str, str, str]  # number as typed, digits, label
MIN_DUPLICATE_DIGITS = 6


@dataclass(frozen=True)
class PhoneInput:
    number: str
    label: str = ""


@dataclass(frozen=True)
class CustomerInput:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    phones: Sequence[PhoneInput] = ()
    email: str = ""
    address: str = ""
    notes: str = ""
    tags: Sequence[str] = ()
    marketing_consent: bool = False
    birth_date: date | None = None


@dataclass(frozen=True)
class Phone:
    number: str
    label: str


@dataclass(frozen=True)
class CustomerSummary:
    id: uuid.UUID
    name: str
    company: str
    phone: str
    email: str
    sort_name: str


@dataclass(frozen=True)
class CustomerDetail:
    id: uuid.UUID
    first_name: str
    last_name: str
    company: str
    phones: tuple[Phone, ...]
    email: str
    address: str
    notes: str
    tags: tuple[str, ...]
    marketing_consent: bool
    birth_date: date | None
    created_at: datetime
    updated_at: datetime
    device_count: int = 0

    @property
    def name(self) -> str:
        return display_name(self.first_name, self.last_name, self.company)


@dataclass(frozen=True)
class MergeResult:
    kept: CustomerDetail
    changes: Changes = field(default_factory=Changes)


class DuplicateCustomer(BenchsideError):
    """A customer with the same phone or email exists; the UI offers to open it."""

    def __init__(self, matches: list[CustomerSummary]) -> None:
        self.matches = matches
        names = ", ".join(m.name for m in matches[:3])
        super().__init__(f"A customer with this phone or email already exists: {names}.")


FTS_ROWIDS = "SELECT rowid FROM customer_fts WHERE customer_fts MATCH :match"
FTS_ORDER = "ORDER BY rowid DESC"  # newest customers first, straight from the index
PREFIX_ROWIDS = (
    "SELECT k.rowid FROM search_keys k JOIN customers c ON c.id = k.entity_id "
    "WHERE c.sort_name >= :lo AND c.sort_name < :hi"
)
PREFIX_ORDER = "ORDER BY c.sort_name"


def display_name(first: str, last: str, company: str) -> str:
    name = f"{first} {last}".strip()
    return name or company or "(no name)"


def normalise_tags(tags: Sequence[str]) -> tuple[str, ...]:
    cleaned = {clean_line(t).replace(",", " ").strip().lower() for t in tags}
    return tuple(sorted(t[:40] for t in cleaned if t))


def sort_key(first: str, last: str, company: str) -> str:
    return " ".join(f"{last} {first} {company}".lower().split())[:420]


def fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def customer_match_sql(query: str) -> tuple[str, dict[str, object], str] | None:
    """SQL selecting the search_keys row ids of customers matching ``query``, its
    parameters and its natural order, or None when the query is empty."""
    cleaned = clean_line(query)[:200]
    if not cleaned:
        return None
    digits = digits_only(cleaned)
    if not any(ch.isalpha() for ch in cleaned) and len(digits) >= 3:
        params: dict[str, object] = {"match": f"phones : {fts_phrase(digits)}"}
        return FTS_ROWIDS, params, FTS_ORDER
    tokens = cleaned.split()
    long_tokens = [t for t in tokens if len(t) >= 3]
    if not long_tokens:
        # One or two letters: last names starting with them (trigrams need three).
        low = cleaned.lower()
        return PREFIX_ROWIDS, {"lo": low, "hi": low + "\uffff"}, PREFIX_ORDER
    sql = FTS_ROWIDS
    params = {"match": " AND ".join(fts_phrase(t) for t in long_tokens)}
    for index, token in enumerate(t for t in tokens if len(t) < 3):
        sql += f" AND (name LIKE :s{index} ESCAPE '\\' OR company LIKE :s{index} ESCAPE '\\')"
        params[f"s{index}"] = "%" + token.replace("%", "\\%").replace("_", "\\_") + "%"
    return sql, params, FTS_ORDER


def _first_phone_column() -> Any:
    return (
        select(CustomerPhone.number)
        .where(CustomerPhone.customer_id == Customer.id)
        .order_by(CustomerPhone.position)
        .limit(1)
        .scalar_subquery()
    )


class CustomerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- reading ----------------------------------------------------------------------

    def get(self, customer_id: uuid.UUID) -> CustomerDetail:
        with self.ctx.uow() as tx:
            customer = tx.session.get(
                Customer, customer_id, options=[selectinload(Customer.phones)]
            )
            if customer is None:
                raise NotFound("This customer no longer exists.")
            return self._detail(tx.session, customer)

    def _detail(self, session: Session, c: Customer) -> CustomerDetail:
        devices = session.scalar(
            select(func.count()).select_from(Device).where(Device.customer_id == c.id)
        )
        return CustomerDetail(
            id=c.id,
            first_name=c.first_name,
            last_name=c.last_name,
            company=c.company,
            phones=tuple(Phone(p.number, p.label) for p in c.phones),
            email=c.email,
            address=c.address,
            notes=c.notes,
            tags=tuple(t for t in c.tags.split(",") if t),
            marketing_consent=c.marketing_consent,
            birth_date=c.birth_date,
            created_at=c.created_at,
            updated_at=c.updated_at,
            device_count=int(devices or 0),
        )

    def _summaries(self, session: Session, query: Select[Any]) -> list[CustomerSummary]:
        rows = session.execute(query)
        return [
            CustomerSummary(
                id=row.id,
                name=display_name(row.first_name, row.last_name, row.company),
                company=row.company,
                phone=row.phone or "",
                email=row.email,
                sort_name=row.sort_name,
            )
            for row in rows
        ]

    def _summary_select(self) -> Select[Any]:
        return select(
            Customer.id,
            Customer.first_name,
            Customer.last_name,
            Customer.company,
            Customer.email,
            Customer.sort_name,
            _first_phone_column().label("phone"),
        )

    def _match_rowids(self, session: Session, query: str, limit: int) -> list[int] | None:
        found = customer_match_sql(query)
        if found is None:
            return None
        sql, params, order = found
        rows = session.scalars(text(f"{sql} {order} LIMIT :limit"), {**params, "limit": limit})
        return [int(r) for r in rows]

    def search(self, query: str, limit: int = 50) -> list[CustomerSummary]:
        """Customers matching part of a name, company or email, or any digits of a phone."""
        with self.ctx.uow() as tx:
            rowids = self._match_rowids(tx.session, query, limit)
            if not rowids:
                return []
            statement = (
                self._summary_select()
                .join(SearchKey, SearchKey.entity_id == Customer.id)
                .where(SearchKey.rowid.in_(rowids))
                .add_columns(SearchKey.rowid)
            )
            found = self._summaries(tx.session, statement)
            order = {row: index for index, row in enumerate(rowids)}
            keyed = tx.session.execute(
                select(SearchKey.entity_id, SearchKey.rowid).where(SearchKey.rowid.in_(rowids))
            )
            position = {entity: order[rowid] for entity, rowid in keyed}
            return sorted(found, key=lambda c: position.get(c.id, 0))

    def count(self, query: str = "") -> int:
        """How many customers the list shows for ``query`` (all when empty)."""
        with self.ctx.uow() as tx:
            found = customer_match_sql(query)
            if found is None:
                return int(tx.session.scalar(select(func.count()).select_from(Customer)) or 0)
            sql, params, _ = found
            return int(tx.session.scalar(text(f"SELECT count(*) FROM ({sql})"), params) or 0)

    def page(
        self,
        query: str = "",
        *,
        after: tuple[str, uuid.UUID] | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[CustomerSummary]:
        """One page of the customer list ordered by name.

        Continue with ``after`` = (sort_name, id) of the last row (keyset, constant time),
        or jump with ``offset`` (used when the user drags the scroll bar far ahead).
        """
        with self.ctx.uow() as tx:
            statement = self._summary_select()
            found = customer_match_sql(query)
            if found is not None:
                sql, params, _ = found
                matching = text(sql).bindparams(**params).columns(rowid=Integer)
                statement = statement.join(SearchKey, SearchKey.entity_id == Customer.id).where(
                    SearchKey.rowid.in_(matching)
                )
            if after is not None:
                statement = statement.where(
                    (Customer.sort_name > after[0])
                    | ((Customer.sort_name == after[0]) & (Customer.id > after[1]))
                )
            statement = statement.order_by(Customer.sort_name, Customer.id).limit(limit)
            if offset:
                statement = statement.offset(offset)
            return self._summaries(tx.session, statement)

    def find_duplicates(
        self, phones: Sequence[str], email: str, exclude: uuid.UUID | None = None
    ) -> list[CustomerSummary]:
        """Customers sharing one of these phone numbers (by digits) or this email."""
        digits = [d for d in (digits_only(p) for p in phones) if len(d) >= MIN_DUPLICATE_DIGITS]
        email = clean_line(email).lower()
        if not digits and not email:
            return []
        with self.ctx.uow() as tx:
            ids: set[uuid.UUID] = set()
            for number in digits:
                ids |= self._same_phone(tx.session, number)
            if email:
                ids |= set(tx.session.scalars(select(Customer.id).where(Customer.email == email)))
            if exclude is not None:
                ids.discard(exclude)
            if not ids:
                return []
            statement = self._summary_select().where(Customer.id.in_(ids)).limit(10)
            return self._summaries(tx.session, statement)

    def _same_phone(self, session: Session, digits: str) -> set[uuid.UUID]:
        """Customers with this number, also when one side was typed with a country or
        trunk prefix (+1 555…, 0555…): the shorter number must end the longer one."""
        tail = digits[-MIN_DUPLICATE_DIGITS:]
        rowids = session.scalars(
            text("SELECT rowid FROM customer_fts WHERE customer_fts MATCH :m LIMIT 200"),
            {"m": f"phones : {fts_phrase(tail)}"},
        ).all()
        if not rowids:
            return set()
        rows = session.execute(
            select(CustomerPhone.customer_id, CustomerPhone.digits)
            .join(SearchKey, SearchKey.entity_id == CustomerPhone.customer_id)
            .where(SearchKey.rowid.in_(rowids))
        )
        return {
            customer
            for customer, stored in rows
            if len(stored) >= MIN_DUPLICATE_DIGITS
            and (stored.endswith(digits) or digits.endswith(stored))
        }

    # -- writing ----------------------------------------------------------------------

    def _validated(self, data: CustomerInput) -> tuple[dict[str, object], list[_PhoneRow]]:
        check = FieldChecker()
        values: dict[str, object] = {
            "first_name": check.line("first_name", data.first_name, 100),
            "last_name": check.line("last_name", data.last_name, 100),
            "company": check.line("company", data.company, 200),
            "email": check.email("email", data.email),
            "address": check.text("address", data.address, 1000),
            "notes": check.text("notes", data.notes, 20_000),
            "marketing_consent": bool(data.marketing_consent),
            "birth_date": data.birth_date,
        }
        if not (values["first_name"] or values["last_name"] or values["company"]):
            check.fail("last_name", "Enter a first name, a last name or a company.")
        if data.birth_date is not None and data.birth_date > date.today():
            check.fail("birth_date", "The birth date is in the future.")
        if data.birth_date is not None and data.birth_date.year < 1900:
            check.fail("birth_date", "The birth date is before 1900.")
        tags = normalise_tags(data.tags)
        if len(",".join(tags)) > 1000:
            check.fail("tags", "Too many tags.")
        values["tags"] = ",".join(tags)
        phones: list[_PhoneRow] = []
        seen: set[str] = set()
        for index, phone in enumerate(data.phones):
            number = clean_line(phone.number)
            if not number:
                continue
            if len(number) > 50 or not is_phone(number):
                check.fail(
                    f"phone_{index}",
                    f"“{number[:30]}” is not a phone number (digits, spaces, + ( ) - only).",
                )
                continue
            digits = digits_only(number)
            if digits in seen:
                continue
            seen.add(digits)
            phones.append((number, digits, clean_line(phone.label)[:30]))
        if len(phones) > MAX_PHONES:
            check.fail("phones", f"At most {MAX_PHONES} phone numbers.")
        check.raise_if_any()
        return values, phones

    def _apply(
        self, customer: Customer, values: dict[str, object], phones: list[_PhoneRow]
    ) -> None:
        for key, value in values.items():
            setattr(customer, key, value)
        customer.sort_name = sort_key(customer.first_name, customer.last_name, customer.company)
        existing = {p.digits: p for p in customer.phones}
        wanted = []
        for position, (number, digits, label) in enumerate(phones):
            phone = existing.pop(digits, None) or CustomerPhone(digits=digits)
            phone.number, phone.label, phone.position = number, label, position
            wanted.append(phone)
        customer.phones = wanted

    def create(self, data: CustomerInput, allow_duplicate: bool = False) -> CustomerDetail:
        """Create a customer. Raises ``ValidationError``, or ``DuplicateCustomer`` when the
        phone or email is already known (unless ``allow_duplicate``)."""
        self.ctx.require(Permission.EDIT_CUSTOMERS)
        values, phones = self._validated(data)
        if not allow_duplicate:
            matches = self.find_duplicates([p[0] for p in phones], str(values["email"]))
            if matches:
                raise DuplicateCustomer(matches)
        with self.ctx.uow() as tx:
            customer = Customer()
            customer.phones = []
            self._apply(customer, values, phones)
            tx.session.add(customer)
            tx.commit()
            return self._detail(tx.session, customer)

    def update(self, customer_id: uuid.UUID, data: CustomerInput) -> CustomerDetail:
        """Save changes to a customer. Raises ``ValidationError`` or ``NotFound``."""
        self.ctx.require(Permission.EDIT_CUSTOMERS)
        values, phones = self._validated(data)
        with self.ctx.uow() as tx:
            customer = tx.session.get(
                Customer, customer_id, options=[selectinload(Customer.phones)]
            )
            if customer is None:
                raise NotFound("This customer no longer exists.")
            self._apply(customer, values, phones)
            tx.commit()
            return self._detail(tx.session, customer)

    def delete(self, customer_id: uuid.UUID) -> None:
        """Delete a customer without devices (managers). Raises ``ValidationError`` else."""
        self.ctx.require(Permission.DELETE_CUSTOMERS)
        with self.ctx.uow() as tx:
            customer = tx.session.get(Customer, customer_id)
            if customer is None:
                raise NotFound("This customer no longer exists.")
            if customer.devices or _has_any(tx.session, customer.id, Ticket, SalesDocument):
                raise ValidationError(
                    {
                        "customer": "This customer has devices, tickets or sales; merge the "
                        "customer into another instead."
                    }
                )
            _refuse_store_credit(tx.session, customer)
            audit.record(
                tx.session,
                self.ctx,
                "customer_deleted",
                "customer",
                str(customer.id),
                name=display_name(customer.first_name, customer.last_name, customer.company),
            )
            tx.session.delete(customer)
            tx.commit()

    def merge(self, keep_id: uuid.UUID, merge_id: uuid.UUID) -> MergeResult:
        """Fold ``merge_id`` into ``keep_id``: devices, phones, tickets and sales move,
        empty fields are filled, tags and notes are combined, then the merged record is
        deleted. A customer with store credit history is refused: that ledger stays with
        the customer it was written for."""
        self.ctx.require(Permission.MERGE_CUSTOMERS)
        if keep_id == merge_id:
            raise ValidationError({"customer": "Choose two different customers."})
        with self.ctx.uow() as tx:
            options = [selectinload(Customer.phones), selectinload(Customer.devices)]
            keep = tx.session.get(Customer, keep_id, options=options)
            gone = tx.session.get(Customer, merge_id, options=options)
            if keep is None or gone is None:
                raise NotFound("One of these customers no longer exists.")
            for name in ("first_name", "last_name", "company", "email", "address", "birth_date"):
                if not getattr(keep, name) and getattr(gone, name):
                    setattr(keep, name, getattr(gone, name))
            if gone.notes:
                keep.notes = f"{keep.notes}\n\n{gone.notes}".strip()
            keep.tags = ",".join(normalise_tags([*keep.tags.split(","), *gone.tags.split(",")]))
            keep.marketing_consent = keep.marketing_consent or gone.marketing_consent
            keep.sort_name = sort_key(keep.first_name, keep.last_name, keep.company)
            known = {p.digits for p in keep.phones}
            for phone in list(gone.phones):
                if phone.digits not in known and len(keep.phones) < MAX_PHONES:
                    keep.phones.append(
                        CustomerPhone(
                            number=phone.number,
                            digits=phone.digits,
                            label=phone.label,
                            position=len(keep.phones),
                        )
                    )
                    known.add(phone.digits)
            _refuse_store_credit(tx.session, gone)
            moved = set()
            for device in list(gone.devices):
                device.customer_id = keep.id
                moved.add(device.id)
            # Their tickets, sales and invoices go with them, one object at a time so
            # each move is recorded for sync like any other edit.
            tickets = list(tx.session.scalars(select(Ticket).where(Ticket.customer_id == gone.id)))
            for ticket in tickets:
                ticket.customer_id = keep.id
            of_gone = select(SalesDocument).where(SalesDocument.customer_id == gone.id)
            documents = list(tx.session.scalars(of_gone))
            for document in documents:
                document.customer_id = keep.id
            tx.session.flush()
            tx.session.expire(gone, ["devices"])
            audit.record(
                tx.session,
                self.ctx,
                "customers_merged",
                "customer",
                str(keep.id),
                merged=str(gone.id),
                merged_name=display_name(gone.first_name, gone.last_name, gone.company),
            )
            tx.session.delete(gone)
            keep.updated_at = utc_now()
            tx.commit()
            detail = self._detail(tx.session, keep)
        return MergeResult(
            detail,
            Changes(
                customers=frozenset({keep_id, merge_id}),
                devices=frozenset(moved),
                tickets=frozenset(ticket.id for ticket in tickets),
                documents=frozenset(document.id for document in documents),
            ),
        )


def _has_any(
    session: Session, customer_id: uuid.UUID, *kinds: type[Ticket | SalesDocument]
) -> bool:
    return any(
        session.scalar(select(kind.id).where(kind.customer_id == customer_id).limit(1)) is not None
        for kind in kinds
    )


def _refuse_store_credit(session: Session, customer: Customer) -> None:
    """Store credit entries are a ledger of this customer: never moved, never removed."""
    held = session.scalar(
        select(StoreCreditEntry.id).where(StoreCreditEntry.customer_id == customer.id).limit(1)
    )
    if held is not None:
        name = display_name(customer.first_name, customer.last_name, customer.company)
        raise ValidationError(
            {
                "customer": f"{name} has store credit history, which stays with them: "
                "keep this customer."
            }
        )
