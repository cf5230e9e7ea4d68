"""Stations that exchange their outboxes directly, through the station's own applier:
the merge rule without a server in between (the server applies the same rule)."""

from __future__ import annotations

from pathlib import Path

from desktop.services.container import Services
from desktop.services.setup import ShopSetup
from desktop.sync.apply import ChangeApplier
from desktop.sync.outbox import Outbox, TransactionResult
from desktop.sync.wire import Change

OWNER_PASSWORD = "owner-pass-1"


def new_shop(path: Path) -> Services:
    services = Services.open(path)
    services.setup.create_shop(
        ShopSetup(
            shop_name="Fix-It Corner",
            currency="USD",
            owner_username="owner",
            owner_display_name="Olivia Owner",
            owner_password=OWNER_PASSWORD,
        )
    )
    services.accounts.login("owner", OWNER_PASSWORD)
    return services


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
