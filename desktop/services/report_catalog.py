"""Every report the manager can open, in the order the reports screen lists them: its
group, its name, what it asks for (a period, a number of days) and how to run it.

The reports screen, the sample documents and the benchmarks all go through this list,
so a report added here is on screen, printable and measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from desktop.services.errors import ValidationError
from desktop.services.report_periods import Period
from desktop.services.report_types import ReportTable

if TYPE_CHECKING:
    from desktop.services.container import Services


class Asks(StrEnum):
    PERIOD = "period"  # figures over a period
    NOW = "now"  # where things stand today


@dataclass(frozen=True)
class ReportRequest:
    """What the filter bar holds: the period, today, and a number of days for the
    reports that take one (``None``: the report's own default)."""

    period: Period
    today: date
    days: int | None = None


@dataclass(frozen=True)
class ReportSpec:
    key: str
    group: str
    title: str
    asks: Asks
    run: Callable[[Services, ReportRequest], ReportTable]
    days_label: str = ""  # set when the report takes a number of days
    default_days: int = 0

    def days(self, request: ReportRequest) -> int:
        return self.default_days if request.days is None else request.days


def _over_period(service: str, name: str) -> Callable[[Services, ReportRequest], ReportTable]:
    """A report method that takes the period."""

    def run(services: Services, request: ReportRequest) -> ReportTable:
        method: Callable[[Period], ReportTable] = getattr(getattr(services, service), name)
        return method(request.period)

    return run


def _as_of_today(service: str, name: str) -> Callable[[Services, ReportRequest], ReportTable]:
    """A report method that takes today's date."""

    def run(services: Services, request: ReportRequest) -> ReportTable:
        method: Callable[[date], ReportTable] = getattr(getattr(services, service), name)
        return method(request.today)

    return run


def _now(service: str, name: str) -> Callable[[Services, ReportRequest], ReportTable]:
    """A report method of the moment, with no argument."""

    def run(services: Services, request: ReportRequest) -> ReportTable:
        method: Callable[[], ReportTable] = getattr(getattr(services, service), name)
        return method()

    return run


def _ready_not_collected(services: Services, request: ReportRequest) -> ReportTable:
    days = spec("ready_not_collected").days(request)
    return services.ticket_reports.ready_not_collected(request.today, days)


def _slow_movers(services: Services, request: ReportRequest) -> ReportTable:
    days = spec("slow_movers").days(request)
    return services.inventory_reports.slow_movers(request.today, days)


def _expiring(services: Services, request: ReportRequest) -> ReportTable:
    days = spec("expiring").days(request)
    return services.inventory_reports.expiring(request.today, days)


def _movements(services: Services, request: ReportRequest) -> ReportTable:
    return services.inventory_reports.movements(request.period)


SALES, TICKETS, CUSTOMERS, STOCK, CASH = "Sales", "Tickets", "Customers", "Inventory", "Cash"
PERIOD, NOW = Asks.PERIOD, Asks.NOW

REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "sales_by_day", SALES, "Sales by day", PERIOD, _over_period("sales_reports", "by_day")
    ),
    ReportSpec(
        "sales_by_item", SALES, "Sales by item", PERIOD, _over_period("sales_reports", "by_item")
    ),
    ReportSpec(
        "sales_by_category",
        SALES,
        "Sales by category",
        PERIOD,
        _over_period("sales_reports", "by_category"),
    ),
    ReportSpec(
        "sales_by_method",
        SALES,
        "Sales by payment method",
        PERIOD,
        _over_period("sales_reports", "by_method"),
    ),
    ReportSpec(
        "sales_by_staff",
        SALES,
        "Sales by staff member",
        PERIOD,
        _over_period("sales_reports", "by_staff"),
    ),
    ReportSpec(
        "discounts", SALES, "Discounts given", PERIOD, _over_period("sales_reports", "discounts")
    ),
    ReportSpec(
        "refunds_and_voids",
        SALES,
        "Refunds and voids",
        PERIOD,
        _over_period("sales_reports", "refunds_and_voids"),
    ),
    ReportSpec(
        "tax_summary", SALES, "Tax summary", PERIOD, _over_period("sales_reports", "tax_summary")
    ),
    ReportSpec(
        "technicians", TICKETS, "Technicians", PERIOD, _over_period("ticket_reports", "technicians")
    ),
    ReportSpec(
        "ticket_aging", TICKETS, "Ticket aging", NOW, _as_of_today("ticket_reports", "aging")
    ),
    ReportSpec(
        "overdue_tickets", TICKETS, "Overdue tickets", NOW, _now("ticket_reports", "overdue")
    ),
    ReportSpec(
        "waiting_for_parts",
        TICKETS,
        "Waiting for parts",
        NOW,
        _as_of_today("ticket_reports", "waiting_for_parts"),
    ),
    ReportSpec(
        "ready_not_collected",
        TICKETS,
        "Ready, not collected",
        NOW,
        _ready_not_collected,
        days_label="Ready for at least (days)",
        default_days=7,
    ),
    ReportSpec(
        "customer_balances",
        CUSTOMERS,
        "Customer balances",
        NOW,
        _as_of_today("customer_reports", "balances"),
    ),
    ReportSpec(
        "receivables_aging",
        CUSTOMERS,
        "Receivables aging",
        NOW,
        _as_of_today("customer_reports", "receivables_aging"),
    ),
    ReportSpec(
        "top_customers",
        CUSTOMERS,
        "Top customers",
        PERIOD,
        _over_period("customer_reports", "top_customers"),
    ),
    ReportSpec(
        "stock_valuation", STOCK, "Stock valuation", NOW, _now("inventory_reports", "valuation")
    ),
    ReportSpec("stock_movements", STOCK, "Stock movements", PERIOD, _movements),
    ReportSpec(
        "slow_movers",
        STOCK,
        "Slow movers",
        NOW,
        _slow_movers,
        days_label="Nothing sold or used for (days)",
        default_days=90,
    ),
    ReportSpec("low_stock", STOCK, "Low stock", NOW, _now("inventory_reports", "low_stock")),
    ReportSpec(
        "expiring",
        STOCK,
        "Expiring stock",
        NOW,
        _expiring,
        days_label="Expiring within (days)",
        default_days=30,
    ),
    ReportSpec(
        "negative_stock", STOCK, "Negative stock", NOW, _now("inventory_reports", "negative_stock")
    ),
    ReportSpec("z_reports", CASH, "Z reports", PERIOD, _over_period("cash_reports", "z_history")),
    ReportSpec(
        "over_short",
        CASH,
        "Cash over and short",
        PERIOD,
        _over_period("cash_reports", "over_short"),
    ),
)


def spec(key: str) -> ReportSpec:
    """Raises ``ValidationError`` for a report that does not exist."""
    for found in REPORTS:
        if found.key == key:
            return found
    raise ValidationError({"report": f"There is no report {key!r}."})


def run_report(services: Services, key: str, request: ReportRequest) -> ReportTable:
    """The report ``key`` for ``request``; raises ``PermissionDenied`` for a role that may
    not see it and ``ValidationError`` for bad input."""
    return spec(key).run(services, request)
