"""Applying one station transaction: validate, merge with the shared rule, write.

For speed a transaction costs a fixed handful of queries whatever its size: one for the
change ids already logged, one for the clocks and tombstones of every row it touches,
then ``executemany`` batches for the mirror rows, clocks, tombstones and the log. No ORM
objects. The merge decision itself is ``desktop.sync.merge.decide``, the same function
the stations run.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import DictRow

from desktop.sync.merge import Decision, decide
from desktop.sync.schema import TableInfo, table_info
from desktop.sync.wire import Change, WireError, to_python
from server.conflicts import ConflictFinder
from server.context import Station
from server.permissions import GUARDED_TABLES, Attempt, Staff, load_staff, refusal
from server.shoplog import ShopLog
from server.writes import RowState, WritePlan

Db = psycopg.Connection[DictRow]
Key = tuple[str, uuid.UUID]
# No guarded table touched with a user: the staff list is never consulted.
NOBODY = Staff({}, shop_has_users=True)


class Rejected(Exception):
    """The transaction cannot be applied; the message is the reason given to the station."""


@dataclass(frozen=True)
class Item:
    change: Change
    info: TableInfo
    values: dict[str, Any]  # the change's fields as Python values

    @property
    def key(self) -> Key:
        return (self.change.table, self.change.row_id)


def _parse_one(raw: dict[str, Any], station: Station) -> Item:
    change = Change.from_json(raw)
    info = table_info(change.table)
    values = to_python(info, change.fields)
    if change.station != station.code:
        raise WireError(
            f"A change made at station {change.station} came from station {station.code}."
        )
    if info.append_only and change.op != "insert":
        raise WireError(f"{change.table} is a ledger: its rows are never changed or deleted.")
    return Item(change, info, values)


def parse(raw_changes: Sequence[dict[str, Any]], station: Station) -> list[Item]:
    """Read and check every change; raises ``Rejected`` naming the first bad one."""
    items = []
    for position, raw in enumerate(raw_changes):
        try:
            items.append(_parse_one(raw, station))
        except WireError as exc:
            raise Rejected(f"Change {position + 1}: {exc}") from exc
    return items


def _new_items(db: Db, shop_id: uuid.UUID, items: list[Item]) -> list[Item]:
    """Leave out changes already in the log (resent after a lost answer or a restore)."""
    ids = [item.change.change_id for item in items]
    known = {
        row["change_id"]
        for row in db.execute(
            "SELECT change_id FROM srv_change_log WHERE shop_id = %s AND change_id = ANY(%s)",
            (shop_id, ids),
        )
    }
    return [item for item in items if item.change.change_id not in known]


def _check_permissions(
    db: Db, shop_id: uuid.UUID, items: list[Item], states: dict[Key, RowState]
) -> None:
    guarded_users = {
        item.change.user_id
        for item in items
        if item.change.table in GUARDED_TABLES and item.change.user_id is not None
    }
    staff = load_staff(db, shop_id, guarded_users) if guarded_users else NOBODY
    for item in items:
        state = states[item.key]
        attempt = Attempt(
            item.change.table, item.change.row_id, item.change.op,
            frozenset(item.change.fields), item.change.user_id, item.info.append_only,
            state.exists or state.tombstoned,
        )  # fmt: skip
        reason = refusal(attempt, staff)
        if reason:
            raise Rejected(reason)


def _decide(item: Item, state: RowState) -> Decision:
    decision = decide(
        item.change,
        exists=state.exists,
        clocks=state.clocks,
        tombstoned=state.tombstoned,
        append_only=item.info.append_only,
    )
    if decision.action == "missing":
        # An update of a row the server never saw inserted: a migration seed, which every
        # database has at the zero clock. Merge it as that.
        decision = decide(
            item.change, exists=True, clocks=None, tombstoned=False, append_only=False
        )
    return decision


class NeedsOneByOne(Exception):
    """A batch met something that depends on the transactions before it (who may change
    what): the push goes again one transaction at a time."""


def apply_transaction(
    db: Db, shop: ShopLog, station: Station, txn_id: uuid.UUID, raw: Sequence[dict[str, Any]]
) -> None:
    """Validate and apply one station transaction; raises ``Rejected`` (nothing written
    by it then, once the caller's savepoint rolls back)."""
    items = _new_items(db, shop.shop_id, parse(raw, station))
    if not items:
        return
    plan = WritePlan(shop.shop_id, station.id)
    states = plan.load_states(db, [item.key for item in items])
    _check_permissions(db, shop.shop_id, items, states)
    conflicts = ConflictFinder(db, shop, plan)
    _apply_items(plan, conflicts, shop, items)
    _apply_conflicts(plan, conflicts, shop)
    plan.write(db)


def apply_batch(
    db: Db, shop: ShopLog, station: Station, raws: Sequence[Sequence[dict[str, Any]]]
) -> list[str | None]:
    """Apply several station transactions, in order, with one read of what they touch and
    one write of everything: a push of many small transactions costs a few round trips,
    not a few per transaction. Returns each transaction's refusal (or None). Raises
    ``NeedsOneByOne`` when a permission check fails (it may depend on an earlier
    transaction of the batch), and PostgreSQL's errors: the caller then rolls back and
    goes one by one."""
    parsed: list[list[Item] | str] = []
    for raw in raws:
        try:
            parsed.append(parse(raw, station))
        except Rejected as exc:
            parsed.append(str(exc))
    every = [item for group in parsed if isinstance(group, list) for item in group]
    fresh = {id(item) for item in _new_items(db, shop.shop_id, every)}
    plan = WritePlan(shop.shop_id, station.id)
    states = plan.load_states(db, [item.key for item in every if id(item) in fresh])
    conflicts = ConflictFinder(db, shop, plan)
    reasons: list[str | None] = []
    for group in parsed:
        if isinstance(group, str):
            reasons.append(group)
            continue
        items = [item for item in group if id(item) in fresh]
        try:
            _check_permissions(db, shop.shop_id, items, states)
        except Rejected as exc:
            raise NeedsOneByOne from exc
        _apply_items(plan, conflicts, shop, items)
        reasons.append(None)
    _apply_conflicts(plan, conflicts, shop)
    plan.write(db)
    return reasons


def _apply_items(
    plan: WritePlan, conflicts: ConflictFinder, shop: ShopLog, items: list[Item]
) -> None:
    for item in items:
        state = plan.state(item.change.table, item.change.row_id)
        decision = _decide(item, state)
        seq, chain = shop.take_seq(item.change.change_id)
        plan.log(item.change, seq, chain)
        conflicts.check(item.change, item.info, item.values, decision, state)
        plan.apply(item.change, item.info, item.values, decision, state, seq)
        conflicts.check_duplicate(item.change, item.info, item.values, decision)


def _apply_conflicts(plan: WritePlan, conflicts: ConflictFinder, shop: ShopLog) -> None:
    for change, info, values in conflicts.rows():
        seq, chain = shop.take_seq(change.change_id)
        plan.log(change, seq, chain, server_made=True)
        state = plan.state(change.table, change.row_id)
        decision = _decide(Item(change, info, values), state)
        plan.apply(change, info, values, decision, state, seq)
