"""``GET /health``: the server is up, its version and the desktop schema it mirrors."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from desktop.services.database import HEAD_REVISION

router = APIRouter()


def _version() -> str:
    try:
        return version("benchside")
    except PackageNotFoundError:
        return "unknown"


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": _version(), "schema": HEAD_REVISION}
