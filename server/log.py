"""The shop's change log as stations read it: where it stands, and whether a station's
cursor is still in it."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import DictRow

from server.errors import ApiError

Db = psycopg.Connection[DictRow]


def shop_position(db: Db, shop_id: uuid.UUID) -> dict[str, Any]:
    """``head`` (last seq), ``floor`` (oldest seq a station may stand on) and the log's
    fingerprints (``chain``) at both."""
    row = db.execute(
        "SELECT next_seq, min_seq, chain, floor_chain FROM srv_shops WHERE id = %s", (shop_id,)
    ).fetchone()
    assert row is not None
    return {
        "head": int(row["next_seq"]) - 1,
        "floor": int(row["min_seq"]) - 1,
        "chain": bytes(row["chain"]),
        "floor_chain": bytes(row["floor_chain"]),
    }


def require_in_log(
    db: Db, shop_id: uuid.UUID, since: int, chain: str | None, position: dict[str, Any]
) -> None:
    """Raise 409 ``resync_required`` when ``since`` is below the trimmed floor or above the
    head, or when the log up to ``since`` is not the one the station read (``chain``, its
    fingerprint there, differs): the server was restored from an older backup and other
    changes took the numbers the station had read past."""
    if since < position["floor"]:
        raise ApiError(
            409, "resync_required",
            "This PC was offline longer than the server keeps changes: it must download "
            "the shop again. Its own unsent changes are sent first.",
        )  # fmt: skip
    if since > position["head"]:
        raise ApiError(
            409, "resync_required",
            "The sync server has fewer changes than this PC has seen (it was restored from "
            "a backup): this PC must download the shop again.",
        )  # fmt: skip
    if chain is not None and since > 0 and chain != _chain_at(db, shop_id, since, position):
        raise ApiError(
            409, "resync_required",
            "The sync server's history differs from what this PC has seen (it was restored "
            "from a backup): this PC must download the shop again.",
        )  # fmt: skip


def _chain_at(db: Db, shop_id: uuid.UUID, seq: int, position: dict[str, Any]) -> str | None:
    """The log's fingerprint at ``seq``; None when the log has no such change."""
    if seq == position["floor"]:
        return str(position["floor_chain"].hex())
    row = db.execute(
        "SELECT chain FROM srv_change_log WHERE shop_id = %s AND seq = %s", (shop_id, seq)
    ).fetchone()
    return None if row is None else str(bytes(row["chain"]).hex())


def repeatable_read(db: Db) -> None:
    """One snapshot for the rest of the transaction (must be its first statement), so the
    head and the rows read agree."""
    db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
