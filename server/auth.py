"""The bearer token -> station -> shop, and the station's schema revision, on every /v1 call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated

from fastapi import Depends, Header, Request

from desktop.services.database import HEAD_REVISION, known_revisions
from server.context import Station, engine_of
from server.db import connect
from server.errors import ApiError
from server.tokens import digest

SCHEMA_HEADER = "Benchside-Schema"
# Recording "last seen" on every pull would write a row per request; once a minute will do.
SEEN_EVERY = timedelta(minutes=1)


@cache
def _older_revisions() -> frozenset[str]:
    return frozenset(known_revisions() - {HEAD_REVISION})


def check_schema(revision: str | None) -> None:
    """Accept only the desktop schema this server mirrors; raise 426 for an older station
    (it keeps its outbox until updated), 409 for a newer one (the server needs updating)."""
    if revision == HEAD_REVISION:
        return
    if revision is None or revision in _older_revisions():
        raise ApiError(
            426, "schema_too_old",
            "This PC runs an older Benchside than the sync server: update Benchside on this "
            "PC. Its changes are kept and will be sent after the update.",
        )  # fmt: skip
    raise ApiError(
        409, "schema_too_new",
        "This PC runs a newer Benchside than the sync server: the server needs an update. "
        "Changes are kept on this PC until then.",
    )  # fmt: skip


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "invalid_token", "This PC is not enrolled with the sync server.")
    return token.strip()


def authenticate(token: str, request: Request) -> Station:
    """The station holding ``token``; raises 401 ``invalid_token`` / ``token_expired`` /
    ``token_revoked``."""
    now = datetime.now(UTC)
    with connect(engine_of(request)) as db:
        row = db.execute(
            "SELECT id, shop_id, branch_id, code, name, token_expires_at, revoked_at, "
            "last_seen_at FROM srv_stations WHERE token_hash = %s",
            (digest(token),),
        ).fetchone()
        if row is None:
            raise ApiError(401, "invalid_token", "The sync server does not know this PC's key.")
        if row["revoked_at"] is not None:
            raise ApiError(
                401, "token_revoked",
                "This PC was removed from the shop on the sync server; enroll it again.",
            )  # fmt: skip
        if row["token_expires_at"] is not None and row["token_expires_at"] <= now:
            raise ApiError(401, "token_expired", "This PC's sync key has expired; enroll again.")
        if row["last_seen_at"] is None or row["last_seen_at"] < now - SEEN_EVERY:
            db.execute(
                "UPDATE srv_stations SET last_seen_at = %s, schema = %s WHERE id = %s",
                (now, HEAD_REVISION, row["id"]),
            )
    return Station(row["id"], row["shop_id"], row["branch_id"], row["code"], row["name"])


def current_station(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    benchside_schema: Annotated[str | None, Header(alias=SCHEMA_HEADER)] = None,
) -> Station:
    """FastAPI dependency for every /v1 call except enrollment."""
    station = authenticate(_bearer(authorization), request)
    check_schema(benchside_schema)
    return station


CurrentStation = Annotated[Station, Depends(current_station)]
