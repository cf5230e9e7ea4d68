"""What the manager's reports read, for the benchmark dataset: repairs with labour, parts
and deposits (most of them checked out), refunds, voided carts, one closed cash shift per
station and day with its Z report, the audit log, and warranty comebacks.

Each row is what the services write for the same event (ticket_work, ticket_parts,
ticket_payments, ticket_checkout, returns, sales.void_open, cash_shifts, stock, accounts):
the same columns, kinds, statuses and signs. The money events join their station's
hash-chained journal in time order, so the chain the sales layer wrote is rebuilt around
them. Station A is the counter of the sales layer; station B is the repair desk where
repairs are paid for and picked up, so its sale numbers start fresh and stay in time order.
"""

from __future__ import annotations

import heapq
import json
import logging
import random
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks.generate import BATCH, EPOCH, HISTORY_DAYS, Row, Scale, db_time, new_id
from benchmarks.generate_sales import LINE_COLUMNS, PAYMENT_COLUMNS
from benchmarks.generate_tickets import CHANGE_COLUMNS, HEAVY_NUMBER, NOTE_COLUMNS
from desktop.services.denominations import LOOSE, denominations
from desktop.services.journal import GENESIS, canonical, chain_hash
from desktop.services.shift_types import (
    CashMovementView,
    CountedDenomination,
    MethodTakings,
    ShiftReport,
    TaxLine,
    report_to_json,
)
from desktop.services.stock import DEFAULT_LOCATION_ID
from desktop.services.ticket_charges import LABOUR_SOURCE, LABOUR_TAX_CLASS, PART_SOURCE
from desktop.services.ticket_types import DONE, SHUT

log = logging.getLogger(__name__)

REPORTS_SEED = 20_260_801
COUNTER, DESK = "A", "B"
STATIONS = (COUNTER, DESK)
CHECKOUT_SHARE = 0.05  # of tickets: paid for and picked up at the repair desk
BENCH_SHARE = 0.01  # of tickets: labour and parts on, not checked out (yet)
DEPOSIT_SHARE = 0.5  # of those tickets: a deposit taken at intake
CREDIT_NOTE_SHARE = 0.01  # of sales
VOID_SHARE = 0.005  # of sales
HELD_SHARE = 0.3  # of voids: a held sale voided (the rest: a cart emptied, no document)
COMEBACK_SHARE = 0.01  # of tickets
AUDIT_SHARE = 0.1  # audit events of every kind per sale (200k at the full scale)
WARRANTY_DAYS = 90
FLOATS = {COUNTER: (10000, 15000, 20000), DESK: (5000, 10000)}
LABOUR = ("Diagnosis", "Screen replacement", "Battery replacement", "Board repair", "Cleaning")
FLAT_LABOUR = (1500, 2500, 4500, 6000)
MINUTES = (20, 30, 45, 60, 90, 120)
HOURLY_RATE = 6000
DEPOSITS = (2000, 3000, 5000, 10000)
REFUND_REASONS = ("Faulty on arrival", "Wrong model", "Changed their mind", "Not compatible")
VOID_REASONS = ("", "", "Customer changed their mind", "Scanned the wrong item", "Card declined")
HOLD_LABELS = ("", "Back in ten minutes", "Fetching the card from the car")
PAY_OUTS = ("Courier", "Cleaning supplies", "Postage", "Cash to the bank")
OTHER_ACTIONS = ("login", "login_failed", "drawer_opened", "item_price_changed", "stock_adjusted")
OTHER_WEIGHTS = (70, 10, 8, 6, 6)

DOCUMENT_COLUMNS = (
    "id, kind, number, status, customer_id, ticket_id, original_id, station_code, user_id, "
    "issued_at, currency, prices_include_tax, rounding_mode, discount_kind, discount_value, "
    "subtotal, discount_total, tax_total, total, rounding, notes, hold_label, void_reason, "
    "voided_at, voided_by, created_at, updated_at"
)
COLUMNS = {
    "ticket_labour_lines": "id, ticket_id, description, minutes, hourly_rate, amount, position, "
    "user_id, created_at, updated_at",
    "ticket_parts": "id, ticket_id, item_id, location_id, quantity, unit_price, serial, status, "
    "user_id, created_at, updated_at",
    "ticket_status_changes": CHANGE_COLUMNS,
    "ticket_notes": NOTE_COLUMNS,
    "stock_movements": "id, item_id, location_id, quantity, kind, unit_cost, reason, "
    "reference_kind, reference_id, at, user_id, station_code",
    "sales_documents": DOCUMENT_COLUMNS,
    "sales_lines": LINE_COLUMNS + ", source_id",
    "payments": PAYMENT_COLUMNS + ", ticket_id, shift_id",
    "store_credit_entries": "id, customer_id, amount, reason, document_id, at, user_id, "
    "station_code",
    "cash_movements": "id, shift_id, kind, amount, reason, at, user_id, station_code",
    "cash_shifts": "id, station_code, opened_at, opened_by, opening_float, closed_at, closed_by, "
    "expected_cash, counted_cash, counted_denominations, z_number, z_report, created_at, "
    "updated_at",
    "audit_events": "id, at, user_id, username, station_code, action, entity, entity_id, details",
}
JOURNAL_COLUMNS = "id, station_code, seq, at, kind, document_id, user_id, payload, prev_hash, hash"
# A journal entry before it is chained: at, kind, document id, user id, canonical payload.
Event = tuple[str, str, str | None, str | None, str]


class Method(NamedTuple):
    code: str
    kind: str
    name: str


CASH = Method("cash", "cash", "Cash")
CARD = Method("card", "card", "Card")
STORE_CREDIT = Method("store_credit", "store_credit", "Store credit")


@dataclass(frozen=True)
class Staff:
    id: str
    username: str
    name: str
    role: str


@dataclass(frozen=True)
class Charge:
    """A line a document bills, as ``CartLine`` carries it."""

    description: str
    quantity: int
    unit_price: int
    tax_class: str = LABOUR_TAX_CLASS
    item_id: str | None = None
    sku: str = ""
    source_kind: str = ""
    source_id: str | None = None
    unit_cost: int | None = None


@dataclass(frozen=True)
class TicketRow:
    id: str
    number: str
    customer_id: str
    status_id: str
    created_at: datetime
    completed_at: datetime | None
    assigned_to_id: str | None
    created_by_id: str | None
    estimate_labour: int

    @property
    def station(self) -> str:
        return self.number.split("-")[1]


@dataclass
class Shift:
    id: str
    station: str
    z_number: str
    opened: datetime
    closed: datetime
    opening_float: int
    opened_by: Staff
    closed_by: Staff
    movements: list[CashMovementView] = field(default_factory=list)
    voids: int = 0


@dataclass
class Figures:
    """A shift's sums read back from the rows, as ``shift_figures.shift_report`` reads them."""

    sales: tuple[int, int] = (0, 0)
    refunds: tuple[int, int] = (0, 0)
    discounts: int = 0
    tips: int = 0
    cash: int = 0
    taxes: list[TaxLine] = field(default_factory=list)
    takings: list[MethodTakings] = field(default_factory=list)


def dashed(hex_id: str) -> str:
    """A stored id as ``str(uuid)`` writes it into payloads and audit details."""
    return str(uuid.UUID(hex_id))


def aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def included_tax(gross: int, rate: int) -> int:
    """The tax inside a tax-inclusive amount, rounded half up, as the sales layer has it."""
    return (gross * rate * 2 + (10_000 + rate)) // (2 * (10_000 + rate))


def tenders(rng: random.Random, due: int) -> list[tuple[Method, int, int | None, int]]:
    """(method, amount, tendered, change) paying ``due`` as the sales layer's customers do."""
    if due <= 0:
        return []
    roll = rng.random()
    if roll < 0.5:
        tendered = -(-due // 1000) * 1000
        return [(CASH, due, tendered, tendered - due)]
    if roll < 0.9 or due < 200:
        return [(CARD, due, None, 0)]
    cash = due // 2
    return [(CASH, cash, cash, 0), (CARD, due - cash, None, 0)]


class Writer:
    """Rows by table, inserted in batches."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.pending = 0
        self.written: dict[str, int] = defaultdict(int)

    def add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        with self.connection:
            for table, rows in self.rows.items():
                marks = ", ".join("?" * len(COLUMNS[table].split(",")))
                self.connection.executemany(
                    f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows
                )
                self.written[table] += len(rows)
        self.rows.clear()
        self.pending = 0


class Journal:
    """Money events per station, chained into ``journal_entries`` at the end."""

    def __init__(self) -> None:
        self.events: dict[str, list[Event]] = {station: [] for station in STATIONS}

    def add(
        self,
        station: str,
        at: datetime,
        kind: str,
        payload: dict[str, Any],
        user: Staff | None,
        document_id: str | None = None,
    ) -> None:
        entry = (db_time(at), kind, document_id, user.id if user else None, canonical(payload))
        self.events[station].append(entry)


class Shop:
    """What the layer reads of the generated shop once."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.staff = [
            Staff(*row)
            for row in connection.execute(
                "SELECT id, username, display_name, role FROM users ORDER BY username"
            )
        ]
        self.by_id = {person.id: person for person in self.staff}
        self.managers = [p for p in self.staff if p.role in ("owner", "manager")]
        self.technicians = [p for p in self.staff if p.role in ("technician", "manager")]
        self.location = DEFAULT_LOCATION_ID.hex
        self.items: list[tuple[str, str, str, int, str]] = connection.execute(
            "SELECT id, name, sku, sell_price, tax_class FROM items "
            "WHERE kind = 'stock' AND active ORDER BY rowid"
        ).fetchall()
        # What ``sales.unit_costs`` takes: the store's average cost, else the cost price.
        self.costs: dict[str, int] = dict(
            connection.execute("SELECT id, cost_price FROM items WHERE kind = 'stock'")
        )
        self.costs.update(
            connection.execute(
                "SELECT item_id, average_cost FROM stock_levels "
                "WHERE location_id = ? AND average_cost > 0",
                (self.location,),
            )
        )
        self.rates: dict[str, int] = dict(
            connection.execute("SELECT code, rate_bp FROM tax_classes WHERE active")
        )
        self.category: dict[str, str] = dict(
            connection.execute("SELECT id, category FROM ticket_statuses")
        )
        self.first_status: dict[str, str] = {}
        for status_id, category in connection.execute(
            "SELECT id, category FROM ticket_statuses WHERE active ORDER BY position"
        ):
            self.first_status.setdefault(category, status_id)
        *profile, self.refund_limit = connection.execute(
            "SELECT name, address, phone, tax_id, currency, locale, refund_limit "
            "FROM shop_profile LIMIT 1"
        ).fetchone()
        self.profile: tuple[str, ...] = tuple(profile)
        self.currency = self.profile[4]
        self.stations: dict[str, str] = dict(connection.execute("SELECT code, name FROM stations"))


class Drawers:
    """One shift per station and day of the history, open from just after midnight to just
    before the next (UTC): the generated counter sells round the clock."""

    def __init__(self, rng: random.Random, shop: Shop, first: date, last: date) -> None:
        self.shifts: dict[tuple[str, date], Shift] = {}
        for station in STATIONS:
            for n in range((last - first).days + 1):
                day = first + timedelta(days=n)
                start = datetime(day.year, day.month, day.day)
                opener = rng.choice(shop.staff)
                self.shifts[(station, day)] = Shift(
                    id=new_id(),
                    station=station,
                    z_number=f"Z-{station}-{n + 1:05d}",
                    opened=start + timedelta(seconds=rng.uniform(30, 900)),
                    closed=start + timedelta(days=1, seconds=-rng.uniform(60, 900)),
                    opening_float=rng.choice(FLOATS[station]),
                    opened_by=opener,
                    closed_by=opener if rng.random() < 0.8 else rng.choice(shop.managers),
                )

    def at(self, station: str, when: datetime) -> Shift | None:
        """The shift whose drawer was open at ``when``, if any."""
        shift = self.shifts.get((station, when.date()))
        return shift if shift is not None and shift.opened <= when <= shift.closed else None

    def id_at(self, station: str, when: datetime) -> str | None:
        shift = self.at(station, when)
        return shift.id if shift else None


@dataclass
class Context:
    connection: sqlite3.Connection
    rng: random.Random
    shop: Shop
    writer: Writer
    journal: Journal
    drawers: Drawers

    def audit(
        self,
        at: datetime,
        user: Staff | None,
        station: str,
        action: str,
        entity: str,
        entity_id: str,
        username: str | None = None,
        **details: Any,
    ) -> None:
        """An audit event as ``audit.record`` writes it for ``user`` as the actor."""
        name = username if username is not None else (user.username if user else "")
        self.writer.add(
            "audit_events",
            (new_id(), db_time(at), user.id if user else None, name, station, action, entity,
             entity_id, json.dumps(details, ensure_ascii=False, default=str)),
        )  # fmt: skip

    def document(
        self, document_id: str, kind: str, number: str | None, status: str, **fields: Any
    ) -> None:
        """A sales document: totals, people and times from ``fields``; the rest as issued."""
        at, user = fields["at"], fields["user"]
        issued = at if status in ("completed", "issued") else None
        self.writer.add(
            "sales_documents",
            (document_id, kind, number, status, fields.get("customer_id"),
             fields.get("ticket_id"), fields.get("original_id"), fields["station"], user.id,
             issued, self.shop.currency, 1, "line", "", 0, fields["total"], 0,
             fields["tax_total"], fields["total"], 0, fields.get("notes", ""),
             fields.get("hold_label", ""), fields.get("void_reason", ""),
             fields.get("voided_at"), fields.get("voided_by"), fields.get("created_at", at), at),
        )  # fmt: skip

    def lines(self, document_id: str, charges: Sequence[Charge]) -> tuple[list[Any], int, int]:
        """Write ``charges`` as the document's lines; returns the journal's line summary,
        the total and the tax."""
        summary: list[Any] = []
        total = tax_total = 0
        for position, c in enumerate(charges):
            rate = self.shop.rates.get(c.tax_class, 0)
            gross = c.quantity * c.unit_price
            tax = included_tax(gross, rate)
            self.writer.add(
                "sales_lines",
                (new_id(), document_id, position, c.item_id, c.description, c.sku, c.quantity,
                 c.unit_price, c.unit_cost, "", 0, 0, 0, c.tax_class, rate, gross - tax, tax,
                 gross, "", c.source_kind, 0, c.source_id),
            )  # fmt: skip
            summary.append([c.sku or c.description, c.quantity, gross])
            total += gross
            tax_total += tax
        return summary, total, tax_total

    def payment(
        self, method: Method, amount: int, at: datetime, user: Staff, station: str, **fields: Any
    ) -> None:
        self.writer.add(
            "payments",
            (new_id(), fields.get("document_id"), fields.get("customer_id"), method.code,
             method.kind, method.name, amount, fields.get("tendered"), fields.get("change", 0),
             0, "", db_time(at), user.id, station, fields.get("ticket_id"),
             fields.get("shift_id")),
        )  # fmt: skip

    def movement(
        self,
        item_id: str,
        quantity: int,
        kind: str,
        at: datetime,
        user: Staff,
        station: str,
        reason: str = "",
        reference: tuple[str, str | None] = ("", None),
    ) -> None:
        self.writer.add(
            "stock_movements",
            (new_id(), item_id, self.shop.location, quantity, kind, None, reason, reference[0],
             reference[1], db_time(at), user.id, station),
        )  # fmt: skip


# -- repairs --------------------------------------------------------------------------


class RepairDesk:
    """Labour, used parts and deposits on tickets, and the checkouts that bill them, as
    ticket_work, ticket_parts, ticket_payments and ticket_checkout write them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.sales = 0
        self.ticket_updates: list[Row] = []

    def work_on(self, ticket: TicketRow, until: datetime) -> tuple[list[Charge], int]:
        """Labour and parts added between intake and ``until``, and for about half of the
        tickets a deposit taken at intake; returns the charges and the deposit."""
        shop = self.ctx.shop
        tech = shop.by_id.get(ticket.assigned_to_id or "") or self.rng.choice(shop.technicians)
        charges = self._labour(ticket, tech, until) + self._parts(ticket, tech, until)
        deposit = 0
        if self.rng.random() < DEPOSIT_SHARE:
            billed = sum(c.quantity * c.unit_price for c in charges)
            deposit = self._deposit(ticket, min(self.rng.choice(DEPOSITS), billed // 2))
        return charges, deposit

    def check_out(self, ticket: TicketRow, at: datetime) -> None:
        """The sale at the repair desk: ticket lines, deposit applied by the +X/-X pair,
        the rest paid; then the ticket is closed (or noted, when it was closed already)."""
        ctx, rng = self.ctx, self.rng
        charges, deposit = self.work_on(ticket, at)
        user = rng.choice(ctx.shop.staff)
        self.sales += 1
        number = f"S-{DESK}-{self.sales:06d}"
        document_id = new_id()
        summary, total, tax_total = ctx.lines(document_id, charges)
        ctx.document(
            document_id, "sale", number, "completed", at=db_time(at), user=user, station=DESK,
            customer_id=ticket.customer_id, ticket_id=ticket.id, total=total, tax_total=tax_total,
        )  # fmt: skip
        applied = min(deposit, total)
        paid = tenders(rng, total - applied)
        shift = ctx.drawers.id_at(DESK, at)
        for method, amount, tendered, change in paid:
            ctx.payment(method, amount, at, user, DESK, document_id=document_id,
                        customer_id=ticket.customer_id, tendered=tendered, change=change,
                        shift_id=shift)  # fmt: skip
        if applied:
            for doc, name, signed in (
                (document_id, f"Deposit on {ticket.number}", applied),
                (None, f"Applied to {number}", -applied),
            ):
                deposit_kind = Method("deposit", "deposit", name[:60])
                ctx.payment(deposit_kind, signed, at, user, DESK, document_id=doc,
                            ticket_id=ticket.id, customer_id=ticket.customer_id)  # fmt: skip
        payload = {
            "number": number, "total": total, "tax": tax_total, "rounding": 0,
            "customer": dashed(ticket.customer_id), "lines": summary,
            "payments": [[m.code, amount, change, 0, 0] for m, amount, _, change in paid]
            + ([["deposit", applied, 0, 0, 0]] if applied else []),
        }  # fmt: skip
        ctx.journal.add(DESK, at, "sale", payload, user, document_id)
        self._picked_up(ticket, at, user, number)

    def _labour(self, ticket: TicketRow, tech: Staff, until: datetime) -> list[Charge]:
        rng, charges = self.rng, []
        for position in range(rng.choice((1, 1, 2))):
            at = db_time(self._during(ticket, until))
            minutes: int | None = None
            rate = 0
            if rng.random() < 0.5:
                minutes, rate = rng.choice(MINUTES), HOURLY_RATE
                amount = (minutes * rate + 30) // 60
            elif position == 0 and ticket.estimate_labour:
                amount = ticket.estimate_labour
            else:
                amount = rng.choice(FLAT_LABOUR)
            description, line_id = rng.choice(LABOUR), new_id()
            self.ctx.writer.add(
                "ticket_labour_lines",
                (line_id, ticket.id, description, minutes, rate, amount, position, tech.id, at, at),
            )
            charges.append(
                Charge(description, 1, amount, source_kind=LABOUR_SOURCE, source_id=line_id)
            )
        return charges

    def _parts(self, ticket: TicketRow, tech: Staff, until: datetime) -> list[Charge]:
        """Parts used at once (the shop's parts mode is "consume"), each with its
        ``ticket_part`` movement; in the order they were added."""
        ctx, rng = self.ctx, self.rng
        used = sorted(self._during(ticket, until) for _ in range(rng.choice((0, 1, 1, 1, 2))))
        charges = []
        for at in used:
            item_id, name, sku, price, tax_class = rng.choice(ctx.shop.items)
            quantity = 1 if rng.random() < 0.9 else 2
            part_id, stamp = new_id(), db_time(at)
            ctx.writer.add(
                "ticket_parts",
                (part_id, ticket.id, item_id, ctx.shop.location, quantity, price, "", "used",
                 tech.id, stamp, stamp),
            )  # fmt: skip
            ctx.movement(item_id, -quantity, "ticket_part", at, tech, ticket.station,
                         reference=("ticket_part", part_id))  # fmt: skip
            charges.append(
                Charge(name[:300], quantity, price, tax_class, item_id, sku, PART_SOURCE,
                       part_id, ctx.shop.costs.get(item_id))
            )  # fmt: skip
        return charges

    def _deposit(self, ticket: TicketRow, amount: int) -> int:
        """A deposit at intake, at the ticket's own station, into that day's drawer."""
        ctx, rng = self.ctx, self.rng
        at = ticket.created_at + timedelta(seconds=rng.uniform(60, 1200))
        user = ctx.shop.by_id.get(ticket.created_by_id or "") or rng.choice(ctx.shop.staff)
        method = CASH if rng.random() < 0.6 else CARD
        tendered = -(-amount // 1000) * 1000 if method is CASH else None
        change = tendered - amount if tendered is not None else 0
        ctx.payment(method, amount, at, user, ticket.station, ticket_id=ticket.id,
                    customer_id=ticket.customer_id, tendered=tendered, change=change,
                    shift_id=ctx.drawers.id_at(ticket.station, at))  # fmt: skip
        payload = {"ticket": ticket.number, "rounding": 0,
                   "payments": [[method.code, amount, change, 0, 0]]}  # fmt: skip
        ctx.journal.add(ticket.station, at, "payment", payload, user)
        return amount

    def _during(self, ticket: TicketRow, until: datetime) -> datetime:
        return ticket.created_at + (until - ticket.created_at) * self.rng.uniform(0.05, 0.9)

    def _picked_up(self, ticket: TicketRow, at: datetime, user: Staff, number: str) -> None:
        """As ``ticket_checkout._record_pickup``: paid in full, to the first "closed"
        status; a ticket closed already keeps it and gets a note."""
        note, stamp = f"Paid and picked up ({number})", db_time(at)
        category = self.ctx.shop.category[ticket.status_id]
        if category in SHUT:
            self.ctx.writer.add(
                "ticket_notes", (new_id(), ticket.id, stamp, user.id, user.name, 0, note)
            )
            return
        closed = self.ctx.shop.first_status["closed"]
        self.ctx.writer.add(
            "ticket_status_changes",
            (new_id(), ticket.id, ticket.status_id, closed, stamp, user.id, note),
        )
        completed = ticket.completed_at if category in DONE else at
        self.ticket_updates.append(
            (closed, db_time(completed) if completed else None, stamp, ticket.id)
        )


def sample_tickets(
    ctx: Context,
    categories: Sequence[str],
    count: int,
    before: datetime,
    exclude: Iterable[int] = (),
) -> list[tuple[int, TicketRow]]:
    """``count`` tickets at random among those in ``categories`` booked in before
    ``before`` (never the heavy one the ticket scenarios read), with their rowids."""
    marks = ", ".join("?" * len(categories))
    rowids = [
        row[0]
        for row in ctx.connection.execute(
            "SELECT t.rowid FROM tickets t JOIN ticket_statuses s ON s.id = t.status_id "
            f"WHERE s.category IN ({marks}) AND t.number != ? AND t.created_at < ? "
            "ORDER BY t.rowid",
            (*categories, HEAVY_NUMBER, db_time(before)),
        )
    ]
    skipped = set(exclude)
    rowids = [rowid for rowid in rowids if rowid not in skipped]
    chosen = sorted(ctx.rng.sample(rowids, min(count, len(rowids))))
    found: list[tuple[int, TicketRow]] = []
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        rows = ctx.connection.execute(
            "SELECT rowid, id, number, customer_id, status_id, created_at, completed_at, "
            "assigned_to_id, created_by_id, estimate_labour FROM tickets "
            f"WHERE rowid IN ({', '.join('?' * len(part))}) ORDER BY rowid",
            part,
        )
        for row in rows:
            rowid, ticket_id, number, customer, status, created, done, tech, by, labour = row
            ticket = TicketRow(
                ticket_id, number, customer, status, datetime.fromisoformat(created),
                datetime.fromisoformat(done) if done else None, tech, by, labour,
            )  # fmt: skip
            found.append((rowid, ticket))
    return found


def add_repairs(ctx: Context, tickets: int) -> RepairDesk:
    """Check out ~5% of the tickets, numbered in time order; put labour and parts on ~1%
    more that are still on the bench or waiting for pickup."""
    desk, rng = RepairDesk(ctx), ctx.rng
    finished = ("closed", "completed", "ready", "waiting_customer")
    picked_up_by = EPOCH - timedelta(days=14)
    checkouts = sample_tickets(ctx, finished, round(tickets * CHECKOUT_SHARE), picked_up_by)
    timed = []
    for _, ticket in checkouts:
        done = ticket.completed_at or ticket.created_at + timedelta(days=rng.randint(1, 10))
        timed.append((done + timedelta(minutes=rng.uniform(10, 2 * 24 * 60)), ticket))
    for at, ticket in sorted(timed, key=lambda pair: pair[0]):
        desk.check_out(ticket, at)
    waiting = ("open", "in_progress", "waiting_parts", "waiting_customer", "ready")
    taken = [rowid for rowid, _ in checkouts]
    for _, ticket in sample_tickets(ctx, waiting, round(tickets * BENCH_SHARE), EPOCH, taken):
        desk.work_on(ticket, min(ticket.created_at + timedelta(days=rng.uniform(0.1, 3)), EPOCH))
    log.info("repairs: %d checked out, %d on the bench", desk.sales, round(tickets * BENCH_SHARE))
    return desk


# -- refunds and voids ----------------------------------------------------------------


@dataclass(frozen=True)
class Original:
    id: str
    number: str
    customer_id: str | None
    ticket_id: str | None
    issued_at: datetime
    lines: list[tuple[Any, ...]]
    method: Method


def sample_sales(ctx: Context, count: int) -> list[Original]:
    """``count`` completed counter sales at random, with their lines and first tender."""
    db = ctx.connection
    low, high = db.execute("SELECT min(rowid), max(rowid) FROM sales_documents").fetchone()
    if low is None:
        return []
    chosen = sorted(ctx.rng.sample(range(low, high + 1), min(count, high - low + 1)))
    found: list[Original] = []
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        docs = db.execute(
            "SELECT id, number, customer_id, ticket_id, issued_at FROM sales_documents "
            f"WHERE rowid IN ({', '.join('?' * len(part))}) AND kind = 'sale' "
            f"AND status = 'completed' AND station_code = '{COUNTER}' ORDER BY rowid",
            part,
        ).fetchall()
        ids = [doc[0] for doc in docs]
        marks = ", ".join("?" * len(ids))
        lines: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for line in db.execute(
            "SELECT document_id, id, item_id, description, sku, quantity, unit_price, unit_cost, "
            "tax_class, tax_rate_bp, net, tax, gross, serial FROM sales_lines "
            f"WHERE document_id IN ({marks}) ORDER BY document_id, position",
            ids,
        ):
            lines[line[0]].append(line[1:])
        methods: dict[str, Method] = {}
        for document_id, *method in db.execute(
            "SELECT document_id, method_code, method_kind, method_name FROM payments "
            f"WHERE document_id IN ({marks}) ORDER BY rowid",
            ids,
        ):
            methods.setdefault(document_id, Method(*method))
        for doc in docs:
            issued = datetime.fromisoformat(doc[4])
            method = methods.get(doc[0], CASH)
            found.append(Original(doc[0], doc[1], doc[2], doc[3], issued, lines[doc[0]], method))
    return found


def add_credit_notes(ctx: Context, count: int) -> int:
    """Refund about one counter sale in a hundred, within a month, numbered in time order."""
    rng = ctx.rng
    timed = [
        (original.issued_at + timedelta(hours=rng.uniform(1, 30 * 24)), original)
        for original in sample_sales(ctx, count)
        if original.lines
    ]
    timed.sort(key=lambda pair: pair[0])
    for n, (at, original) in enumerate(timed, 1):
        credit_note(ctx, f"CN-{COUNTER}-{n:06d}", at, original)
    log.info("credit notes: %d", len(timed))
    return len(timed)


def credit_note(ctx: Context, number: str, at: datetime, original: Original) -> None:
    """As ``returns.refund`` of a paid sale: positive lines copying cost, restocked units
    back in (faulty ones written off again), the money back as a negative payment."""
    rng, note_id, user = ctx.rng, new_id(), ctx.rng.choice(ctx.shop.staff)
    chosen = [line for line in original.lines if rng.random() < 0.7] or [original.lines[0]]
    total = tax_total = 0
    for position, line in enumerate(chosen):
        line_id, item_id, description, sku, sold, price, cost, tax_class, rate = line[:9]
        quantity = sold if rng.random() < 0.8 else rng.randint(1, sold)
        net, tax, gross = (amount * quantity // sold for amount in line[9:12])
        restock = rng.random() < 0.8
        ctx.writer.add(
            "sales_lines",
            (new_id(), note_id, position, item_id, description, sku, quantity, price, cost, "",
             0, 0, 0, tax_class, rate, net, tax, gross, line[12], "sale_line", int(restock),
             line_id),
        )  # fmt: skip
        if item_id is not None:
            reference = ("credit_note", note_id)
            ctx.movement(item_id, quantity, "return", at, user, COUNTER, "Returned", reference)
            if not restock:
                ctx.movement(item_id, -quantity, "write_off", at, user, COUNTER,
                             "Returned faulty", reference)  # fmt: skip
        total, tax_total = total + gross, tax_total + tax
    reason = rng.choice(REFUND_REASONS)
    ctx.document(
        note_id, "credit_note", number, "issued", at=db_time(at), user=user, station=COUNTER,
        customer_id=original.customer_id, ticket_id=original.ticket_id,
        original_id=original.id, total=total, tax_total=tax_total, notes=reason,
    )  # fmt: skip
    method = original.method
    if original.customer_id and rng.random() < 0.1:
        method = STORE_CREDIT
        ctx.writer.add(
            "store_credit_entries",
            (new_id(), original.customer_id, total, f"Refund {number}", note_id, db_time(at),
             user.id, COUNTER),
        )  # fmt: skip
    shift = ctx.drawers.id_at(COUNTER, at)
    ctx.payment(method, -total, at, user, COUNTER, document_id=note_id,
                customer_id=original.customer_id, shift_id=shift)  # fmt: skip
    payload = {"number": number, "original": original.number, "total": total,
               "against_balance": 0, "refunds": [[method.code, total]]}  # fmt: skip
    ctx.journal.add(COUNTER, at, "credit_note", payload, user, note_id)
    approver = ""
    if total > ctx.shop.refund_limit and user.role not in ("owner", "manager"):
        approver = rng.choice(ctx.shop.managers).username
    ctx.audit(at, user, COUNTER, "refund", "sale", original.number, credit_note=number,
              amount=total, reason=reason, approved_by=approver)  # fmt: skip


def add_voids(ctx: Context, count: int) -> None:
    """Abandoned sales at the counter, as ``sales.void_open`` records them: most were carts
    emptied before they were ever held (no document), some held sales voided later."""
    rng, first = ctx.rng, EPOCH - timedelta(days=HISTORY_DAYS)
    for _ in range(count):
        at = first + timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86_400))
        user, cart_id = rng.choice(ctx.shop.staff), new_id()
        charges = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            item_id, name, sku, price, tax_class = rng.choice(ctx.shop.items)
            charges.append(Charge(name, rng.choice((1, 1, 2)), price, tax_class, item_id, sku))
        reason = rng.choice(VOID_REASONS)
        document_id = None
        if rng.random() < HELD_SHARE:
            document_id = cart_id
            _, total, tax_total = ctx.lines(document_id, charges)
            ctx.document(
                document_id, "sale", None, "voided", at=db_time(at), user=user, station=COUNTER,
                total=total, tax_total=tax_total, hold_label=rng.choice(HOLD_LABELS),
                void_reason=reason, voided_at=db_time(at), voided_by=user.id,
                created_at=db_time(at - timedelta(minutes=rng.uniform(2, 90))),
            )  # fmt: skip
        value = sum(c.quantity * c.unit_price for c in charges)
        payload: dict[str, Any] = {"cart": dashed(cart_id), "lines": len(charges), "value": value,
                   "reason": reason}  # fmt: skip
        ctx.journal.add(COUNTER, at, "void", payload, user, document_id)
        shift = ctx.drawers.at(COUNTER, at)
        if shift is not None:
            shift.voids += 1
        ctx.audit(at, user, COUNTER, "sale_voided", "sale", payload["cart"], **payload)


# -- the drawer and the audit log ---------------------------------------------------------


def add_cash_movements(ctx: Context) -> None:
    """Now and then a pay-out (courier, bank) or a pay-in (change from the bank)."""
    rng = ctx.rng
    for shift in ctx.drawers.shifts.values():
        roll = rng.random()
        if roll < 0.1:
            kind, amount, reason = "pay_out", rng.choice((500, 1500, 2500)), rng.choice(PAY_OUTS)
        elif roll < 0.15:
            kind, amount, reason = "pay_in", rng.choice((2000, 5000)), "Change from the bank"
        else:
            continue
        at = shift.opened + (shift.closed - shift.opened) * rng.uniform(0.1, 0.9)
        user = shift.opened_by
        ctx.writer.add(
            "cash_movements",
            (new_id(), shift.id, kind, amount, reason, db_time(at), user.id, shift.station),
        )
        shift.movements.append(CashMovementView(aware(at), kind, amount, reason, user.name))
        payload: dict[str, Any] = {"shift": dashed(shift.id), "amount": amount, "reason": reason}
        ctx.journal.add(shift.station, at, kind, payload, user)
        action = "cash_paid_in" if kind == "pay_in" else "cash_paid_out"
        ctx.audit(at, user, shift.station, action, "cash_shift", dashed(shift.id), **payload)


class AuditTrail:
    """The everyday audit events beside the money ones: sign-ins and failed ones, the
    drawer opened without a sale, price changes and stock adjustments."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.on_hand: dict[str, int] = dict(
            ctx.connection.execute(
                "SELECT item_id, on_hand FROM stock_levels WHERE location_id = ?",
                (ctx.shop.location,),
            )
        )

    def run(self, count: int) -> None:
        rng, first = self.ctx.rng, EPOCH - timedelta(days=HISTORY_DAYS)
        for action in rng.choices(OTHER_ACTIONS, OTHER_WEIGHTS, k=count):
            at = first + timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86_400))
            getattr(self, f"_{action}")(at, rng.choice(STATIONS), rng.choice(self.ctx.shop.staff))

    def _login(self, at: datetime, station: str, user: Staff) -> None:
        # Nobody is signed in yet: the event has a name and no actor.
        self.ctx.audit(at, None, station, "login", "user", dashed(user.id), username=user.username)

    def _login_failed(self, at: datetime, station: str, user: Staff) -> None:
        reason = self.ctx.rng.choice(("bad_password",) * 4 + ("lock_screen",))
        actor = user if reason == "lock_screen" else None
        self.ctx.audit(at, actor, station, "login_failed", "user", user.username,
                       username=user.username, failures=self.ctx.rng.randint(1, 3),
                       reason=reason)  # fmt: skip

    def _drawer_opened(self, at: datetime, station: str, user: Staff) -> None:
        shift = self.ctx.drawers.at(station, at)
        reason = self.ctx.rng.choice(("Change for a customer", "Checked a note", "Float count"))
        payload = {"shift": dashed(shift.id) if shift else None, "reason": reason}
        self.ctx.journal.add(station, at, "drawer_open", payload, user)
        self.ctx.audit(at, user, station, "drawer_opened", "cash_shift",
                       payload["shift"] or "", **payload)  # fmt: skip

    def _item_price_changed(self, at: datetime, station: str, user: Staff) -> None:
        manager = self.ctx.rng.choice(self.ctx.shop.managers)
        item_id, _, _, price, _ = self.ctx.rng.choice(self.ctx.shop.items)
        before = max(price - self.ctx.rng.choice((100, 200, 500, 1000)), 1)
        self.ctx.audit(at, manager, station, "item_price_changed", "item", dashed(item_id),
                       before={"sell_price": before}, after={"sell_price": price})  # fmt: skip

    def _stock_adjusted(self, at: datetime, station: str, user: Staff) -> None:
        """As ``StockService.adjust`` or ``write_off``: the movement and its audit event,
        with what the trigger says is on hand after it."""
        rng = self.ctx.rng
        manager = rng.choice(self.ctx.shop.managers)
        item_id = rng.choice(self.ctx.shop.items)[0]
        if rng.random() < 0.5:
            kind, quantity = "adjustment", rng.choice((-2, -1, 1, 2, 3))
            reason = rng.choice(("Found on the shelf", "Miscounted at receipt"))
        else:
            kind, quantity = "write_off", -rng.choice((1, 1, 2))
            reason = rng.choice(("Damaged", "Lost", "Dropped on the bench"))
        self.ctx.movement(item_id, quantity, kind, at, manager, station, reason)
        self.on_hand[item_id] = self.on_hand.get(item_id, 0) + quantity
        self.ctx.audit(at, manager, station, "stock_adjusted", "item", dashed(item_id),
                       kind=kind, quantity=quantity, reason=reason,
                       on_hand=self.on_hand[item_id])  # fmt: skip


# -- closing the shifts ---------------------------------------------------------------

WINDOW = (
    "JOIN temp.shift_windows w ON w.station = d.station_code "
    "AND w.day = substr(d.issued_at, 1, 10) "
    "WHERE d.status IN ('completed', 'issued') AND d.issued_at BETWEEN w.opened AND w.closed"
)


def shift_figures(ctx: Context, payments_before: int) -> dict[str, Figures]:
    """Stamp the sales layer's payments with the shift whose drawer was open (as
    ``write_payments`` would have), then read each shift's figures back from the rows."""
    db = ctx.connection
    db.execute(
        "CREATE TEMP TABLE shift_windows (station TEXT, day TEXT, id TEXT, opened TEXT, "
        "closed TEXT, PRIMARY KEY (station, day))"
    )
    with db:
        db.executemany(
            "INSERT INTO temp.shift_windows VALUES (?, ?, ?, ?, ?)",
            [(station, day.isoformat(), s.id, db_time(s.opened), db_time(s.closed))
             for (station, day), s in ctx.drawers.shifts.items()],
        )  # fmt: skip
        db.execute(
            "UPDATE payments SET shift_id = (SELECT w.id FROM temp.shift_windows w "
            "WHERE w.station = payments.station_code AND w.day = substr(payments.at, 1, 10) "
            "AND payments.at BETWEEN w.opened AND w.closed) "
            "WHERE rowid <= ? AND shift_id IS NULL AND method_kind NOT IN ('deposit', 'credit')",
            (payments_before,),
        )
    figures: dict[str, Figures] = defaultdict(Figures)
    for shift_id, kind, count, total in db.execute(
        f"SELECT w.id, d.kind, count(*), sum(d.total) FROM sales_documents d {WINDOW} "
        "GROUP BY w.id, d.kind"
    ):
        if kind == "credit_note":
            figures[shift_id].refunds = (count, total)
        else:
            done = figures[shift_id].sales
            figures[shift_id].sales = (done[0] + count, done[1] + total)
    signed = "CASE d.kind WHEN 'credit_note' THEN -l.{0} ELSE l.{0} END"
    for shift_id, rate, net, tax, gross, discounts in db.execute(
        f"SELECT w.id, l.tax_rate_bp, sum({signed.format('net')}), sum({signed.format('tax')}), "
        f"sum({signed.format('gross')}), sum(CASE WHEN d.kind IN ('sale', 'invoice') "
        "THEN l.line_discount + l.document_discount ELSE 0 END) "
        f"FROM sales_documents d JOIN sales_lines l ON l.document_id = d.id {WINDOW} "
        "GROUP BY w.id, l.tax_rate_bp ORDER BY w.id, l.tax_rate_bp DESC"
    ):
        figures[shift_id].taxes.append(TaxLine(rate, net, tax, gross))
        figures[shift_id].discounts += discounts
    _takings(db, figures)
    db.execute("DROP TABLE temp.shift_windows")
    return figures


def _takings(db: sqlite3.Connection, figures: dict[str, Figures]) -> None:
    for shift_id, name, kind, count, amount, tip in db.execute(
        "SELECT shift_id, method_name, method_kind, count(*), sum(amount), sum(tip) "
        "FROM payments WHERE shift_id IS NOT NULL GROUP BY shift_id, method_name, method_kind "
        "ORDER BY shift_id, method_kind != 'cash', method_name"
    ):
        shift = figures[shift_id]
        shift.tips += tip
        if kind == "cash":
            shift.cash += amount
        if kind != "deposit":
            shift.takings.append(MethodTakings(name or kind, kind, count, amount))


def counted_notes(amount: int, currency: str) -> tuple[CountedDenomination, ...]:
    """The drawer counted note by note, largest first (the rest loose)."""
    counts = []
    for value in denominations(currency).values:
        many, amount = divmod(amount, value)
        if many:
            counts.append(CountedDenomination(value, many))
    if amount:
        counts.append(CountedDenomination(LOOSE, amount))
    return tuple(counts)


def close_shifts(ctx: Context, payments_before: int) -> None:
    """Close every shift as ``CashShiftService.close_shift`` does: its Z report snapshot,
    expected and counted cash, its Z number, the journal entry and the audit events."""
    figures = shift_figures(ctx, payments_before)
    for shift in ctx.drawers.shifts.values():
        report = z_report(ctx, shift, figures[shift.id])
        closed, user = shift.closed, shift.closed_by
        counts = json.dumps({str(c.value): c.count for c in report.denominations})
        ctx.writer.add(
            "cash_shifts",
            (shift.id, shift.station, db_time(shift.opened), shift.opened_by.id,
             shift.opening_float, db_time(closed), user.id, report.expected_cash,
             report.counted_cash, counts, shift.z_number, report_to_json(report),
             db_time(shift.opened), db_time(closed)),
        )  # fmt: skip
        ctx.audit(shift.opened, shift.opened_by, shift.station, "cash_shift_opened",
                  "cash_shift", dashed(shift.id), opening_float=shift.opening_float)  # fmt: skip
        details: dict[str, Any] = {
            "shift": dashed(shift.id), "z_number": shift.z_number,
            "opened_at": aware(shift.opened).isoformat(), "closed_at": aware(closed).isoformat(),
            "opening_float": shift.opening_float, "sales": report.sales_total,
            "refunds": report.refunds_total, "cash_takings": report.cash_takings,
            "pay_ins": report.pay_ins, "pay_outs": report.pay_outs,
            "expected": report.expected_cash, "counted": report.counted_cash,
            "over_short": report.over_short,
        }  # fmt: skip
        ctx.journal.add(shift.station, closed, "z_report", details, user)
        ctx.audit(closed, user, shift.station, "cash_shift_closed", "cash_shift",
                  dashed(shift.id), **details)  # fmt: skip


def z_report(ctx: Context, shift: Shift, sums: Figures) -> ShiftReport:
    name, address, phone, tax_id, currency, locale = ctx.shop.profile
    pay_ins = sum(m.amount for m in shift.movements if m.kind == "pay_in")
    pay_outs = sum(m.amount for m in shift.movements if m.kind == "pay_out")
    expected = shift.opening_float + sums.cash + pay_ins - pay_outs
    over_short = 0 if ctx.rng.random() < 0.85 else ctx.rng.choice((-500, -100, -5, 10, 200))
    counted = max(expected + over_short, 0)
    report = ShiftReport(
        shift_id=uuid.UUID(shift.id), shop_name=name, shop_address=address, shop_phone=phone,
        shop_tax_id=tax_id, station_code=shift.station,
        station_name=ctx.shop.stations.get(shift.station, ""), currency=currency,
        locale=locale, opened_at=aware(shift.opened), opened_by=shift.opened_by.name,
        taken_at=aware(shift.closed), opening_float=shift.opening_float,
        sales_count=sums.sales[0], sales_total=sums.sales[1], refunds_count=sums.refunds[0],
        refunds_total=sums.refunds[1], voids_count=shift.voids, discounts_total=sums.discounts,
        tips_total=sums.tips, taxes=tuple(sums.taxes), takings=tuple(sums.takings),
        cash_movements=tuple(sorted(shift.movements, key=lambda m: m.at)),
        cash_takings=sums.cash, expected_cash=expected, closed_at=aware(shift.closed),
        closed_by=shift.closed_by.name,
    )  # fmt: skip
    return replace(
        report,
        z_number=shift.z_number,
        counted_cash=counted,
        denominations=counted_notes(counted, currency),
    )


# -- the journal ----------------------------------------------------------------------


def rechain(connection: sqlite3.Connection, station: str, events: list[Event]) -> int:
    """Merge ``events`` into the station's journal by time and chain it again from the
    start, keeping the ids of the entries already there; returns the entry count."""
    events.sort(key=lambda event: event[0])
    connection.execute(
        f"CREATE TEMP TABLE chain AS SELECT {JOURNAL_COLUMNS} FROM journal_entries WHERE 0"
    )
    old = connection.execute(
        "SELECT at, kind, document_id, user_id, payload, id FROM journal_entries "
        "WHERE station_code = ? ORDER BY seq",
        (station,),
    )
    merged = heapq.merge(old, ((*event, None) for event in events), key=lambda e: e[0])
    seq, prev, batch = 0, GENESIS, []
    for at, kind, document, user, payload, entry_id in merged:
        seq += 1
        digest = chain_hash(
            prev, station, seq, datetime.fromisoformat(at).replace(tzinfo=UTC), kind,
            uuid.UUID(document) if document else None, uuid.UUID(user) if user else None,
            payload,
        )  # fmt: skip
        batch.append((entry_id or new_id(), station, seq, at, kind, document, user, payload,
                      prev, digest))  # fmt: skip
        prev = digest
        if len(batch) >= BATCH:
            connection.executemany(f"INSERT INTO temp.chain VALUES ({', '.join('?' * 10)})", batch)
            batch = []
    connection.executemany(f"INSERT INTO temp.chain VALUES ({', '.join('?' * 10)})", batch)
    connection.execute("DELETE FROM journal_entries WHERE station_code = ?", (station,))
    connection.execute(
        f"INSERT INTO journal_entries ({JOURNAL_COLUMNS}) SELECT * FROM temp.chain ORDER BY seq"
    )
    connection.execute("DROP TABLE temp.chain")
    connection.commit()
    return seq


# -- the layer ------------------------------------------------------------------------


def link_comebacks(connection: sqlite3.Connection, rng: random.Random, count: int) -> int:
    """Point ~1% of the tickets at the same device's previous repair, as intake does for a
    device still under that repair's warranty."""
    found = connection.execute(
        "SELECT id, earlier FROM (SELECT rowid, id, created_at, "
        "lag(id) OVER w AS earlier, lag(completed_at) OVER w AS earlier_done FROM tickets "
        "WHERE device_id IS NOT NULL WINDOW w AS (PARTITION BY device_id ORDER BY created_at)) "
        "WHERE earlier_done IS NOT NULL AND created_at > earlier_done "
        "AND julianday(created_at) - julianday(earlier_done) <= ? ORDER BY rowid",
        (WARRANTY_DAYS,),
    ).fetchall()
    chosen = rng.sample(found, min(count, len(found)))
    with connection:
        connection.executemany(
            "UPDATE tickets SET warranty_of_id = ? WHERE id = ?", [(e, t) for t, e in chosen]
        )
    return len(chosen)


def set_sequences(connection: sqlite3.Connection, numbers: dict[tuple[str, str], int]) -> None:
    """Point each station's counters past the numbers given here."""
    with connection:
        for (station, kind), last in numbers.items():
            connection.execute(
                "INSERT INTO document_sequences (station_code, kind, next_value) "
                "VALUES (?, ?, ?) ON CONFLICT (station_code, kind) "
                "DO UPDATE SET next_value = max(next_value, excluded.next_value)",
                (station, kind, last + 1),
            )


def add_station(connection: sqlite3.Connection) -> None:
    """The repair desk, so its Z reports and documents name their station."""
    with connection:
        connection.execute(
            "INSERT INTO stations (id, code, name, created_at, updated_at) "
            "SELECT ?, ?, 'Repair desk', created_at, updated_at FROM stations WHERE code = ? "
            "AND NOT EXISTS (SELECT 1 FROM stations WHERE code = ?)",
            (new_id(), DESK, COUNTER, DESK),
        )


def history_days(connection: sqlite3.Connection) -> tuple[date, date]:
    """The first and last day the shifts cover: the history, and the sales after it."""
    last_sale = connection.execute("SELECT max(issued_at) FROM sales_documents").fetchone()[0]
    last = max(EPOCH, datetime.fromisoformat(last_sale)) if last_sale else EPOCH
    return (EPOCH - timedelta(days=HISTORY_DAYS)).date(), last.date()


def build(connection: sqlite3.Connection, scale: Scale) -> dict[str, int]:
    rng = random.Random(REPORTS_SEED)
    add_station(connection)
    shop = Shop(connection)
    drawers = Drawers(rng, shop, *history_days(connection))
    ctx = Context(connection, rng, shop, Writer(connection), Journal(), drawers)
    (payments_before,) = connection.execute(
        "SELECT coalesce(max(rowid), 0) FROM payments"
    ).fetchone()
    notes = add_credit_notes(ctx, round(scale.sales * CREDIT_NOTE_SHARE))
    desk = add_repairs(ctx, scale.tickets)
    add_voids(ctx, round(scale.sales * VOID_SHARE))
    add_cash_movements(ctx)
    ctx.writer.flush()  # the stock levels the adjustments report include the parts used
    derived = ctx.writer.written["audit_events"] + 2 * len(drawers.shifts)
    target = round(scale.sales * AUDIT_SHARE)
    AuditTrail(ctx).run(max(target - derived, target // 5))
    with connection:
        connection.executemany(
            "UPDATE tickets SET status_id = ?, completed_at = ?, updated_at = ? WHERE id = ?",
            desk.ticket_updates,
        )
    ctx.writer.flush()
    close_shifts(ctx, payments_before)
    ctx.writer.flush()
    counts = dict(ctx.writer.written)
    counts["comebacks"] = link_comebacks(connection, rng, round(scale.tickets * COMEBACK_SHARE))
    for station, events in ctx.journal.events.items():
        counts[f"journal_{station}"] = rechain(connection, station, events)
    days = len(drawers.shifts) // len(STATIONS)
    set_sequences(
        connection,
        {(DESK, "sale"): desk.sales, (COUNTER, "credit_note"): notes,
         (COUNTER, "z_report"): days, (DESK, "z_report"): days},
    )  # fmt: skip
    return counts


def add_reports(db_path: Path, scale: Scale) -> dict[str, int]:
    """Add the report layer to a dataset that has its tickets, stock and sales; returns
    the rows written per table."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")
        counts = build(connection, scale)
        connection.execute("ANALYZE")
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    log.info("report layer: %s", counts)
    return counts
