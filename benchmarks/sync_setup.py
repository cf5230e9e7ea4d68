"""What the sync benchmarks run against: a real PostgreSQL, the real server in its own
process, and real stations.

The cluster commits durably (fsync on), as a production server would. The server runs
as ``python -m server.cli serve`` in a child process: it has its own interpreter (no
shared GIL with the stations measured here) and its own peak memory, read from
``/proc/<pid>/status``. Stations are SQLite files made by the desktop services, talking
to the server through the real ``SyncClient``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from psycopg.rows import DictRow, dict_row

from desktop.services.container import Services
from desktop.sync.client import SyncClient
from desktop.sync.engine import SyncEngine
from desktop.sync.outbox import Outbox
from desktop.sync.wire import Transaction
from server import admin
from server.db import migrate
from server.localcluster import PostgresCluster, free_port

log = logging.getLogger(__name__)

DATABASE = "benchside_bench"
START_TIMEOUT_S = 30.0


def peak_rss_mb(pid: int | str = "self") -> float:
    """The process's peak resident memory so far (VmHWM), in MB; Linux only."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


class ServerProcess:
    """``benchside-server serve`` on 127.0.0.1 in a child process."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not running"
        return self._process.pid

    def start(self) -> None:
        """Start it and wait for ``/health``; raises RuntimeError if it does not answer."""
        env = dict(os.environ)
        env.update(
            BENCHSIDE_SERVER_DATABASE_URL=self.database_url,
            BENCHSIDE_SERVER_PORT=str(self.port),
            BENCHSIDE_SERVER_LOG_LEVEL="WARNING",
            BENCHSIDE_SERVER_DB_POOL_SIZE="12",
        )
        with self.log_path.open("ab") as output:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                if httpx.get(self.base_url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the sync server did not start; see {self.log_path}")

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.pid)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def restart(self) -> None:
        """A fresh process: its peak memory counts from here."""
        self.stop()
        self.port = free_port()
        self.start()


@dataclass
class Station:
    """An enrolled station: its database (if it has one) and its client."""

    station_id: uuid.UUID
    code: str
    token: str
    client: SyncClient
    services: Services | None = None

    def engine(self) -> SyncEngine:
        assert self.services is not None, f"station {self.code} has no database"
        ctx = self.services.ctx
        return SyncEngine(ctx.engine, ctx.clock, self.client, self.station_id)

    def push(self, transactions: list[Transaction]) -> None:
        """Push ``transactions``; raises RuntimeError unless every one was applied."""
        result = self.client.push(self.station_id, transactions)
        refused = [r for r in result.results if r.status != "applied"]
        if refused or len(result.results) != len(transactions):
            raise RuntimeError(f"the server did not apply everything: {refused[:3]}")

    def close(self) -> None:
        self.client.close()
        if self.services is not None:
            self.services.close()


@dataclass
class SyncLab:
    """The cluster, the server and the shop's stations of one benchmark run."""

    root: Path
    cluster: PostgresCluster
    server: ServerProcess
    stations: list[Station] = field(default_factory=list)

    @classmethod
    def start(cls) -> SyncLab:
        """Start PostgreSQL (durable), migrate, start the server; clean up if any fails."""
        root = Path(tempfile.mkdtemp(prefix="benchside-sync-"))
        cluster = PostgresCluster()
        try:
            cluster.start(durable=True)
            cluster.execute(f'CREATE DATABASE "{DATABASE}"')
            migrate(cluster.url(DATABASE))
            server = ServerProcess(cluster.url(DATABASE, "postgresql"), root / "server.log")
            server.start()
        except BaseException:
            cluster.stop()
            shutil.rmtree(root, ignore_errors=True)
            raise
        return cls(root, cluster, server)

    @contextmanager
    def db(self) -> Iterator[psycopg.Connection[DictRow]]:
        """A psycopg connection to the server's database, committed when the block ends."""
        with psycopg.connect(self.cluster.conninfo(DATABASE), row_factory=dict_row) as db:
            yield db

    def shop(self, name: str) -> tuple[uuid.UUID, uuid.UUID]:
        """A new shop and its branch: (shop id, branch id)."""
        with self.db() as db:
            shop_id = admin.create_shop(db, name)
            return shop_id, admin.create_branch(db, shop_id, "Main Street")

    def enroll(
        self,
        branch_id: uuid.UUID,
        services: Services | None = None,
        code: str | None = None,
        has_data: bool = False,
    ) -> Station:
        """Enroll a station (with ``services`` as its database, or none) over HTTP."""
        with self.db() as db:
            one_time = admin.issue_enrollment_code(db, branch_id, 1.0, code).code
        client = SyncClient(self.server.base_url, None)
        enrollment = client.enroll(one_time, f"Bench {code or ''}", code, has_data)
        client.close()
        client = SyncClient(self.server.base_url, enrollment.token)
        station = Station(
            enrollment.station_id, enrollment.station_code, enrollment.token, client, services
        )
        if services is not None:
            Outbox(services.ctx.engine).start_over(
                with_seeds=not enrollment.shop_has_data, station_code=enrollment.station_code
            )
        self.stations.append(station)
        return station

    def reconnect(self) -> None:
        """Point every station's client at the server again (after a restart)."""
        for station in self.stations:
            station.client.close()
            station.client = SyncClient(self.server.base_url, station.token)

    def close(self) -> None:
        try:
            for station in self.stations:
                station.close()
            self.server.stop()
        finally:
            self.cluster.stop()
            shutil.rmtree(self.root, ignore_errors=True)
