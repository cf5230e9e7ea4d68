"""What every request handler gets: the database engine, the settings, and the caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine

from server.settings import Settings


@dataclass(frozen=True)
class Station:
    """The authenticated station and its tenant; every query is scoped by ``shop_id``."""

    id: uuid.UUID
    shop_id: uuid.UUID
    branch_id: uuid.UUID
    code: str
    name: str


def settings_of(request: Request) -> Settings:
    settings = request.app.state.settings
    assert isinstance(settings, Settings)
    return settings


def engine_of(request: Request) -> Engine:
    engine = request.app.state.engine
    assert isinstance(engine, Engine)
    return engine
