from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from desktop.models import Base
from desktop.services.container import Services
from desktop.services.database import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    create_database_engine,
    include_object,
    upgrade,
)


def test_head_constant_matches_the_migration_scripts() -> None:
    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == HEAD_REVISION


def test_models_and_migrations_do_not_differ(tmp_path: Path) -> None:
    engine = create_database_engine(tmp_path / "m.db")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_object, "render_as_batch": True},
        )
        assert compare_metadata(context, Base.metadata) == []


def test_database_with_data_from_the_first_revision_upgrades_to_head(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_database_engine(path)
    upgrade(engine, "0001_initial")
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO customers (id, first_name, last_name, company, email, address, notes, "
        "tags, marketing_consent, sort_name, created_at, updated_at) VALUES "
        "('0192a0b0c0d07000800000000000000a', 'Old', 'Timer', '', 'old@example.com', '', '', "
        "'', 0, 'timer old', '2024-01-01 10:00:00', '2024-01-01 10:00:00')"
    )
    raw.execute(
        "INSERT INTO customer_phones (id, customer_id, number, digits, label, position) VALUES "
        "('0192a0b0c0d07000800000000000000b', '0192a0b0c0d07000800000000000000a', "
        "'555 0100 200', '5550100200', '', 0)"
    )
    raw.commit()
    raw.close()
    engine.dispose()

    services = Services.open(path, backup_dir=tmp_path / "backups")
    try:
        assert [c.name for c in services.customers.search("timer")] == ["Old Timer"]
        assert [c.name for c in services.customers.search("0100200")] == ["Old Timer"]
        assert services.devices.brands("Console")
        backups = list((tmp_path / "backups").glob("before-upgrade-0001_initial-*.db"))
        assert len(backups) == 1
    finally:
        services.close()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    from desktop.services.database import downgrade

    engine = create_database_engine(tmp_path / "d.db")
    upgrade(engine)
    downgrade(engine, "base")
    upgrade(engine)


def test_ticket_status_counts_are_backfilled_and_kept_by_triggers(tmp_path: Path) -> None:
    from desktop.services.customers import CustomerInput
    from desktop.services.database import downgrade
    from desktop.services.setup import ShopSetup
    from desktop.services.tickets import TicketInput

    # Tickets made at head, then the database taken back to before the counts existed.
    path = tmp_path / "counts.db"
    services = Services.open(path)
    services.setup.create_shop(ShopSetup("Counts", "USD", "owner", "Owner", "owner-pass-1"))
    services.accounts.login("owner", "owner-pass-1")
    customer = services.customers.create(CustomerInput(last_name="Count"))
    made = [services.tickets.create(TicketInput(customer.id, problem="x")) for _ in range(3)]
    services.close()
    engine = create_database_engine(path)
    downgrade(engine, "0005_ticket_indexes")
    engine.dispose()

    def grouped() -> dict[str, int]:
        raw = sqlite3.connect(path)
        try:
            by_group = dict(
                raw.execute("SELECT status_id, count(*) FROM tickets GROUP BY status_id")
            )
            kept = dict(
                raw.execute("SELECT status_id, tickets FROM ticket_status_counts WHERE tickets")
            )
        finally:
            raw.close()
        assert kept == by_group
        return kept

    services = Services.open(path)  # upgrades to head: the counts are backfilled
    try:
        services.accounts.login("owner", "owner-pass-1")
        assert list(grouped().values()) == [3]
        other = services.tickets.statuses()[2]
        services.tickets.change_status(made[0].id, other.id)
        services.tickets.create(TicketInput(customer.id, problem="y"))
        assert sorted(grouped().values()) == [1, 3]
        assert services.tickets.counts_by_status()[other.id] == 1
    finally:
        services.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("DELETE FROM ticket_status_changes")
    raw.execute("DELETE FROM tickets WHERE number = ?", (made[0].number,))
    raw.commit()
    raw.close()
    assert sorted(grouped().values()) == [3]


def test_a_shop_with_tickets_upgrades_to_head_and_back(tmp_path: Path) -> None:
    """Tables with rows pointing at them survive the rebuilds a migration may do."""
    from desktop.services.database import downgrade

    path = tmp_path / "tickets.db"
    engine = create_database_engine(path)
    upgrade(engine, "0003_tickets")
    raw = sqlite3.connect(path)
    status = raw.execute("SELECT id FROM ticket_statuses ORDER BY position").fetchone()[0]
    customer, ticket = "0192a0b0c0d07000800000000000000a", "0192a0b0c0d07000800000000000000c"
    raw.execute(
        "INSERT INTO customers (id, first_name, last_name, company, email, address, notes, "
        "tags, marketing_consent, sort_name, created_at, updated_at) VALUES "
        f"('{customer}', 'Old', 'Timer', '', '', '', '', '', 0, 'timer old', "
        "'2024-01-01 10:00:00', '2024-01-01 10:00:00')"
    )
    raw.execute(
        "INSERT INTO tickets (id, number, customer_id, status_id, priority, problem, condition, "
        "accessories, estimate_labour, estimate_parts, signature_consent, diagnosis, work_done, "
        f"created_at, updated_at) VALUES ('{ticket}', 'T-A-10001', '{customer}', ?, 'normal', "
        "'Screen', '{}', '', 0, 0, 0, '', '', '2024-01-01 10:00:00', '2024-01-01 10:00:00')",
        (status,),
    )
    for table, columns, values in (
        ("ticket_status_changes", "to_status_id, at, note", (status, "2024-01-01", "")),
        ("ticket_notes", "at, author, customer_visible, body", ("2024-01-02", "Al", 0, "Hi")),
        ("ticket_assignments", "at", ("2024-01-02",)),
    ):
        raw.execute(
            f"INSERT INTO {table} (id, ticket_id, {columns}) VALUES (?, ?, "
            + ", ".join("?" * len(values))
            + ")",
            (f"0192a0b0c0d0700080000000000001{len(table):02d}", ticket, *values),
        )
    raw.commit()
    raw.close()

    upgrade(engine)
    downgrade(engine, "0003_tickets")
    upgrade(engine)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT number, estimate_approval FROM tickets").fetchall() == [
            ("T-A-10001", "")
        ]
        assert raw.execute("SELECT tickets FROM ticket_status_counts").fetchall() == [(1,)]
        assert raw.execute("SELECT count(*) FROM ticket_notes").fetchone() == (1,)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        raw.close()
    engine.dispose()


def test_stock_levels_are_kept_by_the_trigger_whoever_writes_the_ledger(tmp_path: Path) -> None:
    """A bulk load (or sync) inserting movements straight into SQLite keeps the levels,
    and a shop with stock survives a downgrade past inventory and back."""
    from desktop.services.database import downgrade

    path = tmp_path / "stock.db"
    engine = create_database_engine(path)
    upgrade(engine)
    raw = sqlite3.connect(path)
    store = raw.execute("SELECT id FROM stock_locations WHERE name = 'Store'").fetchone()[0]
    item = "0192a0b0c0d07000800000000000000d"
    raw.execute(
        "INSERT INTO items (id, name, sku, kind, category, brand, cost_price, sell_price, "
        "tax_class, low_stock_threshold, reorder_level, reorder_quantity, bin_location, "
        "track_expiry, serialized, active, notes, sort_name, created_at, updated_at) VALUES "
        f"('{item}', 'Screen', 'SCR-1', 'stock', '', '', 0, 0, 'standard', 0, 0, 0, '', 0, 0, "
        "1, '', 'screen', '2024-01-01 10:00:00', '2024-01-01 10:00:00')"
    )
    for n, (quantity, cost) in enumerate(((4, 1000), (2, 1600), (-5, None))):
        raw.execute(
            "INSERT INTO stock_movements (id, item_id, location_id, quantity, kind, unit_cost, "
            "reason, reference_kind, at, station_code) VALUES "
            "(?, ?, ?, ?, 'receive', ?, '', '', '2024-01-02 10:00:00', 'B')",
            (f"0192a0b0c0d0700080000000000002{n:02d}", item, store, quantity, cost),
        )
    raw.commit()
    assert raw.execute("SELECT on_hand, average_cost FROM stock_levels").fetchall() == [(1, 1200)]
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO items (id, name, sku, kind, category, brand, cost_price, sell_price, "
            "tax_class, low_stock_threshold, reorder_level, reorder_quantity, bin_location, "
            "track_expiry, serialized, active, notes, sort_name, created_at, updated_at) "
            "SELECT '0192a0b0c0d07000800000000000000e', name, 'SCR-2', kind, category, brand, "
            "-1, sell_price, tax_class, 0, 0, 0, '', 0, 0, 1, '', '', created_at, updated_at "
            "FROM items"
        )
    raw.close()

    downgrade(engine, "0007_messages")
    upgrade(engine)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT count(*) FROM stock_locations").fetchone() == (1,)
        assert raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'stock_movements' ORDER BY name"
        ).fetchall() == [("stock_movements_item_stock_ai",), ("stock_movements_level_ai",)]
    finally:
        raw.close()
    engine.dispose()


def test_item_stock_totals_are_backfilled_for_an_existing_catalog(tmp_path: Path) -> None:
    from desktop.services.database import downgrade
    from desktop.services.items import ItemInput
    from desktop.services.setup import ShopSetup

    path = tmp_path / "stock.db"
    services = Services.open(path)
    try:
        services.setup.create_shop(ShopSetup("Stock", "USD", "owner", "Owner", "owner-pass-1"))
        services.accounts.login("owner", "owner-pass-1")
        low = services.items.create(ItemInput("Battery", low_stock_threshold=2)).item.id
        fine = services.items.create(ItemInput("Screen", low_stock_threshold=2)).item.id
        services.stock.receive(low, 2, 100)
        services.stock.receive(fine, 5, 100)
    finally:
        services.close()
    engine = create_database_engine(path)
    downgrade(engine, "0009_item_search")
    upgrade(engine)
    engine.dispose()
    raw = sqlite3.connect(path)
    try:
        rows = dict(raw.execute("SELECT item_id, on_hand || '/' || low FROM item_stock"))
    finally:
        raw.close()
    assert rows == {low.hex: "2/1", fine.hex: "5/0"}
