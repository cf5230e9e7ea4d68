"""Cash reports: the Z reports of the shifts closed in a period, and how far each
drawer's count was from what it should have held.

Expected cash is what closing worked out (``shift_figures.expected_cash``: the float,
plus cash taken, plus pay-ins, less pay-outs) and kept on the shift with the count;
over/short is counted less expected, positive when the drawer held more. The sales total
is the one the Z report printed (completed sales and issued invoices of the station while
the drawer was open), read from the snapshot the shift keeps; a shift closed at another
station whose snapshot has not synced yet has none.

``cash_shifts`` holds one row per station and day, so the few thousand rows of ten years
are read without an index on ``closed_at``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from desktop.services.context import ServiceContext
from desktop.services.permissions import Permission
from desktop.services.report_periods import Period
from desktop.services.report_sql import period_params, read_time
from desktop.services.report_types import (
    MAX_ROWS,
    Cell,
    ChartPoint,
    Column,
    ColumnKind,
    ReportTable,
)

MONEY, TIME = ColumnKind.MONEY, ColumnKind.TIME

_DEFINITIONS = (
    "Expected: the float, plus cash taken in the shift, plus pay-ins, less pay-outs, as "
    "worked out at closing. Over/short: counted less expected; negative is short."
)
_CAPPED = f"Only the {MAX_ROWS:,} latest shifts are listed; the totals cover every shift."


class CashReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def z_history(self, period: Period) -> ReportTable:
        """The shifts closed in ``period``, the newest first: Z number, station, hours,
        who closed, the float, expected and counted cash, over/short and the Z report's
        sales. Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        columns = (
            Column("z_number", "Z number"),
            Column("station", "Station"),
            Column("opened_at", "Opened", TIME),
            Column("closed_at", "Closed", TIME),
            Column("closed_by", "Closed by"),
            Column("opening_float", "Float", MONEY),
            Column("expected", "Expected", MONEY),
            Column("counted", "Counted", MONEY),
            Column("over_short", "Over/short", MONEY),
            Column("sales", "Sales", MONEY),
        )
        with self.ctx.uow() as tx:
            found = tx.session.execute(
                text(
                    "SELECT s.id, s.z_number, coalesce(nullif(st.name, ''), s.station_code), "
                    "s.opened_at, s.closed_at, coalesce(nullif(u.display_name, ''), u.username, "
                    "''), s.opening_float, s.expected_cash, s.counted_cash, "
                    "s.counted_cash - s.expected_cash, "
                    "CASE WHEN json_valid(s.z_report) "
                    "THEN json_extract(s.z_report, '$.report.sales_total') END AS sales, "
                    "count(*) OVER (), sum(s.counted_cash - s.expected_cash) OVER (), "
                    "sum(CASE WHEN json_valid(s.z_report) "
                    "THEN json_extract(s.z_report, '$.report.sales_total') END) OVER () "
                    "FROM cash_shifts s LEFT JOIN stations st ON st.code = s.station_code "
                    "LEFT JOIN users u ON u.id = s.closed_by "
                    "WHERE s.closed_at IS NOT NULL AND s.closed_at >= :start "
                    "AND s.closed_at < :end ORDER BY s.closed_at DESC, s.id LIMIT :limit"
                ),
                {**period_params(period), "limit": MAX_ROWS},
            ).all()
        rows = tuple(
            (
                r[1] or "",
                str(r[2]),
                read_time(r[3]),
                read_time(r[4]),
                str(r[5]),
                int(r[6]),
                _money(r[7]),
                _money(r[8]),
                _money(r[9]),
                _money(r[10]),
            )
            for r in found
        )
        notes = [
            _DEFINITIONS,
            "Sales: the completed sales and issued invoices the Z report printed (empty "
            "when the shift's Z report has not reached this station yet).",
        ]
        totals: tuple[Cell, ...] | None = None
        if found:
            first = found[0]
            # Floats, expected and counted cash are each drawer's own: they do not add up.
            totals = ("Total", None, None, None, None, None, None, None,
                      _money(first[12]), _money(first[13]))  # fmt: skip
            if int(first[11]) > len(found):
                notes.append(_CAPPED)
        return ReportTable(
            key="z_reports",
            title="Z reports",
            columns=columns,
            rows=rows,
            totals=totals,
            period=period,
            notes=tuple(notes),
        )

    def over_short(self, period: Period) -> ReportTable:
        """Per shift closed in ``period``, in the order they closed: who opened the
        drawer, what it should have held, what was counted and the difference, with a
        chart of the differences. Raises ``PermissionDenied`` below manager."""
        self.ctx.require(Permission.VIEW_REPORTS)
        columns = (
            Column("z_number", "Z number"),
            Column("station", "Station"),
            Column("closed_at", "Closed", TIME),
            Column("opened_by", "Opened by"),
            Column("expected", "Expected", MONEY),
            Column("counted", "Counted", MONEY),
            Column("over_short", "Over/short", MONEY),
        )
        with self.ctx.uow() as tx:
            found = tx.session.execute(
                text(
                    "SELECT s.id, s.z_number, coalesce(nullif(st.name, ''), s.station_code), "
                    "s.closed_at, coalesce(nullif(u.display_name, ''), u.username, ''), "
                    "s.expected_cash, s.counted_cash, s.counted_cash - s.expected_cash, "
                    "count(*) OVER (), sum(s.expected_cash) OVER (), sum(s.counted_cash) OVER (), "
                    "sum(s.counted_cash - s.expected_cash) OVER () "
                    "FROM cash_shifts s LEFT JOIN stations st ON st.code = s.station_code "
                    "LEFT JOIN users u ON u.id = s.opened_by "
                    "WHERE s.closed_at IS NOT NULL AND s.closed_at >= :start "
                    "AND s.closed_at < :end ORDER BY s.closed_at DESC, s.id LIMIT :limit"
                ),
                {**period_params(period), "limit": MAX_ROWS},
            ).all()
        # Read newest first so a cap keeps the latest shifts; shown oldest first.
        found = list(reversed(found))
        rows = tuple(
            (
                r[1] or "",
                str(r[2]),
                read_time(r[3]),
                str(r[4]),
                _money(r[5]),
                _money(r[6]),
                _money(r[7]),
            )
            for r in found
        )
        chart = tuple(
            ChartPoint(
                str(row[0]) or str(row[2]),
                _money(r[7]) or 0,
                {"report": "z_reports", "shift_id": uuid.UUID(hex=str(r[0]))},
            )
            for row, r in zip(rows, found, strict=True)
        )
        notes = [_DEFINITIONS]
        totals: tuple[Cell, ...] | None = None
        if found:
            last = found[-1]
            totals = ("Total", None, None, None, _money(last[9]), _money(last[10]),
                      _money(last[11]))  # fmt: skip
            if int(last[8]) > len(found):
                notes.append(_CAPPED)
        return ReportTable(
            key="over_short",
            title="Cash over and short",
            columns=columns,
            rows=rows,
            totals=totals,
            period=period,
            notes=tuple(notes),
            chart=chart,
            chart_title="Over/short per shift",
        )


def _money(value: Any) -> int | None:
    return None if value is None else int(value)
