"""The station's SQLite database: opening it safely, checking and upgrading its schema."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from desktop.services.errors import DatabaseError, DatabaseTooNew

log = logging.getLogger(__name__)

# The newest migration this version of Benchside knows. Comparing it with the database's
# revision is one cheap query, so Alembic is imported only when an upgrade is due.
HEAD_REVISION = "0016_report_speedups"

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


# FTS5 virtual tables and their shadow tables live only in migrations.
FTS_TABLES = ("customer_fts", "device_fts", "item_fts")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the FTS tables out of model/migration comparison."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLES))


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # Shops lose power: a sale the screen called done must be on disk.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def create_database_engine(path: Path) -> Engine:
    """An engine on the SQLite file at ``path`` with our pragmas on every connection."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 5},
    )
    event.listen(engine, "connect", _set_pragmas)
    return engine


def check_readable(engine: Engine) -> None:
    """Raise ``DatabaseError`` if the file is not a SQLite database we can read."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except (SADatabaseError, OperationalError) as exc:
        raise DatabaseError(
            f"The database file {engine.url.database} cannot be read ({exc.orig}). "
            "It may be damaged. Restore the latest backup to continue."
        ) from exc


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty database."""
    with engine.connect() as connection:
        has_table = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not has_table:
            return None
        value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(value) if value is not None else None


def known_revisions() -> set[str]:
    """Every revision id this version ships (reads the migration scripts; imports Alembic)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {revision.revision for revision in script.walk_revisions()}


def upgrade_needed(engine: Engine) -> bool:
    """True when the database is empty or behind; raise when it is from a newer Benchside."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return False
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNew(
            "This database was written by a newer version of Benchside "
            f"(schema {revision}). Install the newer version to open it."
        )
    return True


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", str(engine.url))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on ``engine``."""
    _migrate(engine, "upgrade", revision)
    log.info("database upgraded to %s", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (tests and support work only)."""
    _migrate(engine, "downgrade", revision)
    log.info("database downgraded to %s", revision)


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    """Run Alembic with foreign keys off, as SQLite asks for table rebuilds.

    A batch migration rebuilds a table by copying it and dropping the old one; with foreign
    keys on, dropping a table that other rows point at fails. The keys are checked before
    the migration commits, so a migration that breaks them rolls back instead.
    """
    from alembic import command

    config = alembic_config(engine)
    with without_foreign_keys(engine) as connection, connection.begin():
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise DatabaseError(
                f"The database update left {len(broken)} broken reference(s) in "
                f"{sorted({row[0] for row in broken})}; nothing was changed."
            )


@contextmanager
def without_foreign_keys(engine: Engine) -> Iterator[Connection]:
    """A connection of ``engine`` with foreign keys off until it goes back to the pool."""
    with engine.connect() as connection:
        # On the driver's connection, outside any transaction, or SQLite ignores it.
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield connection
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
