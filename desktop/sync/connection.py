"""This station's link to its sync server: the address and the names shown in Settings
live in the station settings file, the token in the ``TokenStore``.

Plain Python, safe to call from any thread; the slow parts (enroll, test, client) run
off the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.config import StationSettings
from desktop.services.errors import ValidationError
from desktop.services.sync_settings import EnrollmentFacts, check_server_url
from desktop.sync.client import ENROLL_AGAIN, SyncAuthError, SyncClient
from desktop.sync.credentials import StationCredentials, TokenStore

if TYPE_CHECKING:
    import httpx

    from desktop.sync.client import Enrollment, ServerHealth, ServerStatus


@dataclass(frozen=True)
class ConnectionCheck:
    """What "Test connection" found: the server answers (``health``) and, when this
    station is enrolled, knows it (``status``)."""

    health: ServerHealth
    status: ServerStatus | None


class SyncConnection:
    def __init__(
        self,
        settings_file: Path,
        tokens: TokenStore,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings_file = settings_file
        self._tokens = tokens
        self._transport = transport  # tests pass httpx's own transports
        self._lock = threading.Lock()
        self._settings = StationSettings.load(settings_file)
        # Called after a successful enrollment with it and the station's name (the app
        # makes the outbox and the database ready for the server).
        self.on_enrolled: Callable[[Enrollment, str], None] | None = None

    @property
    def settings(self) -> StationSettings:
        with self._lock:
            return self._settings

    @property
    def server_url(self) -> str:
        return self.settings.sync_url

    @property
    def enrolled(self) -> bool:
        """A server is set and this station enrolled with it (sync can run)."""
        settings = self.settings
        return bool(settings.sync_url and settings.sync_shop_name)

    def _update(self, **changes: object) -> StationSettings:
        with self._lock:
            self._settings = StationSettings.update(self._settings_file, **changes)
            return self._settings

    def set_server_url(self, text: str) -> str:
        """Remember the server's address. Raises ``ValidationError`` on ``sync_url``, also
        while enrolled (disconnect first: a token belongs to one server)."""
        url = check_server_url(text)
        if self.enrolled and url != self.server_url:
            raise ValidationError(
                {"sync_url": "Disconnect first: this station is enrolled with another server."}
            )
        self._update(sync_url=url)
        return url

    def set_paused(self, paused: bool) -> None:
        self._update(sync_paused=paused)

    def client(self) -> SyncClient:
        """A client for this station's server with its token. Raises ``SyncAuthError``
        when the station is not enrolled. The caller closes it."""
        credentials = self._tokens.load() if self.enrolled else None
        if credentials is None:
            raise SyncAuthError(f"This station is not connected to a server. {ENROLL_AGAIN}")
        return SyncClient(self.server_url, credentials.token, transport=self._transport)

    def credentials(self) -> StationCredentials | None:
        return self._tokens.load() if self.enrolled else None

    def enroll(self, code: str, facts: EnrollmentFacts, *, notify: bool = True) -> Enrollment:
        """Trade a one-time code for this station's token and keep it, then call
        ``on_enrolled`` unless ``notify`` is False (the caller prepares the station
        itself). Raises the ``SyncError`` subclasses (a wrong or used code is a
        ``SyncServerError``), ``StorageError`` when the token cannot be kept."""
        with SyncClient(self.server_url, None, transport=self._transport) as client:
            enrollment = client.enroll(code, facts.station_name, facts.station_code, facts.has_data)
        self._tokens.save(StationCredentials(enrollment.station_id, enrollment.token))
        self._update(
            sync_shop_name=enrollment.shop_name,
            sync_branch_name=enrollment.branch_name,
            sync_paused=False,
        )
        if notify and self.on_enrolled is not None:
            self.on_enrolled(enrollment, facts.station_name)
        return enrollment

    def check(self) -> ConnectionCheck:
        """Ask the server whether it answers and knows this station. Raises the
        ``SyncError`` subclasses."""
        with SyncClient(self.server_url, None, transport=self._transport) as anonymous:
            health = anonymous.health()
        if not self.enrolled:
            return ConnectionCheck(health, None)
        with self.client() as client:
            return ConnectionCheck(health, client.status())

    def disconnect(self) -> None:
        """Forget the token and the shop; the address stays for enrolling again. Changes
        made meanwhile wait in the outbox."""
        self._tokens.clear()
        self._update(sync_shop_name="", sync_branch_name="", sync_paused=False)
