"""Cash shifts: a station's drawer from its opening float to its closing count."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import CashShift


def current_shift_id(session: Session, station_code: str) -> uuid.UUID | None:
    """The open shift of ``station_code``, if its drawer is open for the day."""
    return session.scalar(
        select(CashShift.id).where(
            CashShift.station_code == station_code, CashShift.closed_at.is_(None)
        )
    )
