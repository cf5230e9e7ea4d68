"""Station-local paths and settings: where this PC keeps its database, backups and logs."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from platformdirs import user_data_dir

log = logging.getLogger(__name__)

APP_NAME = "Benchside"


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, APP_NAME))


def demo_data_dir() -> Path:
    return default_data_dir() / "demo"


@dataclass(frozen=True)
class AppPaths:
    """Every file this station writes lives under ``data_dir``."""

    data_dir: Path

    @classmethod
    def at(cls, data_dir: Path | str | None = None) -> AppPaths:
        return cls(Path(data_dir) if data_dir else default_data_dir())

    @property
    def database(self) -> Path:
        return self.data_dir / "benchside.db"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "benchside.log"

    @property
    def station_file(self) -> Path:
        return self.data_dir / "station.json"

    @property
    def window_settings(self) -> Path:
        return self.data_dir / "window.ini"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "benchside.lock"

    def create(self) -> None:
        for directory in (self.data_dir, self.backups, self.logs):
            directory.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class StationSettings:
    """Settings of this PC only (not synced). Unknown keys in the file are ignored."""

    daily_backup: bool = True
    language: str = ""
    # Sync: the server's address ("" = no server, sync off), whether the user paused it,
    # and the shop and branch the server named at enrollment (set = enrolled; shown in
    # Settings without asking the server).
    sync_url: str = ""
    sync_paused: bool = False
    sync_shop_name: str = ""
    sync_branch_name: str = ""

    @classmethod
    def load(cls, path: Path) -> StationSettings:
        if not path.is_file():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable station settings %s: %s", path, exc)
            return cls()
        if not isinstance(raw, dict):
            return cls()
        defaults = cls()
        values: dict[str, object] = {}
        for f in fields(cls):
            value = raw.get(f.name, getattr(defaults, f.name))
            if isinstance(value, type(getattr(defaults, f.name))):
                values[f.name] = value
        return cls(**values)  # type: ignore[arg-type]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def update(cls, path: Path, **changes: object) -> StationSettings:
        """Change some settings in the file, keeping the others as they are on disk."""
        updated = replace(cls.load(path), **changes)  # type: ignore[arg-type]
        updated.save(path)
        return updated
