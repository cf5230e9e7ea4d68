"""A new station loading its shop, in a process of its own so its peak memory is its own.

``python -m benchmarks.sync_station --db FILE --url URL --token T --station-id ID``
loads the shop through the real engine and prints ``{"rows", "seconds", "peak_rss_mb"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

from benchmarks.sync_setup import peak_rss_mb
from desktop.services.container import Services
from desktop.sync.client import SyncClient
from desktop.sync.engine import BootstrapProgress, SyncEngine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync_station")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--station-id", type=uuid.UUID, required=True)
    args = parser.parse_args(argv)
    services = Services.open(args.db)
    rows = 0

    def progress(step: BootstrapProgress) -> None:
        nonlocal rows
        rows = step.rows

    try:
        with SyncClient(args.url, args.token) as client:
            engine = SyncEngine(services.ctx.engine, services.ctx.clock, client, args.station_id)
            engine.progress = progress
            started = time.perf_counter()
            engine.request_bootstrap()
            engine.bootstrap()
            seconds = time.perf_counter() - started
    finally:
        services.close()
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
