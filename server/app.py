"""The FastAPI application: ``create_app(settings)`` wires routers, limits and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from server.api import enroll, health, sync
from server.bodylimit import BodyLimitMiddleware
from server.db import create_db_engine
from server.errors import install_error_handlers
from server.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    """The sync server for ``settings``; the database pool opens with the app's lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_db_engine(settings.sqlalchemy_url, settings.db_pool_size)
        try:
            yield
        finally:
            app.state.engine.dispose()

    app = FastAPI(title="Benchside sync server", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.add_middleware(BodyLimitMiddleware, limit=settings.body_limit)
    install_error_handlers(app)
    for module in (health, enroll, sync):
        app.include_router(module.router)
    return app
