"""A throwaway local PostgreSQL 15 cluster: the tests' and the benchmarks' database.

The cluster lives in a temporary directory owned by ``postgres`` (``initdb`` refuses to
run as root, so it runs through ``runuser``), listens on a free port with its Unix socket
in that directory, and trusts every local connection. Nothing in it is meant to last:
``stop()`` removes it.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

BINDIR_FALLBACK = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started: the tests that need it must fail."""


def postgres_bindir() -> Path:
    """The directory holding initdb and pg_ctl: PATH, then ``pg_config``, then Debian's."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    if shutil.which("pg_config"):
        result = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidate = Path(result.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    if (BINDIR_FALLBACK / "initdb").exists():
        return BINDIR_FALLBACK
    raise PostgresUnavailable("PostgreSQL 15 binaries (initdb, pg_ctl) are not installed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """One initdb'd cluster: ``start()``, make databases, ``stop()`` removes everything."""

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="benchside-pg-"))
        self.data = self.root / "data"
        self.log_file = self.root / "postgres.log"
        self.port = free_port()
        self._names = itertools.count(1)
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        # initdb and the server refuse to run as root: become postgres.
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}"
                f"{result.stderr}\n{self._log_tail()}"
            )

    def _log_tail(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self, durable: bool = False) -> None:
        """initdb and start the server; raise ``PostgresUnavailable`` with its log if not.

        Not ``durable`` (tests): no fsync, commits return before the WAL is written. A
        ``durable`` cluster (benchmarks) commits as a production server does.
        """
        if self._as_root:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_file), "-o", options,
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop the server (immediately: the data is thrown away) and remove the directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        """A connection URL over the Unix socket (SQLAlchemy form unless ``driver``)."""
        return f"{driver}://{SUPERUSER}@/{database}?host={self.root}&port={self.port}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"host={self.root} port={self.port} user={SUPERUSER} dbname={database}"

    def execute(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        with psycopg.connect(self.conninfo(), autocommit=True) as connection:
            connection.execute(statement)

    def create_template(self, name: str, prepare: Callable[[str], Any]) -> None:
        """Create database ``name``, let ``prepare(url)`` fill it, then mark it a template."""
        self.execute(f'CREATE DATABASE "{name}"')
        prepare(self.url(name))
        self.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')

    def clone(self, template: str) -> str:
        """A new database copied from ``template``; returns its name."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        # FILE_COPY skips WAL-logging every block: with fsync off it is the faster way.
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
