"""The derived tables behind the dashboard and reports, recomputed from the base rows to
check the triggers of migration 0015 (``desktop/models/reports.py``).

The SQL repeats the migration's: migrations are frozen, and a check that read the
triggers' own definitions would only compare them with themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, text

from desktop.models.reports import NO_ONE as ZERO_ID

NO_ONE = ZERO_ID.hex  # as SQLite holds it

_COUNTED = (
    "(d.issued_at IS NOT NULL AND ((d.kind = 'sale' AND d.status = 'completed') "
    "OR (d.kind IN ('invoice', 'credit_note') AND d.status = 'issued')))"
)


def bucket_sql(at: str) -> str:
    """SQL for the 15-minute UTC bucket (``YYYY-MM-DD HH:MM``) of the time column ``at``."""
    return f"substr({at}, 1, 14) || printf('%02d', CAST(substr({at}, 15, 2) AS INTEGER) / 15 * 15)"


_COST = "l.quantity * coalesce(l.unit_cost, 0)"

# (table, its key columns, its summed columns, the same computed from the base tables)
_CHECKS = (
    (
        "sales_buckets",
        "bucket, doc_kind, user_id, tax_rate_bp",
        "lines, quantity, net, tax, gross, line_discount, document_discount, cost, restocked_cost",
        f"SELECT {bucket_sql('d.issued_at')}, d.kind, coalesce(d.user_id, '{NO_ONE}'), "
        "l.tax_rate_bp, count(*), sum(l.quantity), sum(l.net), sum(l.tax), sum(l.gross), "
        f"sum(l.line_discount), sum(l.document_discount), sum({_COST}), "
        f"sum(CASE WHEN l.restock THEN {_COST} ELSE 0 END) "
        f"FROM sales_lines l JOIN sales_documents d ON d.id = l.document_id WHERE {_COUNTED} "
        "GROUP BY 1, 2, 3, 4",
    ),
    (
        "document_buckets",
        "bucket, doc_kind, user_id",
        "documents, total",
        f"SELECT {bucket_sql('d.issued_at')}, d.kind, coalesce(d.user_id, '{NO_ONE}'), "
        f"count(*), sum(d.total + d.rounding) FROM sales_documents d WHERE {_COUNTED} "
        "GROUP BY 1, 2, 3",
    ),
    (
        "payment_buckets",
        "bucket, method_kind, method_name, on_document",
        "payments, amount, tip",
        f"SELECT {bucket_sql('at')}, method_kind, method_name, document_id IS NOT NULL, "
        "count(*), sum(amount), sum(tip) FROM payments GROUP BY 1, 2, 3, 4",
    ),
    (
        "ticket_workload_counts",
        "status_id, technician_id",
        "tickets",
        f"SELECT status_id, coalesce(assigned_to_id, '{NO_ONE}'), count(*) FROM tickets "
        "GROUP BY 1, 2",
    ),
)


@dataclass(frozen=True)
class AggregateDrift:
    """A key whose kept sums differ from the sums of the base rows."""

    table: str
    key: tuple[object, ...]
    kept: tuple[int, ...]
    recomputed: tuple[int, ...]


def aggregate_drift(connection: Connection) -> list[AggregateDrift]:
    """Every key of the derived tables whose sums differ from a recompute from the base
    tables; empty when the triggers kept them right. Keys whose sums are all zero count as
    absent (a trigger that took the last row away leaves its key at zero)."""
    drift: list[AggregateDrift] = []
    for table, keys, sums, recompute in _CHECKS:
        width = len(keys.split(","))
        kept = _nonzero(connection.execute(text(f"SELECT {keys}, {sums} FROM {table}")), width)
        fresh = _nonzero(connection.execute(text(recompute)), width)
        for key in sorted(kept.keys() | fresh.keys(), key=repr):
            zero = (0,) * len(sums.split(","))
            if kept.get(key, zero) != fresh.get(key, zero):
                drift.append(AggregateDrift(table, key, kept.get(key, zero), fresh.get(key, zero)))
    return drift


def _nonzero(rows: Iterable[Row[Any]], width: int) -> dict[tuple[object, ...], tuple[int, ...]]:
    found: dict[tuple[object, ...], tuple[int, ...]] = {}
    for row in rows:
        key, sums = tuple(row[:width]), tuple(int(value or 0) for value in row[width:])
        if any(sums):
            found[key] = sums
    return found
