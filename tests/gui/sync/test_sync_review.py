"""Managers review what sync chose (real stations, real server): keep it or put the other
value back everywhere; refused changes with the server's reason; front-desk staff do not
see any of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from desktop.models import OutboxEntry
from desktop.services.customers import CustomerInput
from desktop.services.errors import PermissionDenied
from desktop.services.ids import new_id
from desktop.services.permissions import Role
from desktop.views.bus import DataBus
from desktop.views.settings.sync import SyncSettings
from desktop.views.sync.controller import SyncController
from desktop.views.sync.review import SyncReview
from desktop.views.sync.status_bar import SyncDetailsDialog
from tests.conftest import gui_sign_in_as
from tests.integration.sync_stations import Station, first_station, joining_station
from tests.sync_server import Admin, ShopIds


@pytest.fixture
def two_stations(
    tmp_path: Path, sync_server: str, server_admin: Admin, shop: ShopIds
) -> tuple[Station, Station]:
    a = first_station(tmp_path / "a.db", sync_server, server_admin, shop.branch_id)
    b = joining_station(tmp_path / "b.db", sync_server, server_admin, shop.branch_id)
    return a, b


@pytest.fixture
def sync_controller(qapp: Any, tmp_path: Path) -> Iterator[SyncController]:
    controller = SyncController.for_data_dir(tmp_path / "ui")
    yield controller
    controller.stop()


def edit_company_on_both(a: Station, b: Station, name: str) -> Any:
    """Both stations change one customer's company before seeing the other's edit."""
    customer = a.services.customers.create(CustomerInput(first_name=name)).id
    a.sync()
    b.sync()
    a.services.customers.update(customer, CustomerInput(first_name=name, company="Acme"))
    b.services.customers.update(customer, CustomerInput(first_name=name, company="Beta"))
    a.sync()
    b.sync()  # B's edit is later and wins; the server logs the conflict
    a.sync()
    return customer


def review_for(qtbot: Any, station: Station, bus: DataBus) -> SyncReview:
    review = SyncReview(station.services, bus)
    qtbot.addWidget(review)
    review.show()
    return review


def test_a_manager_puts_the_other_value_back_and_every_station_gets_it(
    qtbot, qtmodeltester, two_stations: tuple[Station, Station]
) -> None:
    a, b = two_stations
    rita = edit_company_on_both(a, b, "Rita")
    bus = DataBus()
    review = review_for(qtbot, b, bus)
    tab = review.conflicts
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 1
    cells = [tab.model.index(0, c).data() for c in range(tab.model.columnCount())]
    assert cells[0] == "Customer: company"
    assert (cells[1], cells[3]) == ("Beta", "Acme")
    assert "station B" in cells[2] and "station A" in cells[4]
    assert "Olivia Owner" in cells[2]
    assert review.tabText(0) == "Conflicts (1)"
    qtbot.mouseClick(tab.other_button, Qt.MouseButton.LeftButton)
    assert b.services.customers.get(rita).company == "Acme"
    assert tab.model.rowCount() == 0 and not tab.empty.isHidden()
    assert review.tabText(0) == "Conflicts (0)"
    b.sync()
    a.sync()
    assert a.services.customers.get(rita).company == "Acme"
    assert a.services.sync_conflicts.open_count() == 0


def test_keeping_what_sync_chose_closes_the_conflict_and_changes_nothing_else(
    qtbot, two_stations: tuple[Station, Station]
) -> None:
    a, b = two_stations
    sam = edit_company_on_both(a, b, "Sam")
    bus = DataBus()
    review = review_for(qtbot, a, bus)
    other = review_for(qtbot, a, bus)  # a second open view follows along
    assert review.conflicts.model.rowCount() == other.conflicts.model.rowCount() == 1
    qtbot.mouseClick(review.conflicts.keep_button, Qt.MouseButton.LeftButton)
    assert other.conflicts.model.rowCount() == 0
    assert a.services.customers.get(sam).company == "Beta"
    a.sync()
    b.sync()
    assert b.services.sync_conflicts.open_count() == 0
    assert b.services.customers.get(sam).company == "Beta"


def test_refused_changes_show_when_what_and_the_servers_reason(
    qtbot, qtmodeltester, two_stations: tuple[Station, Station]
) -> None:
    a, _b = two_stations
    customer = a.services.customers.create(CustomerInput(first_name="Vera")).id
    # A change the server cannot take (a field it does not know), as a newer or broken
    # Benchside might send: the server refuses it and moves on.
    with a.services.ctx.engine.begin() as connection:
        connection.execute(
            insert(OutboxEntry).values(
                change_id=new_id(),
                txn_id=new_id(),
                table_name="customers",
                row_id=customer,
                op="update",
                fields=json.dumps({"shoe_size": "44"}),
                hlc=a.services.ctx.clock.now(),
                station_code=a.code,
                created_at=datetime.now(UTC),
            )
        )
    report = a.sync()
    assert report.rejected == 1
    review = review_for(qtbot, a, DataBus())
    tab = review.refused
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 1
    cells = [tab.model.index(0, c).data() for c in range(tab.model.columnCount())]
    assert cells[1] == "Customer" and cells[2] == "1"
    assert "shoe_size" in cells[3]
    assert review.tabText(1) == "Refused changes (1)"
    assert a.services.sync_conflicts.refused_count() == 1


def test_front_desk_staff_do_not_see_the_review(
    qtbot, shop_services, tasks, sync_controller: SyncController
) -> None:
    owner_page = SyncSettings(shop_services, tasks, sync_controller)
    qtbot.addWidget(owner_page)
    assert owner_page.review_row.isVisibleTo(owner_page)
    assert owner_page.review_counts.text() == "Conflicts: 0 · refused changes: 0"
    owner_details = SyncDetailsDialog(sync_controller, services=shop_services)
    qtbot.addWidget(owner_details)
    assert owner_details.review_button.isVisibleTo(owner_details)

    gui_sign_in_as(shop_services, "fiona", Role.FRONT_DESK.value)
    page = SyncSettings(shop_services, tasks, sync_controller)
    qtbot.addWidget(page)
    assert not page.review_row.isVisibleTo(page)
    assert page.open_review() is None
    details = SyncDetailsDialog(sync_controller, services=shop_services)
    qtbot.addWidget(details)
    assert not details.review_button.isVisibleTo(details)
    assert details.open_review() is None
    with pytest.raises(PermissionDenied):
        shop_services.sync_conflicts.list()
    with pytest.raises(PermissionDenied):
        shop_services.sync_conflicts.refused_changes()
