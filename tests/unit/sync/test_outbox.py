"""The station's outbox as the pusher sees it: whole transactions, numbered in order."""

from __future__ import annotations

from pathlib import Path

from desktop.services.customers import CustomerInput
from desktop.sync.merge import ZERO_HLC
from desktop.sync.outbox import Outbox, TransactionResult
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
