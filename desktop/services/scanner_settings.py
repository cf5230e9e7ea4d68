"""How this station's barcode scanner types: what makes a burst of keys a scan.

Scanners that act as keyboards differ: most end a code with Enter, some with Tab, some
can be set to send a prefix first. The settings belong to the computer (its scanner), so
they live in the station-local settings.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.local_settings import read_local, write_local
from desktop.services.permissions import Permission

SETTING_KEY = "scanner"
SUFFIXES = ("enter", "tab", "enter_or_tab")


@dataclass(frozen=True)
class ScannerSettings:
    min_length: int = 6  # shorter bursts are fast typing, not codes
    max_gap_ms: int = 50  # scanners type a key every 5 to 20 ms; people 80 ms and more
    suffix: str = "enter"
    prefix: str = ""  # e.g. a character the scanner sends before each code

    @classmethod
    def from_json(cls, text: str) -> ScannerSettings:
        try:
            stored = json.loads(text)
            return check_scanner_settings(cls(**stored))
        except (ValueError, TypeError, ValidationError):
            return cls()  # a damaged setting falls back to what works for most scanners


def check_scanner_settings(settings: ScannerSettings) -> ScannerSettings:
    """Raises ``ValidationError`` naming the field."""
    errors: dict[str, str] = {}
    if not 2 <= settings.min_length <= 64:
        errors["min_length"] = "Between 2 and 64 characters."
    if not 5 <= settings.max_gap_ms <= 500:
        errors["max_gap_ms"] = "Between 5 and 500 milliseconds."
    if settings.suffix not in SUFFIXES:
        errors["suffix"] = "Choose Enter, Tab, or either."
    if len(settings.prefix) > 4 or not all(ch.isprintable() for ch in settings.prefix):
        errors["prefix"] = "At most 4 printable characters."
    if errors:
        raise ValidationError(errors)
    return settings


class ScannerSettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def get(self) -> ScannerSettings:
        with self.ctx.uow() as tx:
            stored = read_local(tx.session, SETTING_KEY)
        return ScannerSettings.from_json(stored) if stored else ScannerSettings()

    def save(self, settings: ScannerSettings) -> ScannerSettings:
        """Save this station's scanner settings. Raises ``ValidationError``,
        ``PermissionDenied``."""
        self.ctx.require(Permission.MANAGE_STATION)
        checked = check_scanner_settings(settings)
        with self.ctx.uow() as tx:
            write_local(tx.session, SETTING_KEY, json.dumps(asdict(checked)))
            tx.commit()
        return checked
