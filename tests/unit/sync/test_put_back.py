"""A station undoing a transaction the server refused, back to the server's rows.

Station A stands in for the server: its rows and clocks are what the server would send
back with the refusal (``server.refused``), and B is the station that was refused."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.models import Customer
from desktop.models.sync import RowClock, Tombstone
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.sync.merge import load_clocks
from desktop.sync.put_back import put_back
from desktop.sync.schema import table_info
from desktop.sync.wire import Change, wire_value
from tests.unit.sync.relay import deliver, join, new_shop, synced_rows, take


def server_row(services: Services, table: str, row_id: uuid.UUID) -> dict[str, Any]:
    """The refusal's entry for one row, read from ``services`` as the server would."""
    info = table_info(table)
    with services.ctx.engine.connect() as connection:
        row = connection.execute(select(info.table).where(info.table.c.id == row_id)).first()
        clocks = connection.execute(
            select(RowClock.clocks).where(RowClock.table_name == table, RowClock.row_id == row_id)
        ).scalar()
    entry: dict[str, Any] = {"table": table, "id": str(row_id)}
    if row is None:
        return entry | {"state": "absent"}
    fields = {name: wire_value(value) for name, value in row._mapping.items()}
    return entry | {"state": "row", "fields": fields, "clocks": load_clocks(clocks) or {}}


def names(services: Services, customer_id: uuid.UUID) -> tuple[str, str] | None:
    with services.ctx.engine.connect() as connection:
        row = connection.execute(
            select(Customer.first_name, Customer.last_name).where(Customer.id == customer_id)
        ).first()
    return None if row is None else (row[0], row[1])


def shop_of_two(tmp_path: Path) -> tuple[Services, Services, uuid.UUID]:
    a = new_shop(tmp_path / "a.db")
    rita = a.customers.create(CustomerInput(first_name="Rita", last_name="Sousa")).id
    b = join(a, tmp_path / "b.db", "B")
    take(b)
    return a, b, rita


def test_a_refused_edit_goes_back_but_a_later_edit_of_another_field_stays(
    tmp_path: Path,
) -> None:
    a, b, rita = shop_of_two(tmp_path)
    b.customers.update(rita, CustomerInput(first_name="Rita", last_name="Refused"))
    refused = take(b)
    b.customers.update(rita, CustomerInput(first_name="Rosa", last_name="Refused"))
    later = take(b)
    assert put_back(b.ctx.engine, refused, [server_row(a, "customers", rita)]) == 1
    # The refused surname is gone; the first name edited since is this PC's newer edit.
    assert names(b, rita) == ("Rosa", "Sousa")
    # Put back twice changes nothing more.
    assert put_back(b.ctx.engine, refused, [server_row(a, "customers", rita)]) == 0
    # Once the later edit reaches the other station, both agree.
    deliver(later, a)
    assert names(a, rita) == ("Rosa", "Sousa")
    assert synced_rows(a)["customers"] == synced_rows(b)["customers"]


def test_a_refused_insert_goes_and_a_refused_delete_comes_back(tmp_path: Path) -> None:
    a, b, rita = shop_of_two(tmp_path)
    walk_in = b.customers.create(CustomerInput(first_name="Walk-in")).id
    b.customers.delete(rita)
    refused = take(b)
    assert names(b, rita) is None
    current = [server_row(a, "customers", walk_in), server_row(a, "customers", rita)]
    assert put_back(b.ctx.engine, refused, current) == 2
    assert names(b, walk_in) is None
    assert names(b, rita) == ("Rita", "Sousa")
    with b.ctx.engine.connect() as connection:
        assert connection.execute(select(Tombstone.row_id)).scalars().all() == []
    assert synced_rows(a)["customers"] == synced_rows(b)["customers"]
    assert b.customers.search("Rita")  # the search index has the row back too


def test_a_row_deleted_here_after_the_refused_edit_stays_deleted(tmp_path: Path) -> None:
    """The delete came later and waits in the outbox: putting the row back would keep
    it here for good, since a station never pulls its own changes."""
    a, b, rita = shop_of_two(tmp_path)
    b.customers.update(rita, CustomerInput(first_name="Rita", last_name="Refused"))
    refused = take(b)
    b.customers.delete(rita)
    later = take(b)
    assert put_back(b.ctx.engine, refused, [server_row(a, "customers", rita)]) == 0
    assert names(b, rita) is None
    deliver(later, a)
    assert synced_rows(a)["customers"] == synced_rows(b)["customers"]


def test_a_row_the_server_deleted_is_deleted_here_and_bad_entries_are_skipped(
    tmp_path: Path,
) -> None:
    _a, b, rita = shop_of_two(tmp_path)
    b.customers.update(rita, CustomerInput(first_name="Rita", last_name="Refused"))
    refused: list[Change] = take(b)
    current = [
        {"table": "no_such_table", "id": str(rita), "state": "row"},
        {"table": "customers", "id": "not an id", "state": "row"},
        {"table": "customers", "id": str(rita), "state": "deleted", "hlc": "9" * 16 + "-00000-A"},
    ]
    assert put_back(b.ctx.engine, refused, current) == 1
    assert names(b, rita) is None
    with b.ctx.engine.connect() as connection:
        assert connection.execute(select(Tombstone.row_id)).scalars().all() == [rita]
