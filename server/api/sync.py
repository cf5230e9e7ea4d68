"""``POST /v1/push``, ``GET /v1/pull`` and ``GET /v1/bootstrap[/rows]``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from server import bootstrap, pull, push
from server.auth import CurrentStation
from server.context import engine_of
from server.db import connect

router = APIRouter(prefix="/v1")


@router.post("/push", response_model=None)
def post_push(
    body: push.PushBody, station: CurrentStation, request: Request
) -> dict[str, Any] | JSONResponse:
    # Committed before answering: a station told "applied" must find it applied.
    with connect(engine_of(request)) as db:
        outcome = push.push(db, station, body)
    if outcome.expected is not None:
        return JSONResponse(push.gap_answer(outcome), status_code=409)
    return outcome.answer()


@router.get("/pull")
def get_pull(
    station: CurrentStation,
    request: Request,
    since: Annotated[int, Query(ge=0)],
    limit: Annotated[int, Query(ge=1, le=pull.MAX_LIMIT)] = 1000,
    chain: Annotated[str | None, Query(pattern="^([0-9a-f]{32})?$")] = None,
) -> Response:
    with connect(engine_of(request)) as db:
        body = pull.pull(db, station, since, limit, chain or None)
    return Response(body, media_type="application/json")


@router.get("/bootstrap")
def get_bootstrap(station: CurrentStation, request: Request) -> dict[str, Any]:
    with connect(engine_of(request)) as db:
        return bootstrap.start(db, station)


@router.get("/bootstrap/rows")
def get_bootstrap_rows(
    station: CurrentStation,
    request: Request,
    table: Annotated[str, Query(max_length=64)],
    after: Annotated[str, Query(max_length=36)] = "",
    limit: Annotated[int, Query(ge=1, le=bootstrap.MAX_ROWS)] = 1000,
) -> dict[str, Any]:
    after_id = _uuid_or_none(after)
    with connect(engine_of(request)) as db:
        return bootstrap.rows_page(db, station, table, after_id, limit)


def _uuid_or_none(text: str) -> uuid.UUID | None:
    from server.errors import ApiError

    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ApiError(422, "invalid_request", "after must be a row id or empty.") from None
