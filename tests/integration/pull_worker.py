"""A station's pull in a process of its own, to be killed while it applies.

``python -m tests.integration.pull_worker DB URL TOKEN STATION_ID BATCH PAUSE_AT``: pulls
in batches of ``BATCH`` changes; when the station's database is about to write the
customers that take it to ``PAUSE_AT`` pulled customers, it says ``applying`` on stdout and
waits, inside the batch's transaction, for the test to kill it.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event

from desktop.services.container import Services
from desktop.sync.client import SyncClient
from desktop.sync.engine import SyncEngine


def main(db: str, url: str, token: str, station_id: str, batch: str, pause_at: str) -> None:
    services = Services.open(Path(db))
    inserts = 0

    def before_execute(*args: Any) -> None:
        nonlocal inserts
        statement, parameters, many = str(args[2]), args[3], args[5]
        if statement.startswith("INSERT INTO customers "):
            before = inserts
            inserts += len(parameters) if many else 1
            if before < int(pause_at) <= inserts:
                print("applying", flush=True)
                time.sleep(120)

    event.listen(services.ctx.engine, "before_cursor_execute", before_execute)
    client = SyncClient(url, token)
    engine = SyncEngine(
        services.ctx.engine, services.ctx.clock, client, uuid.UUID(station_id),
        pull_batch=int(batch),
    )  # fmt: skip
    engine.pull_new()
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
