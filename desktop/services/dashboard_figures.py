"""The figures of the home screen: how the shop did over a period, against the period
before, and where things stand now.

Money received is read from ``payment_buckets`` and sales from ``sales_buckets`` and
``document_buckets`` (migration 0015), so a year costs the same few thousand rows as a
day costs a handful. What each figure means:

- Revenue: money received on sales, invoices and credit notes, tax included, when it was
  received. An on-account sale counts as it is paid; a deposit counts once, when it is
  applied at checkout; money paid back on a refund comes off. Deposits not yet applied
  and overpayments kept as store credit are the customer's money, not revenue; store
  credit spent later counts then.
- Net sales and gross profit: the lines of documents issued in the period, without tax,
  credit notes taken away. Cost is each line's unit cost when it was sold; a refund put
  back on the shelf gives its cost back, a written-off return does not.
- Pending payments: what issued invoices still owe, and what tickets ready for pickup
  will charge less their deposits (an estimate to the cent: a checkout may round the tax
  of the whole document).
- Turnaround: days from a ticket's creation to its completion (for a ticket closed at
  pickup, that includes the days it waited to be collected).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop.models import CashShift
from desktop.models.base import utc_now
from desktop.models.reports import NO_ONE
from desktop.services.context import ServiceContext
from desktop.services.permissions import Permission
from desktop.services.report_periods import Period
from desktop.services.report_sql import (
    db_time,
    period_params,
    staff_names,
    statuses_in,
    steps_cte,
    ticket_amount_due,
)
from desktop.services.report_types import ChartPoint
from desktop.services.shift_figures import expected_cash
from desktop.services.ticket_reports import labour_billed
from desktop.services.ticket_types import FINISHED, StatusCategory

# Categories a technician's queue shows, in bench order.
QUEUE = (
    StatusCategory.OPEN,
    StatusCategory.IN_PROGRESS,
    StatusCategory.WAITING_PARTS,
    StatusCategory.WAITING_CUSTOMER,
    StatusCategory.READY,
)


@dataclass(frozen=True)
class PeriodFigures:
    revenue: int
    net_sales: int
    cost_of_sales: int
    sales: int  # completed sales and issued invoices
    refunds: int  # credit notes issued, their totals
    tickets_opened: int
    tickets_completed: int
    turnaround_days: float | None

    @property
    def gross_profit(self) -> int:
        return self.net_sales - self.cost_of_sales


@dataclass(frozen=True)
class TechnicianLoad:
    technician_id: uuid.UUID | None
    name: str
    by_category: dict[str, int]

    @property
    def open_work(self) -> int:
        return sum(self.by_category.values())


@dataclass(frozen=True)
class PeriodTrend:
    """A period's figures against the period before, and its charts."""

    period: Period
    current: PeriodFigures
    previous: PeriodFigures
    revenue_per_step: tuple[ChartPoint, ...]
    opened_per_step: tuple[ChartPoint, ...]
    completed_per_step: tuple[ChartPoint, ...]
    revenue_by_method: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class ShopNow:
    """Where the shop stands, whatever the period: read again when data changes, not
    when the manager picks another period."""

    pending_invoices: int
    pending_tickets: int
    statuses: dict[str, int]  # tickets per status category
    overdue: int
    low_stock: int
    cash_in_drawer: int
    open_shifts: int
    workload: tuple[TechnicianLoad, ...]

    @property
    def pending_payments(self) -> int:
        return self.pending_invoices + self.pending_tickets

    @property
    def tickets(self) -> int:
        return sum(self.statuses.values())

    @property
    def waiting(self) -> int:
        return self.statuses.get("waiting_parts", 0) + self.statuses.get("waiting_customer", 0)


@dataclass(frozen=True)
class DashboardFigures:
    trend: PeriodTrend
    now: ShopNow


@dataclass(frozen=True)
class TechnicianFigures:
    """A technician's own bench: their queue now and their work over the period."""

    period: Period
    queue: dict[str, int]
    overdue: int
    completed: int
    completed_before: int
    turnaround_days: float | None
    labour_billed: int


class DashboardService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def figures(self, period: Period) -> DashboardFigures:
        """The manager's dashboard for ``period``: its trend and where the shop stands.
        Raises ``PermissionDenied`` below manager."""
        return DashboardFigures(self.trend(period), self.now())

    def trend(self, period: Period) -> PeriodTrend:
        """The figures and charts of ``period`` against the period before. Raises
        ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            session = tx.session
            return PeriodTrend(
                period=period,
                current=period_figures(session, period),
                previous=period_figures(session, period.previous()),
                revenue_per_step=revenue_per_step(session, period),
                opened_per_step=tickets_per_step(session, period, "created_at"),
                completed_per_step=tickets_per_step(session, period, "completed_at"),
                revenue_by_method=revenue_by_method(session, period),
            )

    def now(self) -> ShopNow:
        """Pending payments, tickets per status, overdue, low stock, the drawers and the
        technicians' workload now. Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        with self.ctx.uow() as tx:
            session = tx.session
            invoices, tickets = pending_payments(session)
            drawer, shifts = cash_in_drawer(session)
            return ShopNow(
                pending_invoices=invoices,
                pending_tickets=tickets,
                statuses=status_counts(session),
                overdue=overdue_count(session),
                low_stock=low_stock_count(session),
                cash_in_drawer=drawer,
                open_shifts=shifts,
                workload=workload(session),
            )

    def technician_figures(self, period: Period) -> TechnicianFigures:
        """The signed-in technician's own figures; anyone who works on tickets may ask."""
        actor = self.ctx.require(Permission.EDIT_TICKETS)
        with self.ctx.uow() as tx:
            session = tx.session
            queue = {
                category: count
                for (category, technician), count in _workload_rows(session).items()
                if technician == actor.user_id and category in {c.value for c in QUEUE}
            }
            done = _completed(session, period, actor.user_id)
            before = _completed(session, period.previous(), actor.user_id)
            return TechnicianFigures(
                period=period,
                queue=queue,
                overdue=overdue_count(session, actor.user_id),
                completed=done[0],
                completed_before=before[0],
                turnaround_days=done[1],
                labour_billed=_labour_billed(session, period, actor.user_id),
            )


# -- over a period ------------------------------------------------------------------------


def period_figures(session: Session, period: Period) -> PeriodFigures:
    params = period_params(period)
    revenue = session.execute(
        text(
            "SELECT coalesce(sum(amount), 0) FROM payment_buckets "
            "WHERE bucket >= :start_bucket AND bucket < :end_bucket AND on_document"
        ),
        params,
    ).scalar_one()
    sales = session.execute(
        text(
            "SELECT coalesce(sum(CASE doc_kind WHEN 'credit_note' THEN -net ELSE net END), 0), "
            "coalesce(sum(CASE doc_kind WHEN 'credit_note' THEN -restocked_cost "
            "ELSE cost END), 0) "
            "FROM sales_buckets WHERE bucket >= :start_bucket AND bucket < :end_bucket"
        ),
        params,
    ).one()
    documents = session.execute(
        text(
            "SELECT coalesce(sum(CASE WHEN doc_kind != 'credit_note' THEN documents END), 0), "
            "coalesce(sum(CASE WHEN doc_kind = 'credit_note' THEN total END), 0) "
            "FROM document_buckets WHERE bucket >= :start_bucket AND bucket < :end_bucket"
        ),
        params,
    ).one()
    opened = session.execute(
        text("SELECT count(*) FROM tickets WHERE created_at >= :start AND created_at < :end"),
        params,
    ).scalar_one()
    completed, turnaround = _completed(session, period)
    return PeriodFigures(
        revenue=int(revenue),
        net_sales=int(sales[0]),
        cost_of_sales=int(sales[1]),
        sales=int(documents[0]),
        refunds=int(documents[1]),
        tickets_opened=int(opened),
        tickets_completed=completed,
        turnaround_days=turnaround,
    )


def _completed(
    session: Session, period: Period, technician_id: uuid.UUID | None = None
) -> tuple[int, float | None]:
    """Tickets completed in the period (of one technician), and their average days from
    creation to completion."""
    params: dict[str, Any] = period_params(period)
    mine = ""
    if technician_id is not None:
        mine = " AND assigned_to_id = :technician"
        params["technician"] = technician_id.hex
    row = session.execute(
        text(
            "SELECT count(*), avg(julianday(completed_at) - julianday(created_at)) "
            "FROM tickets WHERE completed_at IS NOT NULL "
            f"AND completed_at >= :start AND completed_at < :end{mine}"
        ),
        params,
    ).one()
    return int(row[0]), (float(row[1]) if row[1] is not None else None)


def _labour_billed(session: Session, period: Period, technician_id: uuid.UUID) -> int:
    """The technician's labour billed in the period, refunds taken away (as the
    technicians report counts it)."""
    return labour_billed(session, period_params(period)).get(technician_id.hex, 0)


def revenue_per_step(session: Session, period: Period) -> tuple[ChartPoint, ...]:
    steps = period.buckets()
    cte, params = steps_cte(steps, buckets=True)
    rows = session.execute(
        text(
            f"WITH {cte} SELECT steps.i, coalesce(sum(b.amount), 0) FROM steps "
            "LEFT JOIN payment_buckets b ON b.bucket >= steps.s AND b.bucket < steps.e "
            "AND b.on_document GROUP BY steps.i ORDER BY steps.i"
        ),
        params,
    ).all()
    return tuple(
        ChartPoint(
            _step_label(step.first, step.monthly),
            int(amount),
            {"report": "sales_by_day", "first": step.first, "monthly": step.monthly},
        )
        for step, (_i, amount) in zip(steps, rows, strict=True)
    )


def tickets_per_step(session: Session, period: Period, column: str) -> tuple[ChartPoint, ...]:
    """Tickets created (``created_at``) or completed (``completed_at``) per step."""
    steps = period.buckets()
    cte, params = steps_cte(steps, buckets=False)
    # A count per step from the index alone (a join counting t.id read every row).
    rows = session.execute(
        text(
            f"WITH {cte} SELECT steps.i, (SELECT count(*) FROM tickets t "
            f"WHERE t.{column} >= steps.s AND t.{column} < steps.e) FROM steps ORDER BY steps.i"
        ),
        params,
    ).all()
    return tuple(
        ChartPoint(
            _step_label(step.first, step.monthly),
            int(count),
            {
                "report": "tickets",
                "field": column,
                "start": step.start,
                "end": step.end,
            },
        )
        for step, (_i, count) in zip(steps, rows, strict=True)
    )


def method_rows(session: Session, period: Period) -> list[Any]:
    """(kind, name, payments, amount, tips) per payment method over the period, most money
    first. Deposits applied make one row whatever their ticket (their names say which);
    credit set against a balance only moves money between two documents and is left out."""
    return list(
        session.execute(
            text(
                "SELECT method_kind, CASE method_kind WHEN 'deposit' THEN '' "
                "ELSE method_name END AS name, sum(payments), sum(amount), sum(tip) "
                "FROM payment_buckets WHERE bucket >= :start_bucket AND bucket < :end_bucket "
                "AND on_document AND method_kind != 'credit' GROUP BY method_kind, name "
                "HAVING sum(amount) != 0 OR sum(tip) != 0 ORDER BY sum(amount) DESC, name"
            ),
            period_params(period),
        ).all()
    )


def revenue_by_method(session: Session, period: Period) -> tuple[ChartPoint, ...]:
    """Money received per payment method (see ``method_rows``); adds up to revenue."""
    return tuple(
        ChartPoint(
            method_label(kind, name),
            int(amount),
            {"report": "sales_by_method", "method_kind": kind, "method_name": name},
        )
        for kind, name, _payments, amount, _tips in method_rows(session, period)
        if amount
    )


def method_label(kind: str, name: str) -> str:
    if kind == "deposit":
        return "Deposits applied"
    return name or kind.replace("_", " ").capitalize()


def _step_label(first: date, monthly: bool) -> str:
    return first.strftime("%b %Y") if monthly else first.isoformat()


# -- now ----------------------------------------------------------------------------------


def status_counts(session: Session) -> dict[str, int]:
    """Tickets per status category, from the counts the triggers keep."""
    rows = session.execute(
        text(
            "SELECT s.category, sum(c.tickets) FROM ticket_status_counts c "
            "JOIN ticket_statuses s ON s.id = c.status_id GROUP BY s.category"
        )
    ).all()
    found = {category: int(count) for category, count in rows if count}
    return {c.value: found.get(c.value, 0) for c in StatusCategory}


def overdue_count(session: Session, technician_id: uuid.UUID | None = None) -> int:
    """Unfinished tickets past their promised time (of one technician)."""
    unfinished, params = statuses_in(session, (c.value for c in FINISHED), negate=True)
    params["now"] = db_time(utc_now())
    mine = ""
    if technician_id is not None:
        mine = " AND assigned_to_id = :technician"
        params["technician"] = technician_id.hex
    return int(
        session.execute(
            text(
                f"SELECT count(*) FROM tickets WHERE status_id IN {unfinished} "
                f"AND promised_at < :now{mine}"
            ),
            params,
        ).scalar_one()
    )


def low_stock_count(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM item_stock WHERE low = 1")).scalar_one())


def cash_in_drawer(session: Session) -> tuple[int, int]:
    """What the open shifts' drawers should hold together, and how many are open."""
    shifts = session.scalars(select(CashShift).where(CashShift.closed_at.is_(None))).all()
    return sum(expected_cash(session, shift) for shift in shifts), len(shifts)


def pending_payments(session: Session) -> tuple[int, int]:
    """What issued invoices still owe, and what tickets ready for pickup and not yet
    checked out will charge less their unapplied deposits."""
    invoices = session.execute(
        text(
            "SELECT coalesce(sum(owed), 0) FROM (SELECT d.total + d.rounding - coalesce("
            "(SELECT sum(p.amount) FROM payments p WHERE p.document_id = d.id), 0) AS owed "
            "FROM sales_documents d WHERE d.kind = 'invoice' AND d.status = 'issued') "
            "WHERE owed > 0"
        )
    ).scalar_one()
    ready, params = statuses_in(session, ("ready",))
    tickets = session.execute(
        text(
            f"SELECT coalesce(sum({ticket_amount_due(session)}), 0) FROM tickets t "
            f"WHERE t.status_id IN {ready}"
        ),
        params,
    ).scalar_one()
    return int(invoices), int(tickets)


def _workload_rows(session: Session) -> dict[tuple[str, uuid.UUID | None], int]:
    rows = session.execute(
        text(
            "SELECT s.category, w.technician_id, sum(w.tickets) FROM ticket_workload_counts w "
            "JOIN ticket_statuses s ON s.id = w.status_id "
            "GROUP BY s.category, w.technician_id HAVING sum(w.tickets) > 0"
        )
    ).all()
    found: dict[tuple[str, uuid.UUID | None], int] = {}
    for category, technician, count in rows:
        who = uuid.UUID(hex=technician)
        found[(category, None if who == NO_ONE else who)] = int(count)
    return found


def workload(session: Session) -> tuple[TechnicianLoad, ...]:
    """Each technician's unfinished and ready tickets per category, busiest first; the
    unassigned ones as one more row."""
    queue = {c.value for c in QUEUE}
    loads: dict[uuid.UUID | None, dict[str, int]] = {}
    for (category, technician), count in _workload_rows(session).items():
        if category in queue:
            loads.setdefault(technician, {})[category] = count
    names = staff_names(session, (who for who in loads if who is not None))
    rows = [
        TechnicianLoad(who, names.get(who, "Unassigned") if who else "Unassigned", counts)
        for who, counts in loads.items()
    ]
    return tuple(sorted(rows, key=lambda r: (r.technician_id is None, -r.open_work, r.name)))
