"""Running the real app in a subprocess: start-up time and peak memory.

The app supports these hooks for measurement (all off unless set):
``BENCHSIDE_EXIT_WHEN_READY=1`` quits once the login window is shown (or, with
``BENCHSIDE_BENCH_LOGIN=user:password`` and ``BENCHSIDE_OPEN_SCREEN=customers``, after
signing in, opening the customer list and scrolling to its end).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from desktop.config import AppPaths

START_RUNS = 5
RUN_TIMEOUT_S = 120.0


class AppRunError(RuntimeError):
    """The app did not run to its ready point and exit cleanly."""


@contextmanager
def app_data_dir(db_path: Path) -> Iterator[Path]:
    """A throw-away data directory holding a copy of the dataset (the app writes to it)."""
    with tempfile.TemporaryDirectory(prefix="benchside-bench-") as name:
        paths = AppPaths.at(name)
        shutil.copyfile(db_path, paths.database)
        yield paths.data_dir


def app_command(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)]


def import_qt_command() -> list[str]:
    """The floor of start-up: a Python process that only imports Qt's widgets."""
    return [sys.executable, "-c", "import PySide6.QtWidgets"]


def app_env(**extra: str) -> dict[str, str]:
    """The environment of a measured run. Bytecode caching stays on even where the shell
    turned it off: an installed app runs from compiled bytecode, not from source."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(QT_QPA_PLATFORM="offscreen", BENCHSIDE_EXIT_WHEN_READY="1")
    env.update(extra)
    return env


def describe_failure(command: Sequence[str], returncode: int | None, stderr: str) -> str:
    tail = stderr.strip().splitlines()[-8:]
    outcome = "did not exit in time" if returncode is None else f"exited with {returncode}"
    return f"{' '.join(command[1:4])} {outcome}: " + " | ".join(tail)


def run_once_ms(command: Sequence[str], env: Mapping[str, str]) -> float:
    """Wall-clock milliseconds from spawning ``command`` until it exits successfully."""
    started = time.perf_counter()
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else ""
        raise AppRunError(describe_failure(command, None, stderr)) from exc
    elapsed = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise AppRunError(describe_failure(command, result.returncode, result.stderr))
    return elapsed


def median_start_ms(
    command: Sequence[str], env: Mapping[str, str], runs: int = START_RUNS
) -> float:
    """Median wall time of ``runs`` starts after one untimed start.

    The untimed start warms the OS file cache and compiles bytecode, and in the app it
    makes the day's backup, which later starts then skip (it runs beside the login window,
    but the process waits for it before exiting).
    """
    run_once_ms(command, env)
    return statistics.median(run_once_ms(command, env) for _ in range(runs))


def peak_rss_mb(command: Sequence[str], env: Mapping[str, str]) -> float:
    """Peak resident memory of ``command``, measured by a fresh helper process that runs it,
    so that no other child of this process counts."""
    helper = [sys.executable, "-m", "benchmarks.peak_rss", *command]
    try:
        result = subprocess.run(
            helper, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise AppRunError(describe_failure(command, None, "")) from exc
    if result.returncode != 0:
        raise AppRunError(f"peak memory helper failed: {result.stderr.strip()[-500:]}")
    report = json.loads(result.stdout)
    if report["returncode"] != 0:
        raise AppRunError(describe_failure(command, report["returncode"], report["stderr"]))
    return float(report["max_rss_bytes"]) / (1024 * 1024)
