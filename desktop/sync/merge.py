"""The one merge rule of sync, applied the same way on the server and on every station.

Ledgers (append-only tables) only insert: a second copy of a row is a no-op. Mutable
rows merge field by field: each field carries the clock (HLC) of its last write, and the
higher clock wins; an equal clock is the same write arriving again. Deletes leave a
tombstone that wins over every update, earlier or later. The rule depends only on the
clocks, never on the order changes arrive in, so every replica converges.

A row's clocks are ``{"*": <clock of its insert>, "<column>": <clock of a later write>}``;
a column without an entry has the ``"*"`` clock. A row that exists without clocks (a
migration seed, the same in every database) has ``ZERO_HLC``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.sync.wire import Change

ZERO_HLC = "0000000000000000-00000-0"
ROW_CLOCK = "*"

Clocks = Mapping[str, str]


@dataclass(frozen=True)
class Decision:
    """What applying one change does to its row.

    ``action``: "insert" (a new row with ``write``), "update" (set ``write`` on the row),
    "delete" (remove it, leave a tombstone), "ignore" (nothing: a repeat, a ledger copy,
    a row already deleted, or every field lost), or "missing" (an update or a ledger
    insert for a row this replica has never seen... only "update" reaches this).
    ``clocks`` are the row's clocks after the change; ``lost`` maps each field the
    change lost to the clock that beat it; ``won`` lists the fields it overwrote on an
    existing row.
    """

    action: str
    write: dict[str, Any] = field(default_factory=dict)
    clocks: dict[str, str] = field(default_factory=dict)
    won: tuple[str, ...] = ()
    lost: dict[str, str] = field(default_factory=dict)


def field_clock(clocks: Clocks | None, column: str) -> str:
    """The clock of ``column``'s current value."""
    if not clocks:
        return ZERO_HLC
    return clocks.get(column) or clocks.get(ROW_CLOCK) or ZERO_HLC


def decide(
    change: Change,
    *,
    exists: bool,
    clocks: Clocks | None,
    tombstoned: bool,
    append_only: bool,
) -> Decision:
    """What ``change`` does to a row that ``exists`` (with ``clocks``) or not."""
    if tombstoned:
        return Decision("ignore")
    if change.op == "delete":
        return Decision("delete")
    if append_only:
        if exists or change.op != "insert":
            return Decision("ignore")
        return Decision("insert", write=dict(change.fields))
    if not exists:
        if change.op == "insert":
            return Decision("insert", write=dict(change.fields), clocks={ROW_CLOCK: change.hlc})
        return Decision("missing")
    return _merge_fields(change, clocks)


def _merge_fields(change: Change, clocks: Clocks | None) -> Decision:
    write: dict[str, Any] = {}
    lost: dict[str, str] = {}
    new_clocks = dict(clocks or {})
    if not new_clocks:
        new_clocks[ROW_CLOCK] = ZERO_HLC
    for column, value in change.fields.items():
        if column == "id":
            continue
        current = field_clock(clocks, column)
        if change.hlc > current:
            write[column] = value
            new_clocks[column] = change.hlc
        elif change.hlc < current:
            lost[column] = current
    if not write:
        return Decision("ignore", lost=lost)
    return Decision("update", write=write, clocks=_compact(new_clocks), won=tuple(write), lost=lost)


def _compact(clocks: dict[str, str]) -> dict[str, str]:
    """Drop field clocks equal to the row clock: they say nothing more."""
    row = clocks.get(ROW_CLOCK, ZERO_HLC)
    return {k: v for k, v in clocks.items() if k == ROW_CLOCK or v != row}


# One encoder for every row: ``json.dumps`` with options builds a new one per call.
_CLOCKS_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def dump_clocks(clocks: Clocks) -> str:
    return _CLOCKS_JSON.encode(dict(clocks))


def load_clocks(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None
