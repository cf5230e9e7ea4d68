"""SQL the report services share: which documents count, their sign, and the steps of a
period (its days or months) as a table to join to.

Times are compared as SQLite holds them: text, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, and
the report tables' buckets are the first 16 characters of a 15-minute boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from desktop.services.report_periods import Bucket, Period

# A document is sold (or refunded) once it is a completed sale or an issued invoice or
# credit note: held sales, drafts and voided documents never count.
COUNTED = (
    "({d}.issued_at IS NOT NULL AND (({d}.kind = 'sale' AND {d}.status = 'completed') "
    "OR ({d}.kind IN ('invoice', 'credit_note') AND {d}.status = 'issued')))"
)
# Credit notes hold positive amounts: a report takes them away.
SIGN = "(CASE {kind} WHEN 'credit_note' THEN -1 ELSE 1 END)"


def counted(alias: str = "d") -> str:
    return COUNTED.format(d=alias)


def sign(kind_column: str) -> str:
    return SIGN.format(kind=kind_column)


def db_time(moment: datetime) -> str:
    """``moment`` as a time column holds it (naive UTC text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def bucket_of(moment: datetime) -> str:
    """The report-table bucket that starts at ``moment`` (a local midnight is always on a
    15-minute boundary in UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def period_params(period: Period) -> dict[str, str]:
    """``:start``/``:end`` as times and ``:start_bucket``/``:end_bucket`` as buckets."""
    start, end = period.bounds()
    return {
        "start": db_time(start),
        "end": db_time(end),
        "start_bucket": bucket_of(start),
        "end_bucket": bucket_of(end),
    }


def steps_cte(steps: Sequence[Bucket], buckets: bool) -> tuple[str, dict[str, Any]]:
    """``steps(i, s, e)``: one row per day or month of a chart, ``s`` and ``e`` its UTC
    start and end (excluded) as buckets (``buckets``) or as times. A join on
    ``s <= x AND x < e`` maps rows to local days exactly, summer time included."""
    convert = bucket_of if buckets else db_time
    values: list[str] = []
    params: dict[str, Any] = {}
    for index, step in enumerate(steps):
        values.append(f"({index}, :s{index}, :e{index})")
        params[f"s{index}"] = convert(step.start)
        params[f"e{index}"] = convert(step.end)
    return f"steps(i, s, e) AS (VALUES {', '.join(values)})", params
