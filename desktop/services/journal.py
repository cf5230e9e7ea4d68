"""The journal: an append-only, hash-chained record of every money event per station.

Each entry carries the hash of the entry before it and a hash over its own content, so
changing or deleting an entry behind the app's back breaks the chain from there on. The
documents the entries speak of are checked too: a completed sale whose total was edited,
or whose entry was removed, is named.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.models import JournalEntry, SalesDocument
from desktop.services.context import ServiceContext
from desktop.services.permissions import Permission

GENESIS = "0" * 64
KINDS = (
    "sale",
    "payment",
    "refund",
    "void",
    "credit_note",
    "invoice",
    "drawer_open",
    "pay_in",
    "pay_out",
    "z_report",
    "store_credit",
)
# Journal kinds whose payload records the document's total when it was issued.
_TOTAL_KINDS = {"sale", "credit_note", "invoice"}


def append(
    session: Session,
    ctx: ServiceContext,
    kind: str,
    payload: Mapping[str, Any],
    document_id: uuid.UUID | None = None,
) -> JournalEntry:
    """Add the next entry of this station's chain to the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown journal kind {kind!r}")
    session.flush()  # the transaction holds the write lock before the chain head is read
    station = ctx.station_code
    last = session.execute(
        select(JournalEntry.seq, JournalEntry.hash)
        .where(JournalEntry.station_code == station)
        .order_by(JournalEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    entry = JournalEntry(
        station_code=station,
        seq=seq,
        at=datetime.now(UTC),
        kind=kind,
        document_id=document_id,
        user_id=ctx.actor.user_id if ctx.actor else None,
        payload=canonical(payload),
        prev_hash=prev,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    return entry


def canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(entry: JournalEntry) -> str:
    """The hash ``entry`` must carry."""
    return chain_hash(
        entry.prev_hash,
        entry.station_code,
        entry.seq,
        entry.at,
        entry.kind,
        entry.document_id,
        entry.user_id,
        entry.payload,
    )


def chain_hash(
    prev_hash: str,
    station_code: str,
    seq: int,
    at: datetime,
    kind: str,
    document_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    payload: str,
) -> str:
    """SHA-256 over the previous hash and the entry's content (``at`` in UTC, to the
    microsecond: what the database keeps)."""
    return _digest(
        prev_hash,
        station_code,
        seq,
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        kind,
        str(document_id) if document_id else None,
        str(user_id) if user_id else None,
        payload,
    )


def _digest(
    prev_hash: str,
    station_code: str,
    seq: int,
    at: str,
    kind: str,
    document: str | None,
    user: str | None,
    payload: str,
) -> str:
    content = canonical(
        {
            "station": station_code,
            "seq": seq,
            "at": at,
            "kind": kind,
            "document": document,
            "user": user,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def _stored_at(value: str) -> str:
    """A stored time ("2026-11-23 21:35:57.123456", UTC) as ``chain_hash`` writes it."""
    return value.replace(" ", "T") + "+00:00"


def _stored_id(value: str | None) -> str | None:
    """A stored UUID (32 hex digits) as ``str(uuid)`` writes it, without parsing it."""
    if not value:
        return None
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


@dataclass(frozen=True)
class JournalProblem:
    station_code: str
    seq: int | None
    message: str


@dataclass(frozen=True)
class JournalReport:
    entries: int
    stations: tuple[str, ...]
    problems: tuple[JournalProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.intact:
            return (
                f"The journal is intact: {self.entries} entries over "
                f"{len(self.stations)} station(s)."
            )
        first = self.problems[0]
        more = len(self.problems) - 1
        tail = f" ({more} more problem(s) after it)" if more else ""
        return f"The journal was tampered with. {first.message}{tail}"


def verify(session: Session, limit: int = 50) -> JournalReport:
    """Walk every station's chain and the documents it speaks of; report up to ``limit``
    problems, the first one first."""
    problems: list[JournalProblem] = []
    stations = tuple(
        session.scalars(select(JournalEntry.station_code).distinct().order_by("station_code"))
    )
    count = 0
    for station in stations:
        for problem in _chain_problems(session, station):
            problems.append(problem)
            if len(problems) >= limit:
                break
        count += (
            session.scalar(select(func.count()).where(JournalEntry.station_code == station)) or 0
        )
    if len(problems) < limit:
        problems.extend(_missing_entries(session, limit - len(problems)))
    return JournalReport(count, stations, tuple(problems))


def _chain_problems(session: Session, station: str) -> Iterator[JournalProblem]:
    expected_seq, prev = 1, GENESIS
    # Plain stored text, not ORM objects or UUIDs: a busy station's chain runs to
    # millions of entries, and the hash is over the stored values anyway.
    rows = session.execute(
        select(
            JournalEntry.seq,
            type_coerce(JournalEntry.at, String),
            JournalEntry.kind,
            type_coerce(JournalEntry.document_id, String),
            type_coerce(JournalEntry.user_id, String),
            JournalEntry.payload,
            JournalEntry.prev_hash,
            JournalEntry.hash,
        )
        .where(JournalEntry.station_code == station)
        .order_by(JournalEntry.seq)
        .execution_options(yield_per=5000)
    )
    totals: dict[str, int] = {}
    for seq, at, kind, document, user, payload, prev_hash, stored_hash in rows:
        where = f"Station {station}, entry {seq} ({kind})"
        if seq != expected_seq:
            missing = (
                f"entry {expected_seq} was"
                if seq - 1 == expected_seq
                else f"entries {expected_seq}–{seq - 1} were"
            )
            yield JournalProblem(station, expected_seq, f"Station {station}: {missing} removed.")
        elif prev_hash != prev:
            yield JournalProblem(
                station, seq, f"{where}: the entry before it was changed or removed."
            )
        digest = _digest(
            prev_hash, station, seq, _stored_at(at), kind, _stored_id(document), _stored_id(user),
            payload,
        )  # fmt: skip
        if digest != stored_hash:
            yield JournalProblem(station, seq, f"{where} was altered.")
        if kind in _TOTAL_KINDS and document:
            total = json.loads(payload).get("total")  # only money documents
            if isinstance(total, int):
                totals[document] = total
        expected_seq, prev = seq + 1, stored_hash
        if len(totals) >= 2000:
            yield from _altered_documents(session, station, totals)
            totals.clear()
    yield from _altered_documents(session, station, totals)


def _altered_documents(
    session: Session, station: str, totals: dict[str, int]
) -> Iterator[JournalProblem]:
    if not totals:
        return
    stored_id = type_coerce(SalesDocument.id, String)
    rows = session.execute(
        select(stored_id, SalesDocument.number, SalesDocument.total).where(
            stored_id.in_(list(totals))
        )
    )
    for document, number, total in rows:
        if total != totals[document]:
            yield JournalProblem(
                station,
                None,
                f"{number}: its total was changed after it was issued "
                f"(journal {totals[document]}, now {total}).",
            )


def _missing_entries(session: Session, limit: int) -> Iterator[JournalProblem]:
    """Issued documents without their journal entry: the entry was deleted."""
    journaled = select(JournalEntry.document_id).where(
        JournalEntry.kind.in_(_TOTAL_KINDS), JournalEntry.document_id.is_not(None)
    )
    rows = session.execute(
        select(SalesDocument.number, SalesDocument.station_code)
        .where(
            SalesDocument.number.is_not(None),
            SalesDocument.status.in_(("completed", "issued", "void", "voided")),
            SalesDocument.id.not_in(journaled),
        )
        .order_by(SalesDocument.issued_at)
        .limit(limit)
    )
    for row in rows:
        yield JournalProblem(
            row.station_code, None, f"{row.number} has no journal entry: it was removed."
        )


class JournalService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def verify(self) -> JournalReport:
        """Check every chain. Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_AUDIT)
        with self.ctx.uow() as tx:
            return verify(tx.session)
