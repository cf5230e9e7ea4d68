"""``python -m benchmarks run --scale small --json results/small.json``.

Commands:
  run       generate the dataset if needed, run the scenarios, write JSON and print a table
  generate  (re)build the dataset of a scale and nothing else
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from benchmarks.generate import DATA_DIR, SCALES, ensure_dataset, generate
from benchmarks.report import table, write_json
from benchmarks.runner import ALL_SCENARIOS, UnknownScenarioError, run_benchmarks


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the scenarios and write JSON results")
    add_common(run)
    run.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only this scenario (repeatable): {', '.join(ALL_SCENARIOS)}",
    )
    run.add_argument("--json", required=True, type=Path, metavar="FILE", help="results file")

    gen = commands.add_parser("generate", help="build the dataset of a scale")
    add_common(gen)
    gen.add_argument("--force", action="store_true", help="rebuild even if a cached one fits")
    return root


def add_common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--scale", choices=sorted(SCALES), default="small")
    command.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help=f"where generated databases are cached (default {DATA_DIR})",
    )
    command.add_argument("-q", "--quiet", action="store_true", help="log warnings only")


def command_run(args: argparse.Namespace) -> int:
    try:
        metrics = run_benchmarks(SCALES[args.scale], args.only, args.data_dir)
    except UnknownScenarioError as exc:
        print(exc, file=sys.stderr)
        return 2
    write_json(metrics, args.json)
    print(table(metrics))
    print(f"\nwritten to {args.json}")
    return 1 if any(metric.value is None for metric in metrics) else 0


def command_generate(args: argparse.Namespace) -> int:
    scale = SCALES[args.scale]
    started = time.perf_counter()
    if args.force:
        db_path = args.data_dir / f"{scale.name}.db"
        generate(db_path, scale)
    else:
        db_path, _ = ensure_dataset(scale, args.data_dir)
    print(f"{db_path} ready in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        datefmt="%H:%M:%S",
    )
    if args.command == "run":
        return command_run(args)
    return command_generate(args)


if __name__ == "__main__":
    sys.exit(main())
