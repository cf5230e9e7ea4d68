"""How the screens show times: the station's local time, to the minute."""

from __future__ import annotations

from datetime import datetime


def local_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else ""


def local_date(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d") if value is not None else ""
