"""Managers review what sync chose: keep it, or put the other value back as a new edit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop.models import AuditEvent, OutboxEntry, SyncConflict
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.errors import NotFound, PermissionDenied, ValidationError
from tests.unit.conftest import add_staff, sign_in_as


def _conflict(shop: Services, row_id: object, kind: str = "edit") -> SyncConflict:
    """A conflict as the server records it (it reaches stations by sync)."""
    with shop.ctx.uow() as tx:
        conflict = SyncConflict(
            kind=kind,
            table_name="customers",
            row_id=row_id,
            field="last_name",
            kept_value=json.dumps("Sousa-B"),
            kept_hlc="0001795478641096-00000-B",
            kept_station="B",
            other_value=json.dumps("Sousa-A"),
            other_hlc="0001795478641000-00000-A",
            other_station="A",
        )
        tx.session.add(conflict)
        tx.commit()
        return conflict


def test_restoring_the_other_value_is_a_new_edit_that_syncs(shop: Services) -> None:
    rita = shop.customers.create(CustomerInput(first_name="Rita", last_name="Sousa-B")).id
    conflict = _conflict(shop, rita)
    (shown,) = shop.sync_conflicts.list()
    assert (shown.kept.value, shown.other.value, shown.kept.station) == ("Sousa-B", "Sousa-A", "B")
    assert shown.kept.at is not None and shown.other.at < shown.kept.at
    shop.sync_conflicts.restore_other(conflict.id)
    assert shop.customers.get(rita).last_name == "Sousa-A"
    assert shop.sync_conflicts.list() == []
    assert shop.sync_conflicts.open_count() == 0
    with shop.ctx.uow() as tx:
        last = tx.session.scalars(
            select(OutboxEntry).where(OutboxEntry.row_id == rita).order_by(OutboxEntry.seq.desc())
        ).first()
        assert last is not None and json.loads(last.fields)["last_name"] == "Sousa-A"
        actions = set(tx.session.scalars(select(AuditEvent.action)))
    assert "sync_conflict_restored" in actions


def test_keeping_the_value_only_closes_the_conflict(shop: Services) -> None:
    rita = shop.customers.create(CustomerInput(first_name="Rita", last_name="Sousa-B")).id
    conflict = _conflict(shop, rita)
    shop.sync_conflicts.keep(conflict.id)
    assert shop.customers.get(rita).last_name == "Sousa-B"
    assert [c.resolution for c in shop.sync_conflicts.list(include_resolved=True)] == ["kept"]
    with pytest.raises(NotFound):
        shop.sync_conflicts.keep(conflict.id)


def test_a_shared_value_cannot_be_restored_only_kept(shop: Services) -> None:
    rita = shop.customers.create(CustomerInput(first_name="Rita")).id
    conflict = _conflict(shop, rita, kind="duplicate")
    with pytest.raises(ValidationError):
        shop.sync_conflicts.restore_other(conflict.id)


def test_front_desk_staff_do_not_see_conflicts(shop: Services) -> None:
    add_staff(shop, "fay", "front_desk")
    sign_in_as(shop, "fay")
    with pytest.raises(PermissionDenied):
        shop.sync_conflicts.list()
