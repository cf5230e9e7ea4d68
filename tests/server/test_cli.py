"""``benchside-server`` commands against a real database."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from server.cli import main
from server.tokens import CROCKFORD, code_digest
from tests.sync_server import Admin

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("BENCHSIDE_SERVER_DATABASE_URL", pg_url)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out.strip(), err.strip()

    return run


def test_shop_branch_and_enrollment_code_are_printed_plainly(run: Run, server_admin: Admin) -> None:
    status, shop_id, _ = run("create-shop", "Fix-It Corner")
    assert status == 0
    status, branch_id, _ = run("create-branch", "--shop", shop_id, "Main Street")
    assert status == 0
    status, out, _ = run("enroll-station", "--branch", branch_id, "--code", "B", "--name", "Till")
    assert status == 0
    code, expires = out.splitlines()
    assert len(code) == 11 and code[5] == "-"
    assert set(code.replace("-", "")) <= set(CROCKFORD)
    assert expires.startswith("expires ")
    stored = server_admin.rows("SELECT * FROM srv_enrollment_codes")
    assert len(stored) == 1
    assert stored[0]["code_hash"] == code_digest(code) != code
    assert stored[0]["station_code"] == "B" and str(stored[0]["shop_id"]) == shop_id
    assert uuid.UUID(shop_id) and uuid.UUID(branch_id)


def test_unknown_shop_is_refused_with_a_message(run: Run) -> None:
    status, out, err = run("create-branch", "--shop", str(uuid.uuid4()), "Nowhere")
    assert status == 2 and out == ""
    assert "There is no shop" in err


def test_migrate_on_a_migrated_database_changes_nothing(run: Run) -> None:
    assert run("migrate")[:2] == (0, "database is up to date")


def test_trim_log_moves_the_floor_and_revoke_station_marks_it(
    run: Run,
    server_admin: Admin,
) -> None:
    ids = server_admin.shop()
    with server_admin.db() as db:
        db.execute("UPDATE srv_shops SET next_seq = 11 WHERE id = %s", (ids.shop_id,))
    assert run("trim-log", "--shop", str(ids.shop_id), "--keep", "3")[:2] == (0, "min_seq 8")
    assert server_admin.scalar("SELECT min_seq FROM srv_shops") == 8
    status, _, err = run("revoke-station", str(uuid.uuid4()))
    assert status == 2 and "There is no station" in err
