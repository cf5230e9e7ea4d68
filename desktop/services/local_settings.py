"""Station-local key/value settings (printers, scanner): never synced, one row per key."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.models import LocalSetting


def read_local(session: Session, key: str) -> str | None:
    row = session.get(LocalSetting, key)
    return row.value if row is not None else None


def write_local(session: Session, key: str, value: str) -> None:
    """Insert or replace the setting inside the caller's transaction."""
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value
