"""Under concurrent pushes the pull cursor never skips a change."""

from __future__ import annotations

import threading

from tests.sync_server import Admin, Changes, enroll

PUSHERS = 4
PUSHES_EACH = 15


def test_pulling_while_stations_push_sees_every_change_exactly_once(
    sync_server: str, server_admin: Admin
) -> None:
    ids = server_admin.shop()
    pushers = [Changes(enroll(sync_server, server_admin, ids.branch_id)) for _ in range(PUSHERS)]
    reader = enroll(sync_server, server_admin, ids.branch_id)
    pushed: list[str] = []
    errors: list[str] = []
    done = threading.Event()

    def push_all(changes: Changes) -> None:
        for _ in range(PUSHES_EACH):
            txn = changes.txn(changes.customer(), changes.customer())
            response = changes.push(txn)
            if response.status_code != 200:
                errors.append(response.text)
            pushed.extend(c["change_id"] for c in txn["changes"])

    threads = [threading.Thread(target=push_all, args=(p,)) for p in pushers]
    for thread in threads:
        thread.start()
    seqs: list[int] = []
    pulled: list[str] = []
    cursor = 0

    def pull_once() -> None:
        nonlocal cursor
        body = reader.get("/v1/pull", since=cursor, limit=7).json()
        seqs.extend(c["seq"] for c in body["changes"])
        pulled.extend(c["change_id"] for c in body["changes"])
        cursor = body["next"]

    while any(t.is_alive() for t in threads):
        pull_once()
    for thread in threads:
        thread.join()
    done.set()
    total = PUSHERS * PUSHES_EACH * 2
    while cursor < total:
        pull_once()
    assert errors == []
    assert seqs == list(range(1, total + 1))
    assert sorted(pulled) == sorted(pushed) and len(set(pulled)) == total
