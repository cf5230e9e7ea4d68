"""Server settings: defaults, then an optional TOML file, then ``BENCHSIDE_SERVER_*``."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "BENCHSIDE_SERVER_"


class SettingsError(ValueError):
    """A setting is missing, unknown or not of the right kind."""


@dataclass(frozen=True)
class Settings:
    """Everything the server reads at start; one object handed to ``create_app``."""

    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8700
    # Largest request body accepted (bytes); bigger pushes get 413 before being parsed.
    body_limit: int = 16 * 1024 * 1024
    enrollment_code_hours: float = 24.0
    # A station token lasts this long (days) from enrollment; 0 == never expires.
    token_days: float = 0.0
    log_level: str = "INFO"
    db_pool_size: int = 10

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the psycopg 3 driver named, as SQLAlchemy wants it."""
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url


def _convert(name: str, raw: Any, kind: Any) -> Any:
    try:
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name}: {raw!r} is not a valid {kind}") from exc


def _apply(settings: Settings, values: Mapping[str, Any], source: str) -> Settings:
    kinds = {field.name: field.type for field in fields(Settings)}
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in kinds:
            raise SettingsError(f"unknown setting {name!r} in {source}")
        changes[name] = _convert(name, raw, kinds[name])
    return replace(settings, **changes)


def load_settings(
    config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from ``config_file`` (TOML, optional) overridden by the environment.

    Raises ``SettingsError`` for an unreadable file, an unknown key or a bad value, and
    when no database URL is set anywhere.
    """
    settings = Settings()
    if config_file is not None:
        try:
            values = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read {config_file}: {exc}") from exc
        settings = _apply(settings, values.get("server", values), str(config_file))
    env = os.environ if environ is None else environ
    from_env = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG"
    }
    settings = _apply(settings, from_env, "the environment")
    if not settings.database_url:
        raise SettingsError(f"no database URL: set {ENV_PREFIX}DATABASE_URL or database_url")
    return settings
