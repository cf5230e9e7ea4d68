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


def _sales(name: str) -> Callable[[Services, ReportRequest], ReportTable]:
    def run(services: Services, request: ReportRequest) -> ReportTable:
        method: Callable[[Period], ReportTable] = getattr(services.sales_reports, name)
        return method(request.period)

    return run


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec("sales_by_day", "Sales", "Sales by day", Asks.PERIOD, _sales("by_day")),
    ReportSpec("sales_by_item", "Sales", "Sales by item", Asks.PERIOD, _sales("by_item")),
    ReportSpec(
        "sales_by_category", "Sales", "Sales by category", Asks.PERIOD, _sales("by_category")
    ),
    ReportSpec(
        "sales_by_method", "Sales", "Sales by payment method", Asks.PERIOD, _sales("by_method")
    ),
    ReportSpec("sales_by_staff", "Sales", "Sales by staff member", Asks.PERIOD, _sales("by_staff")),
    ReportSpec("discounts", "Sales", "Discounts given", Asks.PERIOD, _sales("discounts")),
    ReportSpec(
        "refunds_and_voids", "Sales", "Refunds and voids", Asks.PERIOD, _sales("refunds_and_voids")
    ),
    ReportSpec("tax_summary", "Sales", "Tax summary", Asks.PERIOD, _sales("tax_summary")),
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
