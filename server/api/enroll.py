"""``POST /v1/enroll`` (one-time code -> token) and ``GET /v1/status`` (test connection)."""

from __future__ import annotations

from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, Request
from psycopg.rows import DictRow
from pydantic import BaseModel, Field

from server.auth import CurrentStation
from server.context import database, settings_of
from server.enrollment import EnrollRequest, enroll, station_status

router = APIRouter(prefix="/v1")
Db = Annotated[psycopg.Connection[DictRow], Depends(database)]


class EnrollBody(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    station_name: str = Field(min_length=1, max_length=200)
    station_code: str | None = Field(default=None, max_length=8)
    has_data: bool = False


@router.post("/enroll")
def post_enroll(body: EnrollBody, request: Request, db: Db) -> dict[str, Any]:
    settings = settings_of(request)
    return enroll(
        db,
        EnrollRequest(body.code, body.station_name.strip(), body.station_code, body.has_data),
        settings.token_days,
    )


@router.get("/status")
def get_status(station: CurrentStation, db: Db) -> dict[str, Any]:
    return station_status(db, station.id)
