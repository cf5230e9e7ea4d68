"""Stations that exchange their outboxes directly, through the station's own applier:
the merge rule without a server in between (the server applies the same rule)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.services.container import Services
from desktop.sync.apply import ChangeApplier
from desktop.sync.outbox import Outbox, TransactionResult
from desktop.sync.schema import SYNC_TABLES
from desktop.sync.wire import Change
from tests.unit.conftest import OWNER_PASSWORD, set_up_shop


def new_shop(path: Path) -> Services:
    return set_up_shop(Services.open(path))


def take(source: Services) -> list[Change]:
    """Every change ``source`` has not sent yet, marked sent."""
    outbox = Outbox(source.ctx.engine)
    changes: list[Change] = []
    while batch := outbox.next_batch():
        changes.extend(change for txn in batch for change in txn.changes)
        outbox.record(TransactionResult(t.txn_id, t.station_seq, "applied") for t in batch)
    return changes


def deliver(changes: list[Change], target: Services) -> None:
    ChangeApplier(target.ctx.engine, target.ctx.clock).apply_changes(changes, None)


def join(source: Services, path: Path, code: str) -> Services:
    """A second station with everything ``source`` has, as station ``code``."""
    target = Services.open(path)
    deliver(take(source), target)
    target.setup.join_shop(code, f"Counter {code}")
    target.accounts.login("owner", OWNER_PASSWORD)
    return target


def synced_rows(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every syncable row, as plain values, table by table in id order."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with services.ctx.engine.connect() as connection:
        for name, info in SYNC_TABLES.items():
            rows = connection.execute(select(info.table).order_by(info.table.c.id)).all()
            tables[name] = [tuple(row) for row in rows]
    return tables
