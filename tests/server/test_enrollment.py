"""Enrolling stations with one-time codes, over HTTP against the real server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.sync_server import Admin, enroll, enroll_response


def test_a_code_enrolls_one_station_and_only_once(sync_server: str, server_admin: Admin) -> None:
    ids = server_admin.shop("Fix-It Corner", "Main Street")
    code = server_admin.code(ids.branch_id)
    first = enroll_response(sync_server, code.lower(), station_name="Front counter")
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["station_code"] == "A"
    assert body["shop_name"] == "Fix-It Corner" and body["branch_name"] == "Main Street"
    assert body["shop_id"] == str(ids.shop_id) and body["shop_has_data"] is False
    stored = server_admin.rows("SELECT token_hash, name FROM srv_stations")
    assert stored == [{"token_hash": stored[0]["token_hash"], "name": "Front counter"}]
    assert body["token"] not in stored[0]["token_hash"]
    again = enroll_response(sync_server, code)
    assert again.status_code == 400
    assert again.json()["code"] == "code_used"
    assert server_admin.scalar("SELECT count(*) FROM srv_stations") == 1


def test_expired_and_unknown_codes_are_refused(sync_server: str, server_admin: Admin) -> None:
    ids = server_admin.shop()
    code = server_admin.code(ids.branch_id)
    with server_admin.db() as db:
        db.execute(
            "UPDATE srv_enrollment_codes SET expires_at = %s",
            (datetime.now(UTC) - timedelta(seconds=1),),
        )
    expired = enroll_response(sync_server, code)
    assert (expired.status_code, expired.json()["code"]) == (400, "code_expired")
    unknown = enroll_response(sync_server, "ABCDE-FGHJK")
    assert unknown.status_code == 400
    assert unknown.json() == {"detail": unknown.json()["detail"], "code": "invalid_code"}
    assert server_admin.scalar("SELECT count(*) FROM srv_stations") == 0


def test_station_codes_are_unique_within_a_shop(sync_server: str, server_admin: Admin) -> None:
    ids = server_admin.shop()
    a = enroll(sync_server, server_admin, ids.branch_id)
    b = enroll(sync_server, server_admin, ids.branch_id, station_code="A")
    assert (a.code, b.code) == ("A", "B")
    reserved = enroll_response(sync_server, server_admin.code(ids.branch_id, station_code="K"))
    assert reserved.json()["station_code"] == "K"
    # Another shop starts again at A.
    other = server_admin.shop("Other Shop")
    assert enroll(sync_server, server_admin, other.branch_id).code == "A"


def test_station_with_data_under_a_taken_code_is_refused_and_the_code_kept(
    sync_server: str, server_admin: Admin
) -> None:
    ids = server_admin.shop()
    enroll(sync_server, server_admin, ids.branch_id)
    code = server_admin.code(ids.branch_id)
    taken = enroll_response(sync_server, code, station_code="A", has_data=True)
    assert (taken.status_code, taken.json()["code"]) == (409, "station_code_taken")
    # The refused attempt did not use the code up.
    kept = enroll_response(sync_server, code, station_code="C", has_data=True)
    assert kept.status_code == 200 and kept.json()["station_code"] == "C"
