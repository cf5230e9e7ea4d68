"""``POST /v1/enroll`` (one-time code -> token) and ``GET /v1/status`` (test connection)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from server.auth import CurrentStation
from server.context import engine_of, settings_of
from server.db import connect
from server.enrollment import EnrollRequest, enroll, station_status

router = APIRouter(prefix="/v1")


class EnrollBody(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    station_name: str = Field(min_length=1, max_length=200)
    station_code: str | None = Field(default=None, max_length=8)
    has_data: bool = False


@router.post("/enroll")
def post_enroll(body: EnrollBody, request: Request) -> dict[str, Any]:
    wanted = EnrollRequest(body.code, body.station_name.strip(), body.station_code, body.has_data)
    # Committed before answering, so the token handed out is already valid.
    with connect(engine_of(request)) as db:
        return enroll(db, wanted, settings_of(request).token_days)


@router.get("/status")
def get_status(station: CurrentStation, request: Request) -> dict[str, Any]:
    with connect(engine_of(request)) as db:
        return station_status(db, station.id)
