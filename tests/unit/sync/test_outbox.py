"""The station's outbox as the pusher sees it: whole transactions, numbered in order."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.models import Customer, ShopProfile
from desktop.services.customers import CustomerInput
from desktop.sync.merge import ZERO_HLC
from desktop.sync.outbox import MAX_BYTES, MAX_PART, MAX_TRANSACTIONS, Outbox, TransactionResult
from tests.unit.sync.relay import new_shop


def test_transactions_are_numbered_in_commit_order_and_sent_whole(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    for name in ("Ann", "Bob", "Cy"):
        shop.customers.create(CustomerInput(first_name=name))
    outbox = Outbox(shop.ctx.engine)
    batch = outbox.next_batch(max_changes=3)
    seqs = [txn.station_seq for txn in batch]
    assert seqs == list(range(1, len(seqs) + 1))
    assert all(len({c.txn_id for c in txn.changes}) == 1 for txn in batch)
    # The first transaction (the shop's setup) is larger than 3 changes: it goes alone.
    assert len(batch) == 1 and len(batch[0].changes) > 3
    assert outbox.next_batch(max_changes=3)[0].station_seq == 1, "unanswered: sent again"


def test_sent_and_rejected_transactions_leave_the_queue(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    shop.customers.create(CustomerInput(first_name="Ann"))
    outbox = Outbox(shop.ctx.engine)
    *earlier, last = outbox.next_batch()
    outbox.record(
        [
            *(TransactionResult(t.txn_id, t.station_seq, "applied") for t in earlier),
            TransactionResult(last.txn_id, last.station_seq, "rejected", "no permission"),
        ]
    )
    assert outbox.next_batch() == []
    assert outbox.pending_count() == 0
    (refused,) = outbox.rejected()
    assert (refused.station_seq, refused.reason) == (last.station_seq, "no permission")
    assert "customers" in refused.tables


def test_a_server_that_lost_transactions_gets_them_again_in_order(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    shop.customers.create(CustomerInput(first_name="Ann"))
    shop.customers.create(CustomerInput(first_name="Bob"))
    outbox = Outbox(shop.ctx.engine)
    batch = outbox.next_batch()
    outbox.record(TransactionResult(t.txn_id, t.station_seq, "applied") for t in batch)
    waiting = outbox.resend_from(2)
    assert waiting == sum(len(t.changes) for t in batch[1:])
    assert [t.station_seq for t in outbox.next_batch()] == [t.station_seq for t in batch[1:]]


def test_a_new_enrollment_sends_everything_again_seeds_first(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    outbox = Outbox(shop.ctx.engine)
    made = outbox.pending_count()
    batch = outbox.next_batch()
    outbox.record(TransactionResult(t.txn_id, t.station_seq, "applied") for t in batch)
    waiting = outbox.start_over(with_seeds=True, station_code="A")
    seeds, *rest = outbox.next_batch(max_changes=100_000)
    assert seeds.station_seq == 1
    assert {c.table for c in seeds.changes} >= {"payment_methods", "tax_classes", "ticket_statuses"}
    assert all(c.hlc == ZERO_HLC and c.op == "insert" for c in seeds.changes)
    assert [t.station_seq for t in rest] == list(range(2, len(rest) + 2))
    assert waiting == made + len(seeds.changes) == sum(len(t.changes) for t in (seeds, *rest))


def test_a_large_transaction_travels_in_parts_the_server_accepts(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    outbox = Outbox(shop.ctx.engine)
    while batch := outbox.next_batch():
        outbox.record(TransactionResult(t.txn_id, t.station_seq, "applied") for t in batch)
    with shop.ctx.uow() as tx:
        for number in range(MAX_PART * 2 + 10):
            tx.session.add(Customer(first_name=f"Imported {number}"))
        tx.commit()
    parts = []
    while batch := outbox.next_batch():
        parts.extend(batch)
        outbox.record(TransactionResult(t.txn_id, t.station_seq, "applied") for t in batch)
    assert [len(part.changes) for part in parts] == [MAX_PART, MAX_PART, 10]
    assert len({part.txn_id for part in parts}) == 1
    seqs = [part.station_seq for part in parts]
    assert seqs == list(range(seqs[0], seqs[0] + 3))


def test_a_push_holds_at_most_the_transactions_the_server_takes(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    outbox = Outbox(shop.ctx.engine)
    for number in range(MAX_TRANSACTIONS + 20):
        with shop.ctx.uow() as tx:
            tx.session.add(Customer(first_name=f"Walk-in {number}"))
            tx.commit()
    first = outbox.next_batch(max_changes=100_000)
    assert len(first) == MAX_TRANSACTIONS


def test_big_values_go_in_several_pushes(tmp_path: Path) -> None:
    shop = new_shop(tmp_path / "a.db")
    outbox = Outbox(shop.ctx.engine)
    while batch := outbox.next_batch():
        outbox.record(TransactionResult(t.txn_id, t.station_seq, "applied") for t in batch)
    logo = bytes(range(256)) * (MAX_BYTES // 256)  # 4 MB, more as base64
    for _ in range(2):
        with shop.ctx.uow() as tx:
            profile = tx.session.scalars(select(ShopProfile)).one()
            profile.logo = logo[::-1] if profile.logo == logo else logo
            tx.commit()
    assert len(outbox.next_batch()) == 1
