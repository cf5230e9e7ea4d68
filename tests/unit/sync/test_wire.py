"""Column values as JSON carries them, read back per column type."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from desktop.sync.schema import table_info
from desktop.sync.wire import WireError, to_python, wire_value

CUSTOMERS = table_info("customers")
MOVEMENTS = table_info("stock_movements")
LOGO = table_info("shop_profile")


def test_each_column_type_reads_back_what_was_sent() -> None:
    row_id = uuid.uuid4()
    moment = datetime(2025, 3, 1, 9, 30, 15, 120000, tzinfo=UTC)
    fields = {
        "id": row_id,
        "first_name": "Zoë",
        "marketing_consent": True,
        "birth_date": date(1990, 5, 17),
        "created_at": moment,
    }
    assert to_python(CUSTOMERS, {k: wire_value(v) for k, v in fields.items()}) == fields
    assert to_python(MOVEMENTS, {"quantity": -3, "unit_cost": None}) == {
        "quantity": -3,
        "unit_cost": None,
    }
    assert to_python(LOGO, {"logo": wire_value(b"\x89PNG")}) == {"logo": b"\x89PNG"}


def test_a_time_in_another_zone_is_read_as_utc() -> None:
    here = datetime(2025, 3, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    read = to_python(CUSTOMERS, {"updated_at": here.isoformat()})["updated_at"]
    assert read == here and read.tzinfo == UTC


@pytest.mark.parametrize(
    ("info", "fields", "message"),
    [
        (CUSTOMERS, {"shoe_size": 42}, "customers has no field 'shoe_size'"),
        (CUSTOMERS, {"first_name": None}, "customers.first_name cannot be empty"),
        (CUSTOMERS, {"first_name": "x" * 101}, "customers.first_name"),
        (CUSTOMERS, {"first_name": 7}, "customers.first_name"),
        (CUSTOMERS, {"marketing_consent": 1}, "customers.marketing_consent"),
        (CUSTOMERS, {"birth_date": "17/05/1990"}, "customers.birth_date"),
        (CUSTOMERS, {"created_at": "2025-03-01T09:30:00"}, "customers.created_at"),
        (CUSTOMERS, {"id": "not-a-uuid"}, "customers.id"),
        (MOVEMENTS, {"quantity": True}, "stock_movements.quantity"),
        (MOVEMENTS, {"quantity": 1.5}, "stock_movements.quantity"),
        (LOGO, {"logo": "not base64!"}, "shop_profile.logo"),
    ],
)
def test_a_value_that_does_not_fit_its_column_is_refused(
    info: Any, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(WireError, match=message):
        to_python(info, fields)
