"""The station's sync as the app runs it: the pass the background runner calls, and what
enrolling with a server changes here.

Each pass opens its own client from the stored token, on the runner's thread, so Settings
can disconnect or enroll again between passes without sharing a client across threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from desktop.services.context import ServiceContext
from desktop.sync.client import ENROLL_AGAIN, Enrollment, SyncAuthError
from desktop.sync.connection import SyncConnection
from desktop.sync.engine import ProgressCallback, SyncEngine, request_bootstrap
from desktop.sync.outbox import Outbox
from desktop.sync.runner import SyncReport

log = logging.getLogger(__name__)

# (station code, station name): adopt the code, add the station, continue its numbers.
JoinShop = Callable[[str, str], None]


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
        if (report.pulled or engine.bootstrapped) and self.on_pulled is not None:
            self.on_pulled(report.pulled)
        return report

    def pending_count(self) -> int:
        return Outbox(self.engine).pending_count()
