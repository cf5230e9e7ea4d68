"""Reading the audit log in keyset pages: every event once, newest first, even when many
share a time; each filter narrows; only managers and owners may read it."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from desktop.models import AuditEvent
from desktop.services.audit import ALL_EVENTS, AuditEntry, AuditFilter
from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.ids import new_id
from tests.unit.conftest import add_staff, sign_in_as

# Long before the shop was set up, so the test's events are the oldest in the log.
NINE = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
TEN = NINE + timedelta(hours=1)
NEXT_DAY = NINE + timedelta(days=1)
MAY = AuditFilter(start=datetime(2024, 5, 1, tzinfo=UTC), end=datetime(2024, 6, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Log:
    manager_id: uuid.UUID
    adjusted: list[uuid.UUID]  # 7 at NINE, by the manager
    refunds: list[uuid.UUID]  # 4 at TEN, by the front desk
    overrides: list[uuid.UUID]  # 3 at NEXT_DAY, by nobody signed in

    @property
    def everything(self) -> set[uuid.UUID]:
        return {*self.adjusted, *self.refunds, *self.overrides}


@pytest.fixture
def log(shop: Services) -> Log:
    manager = shop.accounts.add_user("mona", "Mona", "manager", "staff-pass-1")
    desk = shop.accounts.add_user("fran", "Fran", "front_desk", "staff-pass-1")
    adjusted = [
        _event(shop, NINE, "stock_adjusted", "item", f"I-{n}", manager.id, "mona", reason="count")
        for n in range(7)
    ]
    refunds = [
        _event(shop, TEN, "refund", "sale", entity_id, desk.id, "fran", reason=reason)
        for entity_id, reason in (
            ("100%", "50% off"),
            ("1000", "500 off"),
            ("a_b", "back\\slash"),
            ("axb", "backslash"),
        )
    ]
    overrides = [
        _event(shop, NEXT_DAY, "discount_override", "sale", f"S-{n}", None, "") for n in range(3)
    ]
    return Log(manager.id, adjusted, refunds, overrides)


def _event(
    shop: Services,
    at: datetime,
    action: str,
    entity: str,
    entity_id: str,
    user_id: uuid.UUID | None,
    username: str,
    **details: str,
) -> uuid.UUID:
    event_id = new_id()
    event = AuditEvent(
        id=event_id,
        at=at,
        user_id=user_id,
        username=username,
        station_code="A",
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=json.dumps(details),
    )
    with shop.ctx.uow() as tx:
        tx.session.add(event)
        tx.commit()
    return event_id


def _all_pages(shop: Services, where: AuditFilter, limit: int) -> list[list[AuditEntry]]:
    pages: list[list[AuditEntry]] = []
    page = shop.audit.page(where, limit=limit)
    pages.append(list(page.entries))
    while page.next is not None:
        assert len(pages) < 100, "paging does not end"
        page = shop.audit.page(where, after=page.next, limit=limit)
        pages.append(list(page.entries))
    return pages


def _ids(where: AuditFilter, shop: Services) -> set[uuid.UUID]:
    return {e.id for e in shop.audit.page(where, limit=1000).entries}


def _newest_first(ids: list[uuid.UUID], at: dict[uuid.UUID, datetime]) -> list[uuid.UUID]:
    return sorted(ids, key=lambda i: (at[i], i), reverse=True)


# -- paging --------------------------------------------------------------------------------


def test_small_pages_visit_every_event_once_newest_first_across_equal_times(
    shop: Services, log: Log
) -> None:
    pages = _all_pages(shop, ALL_EVENTS, limit=3)
    visited = [entry for page in pages for entry in page]
    assert all(0 < len(page) <= 3 for page in pages)
    assert [e.id for e in visited] == [e.id for e in shop.audit.page(limit=1000).entries]
    assert len({e.id for e in visited}) == len(visited)
    assert log.everything <= {e.id for e in visited}
    keys = [(e.at, e.id) for e in visited]
    assert keys == sorted(keys, reverse=True)
    at = {e.id: e.at for e in visited}
    ours = [e.id for e in visited if e.id in log.everything]
    assert ours == _newest_first(list(log.everything), at)
    # The seven events at nine o'clock span three pages of three.
    assert ours[-7:] == _newest_first(log.adjusted, at)


def test_a_filtered_log_pages_through_ties_and_the_last_page_has_no_next(
    shop: Services, log: Log
) -> None:
    where = AuditFilter(action="stock_adjusted")
    pages = _all_pages(shop, where, limit=2)
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert [e.id for p in pages for e in p] == sorted(log.adjusted, reverse=True)
    exactly = shop.audit.page(AuditFilter(action="refund"), limit=4)
    assert len(exactly.entries) == 4 and exactly.next is None


def test_recent_is_the_first_page(shop: Services, log: Log) -> None:
    newest = shop.audit.recent(limit=2, action="stock_adjusted")
    assert [e.id for e in newest] == sorted(log.adjusted, reverse=True)[:2]
    assert newest[0].details == {"reason": "count"} and newest[0].username == "mona"


# -- filters -------------------------------------------------------------------------------


def test_the_period_includes_its_start_and_excludes_its_end(shop: Services, log: Log) -> None:
    assert _ids(AuditFilter(start=TEN, end=NEXT_DAY), shop) == set(log.refunds)
    assert _ids(AuditFilter(start=NINE, end=TEN), shop) == set(log.adjusted)
    assert _ids(AuditFilter(end=TEN), shop) == set(log.adjusted)
    assert _ids(MAY, shop) == log.everything
    assert log.everything.isdisjoint(_ids(AuditFilter(start=NEXT_DAY + timedelta(seconds=1)), shop))


def test_action_user_and_entity_each_narrow_the_log(shop: Services, log: Log) -> None:
    assert _ids(AuditFilter(action="discount_override"), shop) == set(log.overrides)
    assert _ids(AuditFilter(user_id=log.manager_id), shop) == set(log.adjusted)
    assert _ids(AuditFilter(start=MAY.start, end=MAY.end, entity="sale"), shop) == {
        *log.refunds,
        *log.overrides,
    }
    assert _ids(AuditFilter(entity="sal"), shop) == set()  # exact, not a prefix
    both = AuditFilter(action="refund", entity="item")
    assert _ids(both, shop) == set()


def test_the_search_finds_text_in_the_user_name_the_record_and_the_details(
    shop: Services, log: Log
) -> None:
    assert _ids(AuditFilter(start=MAY.start, end=MAY.end, text="MON"), shop) == set(log.adjusted)
    assert _ids(AuditFilter(text="I-3"), shop) == {log.adjusted[3]}
    assert _ids(AuditFilter(text="500 off"), shop) == {log.refunds[1]}
    assert _ids(AuditFilter(text="  S-2 "), shop) == {log.overrides[2]}


def test_wildcards_in_the_search_are_literal(shop: Services, log: Log) -> None:
    assert _ids(AuditFilter(text="100%"), shop) == {log.refunds[0]}
    assert _ids(AuditFilter(text="0% off"), shop) == {log.refunds[0]}
    assert _ids(AuditFilter(text="a_b"), shop) == {log.refunds[2]}
    assert _ids(AuditFilter(text="%"), shop) == {log.refunds[0]}
    # The details are JSON, where the backslash is written twice.
    assert _ids(AuditFilter(text="back\\\\slash"), shop) == {log.refunds[2]}


def test_a_period_without_a_time_zone_or_ending_before_it_starts_is_refused(
    shop: Services, log: Log
) -> None:
    with pytest.raises(ValidationError) as naive:
        shop.audit.page(AuditFilter(start=datetime(2024, 5, 1)))
    assert set(naive.value.errors) == {"period"}
    with pytest.raises(ValidationError) as backwards:
        shop.audit.page(AuditFilter(start=TEN, end=NINE))
    assert set(backwards.value.errors) == {"period"}


def test_actions_lists_each_action_once_in_order(shop: Services, log: Log) -> None:
    actions = shop.audit.actions()
    assert {"discount_override", "refund", "stock_adjusted"} <= set(actions)
    assert actions == sorted(set(actions))


# -- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "technician"])
def test_staff_below_manager_may_not_read_the_log(shop: Services, log: Log, role: str) -> None:
    add_staff(shop, "sam", role)
    sign_in_as(shop, "sam")
    with pytest.raises(PermissionDenied):
        shop.audit.page(ALL_EVENTS)
    with pytest.raises(PermissionDenied):
        shop.audit.actions()
    with pytest.raises(PermissionDenied):
        shop.audit.recent()


def test_a_manager_reads_the_log(shop: Services, log: Log) -> None:
    sign_in_as(shop, "mona")
    assert _ids(MAY, shop) == log.everything
    assert "refund" in shop.audit.actions()
