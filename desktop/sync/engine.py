"""One sync pass of a station: push what waits, load the shop if needed, pull what is new.

Push goes first, always: whatever else happens (a server restored from an older backup, a
station too far behind that must load the shop again), this station's own changes reach
the server before anything here is replaced, so no sale or payment is ever dropped.

Loading the shop (bootstrap) pages through the server's current rows, table by table,
and then pulls from the cursor the server gave when the load began. Applying a change a
second time changes nothing, so rows that moved on during the load are harmless. The
position is saved after every page: an interrupted load continues where it stopped.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from desktop.models.shop import LocalSetting
from desktop.models.sync import SyncConflict
from desktop.sync.apply import BootstrapRow, ChangeApplier
from desktop.sync.capture import BOOTSTRAP_SETTING, read_chain, read_cursor
from desktop.sync.client import ResyncRequired, SequenceGap, SyncClient, SyncServerError
from desktop.sync.hlc import HybridLogicalClock
from desktop.sync.outbox import Outbox, TransactionResult
from desktop.sync.put_back import put_back
from desktop.sync.runner import SyncReport
from desktop.sync.wire import Change

log = logging.getLogger(__name__)

TOMBSTONES = "_tombstones"


@dataclass(frozen=True)
class BootstrapProgress:
    """How far loading the shop has come: shown as a progress bar."""

    table: str
    tables_done: int
    tables_total: int
    rows: int


ProgressCallback = Callable[[BootstrapProgress], None]


class SyncEngine:
    """Push, bootstrap and pull for one enrolled station."""

    def __init__(
        self,
        engine: Engine,
        clock: HybridLogicalClock,
        client: SyncClient,
        station_id: uuid.UUID,
        *,
        push_batch: int = 2000,
        pull_batch: int = 2000,
        page_rows: int = 5000,
    ) -> None:
        self.engine = engine
        self.client = client
        self.station_id = station_id
        self.outbox = Outbox(engine)
        self.applier = ChangeApplier(engine, clock)
        self.push_batch = push_batch
        self.pull_batch = pull_batch
        self.page_rows = page_rows
        self.progress: ProgressCallback | None = None
        self.bootstrapped = False
        # Rows of refused transactions put back as the server has them, this pass.
        self.put_back = 0

    def sync_once(self) -> SyncReport:
        """Push everything waiting, finish or redo loading the shop if due, pull what is
        new. Raises the ``SyncError`` subclasses of ``desktop.sync.client``."""
        pushed, rejected = self.push_pending()
        if self.bootstrap_due():
            self.bootstrap()
        try:
            pulled = self.pull_new()
        except ResyncRequired:
            log.warning("the server cannot continue from this station's cursor: reloading")
            resent, refused = self.resend_lost()
            pushed, rejected = pushed + resent, rejected + refused
            self.request_bootstrap()
            self.bootstrap()
            pulled = self.pull_new()
        return SyncReport(
            pending=self.outbox.pending_count(),
            pushed=pushed,
            pulled=pulled,
            rejected=rejected,
            conflicts=self.open_conflicts(),
        )

    def push_pending(self) -> tuple[int, int]:
        """Send waiting transactions until none wait; returns (changes sent, refused
        transactions)."""
        pushed = rejected = 0
        last_gap: int | None = None
        while batch := self.outbox.next_batch(self.push_batch):
            try:
                result = self.client.push(self.station_id, batch)
            except SequenceGap as gap:
                if gap.expected == last_gap:
                    raise SyncServerError(
                        f"The server keeps asking for transaction {gap.expected}, which this "
                        "PC no longer has."
                    ) from gap
                last_gap = gap.expected
                self._fill_gap(gap.expected, batch[0].station_seq)
                continue
            outcomes = [
                TransactionResult(r.txn_id, r.station_seq, r.status, r.reason)
                for r in result.results
            ]
            # Undone before it is marked refused: if this stops halfway, the transaction
            # is still waiting, goes again and comes back refused again, rows and all.
            sent = {txn.station_seq: txn for txn in batch}
            for refused in result.results:
                if refused.status == "rejected" and refused.station_seq in sent:
                    txn = sent[refused.station_seq]
                    self.put_back += put_back(self.engine, txn.changes, refused.current)
            self.outbox.record(outcomes)
            answered = {r.station_seq for r in outcomes}
            pushed += sum(len(t.changes) for t in batch if t.station_seq in answered)
            rejected += sum(1 for r in outcomes if r.status == "rejected")
            if not outcomes:
                break
        return pushed, rejected

    def resend_lost(self) -> tuple[int, int]:
        """Send again the transactions the server no longer holds (it came back from an
        older backup): a station with nothing new to push would otherwise never hear of
        the gap. Returns (changes sent, refused transactions). Raises the ``SyncError``
        subclasses."""
        status = self.client.status()
        if not self.outbox.resend_from(status.last_station_seq + 1):
            return 0, 0
        log.warning(
            "the server lost transactions after %s: sending them again", status.last_station_seq
        )
        return self.push_pending()

    def _fill_gap(self, expected: int, first_sent: int) -> None:
        if expected < first_sent:
            # The server lost transactions (restored from an older backup): send them again.
            log.warning("server expects transaction %s: sending again from there", expected)
            self.outbox.resend_from(expected)
        else:
            # This database went back (restored here): the server has used these numbers.
            log.warning("server has transactions up to %s: numbering on from there", expected)
            self.outbox.renumber_from(expected)

    def pull_new(self) -> int:
        """Apply other stations' changes until caught up; returns how many arrived."""
        with self.engine.connect() as connection:
            cursor, chain = read_cursor(connection), read_chain(connection)
        pulled = 0
        while True:
            page = self.client.pull(cursor, self.pull_batch, chain)
            changes = [Change.from_json(raw) for raw in page.changes]
            self.applier.apply_changes(changes, page.next, page.chain)
            pulled += len(changes)
            cursor, chain = page.next, page.chain
            if not page.has_more:
                return pulled

    def open_conflicts(self) -> int:
        with self.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).where(SyncConflict.resolved_at.is_(None))
                ).scalar_one()
            )

    # -- loading the shop ------------------------------------------------------------

    def request_bootstrap(self) -> None:
        """Load the whole shop at the next pass (a joining station, or one too far
        behind)."""
        request_bootstrap(self.engine)

    def bootstrap_due(self) -> bool:
        return self._state() is not None

    def bootstrap(self) -> None:
        """Load the shop's rows page by page, then the rows deleted, then set the cursor.
        Resumes an interrupted load. Raises the ``SyncError`` subclasses."""
        state = self._state() or {"started": False}
        if not state.get("started"):
            start = self.client.bootstrap_start()
            state = {
                "started": True,
                "cursor": start.cursor,
                "chain": start.chain,
                "tables": list(start.tables),
                "index": 0,
                "after": None,
                "rows": 0,
            }
            self._save_state(state)
        tables: list[str] = state["tables"]
        while state["index"] < len(tables):
            self._load_page(state, tables[state["index"]], len(tables))
        self._finish(int(state["cursor"]), state.get("chain"))
        self.bootstrapped = True

    def _load_page(self, state: dict[str, Any], table: str, total: int) -> None:
        after = uuid.UUID(state["after"]) if state["after"] else None
        page = self.client.bootstrap_rows(table, after, self.page_rows)
        if table == TOMBSTONES:
            self.applier.apply_tombstones(
                [(str(r["table"]), uuid.UUID(str(r["id"])), str(r["hlc"])) for r in page.rows]
            )
        elif page.rows:
            self.applier.apply_rows(
                table,
                [
                    BootstrapRow(uuid.UUID(str(r["id"])), r["fields"], r.get("clocks") or {})
                    for r in page.rows
                ],
            )
        state["rows"] += len(page.rows)
        if page.next_after is None:
            state["index"] += 1
            state["after"] = None
        else:
            state["after"] = str(page.next_after)
        self._save_state(state)
        if self.progress is not None:
            self.progress(BootstrapProgress(table, state["index"], total, state["rows"]))

    def _finish(self, cursor: int, chain: str | None) -> None:
        self.applier.apply_changes([], cursor, chain)
        with self.engine.begin() as connection:
            connection.execute(delete(LocalSetting).where(LocalSetting.key == BOOTSTRAP_SETTING))

    def _state(self) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            value = connection.execute(
                select(LocalSetting.value).where(LocalSetting.key == BOOTSTRAP_SETTING)
            ).scalar()
        return json.loads(value) if value else None

    def _save_state(self, state: dict[str, Any]) -> None:
        _save_bootstrap_state(self.engine, state)


def request_bootstrap(engine: Engine) -> None:
    """Load the whole shop at the next pass (a joining station, or one too far behind)."""
    _save_bootstrap_state(engine, {"started": False})


def _save_bootstrap_state(engine: Engine, state: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(LocalSetting)
            .prefix_with("OR REPLACE")
            .values(key=BOOTSTRAP_SETTING, value=json.dumps(state))
        )
