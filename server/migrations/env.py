"""Alembic environment for the server database (PostgreSQL)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from server.schema import metadata

config = context.config
target_metadata = metadata


def run_migrations(connection: Any) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as new_connection:
        run_migrations(new_connection)
    engine.dispose()
