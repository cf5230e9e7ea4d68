"""The database: a pooled engine, raw psycopg connections for the hot paths, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow, dict_row
from sqlalchemy import Engine, create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_db_engine(url: str, pool_size: int = 10) -> Engine:
    """A pooled engine on ``url`` (``postgresql+psycopg://``); connections are checked
    before use so a restarted PostgreSQL does not fail the first request."""
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # Times go back to stations as ISO text: read them in UTC whatever the server's zone.
        connect_args={"options": "-c timezone=UTC"},
    )


@contextmanager
def connect(engine: Engine) -> Iterator[psycopg.Connection[DictRow]]:
    """A pooled psycopg connection with dict rows, in one transaction: committed when the
    block ends, rolled back when it raises."""
    pooled = engine.raw_connection()
    try:
        connection = pooled.driver_connection
        assert isinstance(connection, psycopg.Connection)
        if connection.info.transaction_status != TransactionStatus.IDLE:
            # The pool's liveness ping may leave a transaction open; ours must be the
            # outermost one, or its commit would only release a savepoint.
            connection.rollback()
        connection.row_factory = dict_row
        with connection.transaction():
            yield cast("psycopg.Connection[DictRow]", connection)
    finally:
        pooled.close()


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's config is an INI parser: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision``; raises on a failed migration."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
