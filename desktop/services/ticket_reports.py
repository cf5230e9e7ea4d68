"""Ticket reports: each technician's finished work, how old the open tickets are, which
are late, which wait for parts and which wait to be collected.

Figures follow the dashboard's definitions (``dashboard_figures``): a ticket is completed
when it first reaches a completed or closed status, so a ticket closed at pickup counts
then, and its turnaround includes the days it waited to be collected. The technician is
the ticket's ``assigned_to_id`` now. Labour billed is the labour and estimate lines of
checkouts issued in the period, without tax.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.models.base import utc_now
from desktop.services.context import ServiceContext
from desktop.services.customers import display_name
from desktop.services.errors import ValidationError
from desktop.services.permissions import Permission
from desktop.services.report_periods import Period, local_midnight
from desktop.services.report_sql import (
    counted,
    db_time,
    period_params,
    read_time,
    sign,
    staff_names,
    statuses_in,
    ticket_amount_due,
)
from desktop.services.report_types import (
    MAX_ROWS,
    Cell,
    ChartPoint,
    Column,
    ColumnKind,
    ReportTable,
    totals_row,
)
from desktop.services.ticket_charges import ESTIMATE_SOURCE
from desktop.services.ticket_types import FINISHED, StatusCategory

TEXT, MONEY, COUNT, QUANTITY, DAYS, TIME = (
    ColumnKind.TEXT,
    ColumnKind.MONEY,
    ColumnKind.COUNT,
    ColumnKind.QUANTITY,
    ColumnKind.DAYS,
    ColumnKind.TIME,
)
UNASSIGNED = "Unassigned"
LABOUR_SOURCES = ("ticket_labour", ESTIMATE_SOURCE)
# Unfinished work and work waiting for pickup, in bench order.
AGING_CATEGORIES = (
    StatusCategory.OPEN,
    StatusCategory.IN_PROGRESS,
    StatusCategory.WAITING_PARTS,
    StatusCategory.WAITING_CUSTOMER,
    StatusCategory.READY,
)
# Age buckets: (column key, title, the oldest age in whole days it holds).
AGE_BUCKETS = (
    ("days_0_2", "0-2 days", 2),
    ("days_3_7", "3-7 days", 7),
    ("days_8_14", "8-14 days", 14),
    ("days_15_30", "15-30 days", 30),
    ("days_over_30", "Over 30 days", None),
)
# When a ticket entered the status it is in: its latest change into it, read through the
# (ticket_id, at) index; a ticket never moved has been in it since it was created.
_ENTERED = (
    "coalesce((SELECT max(c.at) FROM ticket_status_changes c WHERE c.ticket_id = t.id "
    "AND c.to_status_id = t.status_id), t.created_at)"
)
_TECHNICIAN = "coalesce(nullif(u.display_name, ''), u.username)"
_LIST_NOTE = "At most {n} tickets are listed; the list stopped there."


@dataclass
class _Work:
    """One technician's figures over a period, filled in by the queries in turn."""

    completed: int = 0
    turnaround: float | None = None
    labour: int = 0
    parts: int = 0
    parts_cost: int = 0
    comebacks: int = 0


class TicketReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def technicians(self, period: Period) -> ReportTable:
        """Per technician over ``period``: tickets completed, average turnaround, labour
        billed, parts used and their cost, and warranty comebacks on their earlier work.
        Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        params = period_params(period)
        with self.ctx.uow() as tx:
            session = tx.session
            work: dict[str | None, _Work] = {}
            _add_completed(session, params, work)
            _add_labour(session, params, work)
            _add_parts(session, params, work)
            _add_comebacks(session, params, work)
            names = {
                user_id.hex: name
                for user_id, name in staff_names(
                    session, (uuid.UUID(hex=who) for who in work if who is not None)
                ).items()
            }
            overall = _overall_turnaround(session, params)
        columns = (
            Column("technician", "Technician"),
            Column("completed", "Completed", COUNT),
            Column("turnaround_days", "Average turnaround (days)", DAYS),
            Column("labour", "Labour billed", MONEY),
            Column("parts_used", "Parts used", QUANTITY),
            Column("parts_cost", "Parts cost", MONEY),
            Column("comebacks", "Warranty comebacks", COUNT),
        )
        ordered = sorted(
            work.items(),
            key=lambda item: (item[0] is None, -item[1].completed, names.get(item[0] or "", "")),
        )
        rows = tuple(
            (
                names.get(who, UNASSIGNED) if who else UNASSIGNED,
                w.completed,
                w.turnaround,
                w.labour,
                w.parts,
                w.parts_cost,
                w.comebacks,
            )
            for who, w in ordered
        )
        totals: tuple[Cell, ...] | None = None
        if rows:
            summed = list(totals_row(columns, rows))
            summed[2] = overall
            totals = tuple(summed)
        return ReportTable(
            key="technicians",
            title="Technicians",
            columns=columns,
            rows=rows,
            totals=totals,
            period=period,
            notes=_TECHNICIAN_NOTES,
            chart=tuple(
                ChartPoint(
                    str(row[0]),
                    int(row[1] or 0),
                    {"report": "tickets", "technician_id": _uuid(who), "unassigned": who is None},
                )
                for (who, _w), row in zip(ordered, rows, strict=True)
            ),
            chart_title="Tickets completed",
        )

    def aging(self, today: date) -> ReportTable:
        """Unfinished and ready tickets per status, counted by how many days ago they
        were created (local days: created today is 0). Raises ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        params: dict[str, Any] = {}
        cases = []
        for index, (key, _title, oldest) in enumerate(AGE_BUCKETS):
            if oldest is None:
                cases.append(f"sum(CASE WHEN t.created_at < :b{index - 1} THEN 1 ELSE 0 END)")
                continue
            params[f"b{index}"] = db_time(local_midnight(today - timedelta(days=oldest)))
            older = f"t.created_at < :b{index - 1} AND " if index else ""
            cases.append(
                f"sum(CASE WHEN {older}t.created_at >= :b{index} THEN 1 ELSE 0 END) AS {key}"
            )
        with self.ctx.uow() as tx:
            aging, ids = statuses_in(tx.session, (c.value for c in AGING_CATEGORIES))
            found = tx.session.execute(
                text(
                    f"SELECT s.name, s.category, {', '.join(cases)}, count(*) "
                    "FROM tickets t JOIN ticket_statuses s ON s.id = t.status_id "
                    f"WHERE t.status_id IN {aging} GROUP BY s.id"
                ),
                {**params, **ids},
            ).all()
        order = {c.value: i for i, c in enumerate(AGING_CATEGORIES)}
        # The category's name, not its code, in the table.
        counted_rows = [
            (str(name), StatusCategory(category).label, [int(n or 0) for n in counts])
            for name, category, *counts in sorted(found, key=lambda r: (order[r[1]], r[0]))
        ]
        rows: tuple[tuple[Cell, ...], ...] = tuple(
            (name, category, *counts) for name, category, counts in counted_rows
        )
        columns = (
            Column("status", "Status"),
            Column("category", "Category"),
            *(Column(key, title, COUNT) for key, title, _oldest in AGE_BUCKETS),
            Column("total", "Total", COUNT),
        )
        totals = totals_row(columns, rows) if rows else None
        return ReportTable(
            key="ticket_aging",
            title="Ticket aging",
            columns=columns,
            rows=rows,
            totals=totals,
            notes=(
                f"Tickets not yet completed, closed or cancelled, by their status on "
                f"{today.isoformat()}; age is whole local days since the ticket was created.",
            ),
            chart=tuple(
                ChartPoint(title, sum(counts[i] for _name, _category, counts in counted_rows))
                for i, (_key, title, _oldest) in enumerate(AGE_BUCKETS)
            ),
            chart_title="Open tickets by age",
        )

    def overdue(self, now: datetime | None = None) -> ReportTable:
        """Unfinished tickets whose promised time has passed, the longest late first.
        Raises ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        moment = now or utc_now()
        with self.ctx.uow() as tx:
            unfinished, ids = statuses_in(tx.session, _finished_values(), negate=True)
            found = tx.session.execute(
                text(
                    f"SELECT t.number, {_CUSTOMER}, s.name, {_TECHNICIAN}, t.promised_at "
                    "FROM tickets t JOIN ticket_statuses s ON s.id = t.status_id "
                    "JOIN customers cu ON cu.id = t.customer_id "
                    "LEFT JOIN users u ON u.id = t.assigned_to_id "
                    f"WHERE t.status_id IN {unfinished} AND t.promised_at < :now "
                    "ORDER BY t.promised_at, t.number LIMIT :limit"
                ),
                {**ids, "now": db_time(moment), "limit": MAX_ROWS + 1},
            ).all()
        rows = []
        for number, first, last, company, status, technician, promised_at in found[:MAX_ROWS]:
            promised = _at(promised_at)
            late = (moment - promised).total_seconds() / 86400
            who = technician or UNASSIGNED
            rows.append((number, display_name(first, last, company), status, who, promised, late))
        columns = (
            Column("number", "Ticket"),
            Column("customer", "Customer"),
            Column("status", "Status"),
            Column("technician", "Technician"),
            Column("promised", "Promised", TIME),
            Column("days_late", "Days late", DAYS),
        )
        notes = [
            "Tickets not yet ready, completed, closed or cancelled whose promised time "
            "has passed; days late are counted from the promised time to now."
        ]
        if len(found) > MAX_ROWS:
            notes.append(_LIST_NOTE.format(n=MAX_ROWS))
        return ReportTable(
            key="overdue_tickets",
            title="Overdue tickets",
            columns=columns,
            rows=tuple(rows),
            notes=tuple(notes),
        )

    def waiting_for_parts(self, today: date) -> ReportTable:
        """Tickets waiting for parts now: since when, for how many days, and the parts
        reserved on them. Raises ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            waiting, ids = statuses_in(tx.session, ("waiting_parts",))
            found = tx.session.execute(
                text(
                    f"SELECT t.number, {_CUSTOMER}, s.name, {_TECHNICIAN}, {_ENTERED} AS entered, "
                    "(SELECT group_concat(p.quantity || ' x ' || i.name, ', ') "
                    "FROM ticket_parts p JOIN items i ON i.id = p.item_id "
                    "WHERE p.ticket_id = t.id AND p.status = 'reserved') "
                    "FROM tickets t JOIN ticket_statuses s ON s.id = t.status_id "
                    "JOIN customers cu ON cu.id = t.customer_id "
                    "LEFT JOIN users u ON u.id = t.assigned_to_id "
                    f"WHERE t.status_id IN {waiting} ORDER BY entered, t.number LIMIT :limit"
                ),
                {**ids, "limit": MAX_ROWS + 1},
            ).all()
        rows = []
        for number, first, last, company, status, technician, entered_at, parts in found[:MAX_ROWS]:
            since = _at(entered_at)
            rows.append(
                (
                    number,
                    display_name(first, last, company),
                    status,
                    technician or UNASSIGNED,
                    since,
                    float(_days_since(since, today)),
                    parts or "",
                )
            )
        columns = (
            Column("number", "Ticket"),
            Column("customer", "Customer"),
            Column("status", "Status"),
            Column("technician", "Technician"),
            Column("since", "Waiting since", TIME),
            Column("days_waiting", "Days waiting", DAYS),
            Column("parts", "Parts reserved"),
        )
        notes = [
            "Days waiting are whole local days from when the ticket last entered its "
            "status; parts reserved are held for it but not yet taken from stock."
        ]
        if len(found) > MAX_ROWS:
            notes.append(_LIST_NOTE.format(n=MAX_ROWS))
        return ReportTable(
            key="waiting_for_parts",
            title="Waiting for parts",
            columns=columns,
            rows=tuple(rows),
            notes=tuple(notes),
        )

    def ready_not_collected(self, today: date, min_days: int) -> ReportTable:
        """Tickets ready for pickup for at least ``min_days`` whole local days, the
        longest waiting first, with what the customer will pay. Raises
        ``ValidationError`` for a negative ``min_days``, ``PermissionDenied``."""
        self.ctx.require(Permission.VIEW_REPORTS)
        if min_days < 0:
            raise ValidationError({"days": "The number of days cannot be negative."})
        # Entered on local day today - min_days or before: before the next midnight.
        cutoff = local_midnight(today - timedelta(days=min_days) + timedelta(days=1))
        with self.ctx.uow() as tx:
            due = ticket_amount_due(tx.session)
            ready, ids = statuses_in(tx.session, ("ready",))
            found = tx.session.execute(
                text(
                    f"SELECT number, cu_first, cu_last, cu_company, phone, entered, {due} FROM ("
                    f"SELECT t.id, t.number, t.estimate_labour, t.estimate_parts, "
                    f"{_CUSTOMER}, (SELECT ph.number FROM customer_phones ph "
                    "WHERE ph.customer_id = t.customer_id ORDER BY ph.position LIMIT 1) "
                    f"AS phone, {_ENTERED} AS entered "
                    "FROM tickets t JOIN customers cu ON cu.id = t.customer_id "
                    f"WHERE t.status_id IN {ready}) t "
                    "WHERE entered < :cutoff ORDER BY entered, number LIMIT :limit"
                ),
                {**ids, "cutoff": db_time(cutoff), "limit": MAX_ROWS + 1},
            ).all()
        rows = []
        for number, first, last, company, phone, entered_at, amount in found[:MAX_ROWS]:
            since = _at(entered_at)
            rows.append(
                (
                    number,
                    display_name(first, last, company),
                    phone or "",
                    since,
                    float(_days_since(since, today)),
                    None if amount is None else int(amount),
                )
            )
        columns = (
            Column("number", "Ticket"),
            Column("customer", "Customer"),
            Column("phone", "Phone"),
            Column("ready_since", "Ready since", TIME),
            Column("days_waiting", "Days waiting", DAYS),
            Column("amount_due", "To pay", MONEY),
        )
        notes = [
            "Days waiting are whole local days since the ticket last became ready.",
            "To pay is labour and parts (or the estimate when there are neither), tax "
            "included, less the deposits not yet applied: an estimate to the cent. It is "
            "blank for a ticket already checked out, whose invoice holds the debt.",
        ]
        if len(found) > MAX_ROWS:
            notes.append(_LIST_NOTE.format(n=MAX_ROWS))
        return ReportTable(
            key="ready_not_collected",
            title="Ready, not collected",
            columns=columns,
            rows=tuple(rows),
            totals=totals_row(columns, rows) if rows else None,
            notes=tuple(notes),
        )


_TECHNICIAN_NOTES = (
    "Completed: tickets that reached a completed or closed status in the period. A "
    "ticket closed when it is collected counts then, and its turnaround (days from "
    "creation to completion) includes the days it waited to be collected.",
    "Labour billed: labour and estimate lines, without tax, of ticket checkouts issued "
    "in the period, less labour refunded on credit notes of checkouts.",
    "Parts used: units taken from stock for the technician's tickets in the period and "
    "still on them, at each item's average cost now.",
    "Warranty comebacks: tickets opened in the period under warranty of an earlier "
    "ticket, counted against whoever holds that earlier ticket.",
    "Each ticket counts for the technician it is assigned to now.",
)
_CUSTOMER = "cu.first_name AS cu_first, cu.last_name AS cu_last, cu.company AS cu_company"


def _add_completed(session: Session, params: dict[str, str], work: dict[str | None, _Work]) -> None:
    for who, count, turnaround in session.execute(
        text(
            "SELECT assigned_to_id, count(*), "
            "avg(julianday(completed_at) - julianday(created_at)) FROM tickets "
            "WHERE completed_at IS NOT NULL AND completed_at >= :start AND completed_at < :end "
            "GROUP BY assigned_to_id"
        ),
        params,
    ):
        entry = work.setdefault(who, _Work())
        entry.completed = int(count)
        entry.turnaround = float(turnaround) if turnaround is not None else None


def _overall_turnaround(session: Session, params: dict[str, str]) -> float | None:
    value = session.execute(
        text(
            "SELECT avg(julianday(completed_at) - julianday(created_at)) FROM tickets "
            "WHERE completed_at IS NOT NULL AND completed_at >= :start AND completed_at < :end"
        ),
        params,
    ).scalar_one()
    return float(value) if value is not None else None


def _add_labour(session: Session, params: dict[str, str], work: dict[str | None, _Work]) -> None:
    for who, amount in labour_billed(session, params).items():
        work.setdefault(who, _Work()).labour = amount


def labour_billed(session: Session, params: dict[str, str]) -> dict[str | None, int]:
    """Labour (without tax) on checkouts issued between ``:start`` and ``:end``, less
    labour refunded on credit notes then, per technician holding the ticket (32 hex
    digits; None: unassigned)."""
    # A credit note's lines are "sale_line"s: their source line says whether it was labour.
    billed: dict[str | None, int] = {}
    for who, amount in session.execute(
        text(
            f"SELECT t.assigned_to_id, sum({sign('d.kind')} * l.net) FROM sales_documents d "
            "JOIN tickets t ON t.id = d.ticket_id "
            "JOIN sales_lines l ON l.document_id = d.id "
            "LEFT JOIN sales_lines src ON d.kind = 'credit_note' AND src.id = l.source_id "
            f"WHERE {counted('d')} AND d.issued_at >= :start AND d.issued_at < :end "
            "AND d.ticket_id IS NOT NULL AND (CASE d.kind WHEN 'credit_note' "
            "THEN src.source_kind ELSE l.source_kind END) IN (:labour, :estimate) "
            "GROUP BY t.assigned_to_id"
        ),
        {**params, "labour": LABOUR_SOURCES[0], "estimate": LABOUR_SOURCES[1]},
    ):
        billed[who] = int(amount or 0)
    return billed


def _add_parts(session: Session, params: dict[str, str], work: dict[str | None, _Work]) -> None:
    # Outbound movements carry no cost: a part is valued at its item's average cost now
    # where it was taken from, or the item's cost price when there is none.
    for who, units, cost in session.execute(
        text(
            "SELECT t.assigned_to_id, sum(p.quantity), "
            "sum(p.quantity * coalesce(nullif(sl.average_cost, 0), i.cost_price, 0)) "
            "FROM stock_movements m JOIN ticket_parts p ON p.id = m.reference_id "
            "JOIN tickets t ON t.id = p.ticket_id JOIN items i ON i.id = p.item_id "
            "LEFT JOIN stock_levels sl ON sl.item_id = p.item_id "
            "AND sl.location_id = p.location_id "
            "WHERE m.at >= :start AND m.at < :end AND m.kind = 'ticket_part' "
            "AND m.reference_kind = 'ticket_part' AND p.status = 'used' "
            "GROUP BY t.assigned_to_id"
        ),
        params,
    ):
        entry = work.setdefault(who, _Work())
        entry.parts, entry.parts_cost = int(units or 0), int(cost or 0)


def _add_comebacks(session: Session, params: dict[str, str], work: dict[str | None, _Work]) -> None:
    for who, count in session.execute(
        text(
            "SELECT o.assigned_to_id, count(*) FROM tickets c "
            "JOIN tickets o ON o.id = c.warranty_of_id "
            "WHERE c.warranty_of_id IS NOT NULL AND c.created_at >= :start "
            "AND c.created_at < :end GROUP BY o.assigned_to_id"
        ),
        params,
    ):
        work.setdefault(who, _Work()).comebacks = int(count)


def _finished_values() -> list[str]:
    return [c.value for c in FINISHED]


def _days_since(moment: datetime, today: date) -> int:
    """Whole local days from ``moment`` to ``today`` (the same day is 0)."""
    return max((today - moment.astimezone().date()).days, 0)


def _uuid(hex_value: str | None) -> uuid.UUID | None:
    return uuid.UUID(hex=hex_value) if hex_value else None


def _at(value: object) -> datetime:
    moment = read_time(value)
    assert moment is not None  # the columns read are NOT NULL
    return moment
