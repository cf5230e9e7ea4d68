"""`benchside` command line: run the app, make screenshots or sample documents, back up or
restore, check the journal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.config import AppPaths, demo_data_dir

# Every altered entry is one problem; past a thousand, more lines tell nothing new.
JOURNAL_PROBLEMS_SHOWN = 1000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchside", description="Counter software for device-repair shops."
    )
    parser.add_argument("--data-dir", type=Path, help="folder of the database, backups, logs")
    parser.add_argument("--demo", action="store_true", help="run with a demo shop")
    commands = parser.add_subparsers(dest="command")
    shots = commands.add_parser("screenshots", help="render the main screens to PNG files")
    shots.add_argument("directory", type=Path)
    shots.add_argument("--data-dir", type=Path, dest="sub_data_dir")
    samples = commands.add_parser(
        "sample-documents", help="write a demo ticket's receipts and labels to DIR"
    )
    samples.add_argument("directory", type=Path)
    backup = commands.add_parser("backup", help="back up the database to FILE")
    backup.add_argument("file", type=Path)
    backup.add_argument("--data-dir", type=Path, dest="sub_data_dir")
    restore = commands.add_parser("restore", help="replace the database with backup FILE")
    restore.add_argument("file", type=Path)
    restore.add_argument("--data-dir", type=Path, dest="sub_data_dir")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    journal = commands.add_parser(
        "verify-journal",
        help="check the money journal's hash chain; exit 0 intact, 1 tampered, 2 cannot open",
    )
    journal.add_argument("--data-dir", type=Path, dest="sub_data_dir")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    data_dir = getattr(args, "sub_data_dir", None) or args.data_dir
    if args.command == "screenshots":
        from desktop.screenshots import take_screenshots

        return take_screenshots(args.directory, data_dir)
    if args.command == "sample-documents":
        from desktop.sample_documents import sample_documents_command

        return sample_documents_command(args.directory)
    if args.command is None and args.demo and data_dir is None:
        data_dir = demo_data_dir()
    paths = AppPaths.at(data_dir)
    if args.command == "backup":
        return backup_command(paths, args.file)
    if args.command == "restore":
        return restore_command(paths, args.file, args.yes)
    if args.command == "verify-journal":
        return verify_journal_command(paths)
    # What the sign-in needs (SQLAlchemy, the models, these services) loads before Qt:
    # PySide6 reads the source of every module imported after it, looking for its
    # __feature__ switches. The other services load on first use, after sign-in.
    import desktop.services.accounts
    import desktop.services.backups
    import desktop.services.container
    import desktop.services.shop  # noqa: F401
    from desktop.app import run

    return run(paths, demo=args.demo)


def backup_command(paths: AppPaths, target: Path) -> int:
    from desktop.services.backups import backup_database
    from desktop.services.errors import BackupError

    if not paths.database.exists():
        print(f"No database at {paths.database}.", file=sys.stderr)
        return 1
    try:
        info = backup_database(paths.database, target)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Backed up {paths.database} to {info.path} ({info.size} bytes).")
    return 0


def restore_command(paths: AppPaths, backup: Path, yes: bool) -> int:
    from PySide6.QtCore import QLockFile

    from desktop.services.backups import inspect_backup, restore_database
    from desktop.services.errors import BackupError

    try:
        inspect_backup(backup)
    except BackupError as exc:
        print(f"Refusing to restore: {exc}", file=sys.stderr)
        return 1
    paths.create()
    lock = QLockFile(str(paths.lock_file))
    if not lock.tryLock(200):
        print("Benchside is running with this data folder. Close it first.", file=sys.stderr)
        return 1
    try:
        if not yes:
            answer = input(f"Replace {paths.database} with {backup}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                print("Nothing was changed.")
                return 1
        safety = restore_database(backup, paths.database, paths.backups)
    except BackupError as exc:
        print(f"Restore failed: {exc}", file=sys.stderr)
        return 1
    finally:
        lock.unlock()
    print(f"Restored {paths.database} from {backup}. The previous database is in {safety}.")
    return 0


def verify_journal_command(paths: AppPaths) -> int:
    """Check the journal without changing the database: no upgrade, no sign-in (whoever
    holds the file can read it anyway). Exit 0 intact, 1 tampered, 2 cannot open."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from desktop.services.database import (
        HEAD_REVISION,
        check_readable,
        create_database_engine,
        current_revision,
        upgrade_needed,
    )
    from desktop.services.errors import DatabaseError
    from desktop.services.journal import verify

    if not paths.database.is_file():
        print(f"No database at {paths.database}.", file=sys.stderr)
        return 2
    engine = create_database_engine(paths.database)
    try:
        check_readable(engine)
        if upgrade_needed(engine):
            print(
                f"{paths.database} is at schema {current_revision(engine)}, not "
                f"{HEAD_REVISION}: open it in Benchside once to update it, then check again.",
                file=sys.stderr,
            )
            return 2
        with Session(engine) as session:
            report = verify(session, limit=JOURNAL_PROBLEMS_SHOWN)
    except DatabaseError as problem:
        print(problem, file=sys.stderr)
        return 2
    except SQLAlchemyError as problem:  # damage found past the first page
        print(f"{paths.database} cannot be read: {problem}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(report.summary())
    for problem in report.problems:
        print(f"  {problem.message}")
    return 0 if report.intact else 1
