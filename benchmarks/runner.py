"""Run scenarios against a (cached or freshly generated) dataset and collect metrics."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate import DATA_DIR, DatasetInfo, Scale, cached_info, has_sales
from benchmarks.report import Metric, Target, load_targets
from benchmarks.scenarios import SCENARIOS, BenchContext, Measurement

log = logging.getLogger(__name__)


class UnknownScenarioError(ValueError):
    pass


def selected(only: Sequence[str] | None) -> list[str]:
    """Scenario names to run, in their fixed order; raises ``UnknownScenarioError``."""
    if not only:
        return list(SCENARIOS)
    unknown = sorted(set(only) - set(SCENARIOS))
    if unknown:
        raise UnknownScenarioError(
            f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    return [name for name in SCENARIOS if name in only]


def to_metric(name: str, target: Target | None, measured: Measurement) -> Metric:
    return Metric(
        name=name,
        value=measured.value,
        unit=target.unit if target else "",
        target=target.target if target else None,
        floor=measured.floor,
    )


def run_scenario(name: str, ctx: BenchContext, target: Target | None) -> Metric:
    """One scenario; a failure becomes a metric without a value, so the others still run."""
    started = time.perf_counter()
    try:
        measured = SCENARIOS[name](ctx)
    except Exception as exc:
        log.exception("scenario %s failed", name)
        unit = target.unit if target else ""
        return Metric(name, None, unit, target.target if target else None, None, str(exc))
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
    """Generate (or reuse) the dataset for ``scale`` and run the chosen scenarios on it."""
    names = selected(only)
    targets = load_targets()
    db_path, info = prepare_dataset(scale, data_dir)
    ctx = BenchContext(db_path, info)
    try:
        return [run_scenario(name, ctx, targets.get(name)) for name in names]
    finally:
        ctx.close()
