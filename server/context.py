"""What every request handler gets: the database engine, the settings, and the caller."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from fastapi import Request
from psycopg.rows import DictRow
from sqlalchemy import Engine

from server.db import connect
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


def database(request: Request) -> Iterator[psycopg.Connection[DictRow]]:
    """FastAPI dependency: one pooled connection in one transaction for the request."""
    with connect(engine_of(request)) as db:
        yield db
