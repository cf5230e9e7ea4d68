"""Ticket scenarios: the bench list with each filter, opening a busy ticket, and looking a
ticket up by its scanned number; each beside the same statements in plain ``sqlite3``."""

from __future__ import annotations

import logging
import random
import sqlite3
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.generate import EPOCH, db_time
from benchmarks.generate_tickets import HEAVY_NUMBER
from benchmarks.scenarios import (
    PAGE_SIZE,
    BenchContext,
    Measurement,
    measure_each,
    median_ms,
    p95,
)
from desktop.services.tickets import FINISHED, TicketFilter

log = logging.getLogger(__name__)

LOOKUPS = 200
PAGE_COLUMNS = (
    "t.id, t.number, t.priority, t.promised_at, t.created_at, s.name, s.category, "
    "c.first_name, c.last_name, c.company, d.brand, d.model, u.display_name"
)
PAGE_JOINS = (
    "FROM tickets t JOIN ticket_statuses s ON s.id = t.status_id "
    "JOIN customers c ON c.id = t.customer_id "
    "LEFT JOIN devices d ON d.id = t.device_id LEFT JOIN users u ON u.id = t.assigned_to_id"
)


def _hex(value: uuid.UUID) -> str:
    return value.hex


def _filters(connection: sqlite3.Connection) -> dict[str, tuple[TicketFilter, str, list[Any]]]:
    """Each filter of the bench list: as the service takes it, and as plain SQL."""
    status = connection.execute(
        "SELECT id FROM ticket_statuses WHERE category = 'in_progress' ORDER BY position"
    ).fetchone()[0]
    technician = connection.execute(
        "SELECT id FROM users WHERE role = 'technician' ORDER BY username LIMIT 1"
    ).fetchone()[0]
    customer = connection.execute(
        "SELECT customer_id FROM tickets ORDER BY created_at DESC LIMIT 1"
    ).fetchone()[0]
    now = datetime.now(UTC)
    since = EPOCH.replace(tzinfo=UTC) - timedelta(days=30)
    finished = [c.value for c in FINISHED]
    marks = ", ".join("?" * len(finished))
    return {
        "none": (TicketFilter(), "", []),
        "status": (
            TicketFilter(status_ids=frozenset({uuid.UUID(status)})),
            "t.status_id = ?",
            [status],
        ),
        "technician": (
            TicketFilter(technician_id=uuid.UUID(technician)),
            "t.assigned_to_id = ?",
            [technician],
        ),
        "unassigned": (TicketFilter(unassigned=True), "t.assigned_to_id IS NULL", []),
        "priority": (TicketFilter(priority="urgent"), "t.priority = ?", ["urgent"]),
        "overdue": (
            TicketFilter(overdue=True),
            f"t.status_id IN (SELECT id FROM ticket_statuses WHERE category NOT IN ({marks})) "
            "AND t.promised_at < ?",
            [*finished, db_time(now.replace(tzinfo=None))],
        ),
        "customer": (
            TicketFilter(customer_id=uuid.UUID(customer)),
            "t.customer_id = ?",
            [customer],
        ),
        "last_30_days": (
            TicketFilter(created_from=since),
            "t.created_at >= ?",
            [db_time(since.replace(tzinfo=None))],
        ),
    }


def _floor_list(connection: sqlite3.Connection, where: str, params: list[Any]) -> None:
    clause = f"WHERE {where}" if where else ""
    connection.execute("SELECT status_id, tickets FROM ticket_status_counts").fetchall()
    connection.execute("SELECT count(*) FROM tickets t " + clause, params).fetchone()
    connection.execute(
        f"SELECT {PAGE_COLUMNS} {PAGE_JOINS} {clause} "
        "ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
        [*params, PAGE_SIZE],
    ).fetchall()


def ticket_list_first_page_ms(ctx: BenchContext) -> Measurement:
    """What the tickets screen reads for its first view: the per-status counts, the count
    and the first page of the filtered list. The slowest filter is the figure."""
    tickets = ctx.services.tickets
    worst: tuple[float, float] = (0.0, 0.0)
    with ctx.plain_connection() as connection:
        for name, (where, sql, params) in _filters(connection).items():
            floor = median_ms(lambda s=sql, p=params: _floor_list(connection, s, p))

            def service(w: TicketFilter = where) -> None:
                tickets.counts_by_status()
                tickets.count(w)
                tickets.page(w, limit=PAGE_SIZE)

            value = median_ms(service)
            log.info("ticket list %-13s %7.1f ms (floor %6.1f ms)", name, value, floor)
            worst = max(worst, (value, floor))
    return Measurement(*worst)


def _floor_open(connection: sqlite3.Connection, ticket_id: str) -> None:
    for sql in (
        "SELECT * FROM tickets WHERE id = ?",
        "SELECT * FROM customers WHERE id = (SELECT customer_id FROM tickets WHERE id = ?)",
        "SELECT * FROM ticket_status_changes WHERE ticket_id = ?",
        "SELECT * FROM ticket_assignments WHERE ticket_id = ?",
        "SELECT * FROM ticket_notes WHERE ticket_id = ?",
        "SELECT * FROM ticket_labour_lines WHERE ticket_id = ?",
        "SELECT * FROM ticket_attachments WHERE ticket_id = ?",
        "SELECT id, ticket_id, purpose, signer_name, at FROM ticket_signatures WHERE ticket_id = ?",
    ):
        connection.execute(sql, (ticket_id,)).fetchall()
    connection.execute("SELECT id, name FROM ticket_statuses").fetchall()
    connection.execute("SELECT id, display_name FROM users").fetchall()


def ticket_open_ms(ctx: BenchContext) -> Measurement:
    """Opening the ticket with 50 notes and 20 status changes, at the service."""
    tickets = ctx.services.tickets
    ticket_id = tickets.find_by_number(HEAVY_NUMBER)
    if ticket_id is None:
        raise RuntimeError(f"the dataset has no {HEAVY_NUMBER}")
    detail = tickets.get(ticket_id)
    notes = sum(1 for h in detail.history if h.kind == "note")
    changes = sum(1 for h in detail.history if h.kind == "status")
    log.info("%s has %d notes and %d status changes", HEAVY_NUMBER, notes, changes)
    with ctx.plain_connection() as connection:
        floor = median_ms(lambda: _floor_open(connection, _hex(ticket_id)))
    return Measurement(median_ms(lambda: tickets.get(ticket_id)), floor)


def ticket_lookup_p95_ms(ctx: BenchContext) -> Measurement:
    """A scanned ticket number to its ticket, as the scanner types it (lower case, spaces)."""
    rng = random.Random(11)
    with ctx.plain_connection() as connection:
        total = int(connection.execute("SELECT max(rowid) FROM tickets").fetchone()[0])
        numbers = [
            row[0]
            for row in connection.execute(
                f"SELECT number FROM tickets WHERE rowid IN ({', '.join('?' * LOOKUPS)})",
                [rng.randint(1, total) for _ in range(LOOKUPS)],
            )
        ]
        floor = measure_each(
            numbers,
            lambda n: connection.execute(
                "SELECT id FROM tickets WHERE number = ?", (n,)
            ).fetchone(),
        )
    tickets = ctx.services.tickets
    typed = [f" {n.lower()} " for n in numbers]
    return Measurement(p95(measure_each(typed, tickets.find_by_number)), p95(floor))


SCENARIOS: dict[str, Callable[[BenchContext], Measurement]] = {
    "ticket_list_first_page_ms": ticket_list_first_page_ms,
    "ticket_open_ms": ticket_open_ms,
    "ticket_lookup_p95_ms": ticket_lookup_p95_ms,
}
