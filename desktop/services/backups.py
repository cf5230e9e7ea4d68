"""Backups of the station database: now, daily with rotation, and restore from a file."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop.services import audit
from desktop.services.context import ServiceContext
from desktop.services.database import HEAD_REVISION
from desktop.services.errors import BackupError
from desktop.services.permissions import Permission
from desktop.sync.capture import BOOTSTRAP_DUE, BOOTSTRAP_SETTING

log = logging.getLogger(__name__)

KEEP_DAILY = 14
DAILY_PREFIX = "daily-"
DAMAGED_PREFIX = "damaged-"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    size: int


def backup_database(database: Path, target: Path) -> BackupInfo:
    """Copy the live database to ``target`` with SQLite's online backup API and verify it.

    Safe while the app writes (WAL). The copy is written beside the target first and
    renamed, so a half-written backup never carries the final name. Raises ``BackupError``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(database)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
                destination.execute("PRAGMA journal_mode=DELETE")
                status = destination.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                destination.close()
        finally:
            source.close()
        if status != "ok":
            raise BackupError(f"The backup failed its integrity check: {status}")
        partial.replace(target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup could not be written to {target}: {exc}") from exc
    return BackupInfo(target, datetime.now(UTC), target.stat().st_size)


def inspect_backup(path: Path) -> str:
    """The schema revision of a backup file. Raises ``BackupError`` when the file is not a
    Benchside backup or comes from a newer version."""
    from desktop.services.database import known_revisions

    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path.name} is not a Benchside backup.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path.name} is damaged.")
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
            if not {"alembic_version", "shop_profile", "users"} <= tables:
                raise BackupError(f"{path.name} is not a Benchside backup.")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} cannot be read: {exc}") from exc
    if revision is None:
        raise BackupError(f"{path.name} is not a Benchside backup.")
    if revision[0] != HEAD_REVISION and revision[0] not in known_revisions():
        raise BackupError(
            f"{path.name} was made by a newer version of Benchside. Update Benchside first."
        )
    return str(revision[0])


def restore_database(backup: Path, database: Path, safety_dir: Path) -> Path:
    """Replace ``database`` with ``backup`` (the app must have closed the database).

    The current database is first backed up into ``safety_dir``; returns that copy's
    path. Raises ``BackupError`` and leaves the database as it was on any problem.
    """
    inspect_backup(backup)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    safety = safety_dir / f"before-restore-{stamp}.db"
    if database.exists():
        try:
            backup_database(database, safety)
        except BackupError:
            # A damaged database cannot be read by the backup API: keep its raw bytes.
            safety.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(database) + suffix)
                if source.exists():
                    shutil.copyfile(source, Path(str(safety) + suffix))
    staging = database.with_name(database.name + ".restoring")
    try:
        shutil.copyfile(backup, staging)
        for suffix in ("-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        staging.replace(database)
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise BackupError(f"The backup could not be restored: {exc}") from exc
    _reload_from_server(database)
    log.info("restored %s from %s (previous copy: %s)", database, backup, safety)
    return safety


def _reload_from_server(database: Path) -> None:
    """A restored station lacks what it did since the backup, though the sync server has
    it: its next sync loads the whole shop again (its own work included) and continues
    its number series after it. Without a server this is never acted on."""
    connection = sqlite3.connect(database)
    try:
        with connection:
            connection.execute(
                "INSERT OR REPLACE INTO local_settings (key, value) VALUES (?, ?)",
                (BOOTSTRAP_SETTING, BOOTSTRAP_DUE),
            )
    except sqlite3.Error as exc:
        log.warning("could not ask %s to reload from the sync server: %s", database, exc)
    finally:
        connection.close()


def list_backups(directory: Path) -> list[BackupInfo]:
    if not directory.is_dir():
        return []
    found = [
        BackupInfo(p, datetime.fromtimestamp(p.stat().st_mtime, UTC), p.stat().st_size)
        for p in directory.glob("*.db")
        if not p.name.startswith(DAMAGED_PREFIX)
    ]
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def daily_backup(
    database: Path, directory: Path, today: datetime | None = None
) -> BackupInfo | None:
    """Make today's backup if there is none yet, and keep the newest ``KEEP_DAILY``."""
    today = today or datetime.now(UTC)
    target = directory / f"{DAILY_PREFIX}{today:%Y-%m-%d}.db"
    made = None
    if not target.exists() and database.exists():
        made = backup_database(database, target)
    dailies = sorted(directory.glob(f"{DAILY_PREFIX}*.db"), reverse=True)
    for old in dailies[KEEP_DAILY:]:
        old.unlink(missing_ok=True)
    return made


def pre_upgrade_backup(database: Path, directory: Path, revision: str | None) -> BackupInfo:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return backup_database(database, directory / f"before-upgrade-{revision or 'new'}-{stamp}.db")


class BackupService:
    """Backups as the signed-in staff asks for them (managers and owners)."""

    def __init__(self, ctx: ServiceContext, database: Path) -> None:
        self.ctx = ctx
        self.database = database

    def back_up(self, target: Path) -> BackupInfo:
        """Write a verified backup to ``target``. Raises ``PermissionDenied``, ``BackupError``."""
        self.ctx.require(Permission.MANAGE_BACKUPS)
        info = backup_database(self.database, target)
        self._audit("backup_made", str(target))
        return info

    def check_restore(self, backup: Path) -> str:
        """Check the permission and the file before the app closes its database for a
        restore. Returns the backup's schema revision."""
        self.ctx.require(Permission.MANAGE_BACKUPS)
        revision = inspect_backup(backup)
        self._audit("restore_started", str(backup))
        return revision

    def _audit(self, action: str, path: str) -> None:
        with self.ctx.uow() as tx:
            audit.record(tx.session, self.ctx, action, "database", "", path=path)
            tx.commit()
