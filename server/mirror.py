"""Mirror tables: each syncable desktop table, per shop, in the server's metadata.

Same table and column names as on the stations, so cross-branch reports read real
tables. Differences, on purpose:

- ``shop_id`` joins the primary key ``(shop_id, id)``: many shops share one server.
- No foreign keys, unique or check constraints: rows arrive in any order and unique keys
  are settled by the merge rule, not by the database.
- Every column except the key is nullable: an update of a migration-seeded row (which was
  never pushed as an insert) creates a row holding only the fields written so far.
- Strings have no length limit and integers are 64-bit: SQLite enforces neither, and the
  server must take every value a station holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.types import TypeEngine

from desktop.models import Base
from desktop.models.base import UTCDateTime
from server.models import metadata


def syncable_tables() -> dict[str, Table]:
    """The desktop tables whose model class is ``__syncable__``, by name."""
    found: dict[str, Table] = {}
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__syncable__", False):
            table = mapper.local_table
            assert isinstance(table, Table)
            found[table.name] = table
    return dict(sorted(found.items()))


def server_type(column: Column[Any]) -> TypeEngine[Any]:
    """The PostgreSQL column type for a desktop column; raises TypeError for a new kind."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return DateTime(timezone=True)
    if isinstance(kind, Uuid):
        return Uuid()
    if isinstance(kind, Boolean):
        return Boolean()
    if isinstance(kind, Integer):
        return BigInteger()
    if isinstance(kind, Text):
        return Text()
    if isinstance(kind, String):
        return String()
    if isinstance(kind, LargeBinary):
        return LargeBinary()
    if isinstance(kind, Date):
        return Date()
    raise TypeError(f"{column.table.name}.{column.name}: no server type for {kind!r}")


def _mirror(source: Table) -> Table:
    columns: list[Column[Any]] = [
        Column("shop_id", Uuid(), primary_key=True),
        Column("id", Uuid(), primary_key=True),
    ]
    for column in source.columns:
        if column.name != "id":
            columns.append(Column(column.name, server_type(column), nullable=True))
    return Table(source.name, metadata, *columns)


MIRROR_TABLES: dict[str, Table] = {name: _mirror(t) for name, t in syncable_tables().items()}
