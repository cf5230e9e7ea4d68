"""``benchside-server``: migrate the database, manage shops and stations, serve."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from server import admin
from server.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="benchside-server", description=__doc__)
    parser.add_argument("--config", type=Path, help="TOML settings file (env overrides it)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the server database")
    shop = commands.add_parser("create-shop", help="add a shop; prints its id")
    shop.add_argument("name")
    branch = commands.add_parser("create-branch", help="add a branch to a shop; prints its id")
    branch.add_argument("--shop", type=uuid.UUID, required=True)
    branch.add_argument("name")
    enroll = commands.add_parser("enroll-station", help="print a one-time enrollment code")
    enroll.add_argument("--branch", type=uuid.UUID, required=True)
    enroll.add_argument("--code", help="station code to reserve (A, B, ...)")
    enroll.add_argument("--name", default="", help="station name shown until it enrolls")
    revoke = commands.add_parser("revoke-station", help="revoke a station's token")
    revoke.add_argument("station_id", type=uuid.UUID)
    trim = commands.add_parser("trim-log", help="keep only the newest N changes of a shop")
    trim.add_argument("--shop", type=uuid.UUID, required=True)
    trim.add_argument("--keep", type=int, required=True)
    commands.add_parser("serve", help="run the sync server")
    return parser


def _in_transaction(settings: Settings, work: Callable[[admin.Connection], str]) -> str:
    from server.db import connect, create_db_engine

    engine = create_db_engine(settings.sqlalchemy_url, pool_size=1)
    try:
        with connect(engine) as db:
            return work(db)
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, settings: Settings) -> str:
    if args.command == "migrate":
        from server.db import migrate

        migrate(settings.sqlalchemy_url)
        return "database is up to date"
    if args.command == "serve":
        _serve(settings)
        return ""
    work: dict[str, Callable[[admin.Connection], str]] = {
        "create-shop": lambda db: str(admin.create_shop(db, args.name)),
        "create-branch": lambda db: str(admin.create_branch(db, args.shop, args.name)),
        "enroll-station": lambda db: _enroll(db, args, settings),
        "revoke-station": lambda db: _revoke(db, args.station_id),
        "trim-log": lambda db: f"min_seq {admin.trim_log(db, args.shop, args.keep)}",
    }
    return _in_transaction(settings, work[args.command])


def _enroll(db: admin.Connection, args: argparse.Namespace, settings: Settings) -> str:
    issued = admin.issue_enrollment_code(
        db, args.branch, settings.enrollment_code_hours, args.code, args.name
    )
    return f"{issued.code}\nexpires {issued.expires_at.isoformat(timespec='seconds')}"


def _revoke(db: admin.Connection, station_id: uuid.UUID) -> str:
    admin.revoke_station(db, station_id)
    return f"revoked {station_id}"


def _serve(settings: Settings) -> None:
    import uvicorn

    from server.app import create_app
    from server.logs import setup_logging

    setup_logging(settings.log_level)
    # A push holds the shop's lock across several round trips to PostgreSQL; after each,
    # its thread waits for the interpreter lock while others encode pulls. A shorter
    # switch interval hands it back sooner, so the shop's other pushes queue less.
    sys.setswitchinterval(0.0005)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 0 on success, 2 for bad settings or a refused command."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        output = _run(args, settings)
    except (SettingsError, admin.AdminError) as exc:
        print(f"benchside-server: {exc}", file=sys.stderr)
        return 2
    if output:
        print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
