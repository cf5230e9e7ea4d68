"""Sync's screens for `benchside screenshots`: Settings → Sync before and after
connecting, the join page of the setup wizard while a shop loads, the conflicts to
review and the status bar's details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop.config import AppPaths, StationSettings
from desktop.services.container import Services
from desktop.sync.runner import SyncState, SyncStatus
from desktop.views.bus import DataBus
from desktop.views.sync.controller import SyncController
from desktop.views.tasks import TaskRunner

Save = Callable[[QWidget, str], None]


def _controller(data_dir: Path, enrolled: bool) -> SyncController:
    data_dir.mkdir(parents=True, exist_ok=True)
    if enrolled:
        StationSettings.update(
            AppPaths.at(data_dir).station_file,
            sync_url="https://sync.fixit-corner.example",
            sync_shop_name="Fix-It Corner",
            sync_branch_name="Main Street",
        )
    controller = SyncController.for_data_dir(data_dir)
    if enrolled:
        now = datetime.now(UTC)
        controller.bridge.reset(
            SyncStatus(
                SyncState.ONLINE,
                pending=2,
                last_synced_at=now - timedelta(seconds=20),
                conflicts=1,
            )
        )
    return controller


def sync_screens(services: Services, temp: Path, save: Save) -> None:
    """Render the sync screens of the demo shop (signed in as its owner)."""
    from desktop.demo_sync import add_demo_conflict
    from desktop.views.settings.sync import SyncSettings
    from desktop.views.sync.review import SyncReviewDialog
    from desktop.views.sync.status_bar import SyncDetailsDialog

    tasks, bus = TaskRunner(synchronous=True), DataBus()
    add_demo_conflict(services)
    for name, enrolled in (("settings-sync-off", False), ("settings-sync-enrolled", True)):
        controller = _controller(temp / name, enrolled)
        page = SyncSettings(services, tasks, controller, bus=bus)
        page.resize(760, 420)
        page.show()
        save(page, name)
        page.close()
    controller = _controller(temp / "details", True)
    details = SyncDetailsDialog(controller, services=services, bus=bus)
    details.show()
    save(details, "sync-details")
    review = SyncReviewDialog(services, bus, controller, details)
    review.show()
    save(review, "sync-conflicts")
    review.close()
    details.close()
    _join_screen(temp, save)


def _join_screen(temp: Path, save: Save) -> None:
    from desktop.sync.engine import BootstrapProgress
    from desktop.sync.station import StationSync
    from desktop.views.setup_join import JoinLink
    from desktop.views.setup_wizard import SetupWizard

    fresh = Services.open(temp / "joining.db")
    controller = _controller(temp / "joining", False)
    station = StationSync(
        fresh.ctx, controller.connection, fresh.setup.join_shop, fresh.setup.adopt_station_code
    )
    wizard = SetupWizard(fresh, join=JoinLink(controller.connection, station, TaskRunner()))
    wizard.show()
    save(wizard, "setup-wizard-start")
    assert wizard.start is not None and wizard.join is not None
    wizard.start.join_shop.setChecked(True)
    wizard.next()
    page = wizard.join
    page.server_url.setText("https://sync.fixit-corner.example")
    page.code.setText("K7QX-2M9P")
    save(wizard, "setup-wizard-join")
    page.set_loading(True)
    page.progress.show()
    page.show_progress(BootstrapProgress("tickets", 29, 43, 18_412))
    save(wizard, "setup-wizard-join-loading")
    wizard.close()
    fresh.close()
