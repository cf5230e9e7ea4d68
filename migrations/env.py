"""Alembic environment for the station database (SQLite, batch mode)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from desktop.models import Base
from desktop.services.database import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as new_connection:
        run_migrations(new_connection)
