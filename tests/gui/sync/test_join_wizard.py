"""A new PC joins a shop through the setup wizard, against the real sync server: the shop
loads with a progress bar, the owner signs in, a bad code or address is shown at its
field, and a load interrupted by closing the app goes on at the next start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from desktop.app import Benchside
from desktop.config import AppPaths
from desktop.services.customers import CustomerInput
from desktop.sync.engine import BootstrapProgress
from desktop.views.login import LoginDialog
from desktop.views.setup_join import JOIN_PAGE
from desktop.views.setup_wizard import SetupWizard
from tests.integration.sync_stations import first_station
from tests.sync_server import Admin, ShopIds
from tests.unit.sync.relay import OWNER_PASSWORD

LOAD_TIMEOUT = 60_000


@pytest.fixture
def new_pc(qapp: Any, tmp_path: Path) -> Iterator[list[Benchside]]:
    """Apps started on the new PC's data folder (one per start), shut down at the end."""
    started: list[Benchside] = []
    yield started
    for app in started:
        app.shutdown()
        for widget in (app.dialog, app.window):
            if widget is not None:
                widget.close()
        app.deleteLater()


def start_app(started: list[Benchside], data_dir: Path) -> Benchside:
    paths = AppPaths.at(data_dir)
    paths.create()
    app = Benchside(QApplication.instance(), paths)
    started.append(app)
    assert app.start()
    return app


def wizard_of(app: Benchside) -> SetupWizard:
    assert isinstance(app.dialog, SetupWizard)
    return app.dialog


def choose_join(wizard: SetupWizard) -> None:
    assert wizard.start is not None
    wizard.start.join_shop.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.join


def click_join(wizard: SetupWizard) -> None:
    wizard.button(QWizard.WizardButton.FinishButton).click()


def record_progress(wizard: SetupWizard) -> list[BootstrapProgress]:
    assert wizard.join is not None
    seen: list[BootstrapProgress] = []
    wizard.join.relay.progressed.connect(seen.append)
    return seen


def sign_in_as_owner(qtbot: Any, app: Benchside) -> None:
    qtbot.waitUntil(lambda: isinstance(app.dialog, LoginDialog), timeout=LOAD_TIMEOUT)
    login = app.dialog
    assert isinstance(login, LoginDialog)
    login.username.setText("owner")
    login.password.setText(OWNER_PASSWORD)
    login.submit()
    assert app.window is not None and app.window.isVisible()


def test_a_new_pc_joins_the_shop_in_the_wizard_and_the_owner_signs_in(
    qtbot, tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds, new_pc
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id)
    rita = a.services.customers.create(CustomerInput(first_name="Rita")).id
    a.sync()
    app = start_app(new_pc, tmp_path / "new-pc")
    wizard = wizard_of(app)
    assert wizard.currentId() != JOIN_PAGE
    choose_join(wizard)
    page = wizard.join
    assert page is not None
    page.server_url.setText(sync_server)
    page.code.setText(server_admin.code(shop.branch_id))
    seen = record_progress(wizard)
    click_join(wizard)
    assert page.loading and not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    sign_in_as_owner(qtbot, app)
    assert seen, "the progress bar moved"
    last = seen[-1]
    assert last.tables_done == last.tables_total > 40
    assert [p.tables_done for p in seen] == sorted(p.tables_done for p in seen)
    assert wizard.result() == QWizard.DialogCode.Accepted
    services = app.services
    assert services is not None
    assert services.customers.get(rita).first_name == "Rita"
    assert services.shop.station().code == "B"
    assert not services.setup.joining()
    assert app.sync.connection.enrolled


def test_a_wrong_code_or_an_unreachable_server_is_shown_at_its_field_and_can_be_retried(
    qtbot, tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds, new_pc
) -> None:
    first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id)
    app = start_app(new_pc, tmp_path / "new-pc")
    wizard = wizard_of(app)
    choose_join(wizard)
    page = wizard.join
    assert page is not None
    # Until this PC has joined, the way back to "set up a new shop" stays open.
    assert wizard.button(QWizard.WizardButton.BackButton).isVisible()
    assert wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    page.server_url.setText("http://127.0.0.1:9")  # nothing listens there
    page.code.setText("WRONG-CODE")
    click_join(wizard)
    qtbot.waitUntil(lambda: not page.loading, timeout=LOAD_TIMEOUT)
    assert "cannot be reached" in page.errors.message("sync_url")
    page.server_url.setText(sync_server)
    click_join(wizard)
    qtbot.waitUntil(lambda: not page.loading, timeout=LOAD_TIMEOUT)
    assert page.errors.message("sync_url") == ""
    assert page.errors.message("code") != ""
    assert not app.sync.connection.enrolled
    assert app.services is not None and not app.services.setup.joining()
    page.code.setText(server_admin.code(shop.branch_id))
    click_join(wizard)
    sign_in_as_owner(qtbot, app)


def test_a_load_interrupted_by_closing_the_app_goes_on_at_the_next_start(
    qtbot, tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds, new_pc
) -> None:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id)
    for name in ("Rita", "Sam", "Uma"):
        a.services.customers.create(CustomerInput(first_name=name))
    a.sync()
    first = start_app(new_pc, tmp_path / "new-pc")
    wizard = wizard_of(first)
    choose_join(wizard)
    page = wizard.join
    assert page is not None
    page.server_url.setText(sync_server)
    page.code.setText(server_admin.code(shop.branch_id))
    # The shop is small: stop from the loading thread itself at its first report, as
    # closing the window does, so the load is cut short after one more page.
    page.relay.progressed.connect(
        lambda _p: page.stop_loading(), Qt.ConnectionType.DirectConnection
    )
    click_join(wizard)
    assert first.tasks.wait(LOAD_TIMEOUT)
    services = first.services
    assert services is not None and services.setup.joining()
    assert first.station_sync is not None and first.station_sync.loading_due()
    first.shutdown()
    wizard.close()

    again = start_app(new_pc, tmp_path / "new-pc")
    resumed = wizard_of(again)
    assert resumed.currentId() == JOIN_PAGE
    assert resumed.join is not None and resumed.join.code_box.isHidden()
    assert not resumed.button(QWizard.WizardButton.BackButton).isVisible()
    seen = record_progress(resumed)
    sign_in_as_owner(qtbot, again)
    assert seen[0].tables_done >= 1, "went on from where it stopped"
    assert again.services is not None
    assert {c.name for c in again.services.customers.page(limit=10)} >= {
        "Rita",
        "Sam",
        "Uma",
    }
    assert not again.services.setup.joining()
