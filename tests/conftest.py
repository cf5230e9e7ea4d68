"""Shared fixtures: real temporary databases and, for GUI tests, an offscreen Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.services.container import Services
from desktop.services.setup import ShopSetup

# -- GUI fixtures (customers, settings, search palette) ---------------------------------

GUI_OWNER_PASSWORD = "owner-pass-1"
GUI_STAFF_PASSWORD = "staff-pass-1"


@dataclass(frozen=True)
class GuiPaths:
    """The same attributes as ``desktop.config.AppPaths``, on a temporary directory."""

    data_dir: Path
    database: Path
    backups: Path
    log_file: Path


@pytest.fixture
def gui_paths(tmp_path: Path) -> GuiPaths:
    backups = tmp_path / "backups"
    backups.mkdir()
    return GuiPaths(tmp_path, tmp_path / "b.db", backups, tmp_path / "logs" / "benchside.log")


@pytest.fixture
def shop_services(gui_paths: GuiPaths) -> Iterator[Services]:
    """A real database with a set-up shop and the owner signed in."""
    services = Services.open(gui_paths.database)
    services.setup.create_shop(
        ShopSetup(
            shop_name="Fix-It Corner",
            currency="USD",
            owner_username="owner",
            owner_display_name="Olivia Owner",
            owner_password=GUI_OWNER_PASSWORD,
        )
    )
    services.accounts.login("owner", GUI_OWNER_PASSWORD)
    yield services
    services.close()


def gui_sign_in_as(services: Services, username: str, role: str) -> None:
    """Add a staff member (as the signed-in owner) and sign them in."""
    services.accounts.add_user(username, username.title(), role, GUI_STAFF_PASSWORD)
    services.accounts.login(username, GUI_STAFF_PASSWORD)


@pytest.fixture
def tasks(qapp: object) -> object:
    """Runs background work inline, so tests see results at once."""
    from desktop.views.tasks import TaskRunner

    return TaskRunner(synchronous=True)


@pytest.fixture
def bus(qapp: object) -> object:
    from desktop.views.bus import DataBus

    return DataBus()


# The offscreen platform says this for popups and shown windows; it is not our warning.
# A window left from a GUI test can say it while a later, Qt-free test runs, so every
# test ignores it.
OFFSCREEN_NOISE = r"This plugin does not support "


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


# -- local mail server and SMS gateway (customer messages) ---------------------------------


@pytest.fixture
def smtp() -> Iterator[object]:
    from tests.messaging_servers import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateway() -> Iterator[object]:
    from tests.messaging_servers import SmsGateway

    server = SmsGateway()
    server.start()
    yield server
    server.stop()


# -- PostgreSQL and the sync server (tests/server, tests/integration) ------------------------

PG_TEMPLATE = "benchside_template"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A real PostgreSQL 15 cluster for the whole session; fails (never skips) without it."""
    from tests.pg import PostgresCluster

    cluster = PostgresCluster()
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: object) -> str:
    """A database migrated to the server's head, cloned by ``pg_url`` for each test."""
    from server.db import migrate
    from tests.pg import PostgresCluster

    assert isinstance(pg_cluster, PostgresCluster)
    pg_cluster.create_template(PG_TEMPLATE, migrate)
    return PG_TEMPLATE


@pytest.fixture
def pg_url(pg_cluster: object, pg_template: str) -> Iterator[str]:
    """A fresh, migrated database for this test (SQLAlchemy URL, psycopg driver)."""
    from tests.pg import PostgresCluster

    assert isinstance(pg_cluster, PostgresCluster)
    name = pg_cluster.clone(pg_template)
    yield pg_cluster.url(name)
    pg_cluster.drop(name)


@pytest.fixture
def server_settings(pg_url: str) -> object:
    from server.settings import Settings

    return Settings(database_url=pg_url, log_level="WARNING")


@pytest.fixture
def sync_server(server_settings: object) -> Iterator[str]:
    """The real sync server under uvicorn on 127.0.0.1; yields its base URL."""
    from server.app import create_app
    from server.settings import Settings
    from tests.pg import ServerThread

    assert isinstance(server_settings, Settings)
    server = ServerThread(create_app(server_settings))
    server.start()
    yield server.base_url
    server.stop()


@pytest.fixture
def server_admin(pg_url: str) -> object:
    """The operator of the test's server database (see tests/sync_server.py)."""
    from tests.sync_server import Admin

    return Admin(pg_url)
