"""Repair tickets for the benchmark dataset: years of history, mostly closed, the recent
weeks still on the bench; with their status changes, assignments and notes.

Ticket ``T-A-10001`` is the heavy one the "open a ticket" scenario reads: 50 notes and
20 status changes.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
from collections.abc import Sequence
from datetime import timedelta

from benchmarks.generate import (
    EPOCH,
    Row,
    batches,
    db_time,
    new_id,
    random_moment,
)

log = logging.getLogger(__name__)

STATIONS = ("A", "B")
HEAVY_NUMBER = "T-A-10001"
HEAVY_NOTES = 50
HEAVY_CHANGES = 20
RECENT_DAYS = 30
TICKET_COLUMNS = (
    "id, number, customer_id, device_id, status_id, priority, problem, condition, accessories, "
    "estimate_labour, estimate_parts, promised_at, assigned_to_id, signature_consent, "
    "diagnosis, work_done, created_by_id, created_at, updated_at, completed_at, "
    "estimate_approval, estimate_approved_by"
)
CHANGE_COLUMNS = "id, ticket_id, from_status_id, to_status_id, at, user_id, note"
ASSIGNMENT_COLUMNS = "id, ticket_id, technician_id, at, user_id"
NOTE_COLUMNS = "id, ticket_id, at, user_id, author, customer_visible, body"
PROBLEMS = (
    "Cracked screen",
    "Battery drains fast",
    "Does not charge",
    "Water damage",
    "No power",
    "Stuck on logo",
    "Camera blurry",
    "Keyboard keys dead",
)
PRIORITIES = ("normal",) * 6 + ("low", "high", "high", "urgent")
CONDITION = json.dumps({"items": {"Powers on": True, "Scratches": False}, "notes": ""})


def _placeholders(columns: str) -> str:
    return ", ".join("?" * len(columns.split(",")))


class TicketMaker:
    def __init__(self, connection: sqlite3.Connection, rng: random.Random) -> None:
        self.rng = rng
        self.devices: list[tuple[str, str]] = connection.execute(
            "SELECT id, customer_id FROM devices"
        ).fetchall()
        self.statuses: dict[str, list[str]] = {}
        for status_id, category in connection.execute(
            "SELECT id, category FROM ticket_statuses WHERE active ORDER BY position"
        ):
            self.statuses.setdefault(category, []).append(status_id)
        self.technicians = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM users WHERE role IN ('technician', 'manager')"
            )
        ]
        self.staff = [row[0] for row in connection.execute("SELECT id FROM users")]
        self.counters = dict.fromkeys(STATIONS, 10001)
        self.changes: list[Row] = []
        self.assignments: list[Row] = []
        self.notes: list[Row] = []

    def _status(self, recent: bool) -> tuple[str, str]:
        if recent:
            category = self.rng.choice(list(self.statuses))
        else:
            category = self.rng.choices(
                ["closed", "completed", "cancelled", "ready", "waiting_customer"],
                weights=[80, 8, 8, 3, 1],
            )[0]
        return category, self.rng.choice(self.statuses[category])

    def ticket(self, heavy: bool = False) -> Row:
        rng = self.rng
        station = "A" if heavy else rng.choice(STATIONS)
        number = f"T-{station}-{self.counters[station]}"
        self.counters[station] += 1
        created_at = EPOCH - timedelta(days=1) if heavy else random_moment(rng)
        recent = (EPOCH - created_at).days < RECENT_DAYS
        category, status_id = self._status(recent)
        device_id, customer_id = rng.choice(self.devices)
        ticket_id = new_id()
        user = rng.choice(self.staff)
        technician = rng.choice(self.technicians) if rng.random() < 0.85 else None
        promised = created_at + timedelta(days=rng.randint(1, 7)) if rng.random() < 0.7 else None
        done = category in ("completed", "closed")
        completed = created_at + timedelta(days=rng.randint(1, 10)) if done else None
        labour = rng.choice((2500, 3000, 4500, 6000))
        self.changes.append(
            (new_id(), ticket_id, None, self.statuses["open"][0], db_time(created_at), user, "")
        )
        if status_id != self.statuses["open"][0]:
            moved = created_at + timedelta(hours=rng.randint(1, 96))
            self.changes.append(
                (new_id(), ticket_id, self.statuses["open"][0], status_id, db_time(moved), user, "")
            )
        if technician is not None:
            self.assignments.append((new_id(), ticket_id, technician, db_time(created_at), user))
        if rng.random() < 0.3:
            self.notes.append(self._note(ticket_id, created_at + timedelta(hours=2), user))
        if heavy:
            self._heavy_history(ticket_id, created_at, user)
        updated = completed or created_at
        return (
            ticket_id, number, customer_id, device_id, status_id, rng.choice(PRIORITIES),
            rng.choice(PROBLEMS), CONDITION, "Case" if rng.random() < 0.2 else "",
            labour, rng.choice((0, 1900, 4900, 12900)),
            db_time(promised) if promised else None, technician, 1,
            "Confirmed on the bench." if done else "", "Repaired and tested." if done else "",
            user, db_time(created_at), db_time(updated),
            db_time(completed) if completed else None, "", "",
        )  # fmt: skip

    def _note(self, ticket_id: str, at: object, user: str) -> Row:
        body = self.rng.choice(
            ("Customer called for an update.", "Part ordered.", "Tested for 24 hours: OK.")
        )
        return (new_id(), ticket_id, db_time(at), user, "Staff", 0, body)  # type: ignore[arg-type]

    def _heavy_history(self, ticket_id: str, created_at: object, user: str) -> None:
        statuses = [s for ids in self.statuses.values() for s in ids]
        for n in range(HEAVY_CHANGES - 2):
            at = created_at + timedelta(minutes=10 * (n + 1))  # type: ignore[operator]
            self.changes.append(
                (new_id(), ticket_id, statuses[n % len(statuses)],
                 statuses[(n + 1) % len(statuses)], db_time(at), user, "step")
            )  # fmt: skip
        for n in range(HEAVY_NOTES - len([x for x in self.notes if x[1] == ticket_id])):
            at = created_at + timedelta(minutes=5 * (n + 1))  # type: ignore[operator]
            self.notes.append(self._note(ticket_id, at, user))

    def flush(self, connection: sqlite3.Connection, tickets: Sequence[Row]) -> None:
        with connection:
            connection.executemany(
                f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({_placeholders(TICKET_COLUMNS)})",
                tickets,
            )
            for table, columns, rows in (
                ("ticket_status_changes", CHANGE_COLUMNS, self.changes),
                ("ticket_assignments", ASSIGNMENT_COLUMNS, self.assignments),
                ("ticket_notes", NOTE_COLUMNS, self.notes),
            ):
                connection.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({_placeholders(columns)})", rows
                )
        self.changes, self.assignments, self.notes = [], [], []


def insert_tickets(connection: sqlite3.Connection, rng: random.Random, count: int) -> None:
    """Insert ``count`` tickets, then point each station's ticket counter past them."""
    maker = TicketMaker(connection, rng)
    done = 0
    for size in batches(count):
        rows = [maker.ticket(heavy=done == 0 and n == 0) for n in range(size)]
        maker.flush(connection, rows)
        done += size
        log.info("tickets: %d / %d", done, count)
    with connection:
        for station, next_value in maker.counters.items():
            connection.execute(
                "INSERT OR REPLACE INTO document_sequences (station_code, kind, next_value) "
                "VALUES (?, 'ticket', ?)",
                (station, next_value),
            )
