"""Administration of shops, branches and stations (the CLI's work, also used by tests).

Every function runs inside the caller's transaction on a psycopg connection with dict
rows, and raises ``AdminError`` with a sentence for the operator when it cannot act.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import DictRow

from desktop.services.ids import new_id
from server.tokens import code_digest, new_code

Connection = psycopg.Connection[DictRow]


class AdminError(Exception):
    """An administration command cannot be carried out (unknown id, bad value)."""


@dataclass(frozen=True)
class EnrollmentCode:
    code: str
    expires_at: datetime


def now() -> datetime:
    return datetime.now(UTC)


def create_shop(db: Connection, name: str) -> uuid.UUID:
    """A new shop (tenant) with an empty change log; returns its id."""
    if not name.strip():
        raise AdminError("A shop needs a name.")
    shop_id = new_id()
    db.execute(
        "INSERT INTO srv_shops (id, name, created_at, next_seq, min_seq, clock) "
        "VALUES (%s, %s, %s, 1, 1, '')",
        (shop_id, name.strip(), now()),
    )
    return shop_id


def create_branch(db: Connection, shop_id: uuid.UUID, name: str) -> uuid.UUID:
    """A new branch of ``shop_id``; returns its id."""
    if db.execute("SELECT 1 FROM srv_shops WHERE id = %s", (shop_id,)).fetchone() is None:
        raise AdminError(f"There is no shop {shop_id}.")
    if not name.strip():
        raise AdminError("A branch needs a name.")
    branch_id = new_id()
    db.execute(
        "INSERT INTO srv_branches (id, shop_id, name, created_at) VALUES (%s, %s, %s, %s)",
        (branch_id, shop_id, name.strip(), now()),
    )
    return branch_id


def issue_enrollment_code(
    db: Connection,
    branch_id: uuid.UUID,
    hours: float,
    station_code: str | None = None,
    station_name: str = "",
) -> EnrollmentCode:
    """A one-time code that enrolls one station in ``branch_id`` within ``hours``;
    ``station_code`` reserves that code for it."""
    row = db.execute("SELECT shop_id FROM srv_branches WHERE id = %s", (branch_id,)).fetchone()
    if row is None:
        raise AdminError(f"There is no branch {branch_id}.")
    if station_code is not None and not valid_station_code(station_code):
        raise AdminError("A station code is 1 to 8 capital letters or digits, like A or B2.")
    code = new_code()
    expires_at = now() + timedelta(hours=hours)
    db.execute(
        "INSERT INTO srv_enrollment_codes (code_hash, shop_id, branch_id, station_code, "
        "station_name, created_at, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (code_digest(code), row["shop_id"], branch_id, station_code, station_name, now(),
         expires_at),
    )  # fmt: skip
    return EnrollmentCode(code, expires_at)


def valid_station_code(code: str) -> bool:
    return 1 <= len(code) <= 8 and code.isascii() and code.isalnum() and code == code.upper()


def revoke_station(db: Connection, station_id: uuid.UUID) -> None:
    """Revoke the station's token at once; its code stays taken (its numbers carry it)."""
    result = db.execute(
        "UPDATE srv_stations SET revoked_at = COALESCE(revoked_at, %s) WHERE id = %s",
        (now(), station_id),
    )
    if result.rowcount == 0:
        raise AdminError(f"There is no station {station_id}.")


def trim_log(db: Connection, shop_id: uuid.UUID, keep: int) -> int:
    """Drop all but the newest ``keep`` changes of the shop's log; stations behind the
    new floor must resync. Returns the new lowest sequence number kept."""
    if keep < 0:
        raise AdminError("--keep must be 0 or more.")
    row = db.execute(
        "SELECT next_seq, min_seq FROM srv_shops WHERE id = %s FOR UPDATE", (shop_id,)
    ).fetchone()
    if row is None:
        raise AdminError(f"There is no shop {shop_id}.")
    min_seq = max(int(row["min_seq"]), int(row["next_seq"]) - keep)
    if min_seq > int(row["min_seq"]):
        db.execute(
            "UPDATE srv_shops SET min_seq = %s, floor_chain = COALESCE((SELECT chain "
            "FROM srv_change_log WHERE shop_id = %s AND seq = %s), floor_chain) WHERE id = %s",
            (min_seq, shop_id, min_seq - 1, shop_id),
        )
    db.execute("DELETE FROM srv_change_log WHERE shop_id = %s AND seq < %s", (shop_id, min_seq))
    return min_seq
