"""The report layer of the benchmark dataset on a tiny shop: its rows are there and agree
with each other the way the services keep them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from benchmarks.generate import SCALES, DatasetInfo, ensure_dataset
from benchmarks.scenarios import BenchContext
from desktop.models import CashShift
from desktop.services.shift_figures import shift_report
from desktop.services.shift_types import report_from_json

TINY = SCALES["tiny"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DatasetInfo]:
    return ensure_dataset(TINY, tmp_path_factory.mktemp("bench-reports"))


@pytest.fixture
def db(dataset: tuple[Path, DatasetInfo]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(dataset[0])
    try:
        yield connection
    finally:
        connection.close()


def value(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


def test_a_twentieth_of_the_tickets_are_checked_out_with_labour_and_parts(
    db: sqlite3.Connection,
) -> None:
    checkouts = value(db, "SELECT count(*) FROM sales_documents WHERE ticket_id IS NOT NULL")
    assert checkouts == round(TINY.tickets * 0.05)
    assert value(db, "SELECT count(*) FROM ticket_labour_lines") >= checkouts
    assert value(db, "SELECT count(*) FROM ticket_parts WHERE status = 'used'") > checkouts / 2
    lines = db.execute(
        "SELECT l.source_kind, count(*), sum(l.unit_cost IS NULL), sum(l.source_id IS NULL) "
        "FROM sales_lines l JOIN sales_documents d ON d.id = l.document_id "
        "WHERE d.ticket_id IS NOT NULL AND d.kind = 'sale' GROUP BY l.source_kind"
    ).fetchall()
    by_kind = {kind: (count, no_cost, no_source) for kind, count, no_cost, no_source in lines}
    assert set(by_kind) == {"ticket_labour", "ticket_part"}
    assert by_kind["ticket_labour"][1] == by_kind["ticket_labour"][0]  # labour has no cost
    assert by_kind["ticket_part"][1] == 0
    assert by_kind["ticket_labour"][2] == by_kind["ticket_part"][2] == 0
    not_closed = value(
        db,
        "SELECT count(*) FROM sales_documents d JOIN tickets t ON t.id = d.ticket_id "
        "JOIN ticket_statuses s ON s.id = t.status_id WHERE d.kind = 'sale' "
        "AND (s.category != 'closed' OR t.completed_at IS NULL OR d.issued_at <= t.created_at "
        "OR d.number NOT LIKE 'S-B-%')",
    )
    assert not_closed == 0


def test_deposits_move_onto_the_checkout_as_a_pair_that_sums_to_zero(
    db: sqlite3.Connection,
) -> None:
    taken = value(
        db,
        "SELECT count(*) FROM payments WHERE ticket_id IS NOT NULL AND document_id IS NULL "
        "AND method_kind != 'deposit' AND shift_id IS NOT NULL",
    )
    pairs = db.execute(
        "SELECT ticket_id, sum(amount), sum(document_id IS NULL), sum(amount > 0), "
        "sum(shift_id IS NOT NULL), max(amount > 0 AND document_id IS NOT NULL) "
        "FROM payments WHERE method_kind = 'deposit' GROUP BY ticket_id"
    ).fetchall()
    assert taken > 0 and pairs
    assert {pair[1:] for pair in pairs} == {(0, 1, 1, 0, 1)}
    left_on_checked_out = value(
        db,
        "SELECT count(*) FROM (SELECT p.ticket_id FROM payments p JOIN sales_documents d "
        "ON d.ticket_id = p.ticket_id WHERE p.document_id IS NULL GROUP BY p.ticket_id "
        "HAVING sum(p.amount) != 0)",
    )
    assert left_on_checked_out == 0


def test_every_used_part_left_stock_with_its_movement(db: sqlite3.Connection) -> None:
    missing = value(
        db,
        "SELECT count(*) FROM ticket_parts p WHERE p.status = 'used' AND NOT EXISTS "
        "(SELECT 1 FROM stock_movements m WHERE m.reference_id = p.id "
        "AND m.kind = 'ticket_part' AND m.quantity = -p.quantity AND m.item_id = p.item_id)",
    )
    assert missing == 0


def test_credit_notes_total_their_lines_and_pay_the_money_back(db: sqlite3.Connection) -> None:
    notes = db.execute(
        "SELECT d.total, d.tax_total, "
        "(SELECT sum(gross) FROM sales_lines WHERE document_id = d.id), "
        "(SELECT sum(tax) FROM sales_lines WHERE document_id = d.id), "
        "(SELECT sum(amount) FROM payments WHERE document_id = d.id), o.kind, o.status "
        "FROM sales_documents d JOIN sales_documents o ON o.id = d.original_id "
        "WHERE d.kind = 'credit_note' AND d.status = 'issued' AND d.number LIKE 'CN-A-%'"
    ).fetchall()
    assert len(notes) == round(TINY.sales * 0.01)
    for total, tax, lines, line_tax, paid, kind, status in notes:
        assert total > 0 and (total, tax) == (lines, line_tax) and paid == -total
        assert (kind, status) == ("sale", "completed")
    unreturned = value(
        db,
        "SELECT count(*) FROM sales_lines l JOIN sales_documents d ON d.id = l.document_id "
        "WHERE d.kind = 'credit_note' AND (l.source_kind != 'sale_line' OR NOT EXISTS "
        "(SELECT 1 FROM stock_movements m WHERE m.reference_id = d.id AND m.kind = 'return' "
        "AND m.item_id = l.item_id AND m.quantity = l.quantity))",
    )
    assert unreturned == 0


def test_each_station_closes_one_shift_a_day_with_the_cash_it_took(
    db: sqlite3.Connection,
) -> None:
    days = value(db, "SELECT count(DISTINCT substr(opened_at, 1, 10)) FROM cash_shifts")
    assert days > 5 * 365
    assert value(db, "SELECT count(*) FROM cash_shifts WHERE closed_at IS NOT NULL") == 2 * days
    wrong = value(
        db,
        "SELECT count(*) FROM cash_shifts s WHERE expected_cash != opening_float "
        "+ coalesce((SELECT sum(amount) FROM payments WHERE shift_id = s.id "
        "AND method_kind = 'cash'), 0) + coalesce((SELECT sum(CASE kind WHEN 'pay_in' "
        "THEN amount ELSE -amount END) FROM cash_movements WHERE shift_id = s.id), 0)",
    )
    assert wrong == 0
    assert value(db, "SELECT count(*) FROM cash_movements") > 0
    assert value(db, "SELECT count(*) FROM payments WHERE shift_id IS NOT NULL") > TINY.sales
    reports = [report_from_json(row[0]) for row in db.execute("SELECT z_report FROM cash_shifts")]
    assert sum(report.sales_count for report in reports) > TINY.sales * 0.95
    assert all(r.is_z and r.counted_cash == sum(d.total for d in r.denominations) for r in reports)


def test_each_z_report_is_what_the_shift_figures_read_back_from_the_rows(
    dataset: tuple[Path, DatasetInfo],
) -> None:
    ctx = BenchContext(*dataset)
    try:
        with ctx.services.ctx.uow() as tx:
            shifts = tx.session.scalars(select(CashShift).order_by(CashShift.opened_at)).all()
            assert shifts
            for shift in shifts[::7]:
                stored = report_from_json(shift.z_report)
                assert shift.closed_at is not None
                read = shift_report(tx.session, shift, shift.closed_at)
                counted = {"counted_cash", "denominations", "note", "z_number"}
                assert replace(read, **{name: getattr(stored, name) for name in counted}) == stored
                assert (shift.expected_cash, shift.z_number) == (
                    read.expected_cash,
                    stored.z_number,
                )
    finally:
        ctx.close()


def test_voids_comebacks_and_audit_events_are_there(db: sqlite3.Connection) -> None:
    assert value(db, "SELECT count(*) FROM journal_entries WHERE kind = 'void'") == round(
        TINY.sales * 0.005
    )
    assert value(db, "SELECT count(*) FROM sales_documents WHERE status = 'voided'") > 0
    comebacks = db.execute(
        "SELECT count(*), sum(e.customer_id = t.customer_id AND e.created_at < t.created_at) "
        "FROM tickets t JOIN tickets e ON e.id = t.warranty_of_id"
    ).fetchone()
    assert comebacks[0] == comebacks[1] == round(TINY.tickets * 0.01)
    actions = dict(db.execute("SELECT action, count(*) FROM audit_events GROUP BY action"))
    for action in ("login", "refund", "sale_voided", "cash_shift_opened", "cash_shift_closed"):
        assert actions.get(action, 0) > 0, action


def test_the_layer_leaves_keys_ledger_journal_and_numbers_consistent(
    dataset: tuple[Path, DatasetInfo], db: sqlite3.Connection
) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    behind = value(
        db,
        "SELECT count(*) FROM document_sequences q WHERE q.next_value <= "
        "(SELECT max(CAST(substr(number, length(number) - 5) AS INTEGER)) FROM sales_documents "
        "WHERE number LIKE (CASE q.kind WHEN 'sale' THEN 'S' WHEN 'credit_note' THEN 'CN' "
        "ELSE '?' END) || '-' || q.station_code || '-%')",
    )
    assert behind == 0
    stored = {
        (item, location): (on_hand, cost)
        for item, location, on_hand, cost in db.execute(
            "SELECT item_id, location_id, on_hand, average_cost FROM stock_levels"
        )
    }
    ctx = BenchContext(*dataset)
    try:
        replayed = ctx.services.stock.recompute_levels()
        journal = ctx.services.journal.verify()
    finally:
        ctx.close()
    assert {(i.hex, loc.hex): level for (i, loc), level in replayed.items()} == stored
    assert journal.intact, journal.summary()
