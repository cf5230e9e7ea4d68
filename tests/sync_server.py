"""Helpers for tests against the real sync server: shop administration straight on its
database (what the CLI does), and a station's HTTP client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
from psycopg.rows import DictRow, dict_row

from desktop.services.database import HEAD_REVISION
from server import admin


def conninfo(pg_url: str) -> str:
    """The libpq form of a ``postgresql+psycopg://`` URL."""
    return pg_url.replace("postgresql+psycopg://", "postgresql://", 1)


@dataclass(frozen=True)
class ShopIds:
    shop_id: uuid.UUID
    branch_id: uuid.UUID


class Admin:
    """The operator: shops, branches, codes, and plain SQL to look at what was stored."""

    def __init__(self, pg_url: str) -> None:
        self.url = conninfo(pg_url)

    @contextmanager
    def db(self) -> Iterator[psycopg.Connection[DictRow]]:
        with psycopg.connect(self.url, row_factory=dict_row) as connection:
            yield connection

    def shop(self, name: str = "Fix-It Corner", branch: str = "Main Street") -> ShopIds:
        with self.db() as db:
            shop_id = admin.create_shop(db, name)
            return ShopIds(shop_id, admin.create_branch(db, shop_id, branch))

    def code(self, branch_id: uuid.UUID, hours: float = 24, station_code: str | None = None) -> str:
        with self.db() as db:
            return admin.issue_enrollment_code(db, branch_id, hours, station_code).code

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.db() as db:
            return db.execute(query, params).fetchall()  # type: ignore[arg-type]

    def scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        rows = self.rows(query, params)
        return next(iter(rows[0].values()))


@dataclass
class StationClient:
    """One enrolled station talking to the server over HTTP."""

    base_url: str
    enrollment: dict[str, Any]
    schema: str = HEAD_REVISION

    @property
    def token(self) -> str:
        return str(self.enrollment["token"])

    @property
    def station_id(self) -> str:
        return str(self.enrollment["station_id"])

    @property
    def code(self) -> str:
        return str(self.enrollment["station_code"])

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Benchside-Schema": self.schema}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(self.base_url + path, params=params, headers=self.headers(), timeout=30)

    def post(self, path: str, body: Any) -> httpx.Response:
        return httpx.post(self.base_url + path, json=body, headers=self.headers(), timeout=60)


def enroll_response(base_url: str, code: str, **body: Any) -> httpx.Response:
    payload = {"code": code, "station_name": "Counter", "station_code": None, "has_data": False}
    payload.update(body)
    return httpx.post(base_url + "/v1/enroll", json=payload, timeout=30)


def enroll(base_url: str, admin_: Admin, branch_id: uuid.UUID, **body: Any) -> StationClient:
    """A freshly enrolled station of ``branch_id``'s shop."""
    response = enroll_response(base_url, admin_.code(branch_id), **body)
    assert response.status_code == 200, response.text
    return StationClient(base_url, response.json())


class Changes:
    """Wire changes as a station's outbox would send them, with clocks that move on."""

    def __init__(self, station: StationClient, start_ms: int = 1_732_364_400_000) -> None:
        self.station = station
        self.ms = start_ms
        self.seq = 0
        self.base_seq = 0
        self.user_id: str | None = None

    def hlc(self) -> str:
        self.ms += 1
        return f"{self.ms:016d}-00000-{self.station.code}"

    def change(self, table: str, row_id: uuid.UUID, op: str, **fields: Any) -> dict[str, Any]:
        return {
            "change_id": str(uuid.uuid4()),
            "txn_id": str(uuid.uuid4()),
            "table": table,
            "row_id": str(row_id),
            "op": op,
            "fields": fields,
            "hlc": self.hlc(),
            "station": self.station.code,
            "user_id": self.user_id,
            "base_seq": self.base_seq,
        }

    def txn(self, *changes: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        txn_id = str(uuid.uuid4())
        return {
            "txn_id": txn_id,
            "station_seq": self.seq,
            "changes": [{**c, "txn_id": txn_id} for c in changes],
        }

    def push(self, *txns: dict[str, Any]) -> httpx.Response:
        return self.station.post(
            "/v1/push", {"station_id": self.station.station_id, "transactions": list(txns)}
        )

    def customer(self, row_id: uuid.UUID | None = None, **fields: Any) -> dict[str, Any]:
        values = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
        values.update(fields)
        return self.change("customers", row_id or uuid.uuid4(), "insert", **values)
