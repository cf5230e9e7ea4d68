"""The station's side of push: which transactions wait, in what order, and what became
of each.

Transactions are numbered (``txn_seq``) the first time they are about to leave, in the
order they committed: the server applies number n only after n - 1, so a sale and its
payments never arrive half, and nothing arrives out of order. A number, once given, never
changes, which makes a retry after a lost response a harmless repeat. Sent entries are
kept: if the server comes back from an older backup, they are sent again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from desktop.models.base import utc_now
from desktop.models.sync import OutboxEntry
from desktop.services.ids import new_id
from desktop.sync.merge import ZERO_HLC
from desktop.sync.schema import BOOTSTRAP_ORDER, SYNC_TABLES
from desktop.sync.wire import Change, Transaction, wire_value

PENDING, SENT, REJECTED = "pending", "sent", "rejected"

# The server takes at most 5000 changes and 1000 transactions in one push. A local
# transaction larger than a part (an import of thousands of items) travels as several
# numbered parts, each applied whole, in order.
MAX_PART = 2000
MAX_TRANSACTIONS = 500
# Well under the server's 16 MB body limit: photos, signatures and attached PDFs are big.
MAX_BYTES = 4 * 1024 * 1024

_ENTRY = select(
    OutboxEntry.txn_seq,
    OutboxEntry.txn_id,
    OutboxEntry.change_id,
    OutboxEntry.table_name,
    OutboxEntry.row_id,
    OutboxEntry.op,
    OutboxEntry.fields,
    OutboxEntry.hlc,
    OutboxEntry.station_code,
    OutboxEntry.user_id,
    OutboxEntry.base_seq,
)


@dataclass(frozen=True)
class TransactionResult:
    """What the server did with one pushed transaction."""

    txn_id: uuid.UUID
    station_seq: int
    status: str  # applied | duplicate | rejected
    reason: str = ""


@dataclass(frozen=True)
class RejectedTransaction:
    """A transaction the server refused, for a manager to see."""

    txn_id: uuid.UUID
    station_seq: int
    created_at: datetime
    tables: tuple[str, ...]
    changes: int
    reason: str


class Outbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def next_batch(self, max_changes: int = MAX_PART) -> list[Transaction]:
        """The oldest waiting transactions, whole, up to ``max_changes`` changes,
        ``MAX_TRANSACTIONS`` transactions and about ``MAX_BYTES`` (a single larger one
        still goes, alone)."""
        with self.engine.begin() as connection:
            _number_new_transactions(connection)
            rows = connection.execute(
                _ENTRY.where(OutboxEntry.status == PENDING)
                .order_by(OutboxEntry.seq)
                .limit(max_changes + 1)
            ).all()
            rows = _within_limits(rows)
            if len(rows) > max_changes:
                last = rows[-1].txn_seq
                whole = [row for row in rows if row.txn_seq != last]
                rows = (
                    whole
                    or connection.execute(
                        _ENTRY.where(
                            OutboxEntry.status == PENDING, OutboxEntry.txn_seq == last
                        ).order_by(OutboxEntry.seq)
                    ).all()
                )
        return _transactions(rows)

    def record(self, results: Iterable[TransactionResult]) -> None:
        """Mark pushed transactions sent, or rejected with the server's reason."""
        with self.engine.begin() as connection:
            for result in results:
                rejected = result.status == "rejected"
                connection.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.txn_seq == result.station_seq)
                    .values(status=REJECTED if rejected else SENT, error=result.reason)
                )

    def resend_from(self, station_seq: int) -> int:
        """The server lost transactions from ``station_seq`` on (restored from a backup):
        send them again, refused ones too, so its numbering has no hole. Returns how
        many changes wait again."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(OutboxEntry)
                .where(OutboxEntry.txn_seq >= station_seq, OutboxEntry.status != PENDING)
                .values(status=PENDING, error="")
            )
        return int(result.rowcount)

    def start_over(self, *, with_seeds: bool, station_code: str) -> int:
        """Make every change this station ever made wait again, numbered from 1: a new
        enrollment starts a new numbering on the server, which skips the changes it
        already holds by their ids. ``with_seeds`` first queues the rows every database
        is created with (the server of a new shop has none of them), sent by station
        ``station_code``. Returns how many changes wait."""
        with self.engine.begin() as connection:
            connection.execute(update(OutboxEntry).values(status=PENDING, error="", txn_seq=None))
            if with_seeds:
                _queue_seeds(connection, station_code)
            return int(
                connection.execute(
                    select(func.count()).where(OutboxEntry.status == PENDING)
                ).scalar_one()
            )

    def renumber_from(self, station_seq: int) -> None:
        """The server has used this station's numbers up to ``station_seq`` - 1 for
        other changes (this database was restored from a backup): number the waiting
        transactions on from there, in the same order."""
        with self.engine.begin() as connection:
            lowest = connection.execute(
                select(func.min(OutboxEntry.txn_seq)).where(OutboxEntry.status == PENDING)
            ).scalar()
            if lowest is None or lowest >= station_seq:
                return
            # Sent entries all have lower numbers than the waiting ones: no overlap.
            connection.execute(
                update(OutboxEntry)
                .where(OutboxEntry.status == PENDING, OutboxEntry.txn_seq.is_not(None))
                .values(txn_seq=OutboxEntry.txn_seq + (station_seq - lowest))
            )

    def pending_count(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).where(OutboxEntry.status == PENDING)
                ).scalar_one()
            )

    def has_changes(self) -> bool:
        """Whether this station ever made a change (it holds data of its own)."""
        with self.engine.connect() as connection:
            return connection.execute(select(OutboxEntry.seq).limit(1)).first() is not None

    def rejected(self, limit: int = 500) -> list[RejectedTransaction]:
        """Refused transactions, newest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    OutboxEntry.txn_id,
                    OutboxEntry.txn_seq,
                    func.min(OutboxEntry.created_at),
                    func.group_concat(OutboxEntry.table_name.distinct()),
                    func.count(),
                    func.max(OutboxEntry.error),
                )
                .where(OutboxEntry.status == REJECTED)
                .group_by(OutboxEntry.txn_seq)
                .order_by(OutboxEntry.txn_seq.desc())
                .limit(limit)
            ).all()
        return [
            RejectedTransaction(
                txn_id=row[0],
                station_seq=row[1],
                created_at=row[2],
                tables=tuple(sorted(str(row[3]).split(","))),
                changes=row[4],
                reason=row[5],
            )
            for row in rows
        ]


def _queue_seeds(connection: Connection, station_code: str) -> None:
    """Outbox inserts, as the first transaction (in parts when large), for the rows no
    change of this station made: the migrations' seeds, at the zero clock, so any real
    edit of them wins."""
    txn_id = new_id()
    now = utc_now()
    entries: list[dict[str, Any]] = []
    for name in BOOTSTRAP_ORDER:
        info = SYNC_TABLES[name]
        captured = set(
            connection.execute(
                select(OutboxEntry.row_id).where(
                    OutboxEntry.table_name == name, OutboxEntry.op == "insert"
                )
            ).scalars()
        )
        for row in connection.execute(select(info.table)).mappings():
            if row["id"] in captured:
                continue
            entries.append(
                {
                    "change_id": new_id(),
                    "txn_id": txn_id,
                    "table_name": name,
                    "row_id": row["id"],
                    "op": "insert",
                    "fields": json.dumps(
                        {k: wire_value(v) for k, v in row.items()}, sort_keys=True
                    ),
                    "hlc": ZERO_HLC,
                    "station_code": station_code,
                    "created_at": now,
                    "status": PENDING,
                    "error": "",
                    "txn_seq": 1 + len(entries) // MAX_PART,
                    "base_seq": 0,
                }
            )
    if entries:
        connection.execute(insert(OutboxEntry), entries)


def _within_limits(rows: Sequence[Any]) -> list[Any]:
    """The leading whole transactions of ``rows`` that fit one push: at most
    ``MAX_TRANSACTIONS`` of them and about ``MAX_BYTES`` of values (the first always)."""
    kept: list[Any] = []
    size = 0
    transactions = 0
    for position, row in enumerate(rows):
        starts = position == 0 or row.txn_seq != rows[position - 1].txn_seq
        if starts and kept and (transactions == MAX_TRANSACTIONS or size > MAX_BYTES):
            break
        transactions += starts
        size += len(row.fields)
        kept.append(row)
    return kept


def _number_new_transactions(connection: Connection) -> None:
    """Number waiting transactions in commit order. Their entries are consecutive (SQLite
    writes one transaction at a time), so one pass in outbox order finds them."""
    new = connection.execute(
        select(OutboxEntry.seq, OutboxEntry.txn_id)
        .where(OutboxEntry.status == PENDING, OutboxEntry.txn_seq.is_(None))
        .order_by(OutboxEntry.seq)
    ).all()
    if not new:
        return
    number = connection.execute(select(func.max(OutboxEntry.txn_seq))).scalar() or 0
    sizes: dict[uuid.UUID, int] = {}
    numbered = []
    for seq, txn_id in new:
        size = sizes.get(txn_id, 0)
        if size % MAX_PART == 0:
            number += 1  # a new transaction, or the next part of a large one
        sizes[txn_id] = size + 1
        numbered.append({"entry": seq, "txn_seq": number})
    connection.execute(update(OutboxEntry).where(OutboxEntry.seq == bindparam("entry")), numbered)


def _transactions(rows: Sequence[Any]) -> list[Transaction]:
    grouped: dict[int, list[Change]] = {}
    txn_ids: dict[int, uuid.UUID] = {}
    for entry in rows:
        txn_ids[entry.txn_seq] = entry.txn_id
        grouped.setdefault(entry.txn_seq, []).append(
            Change(
                change_id=entry.change_id,
                txn_id=entry.txn_id,
                table=entry.table_name,
                row_id=entry.row_id,
                op=entry.op,
                fields=json.loads(entry.fields),
                hlc=entry.hlc,
                station=entry.station_code,
                user_id=entry.user_id,
                base_seq=entry.base_seq,
            )
        )
    return [
        Transaction(txn_ids[seq], seq, tuple(changes)) for seq, changes in sorted(grouped.items())
    ]
