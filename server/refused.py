"""What a station needs to undo a transaction the server refused.

A refused transaction stays applied on the station that made it until the station puts
its rows back as the server has them; otherwise that PC would differ from every other
for good (a technician who made themselves owner would stay owner there). The answer to
a refused transaction carries, for every row it touched, the server's current values and
field clocks, or that the server has no such row, or that it was deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow

from desktop.sync.wire import wire_value
from server.mirror import MIRROR_TABLES

Db = psycopg.Connection[DictRow]


@dataclass
class _Touched:
    """What a refused transaction did to one row: the columns it wrote, and whether it
    inserted or deleted the row (then the station needs the whole row back)."""

    columns: set[str] = field(default_factory=set)
    whole: bool = False


def _touched(changes: Iterable[Mapping[str, Any]]) -> dict[str, dict[uuid.UUID, _Touched]]:
    """Rows named by ``changes``, per table; what cannot be read is left out (it was
    never written anywhere but on the station)."""
    rows: dict[str, dict[uuid.UUID, _Touched]] = {}
    for change in changes:
        table = change.get("table")
        if not isinstance(table, str) or table not in MIRROR_TABLES:
            continue
        try:
            row_id = uuid.UUID(str(change.get("row_id")))
        except ValueError:
            continue
        touched = rows.setdefault(table, {}).setdefault(row_id, _Touched())
        fields = change.get("fields")
        if isinstance(fields, Mapping):
            touched.columns.update(str(name) for name in fields)
        touched.whole = touched.whole or change.get("op") in ("insert", "delete")
    return rows


def current_rows(
    db: Db, shop_id: uuid.UUID, changes: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The server's state of every row ``changes`` touch: ``{"table", "id", "state"}``
    with ``state`` "row" (plus the ``fields`` the changes wrote, every field for a row
    they inserted or deleted, and the row's ``clocks``), "deleted" (plus the delete's
    ``hlc``) or "absent". A field the server never received a value for is null at the
    zero clock."""
    answer: list[dict[str, Any]] = []
    for table, touched in _touched(changes).items():
        ids = list(touched)
        columns = MIRROR_TABLES[table].columns.keys()
        found = {
            row["id"]: row
            for row in db.execute(
                sql.SQL(
                    "SELECT m.*, c.clocks FROM {table} m LEFT JOIN srv_row_clocks c "
                    "ON c.shop_id = m.shop_id AND c.table_name = %s AND c.row_id = m.id "
                    "WHERE m.shop_id = %s AND m.id = ANY(%s)"
                ).format(table=sql.Identifier(table)),
                (table, shop_id, ids),
            )
        }
        deleted = {
            row["row_id"]: row["hlc"]
            for row in db.execute(
                "SELECT row_id, hlc FROM srv_tombstones WHERE shop_id = %s AND table_name = %s "
                "AND row_id = ANY(%s)",
                (shop_id, table, ids),
            )
        }
        for row_id in ids:
            entry: dict[str, Any] = {"table": table, "id": str(row_id)}
            if row_id in deleted:
                entry.update(state="deleted", hlc=deleted[row_id])
            elif row_id in found:
                row = found[row_id]
                wanted = columns if touched[row_id].whole else touched[row_id].columns
                fields = {
                    name: wire_value(row[name])
                    for name in wanted
                    if name in columns and name not in ("shop_id", "id")
                }
                entry.update(state="row", fields=fields, clocks=row["clocks"] or {})
            else:
                entry["state"] = "absent"
            answer.append(entry)
    return answer
