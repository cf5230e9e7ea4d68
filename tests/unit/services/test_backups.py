from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.services.backups import (
    KEEP_DAILY,
    backup_database,
    daily_backup,
    inspect_backup,
    restore_database,
)
from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.database import HEAD_REVISION, DatabaseError
from desktop.services.errors import BackupError, DatabaseTooNew


def test_backup_then_restore_brings_the_data_back(shop: Services, tmp_path: Path) -> None:
    shop.customers.create(CustomerInput(last_name="Kept"))
    backup = backup_database(shop.path, tmp_path / "out" / "copy.db")
    assert inspect_backup(backup.path) == HEAD_REVISION
    shop.customers.create(CustomerInput(last_name="Later"))
    shop.close()
    safety = restore_database(backup.path, shop.path, tmp_path / "safety")
    assert safety.exists()
    reopened = Services.open(shop.path)
    assert [c.name for c in reopened.customers.page()] == ["Kept"]
    reopened.close()


def test_restore_refuses_files_that_are_not_backups(shop: Services, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("hello")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    newer = backup_database(shop.path, tmp_path / "newer.db").path
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    before = shop.path.read_bytes()
    for bad, message in [
        (text_file, "not a Benchside"),
        (other, "not a Benchside"),
        (newer, "newer"),
    ]:
        with pytest.raises(BackupError, match=message):
            restore_database(bad, shop.path, tmp_path / "safety")
    assert shop.path.read_bytes() == before


def test_daily_backups_rotate(shop: Services, tmp_path: Path) -> None:
    directory = tmp_path / "daily"
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(KEEP_DAILY + 3):
        daily_backup(shop.path, directory, today=start + timedelta(days=day))
    assert daily_backup(shop.path, directory, today=start + timedelta(days=KEEP_DAILY + 2)) is None
    kept = sorted(p.name for p in directory.glob("daily-*.db"))
    assert len(kept) == KEEP_DAILY
    assert kept[-1] == "daily-2026-01-17.db"


def test_a_corrupt_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "benchside.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="Restore the latest backup"):
        Services.open(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_a_database_from_a_newer_version_is_refused(shop: Services) -> None:
    with shop.ctx.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    shop.close()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        Services.open(shop.path)


def test_restore_over_a_damaged_database_keeps_its_bytes(shop: Services, tmp_path: Path) -> None:
    backup = backup_database(shop.path, tmp_path / "good.db")
    shop.close()
    shop.path.write_bytes(b"garbage" * 1000)
    safety = restore_database(backup.path, shop.path, tmp_path / "safety")
    assert safety.read_bytes() == b"garbage" * 1000
    reopened = Services.open(shop.path)
    assert reopened.setup.is_set_up()
    reopened.close()


def test_backups_through_the_service_need_a_manager(shop: Services, tmp_path: Path) -> None:
    from desktop.services.errors import PermissionDenied
    from tests.unit.conftest import add_staff, sign_in_as

    shop.backups.back_up(tmp_path / "by-owner.db")
    add_staff(shop, "tom", "technician")
    sign_in_as(shop, "tom")
    with pytest.raises(PermissionDenied):
        shop.backups.back_up(tmp_path / "by-tech.db")
    with pytest.raises(PermissionDenied):
        shop.backups.check_restore(tmp_path / "by-owner.db")
    assert not (tmp_path / "by-tech.db").exists()
