"""The station's sync as the app runs it: the pass the background runner calls, and what
enrolling with a server changes here.

Each pass opens its own client from the stored token, on the runner's thread, so Settings
can disconnect or enroll again between passes without sharing a client across threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select

from desktop.models.shop import LocalSetting
from desktop.services.context import ServiceContext
from desktop.services.errors import SyncError
from desktop.services.sync_settings import EnrollmentFacts
from desktop.sync.capture import BOOTSTRAP_SETTING
from desktop.sync.client import ENROLL_AGAIN, Enrollment, SyncAuthError
from desktop.sync.connection import SyncConnection
from desktop.sync.engine import ProgressCallback, SyncEngine, request_bootstrap
from desktop.sync.outbox import Outbox
from desktop.sync.runner import SyncReport

log = logging.getLogger(__name__)

# (station code, station name): adopt the code, add the station, continue its numbers.
JoinShop = Callable[[str, str], None]


class EmptyShop(SyncError):
    """A new PC tried to join a shop that has nothing on the server yet."""


class StationSync:
    def __init__(
        self,
        ctx: ServiceContext,
        connection: SyncConnection,
        join_shop: JoinShop,
        adopt_code: Callable[[str], object],
    ) -> None:
        # The context, not its clock: adopting a station code replaces the clock.
        self.ctx = ctx
        self.engine = ctx.engine
        self.connection = connection
        self.join_shop = join_shop
        self.adopt_code = adopt_code
        self.progress: ProgressCallback | None = None
        # Called (on the sync thread) after a pass that brought other stations' changes.
        self.on_pulled: Callable[[int], None] | None = None

    def prepared(self, enrollment: Enrollment, station_name: str) -> None:
        """After enrolling: send everything this station ever did (the server numbers
        from 1 for a new enrollment and skips what it holds); a new shop also gets the
        rows every database starts with; a shop with data is loaded at the next pass,
        and only then does this station add itself to it (a reinstalled PC finds its
        own station there)."""
        Outbox(self.engine).start_over(
            with_seeds=not enrollment.shop_has_data, station_code=enrollment.station_code
        )
        if enrollment.shop_has_data:
            self.adopt_code(enrollment.station_code)
            request_bootstrap(self.engine)
        else:
            self.join_shop(enrollment.station_code, station_name)

    def join(self, code: str, facts: EnrollmentFacts) -> Enrollment:
        """A new PC joins a shop that works with the server: enroll with ``code``, then
        get ready to load the shop at the next pass. Raises ``EmptyShop`` (and forgets
        the enrollment) when the shop has no data on the server yet, so this PC is not
        left half set up; the ``SyncError`` subclasses of ``desktop.sync.client``."""
        enrollment = self.connection.enroll(code, facts, notify=False)
        if not enrollment.shop_has_data:
            self.connection.disconnect()
            raise EmptyShop(
                f"{enrollment.shop_name} has nothing on the sync server yet. Set the shop "
                "up on its first PC and connect that PC in Settings → Sync, then ask for a "
                "new enrollment code for this PC."
            )
        self.prepared(enrollment, facts.station_name)
        return enrollment

    def loading_due(self) -> bool:
        """Whether the next pass loads (or goes on loading) the whole shop."""
        with self.engine.connect() as connection:
            return bool(
                connection.execute(
                    select(LocalSetting.value).where(LocalSetting.key == BOOTSTRAP_SETTING)
                ).scalar()
            )

    def sync_once(self) -> SyncReport:
        """One pass. Raises the ``SyncError`` subclasses of ``desktop.sync.client``."""
        credentials = self.connection.credentials()
        if credentials is None:
            raise SyncAuthError(f"This station is not connected to a server. {ENROLL_AGAIN}")
        with self.connection.client() as client:
            engine = SyncEngine(self.engine, self.ctx.clock, client, credentials.station_id)
            engine.progress = self.progress
            report = engine.sync_once()
        if engine.bootstrapped:
            # A reinstalled PC: its own numbers came back with the shop; go on after them.
            self.join_shop(self.ctx.station_code, "")
        reload = report.pulled or engine.bootstrapped or engine.put_back
        if reload and self.on_pulled is not None:
            self.on_pulled(report.pulled)
        return report

    def pending_count(self) -> int:
        return Outbox(self.engine).pending_count()
