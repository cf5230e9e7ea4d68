"""SQL the report services share: which documents count, their sign, and the steps of a
period (its days or months) as a table to join to.

Times are compared as SQLite holds them: text, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, and
the report tables' buckets are the first 16 characters of a 15-minute boundary.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop.models import ShopProfile, User
from desktop.services.report_periods import Bucket, Period
from desktop.services.ticket_charges import LABOUR_TAX_CLASS

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


def read_time(value: Any) -> datetime | None:
    """A time column read through ``text()`` (naive UTC text) as an aware datetime."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def ticket_amount_due(session: Session) -> str:
    """SQL for what the ticket ``t`` will charge at checkout less its unapplied deposits
    (at least 0), NULL once it is checked out (its invoice holds the debt). The charge is
    its labour and parts not removed, or its estimate when it has neither; with prices
    without tax, each line's tax rounded half up: an estimate to the cent, since a
    checkout may round the tax of the whole document."""
    profile = session.scalars(select(ShopProfile)).first()
    add_tax = profile is not None and not profile.prices_include_tax
    taxed = (
        "({amount} + ({amount} * coalesce((SELECT rate_bp FROM tax_classes "
        "WHERE code = {code} ORDER BY active DESC LIMIT 1), 0) + 5000) / 10000)"
        if add_tax
        else "{amount}"
    )
    labour = taxed.format(amount="lab.amount", code=f"'{LABOUR_TAX_CLASS}'")
    part = taxed.format(amount="(p.quantity * p.unit_price)", code="i.tax_class")
    estimate = taxed.format(
        amount="(t.estimate_labour + t.estimate_parts)", code=f"'{LABOUR_TAX_CLASS}'"
    )
    return (
        "CASE WHEN EXISTS (SELECT 1 FROM sales_documents d WHERE d.ticket_id = t.id "
        "AND d.ticket_id IS NOT NULL AND ((d.kind = 'sale' AND d.status = 'completed') "
        "OR (d.kind = 'invoice' AND d.status = 'issued'))) THEN NULL ELSE max(coalesce(nullif("
        f"coalesce((SELECT sum({labour}) FROM ticket_labour_lines lab "
        "WHERE lab.ticket_id = t.id), 0) + "
        f"coalesce((SELECT sum({part}) FROM ticket_parts p JOIN items i ON i.id = p.item_id "
        f"WHERE p.ticket_id = t.id AND p.status != 'removed'), 0), 0), {estimate}) - "
        "coalesce((SELECT sum(dep.amount) FROM payments dep WHERE dep.ticket_id = t.id "
        "AND dep.ticket_id IS NOT NULL AND dep.document_id IS NULL), 0), 0) END"
    )


def statuses_in(
    session: Session, categories: Iterable[str], negate: bool = False
) -> tuple[str, dict[str, str]]:
    """``(:status0, :status1, ...)``: the ids of the ticket statuses in ``categories``
    (not in them, with ``negate``), bound one by one. With a subquery instead, SQLite
    judged a status to hold a large share of the tickets and read them all; with the ids
    it seeks the ticket indexes that start with ``status_id``."""
    wanted = sorted(set(categories))
    marks = ", ".join(f":category{i}" for i in range(len(wanted))) or "NULL"
    ids = session.execute(
        text(
            f"SELECT id FROM ticket_statuses WHERE category {'NOT ' if negate else ''}IN ({marks})"
        ),
        {f"category{i}": category for i, category in enumerate(wanted)},
    ).scalars()
    params = {f"status{i}": str(status) for i, status in enumerate(ids)}
    return f"({', '.join(':' + name for name in params) or 'NULL'})", params


def staff_names(session: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """How reports name each staff member: the display name, else the user name. Users
    that are gone are left out."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    found = session.execute(
        select(User.id, User.display_name, User.username).where(User.id.in_(wanted))
    )
    return {user_id: name or username for user_id, name, username in found}
