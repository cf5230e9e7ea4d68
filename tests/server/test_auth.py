"""Station tokens, the schema header and the one error shape."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import httpx

from server.admin import revoke_station
from tests.sync_server import Admin, StationClient, enroll


def _station(sync_server: str, server_admin: Admin) -> StationClient:
    return enroll(sync_server, server_admin, server_admin.shop().branch_id)


def test_status_answers_an_enrolled_station(sync_server: str, server_admin: Admin) -> None:
    station = _station(sync_server, server_admin)
    response = station.get("/v1/status")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["station_id"] == station.station_id and body["station_code"] == "A"
    assert body["shop_name"] == "Fix-It Corner" and body["branch_name"] == "Main Street"
    assert body["head"] == 0 and body["last_station_seq"] == 0


def test_wrong_missing_expired_and_revoked_tokens_get_401(
    sync_server: str, server_admin: Admin
) -> None:
    station = _station(sync_server, server_admin)
    wrong = httpx.get(
        sync_server + "/v1/status",
        headers={**station.headers(), "Authorization": "Bearer not-a-token"},
    )
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_token")
    missing = httpx.get(sync_server + "/v1/status")
    assert (missing.status_code, missing.json()["code"]) == (401, "invalid_token")
    with server_admin.db() as db:
        db.execute(
            "UPDATE srv_stations SET token_expires_at = %s",
            (datetime.now(UTC) - timedelta(minutes=1),),
        )
    expired = station.get("/v1/status")
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")
    with server_admin.db() as db:
        db.execute("UPDATE srv_stations SET token_expires_at = NULL")
        revoke_station(db, station.enrollment["station_id"])
    revoked = station.get("/v1/status")
    assert (revoked.status_code, revoked.json()["code"]) == (401, "token_revoked")


def test_older_schema_gets_426_and_newer_gets_409(sync_server: str, server_admin: Admin) -> None:
    station = _station(sync_server, server_admin)
    station.schema = "0012_sales"
    old = station.get("/v1/status")
    assert (old.status_code, old.json()["code"]) == (426, "schema_too_old")
    assert "update Benchside on this PC" in old.json()["detail"]
    station.schema = "0099_from_the_future"
    new = station.get("/v1/status")
    assert (new.status_code, new.json()["code"]) == (409, "schema_too_new")
    assert "server needs an update" in new.json()["detail"]


def test_health_names_the_schema_and_unknown_paths_keep_the_error_shape(
    sync_server: str,
) -> None:
    health = httpx.get(sync_server + "/health").json()
    assert health["status"] == "ok" and health["schema"].startswith("00")
    missing = httpx.get(sync_server + "/v1/nothing-here")
    assert missing.status_code == 404 and set(missing.json()) == {"detail", "code"}
    assert missing.json()["code"] == "not_found"
    wrong_method = httpx.delete(sync_server + "/health")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")


def test_malformed_enrollment_is_a_422_with_a_sentence(sync_server: str) -> None:
    response = httpx.post(sync_server + "/v1/enroll", json={"code": 5})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert isinstance(response.json()["detail"], str)
    not_json = httpx.post(
        sync_server + "/v1/enroll", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert (not_json.status_code, not_json.json()["code"]) == (422, "invalid_request")


def test_body_over_the_limit_is_refused_with_413_before_parsing(sync_server: str) -> None:
    huge = b'{"code": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    declared = httpx.post(
        sync_server + "/v1/enroll", content=huge, headers={"content-type": "application/json"}
    )
    assert (declared.status_code, declared.json()["code"]) == (413, "too_large")

    def chunks() -> object:
        for _ in range(17):
            yield b" " * (1024 * 1024)

    streamed = httpx.post(sync_server + "/v1/enroll", content=chunks())  # type: ignore[arg-type]
    assert (streamed.status_code, streamed.json()["code"]) == (413, "too_large")


def test_a_client_waiting_to_be_told_to_send_is_refused_before_it_sends(
    sync_server: str,
) -> None:
    url = httpx.URL(sync_server)
    with socket.create_connection((url.host, url.port), timeout=10) as connection:
        connection.sendall(
            b"POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\nExpect: 100-continue\r\n\r\n"
        )
        answer = b""
        while chunk := connection.recv(4096):  # the server closes after its answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413") and b"too_large" in answer
