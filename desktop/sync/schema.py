"""Which tables sync and how: read once from the models' metadata.

A table syncs when its model mixes in ``Syncable``. Ledgers (``__append_only__``) only
ever insert. Natural unique keys (a SKU, a barcode, a username) are the unique
constraints besides the primary key: two stations offline can both take one value, and
the merge rule settles which row keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint

from desktop.models import Base
from desktop.sync.wire import WireError


@dataclass(frozen=True)
class TableInfo:
    name: str
    table: Table
    columns: MappingProxyType[str, Column[Any]]
    append_only: bool
    unique_keys: tuple[tuple[str, ...], ...]
    # Columns set by the database layer or computed from others (updated_at, sort keys):
    # an edit of them is never a conflict of its own.
    quiet: frozenset[str] = frozenset()


def _unique_keys(table: Table) -> tuple[tuple[str, ...], ...]:
    keys = {
        tuple(column.name for column in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    }
    keys.update((column.name,) for column in table.columns if column.unique)
    keys.update(
        tuple(column.name for column in index.columns)
        for index in table.indexes
        if index.unique and index.dialect_options["sqlite"].get("where") is None
    )
    return tuple(sorted(keys))


def _load() -> dict[str, TableInfo]:
    infos: dict[str, TableInfo] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not getattr(cls, "__syncable__", False):
            continue
        table = mapper.local_table
        assert isinstance(table, Table)
        infos[table.name] = TableInfo(
            name=table.name,
            table=table,
            columns=MappingProxyType({column.name: column for column in table.columns}),
            append_only=bool(getattr(cls, "__append_only__", False)),
            unique_keys=_unique_keys(table),
            quiet=frozenset(
                column.name
                for column in table.columns
                if column.onupdate is not None or column.info.get("derived")
            ),
        )
    return infos


SYNC_TABLES: MappingProxyType[str, TableInfo] = MappingProxyType(_load())

# Parents before children, so a station loading a snapshot meets rows in a sensible order.
BOOTSTRAP_ORDER: tuple[str, ...] = tuple(
    table.name for table in Base.metadata.sorted_tables if table.name in SYNC_TABLES
)


# Values that identify a row to people and should be unique, but that two stations offline
# can both take. Replicas keep both rows (refusing one would leave it on one station only);
# the server reports each pair to the managers as a conflict.
NATURAL_KEYS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "users": ("username",),
        "items": ("sku",),
        "item_barcodes": ("code",),
        "stock_locations": ("name",),
        "tax_classes": ("code",),
        "payment_methods": ("code",),
        "stock_lots": ("item_id", "code", "expires_on"),
        "item_suppliers": ("item_id", "supplier_id"),
        "stock_count_lines": ("count_id", "item_id"),
        "message_templates": ("status_id", "channel"),
    }
)


def table_info(name: str) -> TableInfo:
    """The syncable table ``name``; ``WireError`` if there is none."""
    info = SYNC_TABLES.get(name)
    if info is None:
        raise WireError(f"{name!r} is not a table that syncs.")
    return info
