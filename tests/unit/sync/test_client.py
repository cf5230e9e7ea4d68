"""The sync client maps HTTP answers to typed errors and frozen results (httpx's own
MockTransport stands in for the network; the real server is tested elsewhere)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from desktop.services.errors import SyncError
from desktop.sync.client import (
    ResyncRequired,
    SchemaTooNew,
    SchemaTooOld,
    SequenceGap,
    SyncAuthError,
    SyncClient,
    SyncOffline,
    SyncServerError,
)

STATION = uuid.UUID("01932b5e-0000-7000-8000-000000000001")
SHOP = uuid.UUID("01932b5e-0000-7000-8000-000000000002")
BRANCH = uuid.UUID("01932b5e-0000-7000-8000-000000000003")
TXN = uuid.UUID("01932b5e-0000-7000-8000-000000000004")


def _client(handler: Callable[[httpx.Request], httpx.Response], token: str | None = "tok"):
    return SyncClient(
        "http://sync.test/base/", token, schema="0014_sync", transport=httpx.MockTransport(handler)
    )


def _answer(status: int, body: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body)


def _error(status: int, code: str, detail: str = "", **extra: Any):
    return _answer(status, {"detail": detail, "code": code, **extra})


@pytest.mark.parametrize(
    ("handler", "error", "words"),
    [
        (_error(401, "token_revoked", "This station was removed."), SyncAuthError, "again"),
        (_error(426, "schema_too_old"), SchemaTooOld, "update Benchside on this PC"),
        (_error(409, "schema_too_new"), SchemaTooNew, "server"),
        (_error(409, "resync_required", "Load the shop again."), ResyncRequired, "again"),
        (_error(502, "bad_gateway"), SyncOffline, "not available"),
        (_error(503, "unavailable"), SyncOffline, "not available"),
        (_error(504, "timeout"), SyncOffline, "not available"),
        (_error(400, "invalid_code", "That enrollment code is wrong."), SyncServerError, "wrong"),
        (_error(413, "too_large"), SyncServerError, "too large"),
        (_answer(500, "<html>oops</html>"), SyncServerError, "(500)"),
    ],
)
def test_http_errors_become_typed_sync_errors(handler, error, words) -> None:
    with _client(handler) as client, pytest.raises(error) as raised:
        client.status()
    assert isinstance(raised.value, SyncError)
    assert words in str(raised.value)


def test_sequence_gap_carries_the_expected_transaction_number() -> None:
    handler = _error(409, "sequence_gap", "Send 7 first.", expected=7)
    with _client(handler) as client, pytest.raises(SequenceGap) as raised:
        client.push(STATION, [])
    assert raised.value.expected == 7


def test_server_error_keeps_the_servers_detail_and_code() -> None:
    handler = _error(409, "station_code_taken", "Station code B is taken in this shop.")
    with _client(handler) as client, pytest.raises(SyncServerError) as raised:
        client.enroll("ABC-123", "Counter", "B", True)
    assert (raised.value.detail, raised.value.status, raised.value.code) == (
        "Station code B is taken in this shop.",
        409,
        "station_code_taken",
    )


def test_unreachable_server_is_offline() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with _client(refuse) as client, pytest.raises(SyncOffline):
        client.health()


def test_timeout_is_offline() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with _client(slow) as client, pytest.raises(SyncOffline, match="in time"):
        client.pull(0)


def test_answer_missing_fields_is_a_server_error() -> None:
    with _client(_answer(200, {"changes": []})) as client, pytest.raises(SyncServerError):
        client.pull(0)


def test_calls_without_a_token_ask_to_enroll() -> None:
    calls: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={})

    with _client(record, token=None) as client, pytest.raises(SyncAuthError):
        client.status()
    assert calls == []


def test_requests_carry_the_token_schema_and_base_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={"changes": [{"change_id": "c", "seq": 5}], "next": 5, "has_more": True}
            | {"head": 9, "chain": "ab" * 16},
        )

    with _client(handler) as client:
        page = client.pull(4, limit=1, chain="cd" * 16)
    assert page.changes == ({"change_id": "c", "seq": 5},)
    assert (page.next, page.has_more, page.head, page.chain) == (5, True, 9, "ab" * 16)
    request = seen[0]
    assert request.url.path == "/base/v1/pull"
    assert dict(request.url.params) == {"since": "4", "limit": "1", "chain": "cd" * 16}
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers["Benchside-Schema"] == "0014_sync"


def test_enroll_sends_the_station_facts_without_a_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "station_id": str(STATION),
                "station_code": "B",
                "token": "secret",
                "shop_id": str(SHOP),
                "shop_name": "Fix-It Corner",
                "branch_id": str(BRANCH),
                "branch_name": "Downtown",
                "shop_has_data": True,
            },
        )

    with _client(handler, token=None) as client:
        enrollment = client.enroll(" ABC-123 ", "Counter", None, False)
    assert (enrollment.station_id, enrollment.station_code, enrollment.token) == (
        STATION,
        "B",
        "secret",
    )
    assert (enrollment.shop_name, enrollment.branch_name, enrollment.shop_has_data) == (
        "Fix-It Corner",
        "Downtown",
        True,
    )
    assert "Authorization" not in seen[0].headers
    assert json.loads(seen[0].content) == {
        "code": "ABC-123",
        "station_name": "Counter",
        "station_code": None,
        "has_data": False,
    }


@dataclass(frozen=True)
class _Change:
    row: str

    def to_json(self) -> dict[str, Any]:
        return {"row_id": self.row}


@dataclass(frozen=True)
class _Txn:
    txn_id: uuid.UUID
    station_seq: int
    changes: tuple[_Change, ...]


def test_push_sends_transactions_in_order_and_reads_each_result() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(
            200,
            json={
                "results": [
                    {"txn_id": str(TXN), "station_seq": 3, "status": "rejected", "reason": "No."}
                ],
                "last_station_seq": 3,
                "head": 40,
            },
        )

    with _client(handler) as client:
        result = client.push(STATION, [_Txn(TXN, 3, (_Change("r1"), _Change("r2")))])
    assert seen == [
        {
            "station_id": str(STATION),
            "transactions": [
                {
                    "txn_id": str(TXN),
                    "station_seq": 3,
                    "changes": [{"row_id": "r1"}, {"row_id": "r2"}],
                }
            ],
        }
    ]
    assert [(r.txn_id, r.status, r.reason) for r in result.results] == [(TXN, "rejected", "No.")]
    assert (result.last_station_seq, result.head) == (3, 40)


def test_bootstrap_pages_end_with_no_next_after() -> None:
    answers = iter(
        [
            {"cursor": 12, "chain": "ef" * 16, "tables": ["shop_profile", "stations"]},
            {"rows": [{"id": str(SHOP), "fields": {}, "clocks": {}}], "next_after": str(SHOP)},
            {"rows": [], "next_after": None},
        ]
    )
    with _client(lambda request: httpx.Response(200, json=next(answers))) as client:
        start = client.bootstrap_start()
        first = client.bootstrap_rows("shop_profile")
        last = client.bootstrap_rows("shop_profile", after=first.next_after)
    assert (start.cursor, start.chain) == (12, "ef" * 16)
    assert start.tables == ("shop_profile", "stations")
    assert first.next_after == SHOP
    assert (last.rows, last.next_after) == ((), None)


def test_health_reports_the_server_version_and_schema() -> None:
    handler = _answer(200, {"status": "ok", "version": "0.1.0", "schema": "0014_sync"})
    with _client(handler, token=None) as client:
        health = client.health()
    assert (health.status, health.version, health.schema) == ("ok", "0.1.0", "0014_sync")


def test_invalid_server_address_is_a_server_error_not_offline() -> None:
    client = SyncClient("ftp://sync.test", "tok")
    with pytest.raises(SyncServerError, match="not a valid"):
        client.health()
    client.close()
