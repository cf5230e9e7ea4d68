"""A throwaway PostgreSQL 15 cluster for tests, and the sync server under uvicorn.

The cluster (``server.localcluster``) is shared with the benchmarks. Tests get fresh
databases cloned from a migrated template, which is much faster than migrating each one.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from server.localcluster import (
    PostgresCluster,
    PostgresUnavailable,
    free_port,
    postgres_bindir,
)

__all__ = ["PostgresCluster", "PostgresUnavailable", "ServerThread", "free_port", "postgres_bindir"]


class ServerThread:
    """A uvicorn server for ``app`` on 127.0.0.1 in a daemon thread."""

    def __init__(self, app: Any, port: int = 0) -> None:
        """``port`` 0 picks a free one; a given port lets a restarted server keep the
        address its stations know."""
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start serving; raise if uvicorn is not up within 10 s."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sync server did not start")
            time.sleep(0.01)

    def stop(
        self, *, abort: bool = False, while_stopping: Callable[[], object] | None = None
    ) -> None:
        """Stop serving. ``abort`` is a crash: requests in flight are not finished first
        and get no answer. ``while_stopping`` runs once the server was told to stop (to
        cut its database sessions, as a crash would)."""
        if abort:
            self._server.force_exit = True
        self._server.should_exit = True
        if while_stopping is not None:
            while_stopping()
        self._thread.join(timeout=10)
        self._socket.close()
        if self._thread.is_alive():
            raise RuntimeError("the sync server did not stop within 10 s")
