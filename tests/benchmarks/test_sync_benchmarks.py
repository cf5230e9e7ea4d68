"""The sync scenarios end to end at the tiny scale: a durable PostgreSQL, the server in
its own process, real stations; each metric measured, with its floor where it has one."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.generate import SCALES
from benchmarks.report import Metric, load_targets, write_json
from benchmarks.runner import run_benchmarks
from benchmarks.sync_scenarios import SYNC_SCENARIOS, in_batches
from benchmarks.sync_shop import Copier, changes_in

WITH_FLOOR = {
    "sync_push_changes_per_s",
    "sync_pull_apply_changes_per_s",
    "sync_push_p95_ms_10_stations",
    "sync_push_p95_ms_10_stations_paced",
}


def test_every_sync_scenario_measures_against_the_real_server(tmp_path: Path) -> None:
    names = list(SYNC_SCENARIOS)
    metrics = run_benchmarks(SCALES["tiny"], names, tmp_path / "data")
    results = tmp_path / "sync.json"
    write_json(metrics, results)

    assert [m.name for m in metrics] == names
    failed = {m.name: m.error for m in metrics if m.value is None}
    assert failed == {}
    for metric in metrics:
        assert metric.value is not None and metric.value > 0, metric
        assert (metric.floor is not None and metric.floor > 0) == (metric.name in WITH_FLOOR)
    written = {entry["name"]: entry for entry in json.loads(results.read_text())}
    assert written["sync_push_changes_per_s"]["better"] == "higher"
    assert written["sync_push_changes_per_s"]["unit"] == "changes/s"
    assert "better" not in written["sync_push_p95_ms_10_stations"]
    assert written["sync_pull_apply_changes_per_s"]["ratio"] > 0


def test_a_throughput_reaches_its_target_from_below() -> None:
    target = load_targets()["sync_push_changes_per_s"]
    assert target.higher_is_better
    slow = Metric("push", 1500.0, "changes/s", target.target, 15000.0, None, True)
    fast = Metric("push", 2500.0, "changes/s", target.target, 15000.0, None, True)
    assert (slow.status, fast.status) == ("UNDER", "ok")
    assert slow.ratio == 10.0


def test_copies_of_a_sale_get_new_rows_numbers_and_clocks(tmp_path: Path) -> None:
    from benchmarks.sync_shop import new_shop, record_templates

    services = new_shop(tmp_path / "a.db")
    try:
        templates = record_templates(services)
    finally:
        services.close()
    copier = Copier(templates, "C", first_seq=5)
    first, second = copier.next("sale"), copier.next("sale")

    assert (first.station_seq, second.station_seq) == (5, 6)
    template_ids = {c.row_id for c in templates["sale"].changes}
    for copy in (first, second):
        assert {c.row_id for c in copy.changes}.isdisjoint(template_ids)
        assert {c.station for c in copy.changes} == {"C"}
    document = [c for c in first.changes if c.table == "sales_documents"]
    lines = [c for c in first.changes if c.table == "sales_lines"]
    assert {line.fields["document_id"] for line in lines} == {str(document[0].row_id)}
    numbers = [
        c.fields["number"] for t in (first, second) for c in t.changes if c.fields.get("number")
    ]
    assert numbers == ["S-C-0001001", "S-C-0001002"]
    clocks = [c.hlc for t in (first, second) for c in t.changes]
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)
    assert changes_in([first, second]) == 2 * len(templates["sale"].changes) == 20


def test_batches_hold_whole_transactions_up_to_the_limit(tmp_path: Path) -> None:
    from benchmarks.sync_shop import new_shop, record_templates

    services = new_shop(tmp_path / "a.db")
    try:
        copier = Copier(record_templates(services), "A")
    finally:
        services.close()
    transactions = copier.take(95, "sale")
    batches = in_batches(transactions, 25)
    assert [changes_in(b) for b in batches] == [20, 20, 20, 20, 20]
    assert [t for b in batches for t in b] == transactions
