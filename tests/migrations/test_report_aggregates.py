"""The report tables of migration 0015 stay equal to a recompute from the base rows,
whatever order the rows are written, changed and removed in (as sync may write them)."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from desktop.services.database import create_database_engine, upgrade
from desktop.services.report_aggregates import aggregate_drift

TIMES = (
    "2026-03-08 06:59:59.999999",
    "2026-03-08 07:00:00.000000",
    "2026-03-08 07:14:10.500000",
    "2026-03-08 07:15:00.000000",
    "2026-11-01 23:59:00.000000",
)
USERS = (None, "a" * 32, "b" * 32)
KINDS = ("sale", "invoice", "credit_note")
# Counted statuses come up often, so documents move in and out of the counts.
STATUSES = ("completed", "issued", "completed", "issued", "held", "draft", "void")
DOCUMENTS = tuple(f"{n:032x}" for n in range(1, 4))
LINES = tuple(f"{n:032x}" for n in range(100, 106))
PAYMENTS = tuple(f"{n:032x}" for n in range(200, 204))
TICKETS = tuple(f"{n:032x}" for n in range(300, 304))
STATUS_IDS = tuple(f"{n:032x}" for n in range(400, 403))

document_values = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "status": st.sampled_from(STATUSES),
        "issued_at": st.sampled_from((None, *TIMES)),
        "user_id": st.sampled_from(USERS),
        "total": st.integers(-10_000, 10_000),
        "rounding": st.integers(-2, 2),
    }
)
line_values = st.fixed_dictionaries(
    {
        "document_id": st.sampled_from(DOCUMENTS),
        "quantity": st.integers(1, 5),
        "unit_cost": st.sampled_from((None, 0, 125, 999)),
        "line_discount": st.integers(0, 300),
        "document_discount": st.integers(0, 300),
        "tax_rate_bp": st.sampled_from((0, 1500, 2000)),
        "net": st.integers(0, 10_000),
        "tax": st.integers(0, 2_000),
        "gross": st.integers(0, 12_000),
        "restock": st.booleans(),
    }
)
payment_values = st.fixed_dictionaries(
    {
        "document_id": st.sampled_from((None, *DOCUMENTS)),
        "method_kind": st.sampled_from(("cash", "card", "deposit")),
        "method_name": st.sampled_from(("Cash", "Card", "Visa")),
        "amount": st.integers(-5_000, 5_000).filter(bool),
        "tip": st.integers(0, 300),
        "at": st.sampled_from(TIMES),
    }
)
COMPLETED_SALE = {
    "kind": "sale",
    "status": "completed",
    "issued_at": TIMES[1],
    "user_id": None,
    "total": 1150,
    "rounding": 0,
}
A_LINE = {
    "quantity": 2,
    "unit_cost": 125,
    "line_discount": 0,
    "document_discount": 0,
    "tax_rate_bp": 1500,
    "net": 1000,
    "tax": 150,
    "gross": 1150,
    "restock": True,
}
ticket_values = st.fixed_dictionaries(
    {"status_id": st.sampled_from(STATUS_IDS), "assigned_to_id": st.sampled_from(USERS)}
)

operations = st.one_of(
    st.tuples(
        st.just("put"), st.just("sales_documents"), st.sampled_from(DOCUMENTS), document_values
    ),
    st.tuples(st.just("put"), st.just("sales_lines"), st.sampled_from(LINES), line_values),
    st.tuples(st.just("put"), st.just("payments"), st.sampled_from(PAYMENTS), payment_values),
    st.tuples(st.just("put"), st.just("tickets"), st.sampled_from(TICKETS), ticket_values),
    *(
        st.tuples(st.just("delete"), st.just(table), st.sampled_from(ids), st.just({}))
        for table, ids in (
            ("sales_documents", DOCUMENTS),
            ("sales_lines", LINES),
            ("payments", PAYMENTS),
            ("tickets", TICKETS),
        )
    ),
)

_FILLERS = {
    "sales_documents": {
        "station_code": "A",
        "currency": "USD",
        "prices_include_tax": 1,
        "rounding_mode": "line",
        "discount_kind": "",
        "discount_value": 0,
        "subtotal": 0,
        "discount_total": 0,
        "tax_total": 0,
        "notes": "",
        "hold_label": "",
        "void_reason": "",
        "created_at": TIMES[0],
        "updated_at": TIMES[0],
    },
    "sales_lines": {
        "position": 0,
        "description": "Part",
        "sku": "",
        "unit_price": 100,
        "discount_kind": "",
        "discount_value": 0,
        "tax_class": "standard",
        "serial": "",
        "source_kind": "",
    },
    "payments": {"method_code": "x", "change": 0, "reference": "", "station_code": "A"},
    "tickets": {
        "customer_id": "c" * 32,
        "priority": "normal",
        "problem": "",
        "condition": "{}",
        "accessories": "",
        "estimate_labour": 0,
        "estimate_parts": 0,
        "signature_consent": 0,
        "diagnosis": "",
        "work_done": "",
        "created_at": TIMES[0],
        "updated_at": TIMES[0],
    },
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("aggregates") / "template.db"
    engine = create_database_engine(path)
    upgrade(engine)
    engine.dispose()
    return path


def _put(raw: sqlite3.Connection, table: str, row_id: str, values: dict[str, object]) -> None:
    exists = raw.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if exists:
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        raw.execute(f"UPDATE {table} SET {assignments} WHERE id = :id", {**values, "id": row_id})
        return
    row = {**_FILLERS[table], **values, "id": row_id}
    if table == "tickets":
        row["number"] = f"T-{row_id[-4:]}"
    columns = ", ".join(row)
    raw.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in row)})", row)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(operations, min_size=5, max_size=60), foreign_keys=st.booleans())
@example(  # a completed sale deleted with its line: the cascade removes the line first
    steps=[
        ("put", "sales_documents", DOCUMENTS[0], {**COMPLETED_SALE}),
        ("put", "sales_lines", LINES[0], {**A_LINE, "document_id": DOCUMENTS[0]}),
        ("delete", "sales_documents", DOCUMENTS[0], {}),
    ],
    foreign_keys=True,
)
@example(  # sync order: the line before its document, which arrives completed
    steps=[
        ("put", "sales_lines", LINES[0], {**A_LINE, "document_id": DOCUMENTS[0]}),
        ("put", "sales_documents", DOCUMENTS[0], {**COMPLETED_SALE, "status": "held"}),
        ("put", "sales_documents", DOCUMENTS[0], {**COMPLETED_SALE}),
        ("put", "sales_lines", LINES[0], {**A_LINE, "document_id": DOCUMENTS[1]}),
    ],
    foreign_keys=False,
)
def test_report_tables_equal_a_recompute_after_any_writes(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, str, str, dict[str, object]]],
    foreign_keys: bool,
) -> None:
    # With foreign keys off (as sync applies) lines may come before their document;
    # with them on, deleting a document cascades to its lines.
    path = tmp_path_factory.mktemp("run") / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    for action, table, row_id, values in steps:
        try:
            if action == "put":
                _put(raw, table, row_id, values)
            else:
                raw.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        except sqlite3.IntegrityError as error:
            # A foreign key the random order broke: SQLite wrote nothing. Any other
            # refusal (a trigger writing a NULL key) is a failure.
            assert "FOREIGN KEY" in str(error)
    raw.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert aggregate_drift(connection) == []
    finally:
        engine.dispose()


REPORT_TRIGGERS = {
    ("payments", "payments_bucket_ai"),
    ("payments", "payments_bucket_au"),
    ("payments", "payments_bucket_ad"),
    ("sales_lines", "sales_lines_bucket_ai"),
    ("sales_lines", "sales_lines_bucket_au"),
    ("sales_lines", "sales_lines_bucket_ad"),
    ("sales_documents", "sales_documents_bucket_ai"),
    ("sales_documents", "sales_documents_bucket_au"),
    ("sales_documents", "sales_documents_bucket_bd"),
    ("tickets", "tickets_workload_ai"),
    ("tickets", "tickets_workload_au"),
    ("tickets", "tickets_workload_ad"),
}


def test_a_shop_with_sales_gets_its_report_tables_filled_and_kept(tmp_path: Path) -> None:
    from desktop.demo import create_demo_shop
    from desktop.services.container import Services
    from desktop.services.database import downgrade

    # The demo shop's sales, return, account sale and tickets, made at head; then the
    # database taken back to before the report tables existed and brought up again.
    path = tmp_path / "shop.db"
    services = Services.open(path)
    create_demo_shop(services, customers=12, devices=12, tickets=10)
    services.close()
    engine = create_database_engine(path)
    downgrade(engine, "0014_sync")
    upgrade(engine)
    try:
        with engine.connect() as connection:
            assert aggregate_drift(connection) == []
            kept = {
                table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                for table in ("sales_buckets", "document_buckets", "payment_buckets")
            }
            triggers = set(
                connection.exec_driver_sql(
                    "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
                ).all()
            )
    finally:
        engine.dispose()
    assert all(kept.values()), kept
    assert triggers >= REPORT_TRIGGERS


def test_when_each_item_last_left_stock_is_filled_and_kept(tmp_path: Path) -> None:
    from desktop.demo import create_demo_shop
    from desktop.services.container import Services
    from desktop.services.database import downgrade

    path = tmp_path / "shop.db"
    services = Services.open(path)
    create_demo_shop(services, customers=12, devices=12, tickets=10)
    services.close()
    engine = create_database_engine(path)
    downgrade(engine, "0015_report_aggregates")
    upgrade(engine)
    engine.dispose()
    latest_out = (
        "SELECT s.item_id, s.last_out_at, (SELECT max(m.at) FROM stock_movements m "
        "WHERE m.item_id = s.item_id AND m.quantity < 0) FROM item_stock s"
    )
    raw = sqlite3.connect(path)
    try:
        rows = raw.execute(latest_out).fetchall()
        assert rows and all(kept == worked_out for _item, kept, worked_out in rows)
        assert any(kept is not None for _item, kept, _w in rows)
        item, _kept, _w = rows[0]
        raw.execute(
            "INSERT INTO stock_movements (id, item_id, location_id, kind, quantity, "
            "unit_cost, reference_kind, reason, serial, at, user_id, station_code) "
            "SELECT ?, ?, id, 'adjustment', -1, NULL, '', '', '', "
            "'2099-01-01 00:00:00.000000', NULL, 'A' FROM stock_locations LIMIT 1",
            (uuid.uuid4().hex, item),
        )
        raw.execute(
            "INSERT INTO stock_movements (id, item_id, location_id, kind, quantity, "
            "unit_cost, reference_kind, reason, serial, at, user_id, station_code) "
            "SELECT ?, ?, id, 'adjustment', -1, NULL, '', '', '', "
            "'2098-01-01 00:00:00.000000', NULL, 'A' FROM stock_locations LIMIT 1",
            (uuid.uuid4().hex, item),
        )  # an older one arriving later (sync) leaves the latest
        kept = raw.execute("SELECT last_out_at FROM item_stock WHERE item_id = ?", (item,))
        assert kept.fetchone() == ("2099-01-01 00:00:00.000000",)
    finally:
        raw.close()
