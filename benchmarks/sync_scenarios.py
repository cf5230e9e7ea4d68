"""Sync scenarios: push, pull and apply, ten stations at once, loading a big shop.

They need no generated station dataset: each run starts its own PostgreSQL, server and
stations (``benchmarks.sync_setup``) and copies real transactions
(``benchmarks.sync_shop``). Throughputs are changes per second (higher is better); their
floors are the same rows written with plain ``COPY`` / ``sqlite3`` (``sync_floors``).
"""

from __future__ import annotations

import logging
import multiprocessing
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.queues import Queue as QueueType
from multiprocessing.synchronize import Barrier as BarrierType

from benchmarks.scenarios import Measurement, p95
from benchmarks.sync_bootstrap import BootstrapRun, build_big_shop, load_shop
from benchmarks.sync_floors import apply_floor_s, push_floor_s, snapshot
from benchmarks.sync_setup import Station, SyncLab
from benchmarks.sync_shop import Copier, changes_in, new_shop, record_templates
from desktop.services.container import Services
from desktop.sync.client import SyncClient
from desktop.sync.wire import Transaction

log = logging.getLogger(__name__)

PUSH_BATCH = 2000  # changes per push, as the station's engine sends them
STATIONS = 10
BATCH_CHANGES = 100  # ten sales
PACE_S = 1.0  # between a station's pushes, in the paced run
STATION_TIMEOUT_S = 600


@dataclass(frozen=True)
class SyncSize:
    push_changes: int  # pushed, then pulled and applied
    shop_rows: int  # the shop a new station loads
    rounds: int  # 100-change pushes per station when ten push at once


SYNC_SIZES = {
    "tiny": SyncSize(push_changes=600, shop_rows=3_000, rounds=3),
    "small": SyncSize(push_changes=20_000, shop_rows=20_000, rounds=20),
    "full": SyncSize(push_changes=50_000, shop_rows=1_000_000, rounds=30),
}


@dataclass
class SyncShop:
    """The shop on the server: station A (the first PC, with the templates) and station
    B (a second PC that loaded the shop and pulls what A pushes)."""

    lab: SyncLab
    shop_id: uuid.UUID
    branch_id: uuid.UUID
    a: Station
    b: Station
    copier: Copier
    templates: dict[str, Transaction]
    # Pushed by A and not yet pulled by B.
    waiting: list[Transaction] = field(default_factory=list)


def open_shop() -> SyncShop:
    lab = SyncLab.start()
    try:
        shop_id, branch_id = lab.shop("Bench Repairs")
        services = new_shop(lab.root / "a.db")
        templates = record_templates(services)
        a = lab.enroll(branch_id, services, "A", has_data=True)
        a.engine().push_pending()
        b = lab.enroll(branch_id, Services.open(lab.root / "b.db"))
        b_engine = b.engine()
        b_engine.request_bootstrap()
        b_engine.sync_once()
        copier = Copier(templates, a.code, first_seq=a.client.status().last_station_seq + 1)
    except BaseException:
        lab.close()
        raise
    return SyncShop(lab, shop_id, branch_id, a, b, copier, templates)


class SyncContext:
    """What the sync scenarios of one run share, started on first use."""

    def __init__(self, scale: str) -> None:
        self.size = SYNC_SIZES[scale]
        self._shop: SyncShop | None = None
        self.bootstrap_run: BootstrapRun | Exception | None = None

    @property
    def shop(self) -> SyncShop:
        if self._shop is None:
            self._shop = open_shop()
        return self._shop

    def close(self) -> None:
        if self._shop is not None:
            self._shop.lab.close()
            self._shop = None


def in_batches(transactions: list[Transaction], changes: int) -> list[list[Transaction]]:
    """Whole transactions, at most ``changes`` changes a batch (a bigger one alone)."""
    batches: list[list[Transaction]] = [[]]
    count = 0
    for txn in transactions:
        if batches[-1] and count + len(txn.changes) > changes:
            batches.append([])
            count = 0
        batches[-1].append(txn)
        count += len(txn.changes)
    return [batch for batch in batches if batch]


def push_all(station: Station, transactions: list[Transaction]) -> float:
    """Push in engine-sized batches; the seconds it took."""
    started = time.perf_counter()
    for batch in in_batches(transactions, PUSH_BATCH):
        station.push(batch)
    return time.perf_counter() - started


# -- push ---------------------------------------------------------------------------------


def sync_push_changes_per_s(ctx: SyncContext) -> Measurement:
    shop = ctx.shop
    warm_up = shop.copier.take(PUSH_BATCH)
    push_all(shop.a, warm_up)
    transactions = shop.copier.take(ctx.size.push_changes)
    seconds = push_all(shop.a, transactions)
    shop.waiting += warm_up + transactions
    changes = changes_in(transactions)
    floor_s = push_floor_s(shop.lab, shop.shop_id, transactions)
    log.info("pushed %d changes in %.2f s (COPY floor %.2f s)", changes, seconds, floor_s)
    return Measurement(changes / seconds, changes / floor_s)


# -- pull and apply -----------------------------------------------------------------------


def sync_pull_apply_changes_per_s(ctx: SyncContext) -> Measurement:
    shop = ctx.shop
    if not shop.waiting:
        shop.waiting = shop.copier.take(ctx.size.push_changes)
        push_all(shop.a, shop.waiting)
    assert shop.b.services is not None
    station_path = shop.b.services.path
    floor_copy = shop.lab.root / "b-floor.db"
    snapshot(station_path, floor_copy)
    engine = shop.b.engine()
    started = time.perf_counter()
    pulled = engine.pull_new()
    seconds = time.perf_counter() - started
    expected = changes_in(shop.waiting)
    if pulled != expected:
        raise RuntimeError(f"station B pulled {pulled} changes, {expected} were waiting")
    floor_s = apply_floor_s(station_path, floor_copy, shop.waiting)
    shop.waiting = []
    log.info("pulled %d changes in %.2f s (sqlite3 floor %.2f s)", pulled, seconds, floor_s)
    return Measurement(pulled / seconds, pulled / floor_s)


# -- ten stations at once -----------------------------------------------------------------


def _pull_to_head(client: SyncClient, cursor: int) -> int:
    while True:
        page = client.pull(cursor, 1000)
        cursor = page.next
        if not page.has_more:
            return cursor


def _station_process(
    base_url: str, token: str, station_id: uuid.UUID, batches: list[list[Transaction]],
    pace_s: float | None, start: BarrierType, results: QueueType[tuple[list[float], str]],
) -> None:  # fmt: skip
    """One station, in a process of its own as on its own PC: push each batch (timed),
    then pull what the others pushed; back to back, or one push every ``pace_s``
    seconds (give or take a fifth). Puts (latencies in ms, error or "") on ``results``."""
    latencies: list[float] = []
    try:
        with SyncClient(base_url, token) as client:
            cursor = client.status().head
            start.wait()
            due = time.perf_counter()
            for batch in batches:
                if pace_s is not None:
                    due += pace_s * random.uniform(0.8, 1.2)
                    time.sleep(max(0.0, due - time.perf_counter()))
                started = time.perf_counter()
                result = client.push(station_id, batch)
                latencies.append((time.perf_counter() - started) * 1000)
                if any(r.status != "applied" for r in result.results):
                    raise RuntimeError(f"the server did not apply everything: {result}")
                cursor = _pull_to_head(client, cursor)
    except BaseException as exc:
        start.abort()
        results.put((latencies, repr(exc)))
        return
    results.put((latencies, ""))


def _push_latencies_alone(station: Station, batches: list[list[Transaction]]) -> list[float]:
    latencies = []
    for batch in batches:
        started = time.perf_counter()
        station.push(batch)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def sync_push_p95_ms_10_stations(ctx: SyncContext) -> Measurement:
    """p95 latency of 100-change pushes while ten stations push and pull at once, back
    to back (the server never rests); the floor is the same pushes from one station
    alone."""
    return _ten_stations(ctx, pace_s=None)


def sync_push_p95_ms_10_stations_paced(ctx: SyncContext) -> Measurement:
    """The same with each station pushing once a second, as the station's sync does
    after each sale (about a second's debounce): 1,000 changes a second reach the
    server, far more than ten counters make."""
    return _ten_stations(ctx, pace_s=PACE_S)


def _ten_stations(ctx: SyncContext, pace_s: float | None) -> Measurement:
    shop = ctx.shop
    stations = [shop.lab.enroll(shop.branch_id) for _ in range(STATIONS)]
    work = []
    for station in stations:
        copier = Copier(shop.templates, station.code)
        work.append([copier.take(BATCH_CHANGES, "sale") for _ in range(ctx.size.rounds + 1)])
    alone = _push_latencies_alone(stations[0], work[0][: ctx.size.rounds // 2 + 1])[1:]
    for station, batches in zip(stations[1:], work[1:], strict=True):
        station.push(batches[0])  # warm up: the station's first push
    work[0] = work[0][ctx.size.rounds // 2 + 1 :]
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(STATIONS)
    results: QueueType[tuple[list[float], str]] = spawn.Queue()
    processes = []
    for i, (station, batches) in enumerate(zip(stations, work, strict=True)):
        args = (
            shop.lab.server.base_url, station.token, station.station_id,
            batches if i == 0 else batches[1:], pace_s, barrier, results,
        )  # fmt: skip
        processes.append(spawn.Process(target=_station_process, args=args))
    latencies: list[float] = []
    errors: list[str] = []
    try:
        for process in processes:
            process.start()
        for _ in processes:
            done, error = results.get(timeout=STATION_TIMEOUT_S)
            latencies += done
            errors += [error] if error else []
    finally:
        for process in processes:
            if process.is_alive():
                process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
    if errors:
        raise RuntimeError(f"a station failed: {errors[0]}")
    return Measurement(p95(latencies), p95(alone))


# -- loading a big shop -------------------------------------------------------------------


def _bootstrap(ctx: SyncContext) -> BootstrapRun:
    """The one load of the run, shared by its three metrics (a failure too)."""
    if ctx.bootstrap_run is None:
        try:
            ctx.bootstrap_run = _build_and_load(ctx)
        except Exception as exc:
            ctx.bootstrap_run = exc
    if isinstance(ctx.bootstrap_run, Exception):
        raise ctx.bootstrap_run
    return ctx.bootstrap_run


def _build_and_load(ctx: SyncContext) -> BootstrapRun:
    shop = ctx.shop
    started = time.perf_counter()
    # A code of its own: the big shop also holds copies of station A's rows.
    copier = Copier(shop.templates, "BIG")
    branch_id = build_big_shop(shop.lab, shop.shop_id, copier, ctx.size.shop_rows)
    log.info("built a %d-row shop in %.1f s", ctx.size.shop_rows, time.perf_counter() - started)
    run = load_shop(shop.lab, branch_id)
    log.info("loaded it: %s", run)
    return run


def sync_bootstrap_1m_rows_s(ctx: SyncContext) -> Measurement:
    return Measurement(_bootstrap(ctx).seconds, None)


def sync_bootstrap_station_peak_mb(ctx: SyncContext) -> Measurement:
    return Measurement(_bootstrap(ctx).station_peak_mb, None)


def sync_bootstrap_server_peak_mb(ctx: SyncContext) -> Measurement:
    return Measurement(_bootstrap(ctx).server_peak_mb, None)


SYNC_SCENARIOS: dict[str, Callable[[SyncContext], Measurement]] = {
    "sync_push_changes_per_s": sync_push_changes_per_s,
    "sync_pull_apply_changes_per_s": sync_pull_apply_changes_per_s,
    "sync_push_p95_ms_10_stations": sync_push_p95_ms_10_stations,
    "sync_push_p95_ms_10_stations_paced": sync_push_p95_ms_10_stations_paced,
    "sync_bootstrap_1m_rows_s": sync_bootstrap_1m_rows_s,
    "sync_bootstrap_station_peak_mb": sync_bootstrap_station_peak_mb,
    "sync_bootstrap_server_peak_mb": sync_bootstrap_server_peak_mb,
}
