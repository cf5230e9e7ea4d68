"""Change capture: what a local commit leaves for sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import Customer, RowClock
from desktop.services.customers import CustomerInput
from desktop.services.errors import ValidationError
from desktop.sync.merge import ROW_CLOCK
from tests.unit.sync.relay import new_shop


def test_a_commit_with_changes_tells_sync_at_once_and_a_read_does_not(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    told: list[int] = []
    shop.ctx.on_local_commit = lambda: told.append(1)
    shop.customers.create(CustomerInput(first_name="Rita"))
    assert told == [1]
    shop.customers.search("Rita")
    with pytest.raises(ValidationError):
        shop.customers.create(CustomerInput(first_name="", last_name="", company=""))
    assert told == [1]


def test_each_field_keeps_the_clock_of_its_last_local_write(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    rita = shop.customers.create(CustomerInput(first_name="Rita")).id
    shop.customers.update(rita, CustomerInput(first_name="Rita", last_name="Sousa"))
    with shop.ctx.uow() as tx:
        clocks = json.loads(
            tx.session.scalars(select(RowClock.clocks).where(RowClock.row_id == rita)).one()
        )
        row = tx.session.get(Customer, rita)
        assert row is not None
    assert set(clocks) >= {ROW_CLOCK, "last_name", "updated_at"}
    assert clocks["last_name"] > clocks[ROW_CLOCK]
    assert "first_name" not in clocks, "unchanged: still the insert's clock"
