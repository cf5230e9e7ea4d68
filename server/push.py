"""``POST /v1/push``: a station's transactions, in its order, into the shop's log.

The whole request is one PostgreSQL transaction holding the shop row's lock, so the
writers of a shop are serialized and server sequence numbers commit in order: a pull
never sees seq N+1 before seq N. Each station transaction gets a savepoint: it is applied
whole or rejected whole, and the station's cursor moves past it either way, so one bad
transaction never blocks the ones after it.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb
from pydantic import BaseModel, Field

from server.context import Station
from server.errors import ApiError
from server.refused import current_rows
from server.shoplog import ShopLog
from server.writer import NeedsOneByOne, Rejected, apply_batch, apply_transaction

log = logging.getLogger("server.push")

MAX_TRANSACTIONS = 1000
MAX_CHANGES = 5000

Db = psycopg.Connection[DictRow]


class TransactionIn(BaseModel):
    txn_id: uuid.UUID
    station_seq: int = Field(ge=1)
    changes: list[dict[str, Any]]


class PushBody(BaseModel):
    station_id: uuid.UUID
    transactions: list[TransactionIn]


@dataclass
class PushOutcome:
    results: list[dict[str, Any]] = field(default_factory=list)
    last_station_seq: int = 0
    head: int = 0
    # Set when a transaction skipped ahead: the station_seq the server expected instead.
    expected: int | None = None

    def answer(self) -> dict[str, Any]:
        return {
            "results": self.results,
            "last_station_seq": self.last_station_seq,
            "head": self.head,
        }


def _check_size(body: PushBody) -> None:
    changes = sum(len(t.changes) for t in body.transactions)
    if len(body.transactions) > MAX_TRANSACTIONS or changes > MAX_CHANGES:
        raise ApiError(
            413, "too_large",
            f"A push holds at most {MAX_TRANSACTIONS} transactions and {MAX_CHANGES} "
            "changes; send fewer at a time.",
        )  # fmt: skip


def _apply_or_reject(db: Db, shop: ShopLog, station: Station, txn: TransactionIn) -> str | None:
    """Apply one transaction under a savepoint; the reason when it was rejected."""
    mark = shop.mark()
    try:
        with db.transaction():
            apply_transaction(db, shop, station, txn.txn_id, txn.changes)
        return None
    except Rejected as exc:
        reason = str(exc)
    except (psycopg.DataError, psycopg.IntegrityError) as exc:
        # A value PostgreSQL will not store (a NUL character, a number out of range).
        reason = f"The server could not store this change: {exc.diag.message_primary or exc}"
    shop.reset(mark)
    _record_rejection(db, station, txn, reason)
    return reason


def _record_rejection(db: Db, station: Station, txn: TransactionIn, reason: str) -> None:
    db.execute(
        "INSERT INTO srv_rejections (shop_id, station_id, txn_id, station_seq, reason, "
        "changes, received_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (station.shop_id, station.id, txn.txn_id, txn.station_seq, reason,
         Jsonb(txn.changes), datetime.now(UTC)),
    )  # fmt: skip
    log.warning(
        "rejected a transaction",
        extra={"station": str(station.id), "station_seq": txn.station_seq, "reason": reason},
    )


def _earlier_result(db: Db, station: Station, txn: TransactionIn) -> dict[str, Any] | None:
    """The answer again when ``txn`` is a true repeat (refused before, or every change of
    it logged); None when its number was used for other changes."""
    refused = db.execute(
        "SELECT reason FROM srv_rejections WHERE station_id = %s AND station_seq = %s "
        "AND txn_id = %s",
        (station.id, txn.station_seq, txn.txn_id),
    ).fetchone()
    if refused is not None:
        return _result(txn, "rejected", str(refused["reason"]))
    try:
        ids = {uuid.UUID(str(change.get("change_id"))) for change in txn.changes}
    except ValueError:
        return None
    row = db.execute(
        "SELECT count(*) AS n FROM srv_change_log WHERE shop_id = %s AND change_id = ANY(%s)",
        (station.shop_id, list(ids)),
    ).fetchone()
    if row is None or int(row["n"]) != len(ids):
        return None
    return _result(txn, "duplicate", "")


def push(db: Db, station: Station, body: PushBody) -> PushOutcome:
    """Apply ``body`` for ``station``; raises 403 when it names another station and 413
    when it holds too much. A sequence gap, or a number already used for other changes,
    ends the loop with ``expected`` set: what came before it is kept."""
    if body.station_id != station.id:
        raise ApiError(403, "wrong_station", "This push names a different station than its key.")
    _check_size(body)
    shop = ShopLog.lock(db, station.shop_id)
    row = db.execute(
        "SELECT last_station_seq FROM srv_stations WHERE id = %s", (station.id,)
    ).fetchone()
    assert row is not None
    outcome = PushOutcome(last_station_seq=int(row["last_station_seq"]))
    # Pipeline mode: writes go out without waiting for each answer; only the reads a
    # transaction needs (its known changes, its rows' clocks) wait. A push of many
    # small transactions then costs a few round trips each instead of a dozen.
    with db.pipeline():
        _apply_transactions(db, shop, station, body, outcome)
    _add_current_rows(db, station, body, outcome)
    db.execute(
        "UPDATE srv_stations SET last_station_seq = %s WHERE id = %s",
        (outcome.last_station_seq, station.id),
    )
    shop.save(db)
    outcome.head = shop.head
    return outcome


def _apply_transactions(
    db: Db, shop: ShopLog, station: Station, body: PushBody, outcome: PushOutcome
) -> None:
    """Results for repeats; the new transactions, in order, applied as one batch (or one
    by one when the batch cannot be), up to a gap."""
    fresh: list[TransactionIn] = []
    last = outcome.last_station_seq
    for txn in body.transactions:
        if txn.station_seq <= last and not fresh:
            earlier = _earlier_result(db, station, txn)
            if earlier is None:
                # New changes under a number already used: the station's database went
                # back (restored from a backup). It numbers them again from here.
                outcome.expected = last + 1
                return
            outcome.results.append(earlier)
            continue
        if txn.station_seq != last + 1:
            outcome.expected = last + 1
            break
        fresh.append(txn)
        last = txn.station_seq
    for txn, reason in zip(fresh, _apply_fresh(db, shop, station, fresh), strict=True):
        outcome.results.append(_result(txn, "applied" if reason is None else "rejected", reason))
        outcome.last_station_seq = txn.station_seq


def _add_current_rows(db: Db, station: Station, body: PushBody, outcome: PushOutcome) -> None:
    """Each refused transaction's rows as the server has them once the whole push is in,
    so the station can put them back (``server.refused``)."""
    sent = {txn.station_seq: txn for txn in body.transactions}
    for result in outcome.results:
        if result["status"] == "rejected":
            changes = sent[result["station_seq"]].changes
            result["current"] = current_rows(db, station.shop_id, changes)


def _result(txn: TransactionIn, status: str, reason: str | None) -> dict[str, Any]:
    return {
        "txn_id": str(txn.txn_id),
        "station_seq": txn.station_seq,
        "status": status,
        "reason": reason or "",
    }


def _apply_fresh(
    db: Db, shop: ShopLog, station: Station, txns: list[TransactionIn]
) -> list[str | None]:
    if not txns:
        return []
    mark = shop.mark()
    try:
        with db.transaction():
            reasons = apply_batch(db, shop, station, [txn.changes for txn in txns])
    except (NeedsOneByOne, psycopg.DataError, psycopg.IntegrityError):
        shop.reset(mark)
        return [_apply_or_reject(db, shop, station, txn) for txn in txns]
    for txn, reason in zip(txns, reasons, strict=True):
        if reason is not None:
            _record_rejection(db, station, txn, reason)
    return reasons


def gap_answer(outcome: PushOutcome) -> dict[str, Any]:
    """The 409 ``sequence_gap`` body: the error, what the server expected, what was kept."""
    return {
        "detail": f"The server expected this PC's transaction {outcome.expected} next; "
        "it sends again from there.",
        "code": "sequence_gap",
        "expected": outcome.expected,
        **outcome.answer(),
    }


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
