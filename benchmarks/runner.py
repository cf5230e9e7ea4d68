"""Run scenarios against a (cached or freshly generated) dataset and collect metrics."""

from __future__ import annotations

import functools
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.generate import DATA_DIR, DatasetInfo, Scale, cached_info, has_sales
from benchmarks.report import Metric, Target, load_targets
from benchmarks.scenarios import SCENARIOS, BenchContext, Measurement
from benchmarks.sync_scenarios import SYNC_SCENARIOS, SyncContext

# Every scenario in its fixed order: those on the generated dataset, then sync's.
ALL_SCENARIOS = [*SCENARIOS, *SYNC_SCENARIOS]

log = logging.getLogger(__name__)


class UnknownScenarioError(ValueError):
    pass


def selected(only: Sequence[str] | None) -> list[str]:
    """Scenario names to run, in their fixed order; raises ``UnknownScenarioError``."""
    if not only:
        return list(ALL_SCENARIOS)
    unknown = sorted(set(only) - set(ALL_SCENARIOS))
    if unknown:
        raise UnknownScenarioError(
            f"unknown scenario {', '.join(unknown)}; choose from {', '.join(ALL_SCENARIOS)}"
        )
    return [name for name in ALL_SCENARIOS if name in only]


def to_metric(name: str, target: Target | None, measured: Measurement) -> Metric:
    return Metric(
        name=name,
        value=measured.value,
        unit=target.unit if target else "",
        target=target.target if target else None,
        floor=measured.floor,
        higher_is_better=target.higher_is_better if target else False,
    )


def run_scenario(name: str, measure: Callable[[], Measurement], target: Target | None) -> Metric:
    """One scenario; a failure becomes a metric without a value, so the others still run."""
    started = time.perf_counter()
    try:
        measured = measure()
    except Exception as exc:
        log.exception("scenario %s failed", name)
        return Metric(
            name, None, target.unit if target else "", target.target if target else None,
            None, str(exc), target.higher_is_better if target else False,
        )  # fmt: skip
    log.info("%s done in %.1f s", name, time.perf_counter() - started)
    return to_metric(name, target, measured)


def prepare_dataset(scale: Scale, data_dir: Path) -> tuple[Path, DatasetInfo]:
    """The cached dataset of ``scale``, generated first if missing or stale.

    Generation runs in a child process, so that this one measures without the generator's
    leftovers (Alembic imported, millions of freed objects behind the garbage collector),
    which made the first searches measurably slower.
    """
    db_path = data_dir / f"{scale.name}.db"
    info = cached_info(db_path, scale)
    if info is None or not has_sales(info, scale):
        command = [sys.executable, "-m", "benchmarks", "generate", "--scale", scale.name]
        command += ["--data-dir", str(data_dir)]
        if not log.isEnabledFor(logging.INFO):
            command.append("--quiet")
        subprocess.run(command, check=True)
        info = cached_info(db_path, scale)
    if info is None or not has_sales(info, scale):
        raise RuntimeError(f"generating the {scale.name} dataset in {data_dir} failed")
    return db_path, info


def run_benchmarks(
    scale: Scale, only: Sequence[str] | None = None, data_dir: Path = DATA_DIR
) -> list[Metric]:
    """Run the chosen scenarios: those on the dataset of ``scale`` (generated first if
    needed), then the sync ones (which start their own server and stations)."""
    names = selected(only)
    targets = load_targets()
    metrics: list[Metric] = []
    on_data = [name for name in names if name in SCENARIOS]
    if on_data:
        db_path, info = prepare_dataset(scale, data_dir)
        metrics += _run_all(on_data, SCENARIOS, BenchContext(db_path, info), targets)
    on_sync = [name for name in names if name in SYNC_SCENARIOS]
    if on_sync:
        metrics += _run_all(on_sync, SYNC_SCENARIOS, SyncContext(scale.name), targets)
    return metrics


def _run_all(
    names: list[str], scenarios: Mapping[str, Callable[[Any], Measurement]], ctx: Any,
    targets: Mapping[str, Target],
) -> list[Metric]:  # fmt: skip
    """Each of ``names`` measured with ``ctx``, which is closed after the last."""
    try:
        return [
            run_scenario(name, functools.partial(scenarios[name], ctx), targets.get(name))
            for name in names
        ]
    finally:
        ctx.close()
