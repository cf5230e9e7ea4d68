"""Enrolling a station with a one-time code: it gets a station code, a token and its shop."""

from __future__ import annotations

import string
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg.rows import DictRow

from desktop.services.ids import new_id
from server.admin import valid_station_code
from server.errors import ApiError
from server.tokens import code_digest, digest, new_token


@dataclass(frozen=True)
class EnrollRequest:
    code: str
    station_name: str
    station_code: str | None
    has_data: bool


def _station_codes() -> Iterator[str]:
    """A, B, ... Z, then A2 ... Z2, A3 ...: short, and never ambiguous in a number."""
    yield from string.ascii_uppercase
    suffix = 2
    while True:
        for letter in string.ascii_uppercase:
            yield f"{letter}{suffix}"
        suffix += 1


def _claim_code(db: psycopg.Connection[DictRow], typed: str, now: datetime) -> dict[str, object]:
    row = db.execute(
        "SELECT * FROM srv_enrollment_codes WHERE code_hash = %s FOR UPDATE",
        (code_digest(typed),),
    ).fetchone()
    if row is None:
        raise ApiError(400, "invalid_code", "This enrollment code is not known. Check it.")
    if row["used_at"] is not None:
        raise ApiError(
            400, "code_used", "This enrollment code was already used; ask for a new one."
        )
    if row["expires_at"] <= now:
        raise ApiError(400, "code_expired", "This enrollment code has expired; ask for a new one.")
    return row


def _choose_station_code(
    request: EnrollRequest, reserved: str | None, taken: set[str], retired: set[str]
) -> str:
    """A station with data keeps its code (its numbers carry it) or is refused; otherwise
    the reserved code, the one asked for if free, or the first free one. A code reserved
    by the operator may be one of a revoked station only: a reinstalled PC taking its
    own code back and continuing its numbers."""
    asked = request.station_code
    if asked is not None and not valid_station_code(asked):
        raise ApiError(
            422, "invalid_request", "A station code is 1 to 8 capital letters or digits."
        )
    if request.has_data and asked:
        wanted: str | None = asked
    elif reserved:
        wanted = reserved
    else:
        wanted = asked if asked and asked not in taken else None
    if wanted is None:
        return next(code for code in _station_codes() if code not in taken)
    if wanted in taken and not (wanted == reserved and wanted in retired):
        raise ApiError(
            409, "station_code_taken",
            f"Another PC of this shop already uses station code {wanted}. Numbers made on "
            "this PC carry its code, so it cannot join under it; ask for help.",
        )  # fmt: skip
    return wanted


def enroll(
    db: psycopg.Connection[DictRow], request: EnrollRequest, token_days: float
) -> dict[str, object]:
    """Use the one-time code and register the station; returns the /v1/enroll answer.

    Raises ``ApiError`` 400 (invalid_code, code_used, code_expired) or 409
    (station_code_taken); nothing is written then.
    """
    now = datetime.now(UTC)
    code = _claim_code(db, request.code, now)
    shop = db.execute(
        "SELECT id, name, next_seq FROM srv_shops WHERE id = %s FOR UPDATE", (code["shop_id"],)
    ).fetchone()
    assert shop is not None
    stations = db.execute(
        "SELECT code, bool_and(revoked_at IS NOT NULL) AS retired FROM srv_stations "
        "WHERE shop_id = %s GROUP BY code",
        (shop["id"],),
    ).fetchall()
    taken = {r["code"] for r in stations}
    retired = {r["code"] for r in stations if r["retired"]}
    station_code = _choose_station_code(request, code["station_code"], taken, retired)  # type: ignore[arg-type]
    station_id, token = new_id(), new_token()
    expires = now + timedelta(days=token_days) if token_days > 0 else None
    db.execute(
        "INSERT INTO srv_stations (id, shop_id, branch_id, code, name, token_hash, "
        "token_expires_at, enrolled_at, last_station_seq, last_seen_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0, %s)",
        (station_id, shop["id"], code["branch_id"], station_code,
         request.station_name or code["station_name"], digest(token), expires, now, now),
    )  # fmt: skip
    db.execute(
        "UPDATE srv_enrollment_codes SET used_at = %s, station_id = %s WHERE code_hash = %s",
        (now, station_id, code["code_hash"]),
    )
    branch = db.execute(
        "SELECT name FROM srv_branches WHERE id = %s", (code["branch_id"],)
    ).fetchone()
    assert branch is not None
    return {
        "station_id": str(station_id),
        "station_code": station_code,
        "token": token,
        "shop_id": str(shop["id"]),
        "shop_name": shop["name"],
        "branch_id": str(code["branch_id"]),
        "branch_name": branch["name"],
        "shop_has_data": int(shop["next_seq"]) > 1,
    }


def station_status(db: psycopg.Connection[DictRow], station_id: uuid.UUID) -> dict[str, object]:
    """The /v1/status answer: who this station is, and where the shop's log stands."""
    row = db.execute(
        "SELECT st.id, st.code, st.last_station_seq, s.name AS shop_name, s.next_seq, "
        "b.name AS branch_name FROM srv_stations st JOIN srv_shops s ON s.id = st.shop_id "
        "JOIN srv_branches b ON b.id = st.branch_id WHERE st.id = %s",
        (station_id,),
    ).fetchone()
    assert row is not None
    return {
        "station_id": str(row["id"]),
        "station_code": row["code"],
        "shop_name": row["shop_name"],
        "branch_name": row["branch_name"],
        "head": int(row["next_seq"]) - 1,
        "last_station_seq": int(row["last_station_seq"]),
    }
