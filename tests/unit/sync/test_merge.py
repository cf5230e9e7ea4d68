"""The merge rule on its own: clocks decide, never the order of arrival."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from desktop.sync.merge import ROW_CLOCK, ZERO_HLC, decide, field_clock
from desktop.sync.wire import Change

ROW = uuid.uuid4()


def change(op: str, hlc: str, **fields: Any) -> Change:
    return Change(uuid.uuid4(), uuid.uuid4(), "customers", ROW, op, fields, hlc, hlc[-1])


def clock(ms: int, station: str = "A") -> str:
    return f"{ms:016d}-00000-{station}"


def replay(changes: list[Change]) -> dict[str, Any] | None:
    """The row after applying ``changes`` in this order (None: absent or deleted)."""
    row: dict[str, Any] | None = None
    clocks: dict[str, str] | None = None
    tombstoned = False
    for item in changes:
        decision = decide(
            item, exists=row is not None, clocks=clocks, tombstoned=tombstoned, append_only=False
        )
        if decision.action == "delete":
            row, clocks, tombstoned = None, None, True
        elif decision.action == "insert":
            row, clocks = dict(decision.write), decision.clocks
        elif decision.action == "update":
            assert row is not None
            row.update(decision.write)
            clocks = decision.clocks
    return row


def test_the_higher_clock_wins_per_field_in_any_order() -> None:
    changes = [
        change("insert", clock(1), first_name="Rita", last_name="Sousa", company=""),
        change("update", clock(5, "B"), last_name="B"),
        change("update", clock(3, "A"), last_name="A", company="Acme"),
    ]
    results = {repr(replay([changes[0], *order])) for order in itertools.permutations(changes[1:])}
    assert results == {repr({"first_name": "Rita", "last_name": "B", "company": "Acme"})}


def test_an_equal_clock_is_the_same_write_again() -> None:
    insert = change("insert", clock(1), first_name="Rita")
    decision = decide(
        insert, exists=True, clocks={ROW_CLOCK: clock(1)}, tombstoned=False, append_only=False
    )
    assert decision.action == "ignore"


def test_a_delete_wins_over_updates_before_and_after() -> None:
    changes = [
        change("insert", clock(1), first_name="Rita"),
        change("update", clock(9, "B"), first_name="Later"),
        change("delete", clock(5, "A")),
    ]
    for order in itertools.permutations(changes[1:]):
        assert replay([changes[0], *order]) is None


def test_a_ledger_row_is_inserted_once_and_never_edited() -> None:
    insert = change("insert", clock(1), amount=100)
    assert decide(insert, exists=False, clocks=None, tombstoned=False, append_only=True).action == (
        "insert"
    )
    assert decide(insert, exists=True, clocks=None, tombstoned=False, append_only=True).action == (
        "ignore"
    )
    edit = change("update", clock(2), amount=1)
    assert decide(edit, exists=True, clocks=None, tombstoned=False, append_only=True).action == (
        "ignore"
    )


def test_an_update_of_a_row_never_seen_is_missing() -> None:
    edit = change("update", clock(2), first_name="X")
    assert decide(edit, exists=False, clocks=None, tombstoned=False, append_only=False).action == (
        "missing"
    )


def test_a_seeded_row_without_clocks_loses_to_any_real_write() -> None:
    assert field_clock(None, "name") == ZERO_HLC
    edit = change("update", clock(2), first_name="X")
    decision = decide(edit, exists=True, clocks=None, tombstoned=False, append_only=False)
    assert decision.action == "update"
    assert decision.clocks == {ROW_CLOCK: ZERO_HLC, "first_name": clock(2)}


def test_losing_fields_are_reported_with_the_clock_that_beat_them() -> None:
    edit = change("update", clock(2), first_name="X", last_name="Y")
    clocks = {ROW_CLOCK: clock(1), "first_name": clock(3, "B")}
    decision = decide(edit, exists=True, clocks=clocks, tombstoned=False, append_only=False)
    assert decision.write == {"last_name": "Y"}
    assert decision.lost == {"first_name": clock(3, "B")}
