"""`benchside verify-journal`: intact, tampered with, or not a database at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.config import AppPaths
from desktop.services import journal
from desktop.services.container import Services
from desktop.services.database import create_database_engine, current_revision, downgrade
from desktop.services.setup import ShopSetup


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A shop whose station A journaled four drawer openings."""
    paths = AppPaths.at(tmp_path)
    services = Services.open(paths.database)
    services.setup.create_shop(
        ShopSetup(
            shop_name="Fix-It Corner",
            currency="USD",
            owner_username="owner",
            owner_display_name="Olivia Owner",
            owner_password="owner-pass-1",
        )
    )
    services.accounts.login("owner", "owner-pass-1")
    with services.ctx.uow() as tx:
        for reason in ("float", "change", "count", "close"):
            journal.append(tx.session, services.ctx, "drawer_open", {"reason": reason})
        tx.commit()
    services.close()
    return tmp_path


def _run(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["verify-journal", "--data-dir", str(data_dir)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _execute(data_dir: Path, statement: str) -> None:
    connection = sqlite3.connect(AppPaths.at(data_dir).database)
    with connection:
        connection.execute(statement)
    connection.close()


def test_an_untouched_journal_is_intact(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(data_dir, capsys)
    assert code == 0
    assert "intact: 4 entries over 1 station(s)" in out


def test_an_edited_payload_names_the_entry(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _execute(
        data_dir,
        """UPDATE journal_entries SET payload = '{"reason":"nothing to see"}' WHERE seq = 2""",
    )
    code, out, _err = _run(data_dir, capsys)
    assert code == 1
    assert out.splitlines() == [
        "The journal was tampered with. Station A, entry 2 (drawer_open) was altered.",
        "  Station A, entry 2 (drawer_open) was altered.",
    ]


def test_a_deleted_middle_entry_is_named(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _execute(data_dir, "DELETE FROM journal_entries WHERE seq = 3")
    code, out, _err = _run(data_dir, capsys)
    assert code == 1
    assert "  Station A: entry 3 was removed." in out.splitlines()


def test_a_file_that_is_no_database_cannot_be_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(tmp_path, capsys)
    assert code == 2
    assert "No database" in err
    AppPaths.at(tmp_path).database.write_bytes(b"not a database" * 100)
    code, _out, err = _run(tmp_path, capsys)
    assert code == 2
    assert "cannot be read" in err


def test_an_older_database_is_left_for_the_app_to_update(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = AppPaths.at(data_dir).database
    engine = create_database_engine(database)
    downgrade(engine, "0011_stock_flags")
    engine.dispose()
    code, _out, err = _run(data_dir, capsys)
    assert code == 2
    assert "open it in Benchside once" in err
    assert _revision(database) == "0011_stock_flags"


def _revision(database: Path) -> str | None:
    engine = create_database_engine(database)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()
