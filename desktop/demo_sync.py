"""Demo data for sync's review screens: a conflict as the server would have logged it
when two counters changed one customer's company at the same time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from desktop.models import Customer, SyncConflict, User
from desktop.services.container import Services


def _hlc(moment: datetime, station: str) -> str:
    return f"{int(moment.timestamp() * 1000):016d}-00000-{station}"


def add_demo_conflict(services: Services) -> bool:
    """Log one open conflict on the first customer. False when the shop has none."""
    now = datetime.now(UTC).replace(microsecond=0)
    with services.ctx.uow() as tx:
        customer = tx.session.scalars(select(Customer).limit(1)).first()
        users = list(tx.session.scalars(select(User).order_by(User.username).limit(2)))
        if customer is None or not users:
            return False
        tx.session.add(
            SyncConflict(
                kind="edit",
                table_name="customers",
                row_id=customer.id,
                field="company",
                kept_value=json.dumps("Acme Repairs Ltd"),
                kept_hlc=_hlc(now - timedelta(minutes=3), "B"),
                kept_station="B",
                kept_user_id=users[-1].id,
                other_value=json.dumps("Acme Repairs"),
                other_hlc=_hlc(now - timedelta(minutes=4), "A"),
                other_station="A",
                other_user_id=users[0].id,
                detected_at=now - timedelta(minutes=2),
            )
        )
        tx.commit()
    return True
