"""Metrics as JSON and as a table people can read."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGETS_FILE = Path(__file__).resolve().parent / "targets.toml"


@dataclass(frozen=True)
class Target:
    target: float
    unit: str
    # Throughputs (changes/s): the value must reach the target, not stay under it.
    higher_is_better: bool = False


@dataclass(frozen=True)
class Metric:
    name: str
    value: float | None
    unit: str
    target: float | None
    floor: float | None
    error: str | None = None
    higher_is_better: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "value": _rounded(self.value),
            "unit": self.unit,
            "target": self.target,
            "floor": _rounded(self.floor),
        }
        if self.higher_is_better:
            data["better"] = "higher"
        if self.ratio is not None:
            data["ratio"] = round(self.ratio, 2)
        if self.error is not None:
            data["error"] = self.error
        return data

    @property
    def ratio(self) -> float | None:
        """How many times the floor's cost this costs: value / floor for times and sizes,
        floor / value for throughputs. None without both."""
        if not self.value or not self.floor:
            return None
        return self.floor / self.value if self.higher_is_better else self.value / self.floor

    @property
    def status(self) -> str:
        if self.value is None:
            return "FAILED"
        if self.target is None:
            return ""
        if self.higher_is_better:
            return "ok" if self.value >= self.target else "UNDER"
        return "ok" if self.value <= self.target else "OVER"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def load_targets(path: Path = TARGETS_FILE) -> dict[str, Target]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        name: Target(
            float(entry["target"]), str(entry["unit"]), entry.get("better", "lower") == "higher"
        )
        for name, entry in data.items()
    }


def write_json(metrics: Sequence[Metric], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = [metric.as_json() for metric in metrics]
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _ratio(metric: Metric) -> str:
    ratio = metric.ratio
    return "-" if ratio is None else f"{ratio:.1f}x"


def table(metrics: Sequence[Metric]) -> str:
    """A fixed-width table: value, target, plain-SQL floor and the cost ratio to it."""
    header = ("metric", "value", "unit", "target", "floor", "ratio", "")
    rows = [header] + [
        (
            m.name, _number(m.value), m.unit, _number(m.target), _number(m.floor), _ratio(m),
            m.status,
        )
        for m in metrics
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(width) if index in (0, 2) else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "-" * len(lines[0]))
    errors = [f"{m.name}: {m.error}" for m in metrics if m.error]
    return "\n".join(lines + errors)
