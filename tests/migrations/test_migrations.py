from __future__ import annotations

import sqlite3
from pathlib import Path

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
    from alembic import command

    from desktop.services.database import alembic_config

    engine = create_database_engine(tmp_path / "d.db")
    upgrade(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    upgrade(engine)


def test_ticket_status_counts_are_backfilled_and_kept_by_triggers(tmp_path: Path) -> None:
    from desktop.services.customers import CustomerInput
    from desktop.services.setup import ShopSetup
    from desktop.services.tickets import TicketInput

    path = tmp_path / "counts.db"
    engine = create_database_engine(path)
    upgrade(engine, "0005_ticket_indexes")
    engine.dispose()
    services = Services.on_engine(create_database_engine(path), path)
    services.setup.create_shop(ShopSetup("Counts", "USD", "owner", "Owner", "owner-pass-1"))
    services.accounts.login("owner", "owner-pass-1")
    customer = services.customers.create(CustomerInput(last_name="Count"))
    made = [services.tickets.create(TicketInput(customer.id, problem="x")) for _ in range(3)]
    services.close()

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
