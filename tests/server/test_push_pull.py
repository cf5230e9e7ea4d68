"""Pushing station transactions and pulling them at other stations, over HTTP."""

from __future__ import annotations

import uuid

from tests.sync_server import Admin, Changes, StationClient, enroll


def _two_stations(sync_server: str, server_admin: Admin) -> tuple[Changes, Changes]:
    ids = server_admin.shop()
    a = enroll(sync_server, server_admin, ids.branch_id)
    b = enroll(sync_server, server_admin, ids.branch_id)
    first, second = Changes(a), Changes(b, start_ms=1_732_364_400_500)
    # Updates and deletes need a signed-in user on the station.
    first.user_id = second.user_id = str(uuid.uuid4())
    return first, second


def _pull(station: StationClient, since: int = 0) -> dict:  # type: ignore[type-arg]
    response = station.get("/v1/pull", since=since)
    assert response.status_code == 200, response.text
    return response.json()


def test_pushed_insert_is_stored_logged_and_pulled_by_the_other_station(
    sync_server: str, server_admin: Admin
) -> None:
    a, b = _two_stations(sync_server, server_admin)
    row_id = uuid.uuid4()
    response = a.push(a.txn(a.customer(row_id, first_name="Ada")))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["results"][0]["status"] == "applied"
    assert body["last_station_seq"] == 1 and body["head"] == 1
    mirrored = server_admin.rows(
        "SELECT shop_id, first_name FROM customers WHERE id = %s", [row_id]
    )
    assert [r["first_name"] for r in mirrored] == ["Ada"]
    pulled = _pull(b.station)
    assert [c["row_id"] for c in pulled["changes"]] == [str(row_id)]
    assert pulled["changes"][0]["seq"] == 1 and pulled["next"] == 1
    assert pulled["has_more"] is False and pulled["head"] == 1
    # The pushing station does not get its own change back, but its cursor moves.
    own = _pull(a.station)
    assert own["changes"] == [] and own["next"] == 1


def test_resent_transactions_are_duplicates_and_a_gap_is_refused(
    sync_server: str, server_admin: Admin
) -> None:
    a, _ = _two_stations(sync_server, server_admin)
    first = a.txn(a.customer())
    assert a.push(first).json()["results"][0]["status"] == "applied"
    second = a.txn(a.customer())
    again = a.push(first, second).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "applied"]
    a.seq += 1  # skip one
    skipped = a.txn(a.customer())
    gap = a.push(skipped)
    assert gap.status_code == 409
    assert gap.json()["code"] == "sequence_gap" and gap.json()["expected"] == 3
    assert server_admin.scalar("SELECT count(*) FROM customers") == 2
    assert server_admin.scalar("SELECT count(*) FROM srv_change_log") == 2


def test_a_rejected_transaction_is_stored_and_does_not_block_the_next(
    sync_server: str, server_admin: Admin
) -> None:
    a, _ = _two_stations(sync_server, server_admin)
    bad_table = a.txn(a.change("no_such_table", uuid.uuid4(), "insert", x=1))
    bad_field = a.txn(a.customer(shoe_size=44))
    good = a.txn(a.customer(first_name="Grace"))
    body = a.push(bad_table, bad_field, good).json()
    assert [r["status"] for r in body["results"]] == ["rejected", "rejected", "applied"]
    assert "no_such_table" in body["results"][0]["reason"]
    assert "shoe_size" in body["results"][1]["reason"]
    assert body["last_station_seq"] == 3
    stored = server_admin.rows("SELECT station_seq, reason FROM srv_rejections ORDER BY 1")
    assert [r["station_seq"] for r in stored] == [1, 2]
    assert server_admin.scalar("SELECT first_name FROM customers") == "Grace"


def test_a_refused_transaction_comes_back_with_the_rows_as_the_server_has_them(
    sync_server: str, server_admin: Admin
) -> None:
    """The station undoes a refused transaction with the server's rows: current values
    and clocks, "absent" for a row the server never had, "deleted" with its clock."""
    a, _ = _two_stations(sync_server, server_admin)
    kept, gone, new = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    a.push(a.txn(a.customer(kept, first_name="Grace"), a.customer(gone)))
    delete = a.change("customers", gone, "delete")
    a.push(a.txn(delete))
    bad = a.change("customers", new, "update", shoe_size=44)
    refused = a.txn(
        a.change("customers", kept, "update", first_name="Mallory"),
        a.change("customers", gone, "update", first_name="Eve"),
        a.customer(new),
        bad,
    )
    (result,) = a.push(refused).json()["results"]
    assert result["status"] == "rejected"
    current = {row["id"]: row for row in result["current"]}
    # The fields the refused changes wrote, with the row's clocks.
    assert current[str(kept)]["state"] == "row"
    assert current[str(kept)]["fields"] == {"first_name": "Grace"}
    assert set(current[str(kept)]["clocks"]) == {"*"}
    assert current[str(gone)] == {
        "table": "customers", "id": str(gone), "state": "deleted", "hlc": delete["hlc"]
    }  # fmt: skip
    assert current[str(new)] == {"table": "customers", "id": str(new), "state": "absent"}
    # A refused delete needs the whole row back.
    (whole,) = a.push(a.txn(a.change("customers", kept, "delete"), bad)).json()["results"]
    (row,) = [r for r in whole["current"] if r["id"] == str(kept)]
    assert row["fields"]["first_name"] == "Grace" and row["fields"]["email"] == "ada@example.com"
    # Its answer was lost: sent again, it is refused again, with the rows again.
    (again,) = a.push(refused).json()["results"]
    assert (again["status"], again["reason"]) == ("rejected", result["reason"])
    assert again["current"] == result["current"]


def test_a_station_never_reads_or_writes_another_shop(
    sync_server: str, server_admin: Admin
) -> None:
    a, _ = _two_stations(sync_server, server_admin)
    other_shop = server_admin.shop("Other Shop")
    x = Changes(enroll(sync_server, server_admin, other_shop.branch_id))
    same_id = uuid.uuid4()
    assert a.push(a.txn(a.customer(same_id, first_name="Ada"))).status_code == 200
    assert x.push(x.txn(x.customer(same_id, first_name="Xena"))).status_code == 200
    names = server_admin.rows(
        "SELECT first_name FROM customers WHERE id = %s ORDER BY 1", [same_id]
    )
    assert [r["first_name"] for r in names] == ["Ada", "Xena"]
    assert [c["fields"]["first_name"] for c in _pull(x.station)["changes"]] == []
    start = x.station.get("/v1/bootstrap").json()
    assert start["cursor"] == 1
    page = x.station.get("/v1/bootstrap/rows", table="customers").json()
    assert [r["fields"]["first_name"] for r in page["rows"]] == ["Xena"]
    # A push naming another shop's station is refused outright.
    forged = x.station.post(
        "/v1/push", {"station_id": a.station.station_id, "transactions": [x.txn(x.customer())]}
    )
    assert (forged.status_code, forged.json()["code"]) == (403, "wrong_station")
    # A refused transaction touching a row id only the other shop holds comes back
    # "absent": the answer never shows another shop's row.
    only_a = uuid.uuid4()
    a.push(a.txn(a.customer(only_a, first_name="Ada's own")))
    x.seq -= 1  # the forged push's number never reached the server
    (refused,) = x.push(x.txn(x.change("customers", only_a, "update", shoe_size=1))).json()[
        "results"
    ]
    assert refused["status"] == "rejected"
    assert refused["current"] == [{"table": "customers", "id": str(only_a), "state": "absent"}]


def test_delete_wins_over_a_later_update_and_is_bootstrapped_as_a_tombstone(
    sync_server: str, server_admin: Admin
) -> None:
    a, b = _two_stations(sync_server, server_admin)
    row_id = uuid.uuid4()
    a.push(a.txn(a.customer(row_id)))
    assert a.push(a.txn(a.change("customers", row_id, "delete"))).status_code == 200
    late = b.push(b.txn(b.change("customers", row_id, "update", first_name="Back")))
    assert late.json()["results"][0]["status"] == "applied"
    assert server_admin.scalar("SELECT count(*) FROM customers") == 0
    page = b.station.get("/v1/bootstrap/rows", table="_tombstones").json()
    assert [(r["id"], r["table"]) for r in page["rows"]] == [(str(row_id), "customers")]


def test_pull_outside_the_kept_log_requires_a_resync(sync_server: str, server_admin: Admin) -> None:
    a, b = _two_stations(sync_server, server_admin)
    for _ in range(3):
        a.push(a.txn(a.customer()))
    beyond = b.station.get("/v1/pull", since=4)
    assert (beyond.status_code, beyond.json()["code"]) == (409, "resync_required")
    from server.admin import trim_log

    with server_admin.db() as db:
        shop_id = db.execute("SELECT id FROM srv_shops").fetchone()["id"]  # type: ignore[index]
        trim_log(db, shop_id, keep=1)
    behind = b.station.get("/v1/pull", since=1)
    assert (behind.status_code, behind.json()["code"]) == (409, "resync_required")
    assert [c["seq"] for c in _pull(b.station, since=2)["changes"]] == [3]


def test_a_pull_from_a_history_the_server_no_longer_has_requires_a_resync(
    sync_server: str, server_admin: Admin
) -> None:
    """The station sends the log's fingerprint at its cursor; a server whose log up to
    there is another one (restored from a backup, refilled since) sends it back."""
    a, b = _two_stations(sync_server, server_admin)
    for _ in range(3):
        a.push(a.txn(a.customer()))
    chains = [""]
    for since in range(3):
        page = b.station.get("/v1/pull", since=since, limit=1).json()
        chains.append(page["chain"])
    assert len(set(chains)) == 4 and all(len(chain) == 32 for chain in chains[1:])
    ok = b.station.get("/v1/pull", since=2, chain=chains[2])
    assert ok.status_code == 200 and ok.json()["chain"] == chains[3]
    other = b.station.get("/v1/pull", since=2, chain=chains[1])
    assert (other.status_code, other.json()["code"]) == (409, "resync_required")
    malformed = b.station.get("/v1/pull", since=2, chain="not a fingerprint")
    assert malformed.status_code == 422
    from server.admin import trim_log

    with server_admin.db() as db:
        shop_id = db.execute("SELECT id FROM srv_shops").fetchone()["id"]  # type: ignore[index]
        trim_log(db, shop_id, keep=1)
    # The change at the floor is gone; its fingerprint is kept.
    assert b.station.get("/v1/pull", since=2, chain=chains[2]).status_code == 200
    at_floor = b.station.get("/v1/pull", since=2, chain=chains[3])
    assert (at_floor.status_code, at_floor.json()["code"]) == (409, "resync_required")
    bootstrap = b.station.get("/v1/bootstrap").json()
    assert (bootstrap["cursor"], bootstrap["chain"]) == (3, chains[3])


def test_oversized_and_malformed_pushes_write_nothing(
    sync_server: str, server_admin: Admin
) -> None:
    a, _ = _two_stations(sync_server, server_admin)
    too_many = a.push(*[a.txn(a.customer()) for _ in range(1001)])
    assert (too_many.status_code, too_many.json()["code"]) == (413, "too_large")
    malformed = a.station.post("/v1/push", {"station_id": a.station.station_id, "transactions": 5})
    assert malformed.status_code == 422 and isinstance(malformed.json()["detail"], str)
    assert server_admin.scalar("SELECT count(*) FROM srv_change_log") == 0
    assert server_admin.scalar("SELECT last_station_seq FROM srv_stations WHERE code = 'A'") == 0
