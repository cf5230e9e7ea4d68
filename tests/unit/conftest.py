"""Fixtures for service tests: a real SQLite file per test, a set-up shop, staff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.container import Services
from desktop.services.setup import ShopSetup

OWNER_PASSWORD = "owner-pass-1"
STAFF_PASSWORD = "staff-pass-1"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Services]:
    services = Services.open(tmp_path / "benchside.db")
    yield services
    services.close()


def set_up_shop(services: Services) -> Services:
    """Set up the shop "Fix-It Corner" and sign its owner in."""
    services.setup.create_shop(
        ShopSetup(
            shop_name="Fix-It Corner",
            currency="USD",
            owner_username="owner",
            owner_display_name="Olivia Owner",
            owner_password=OWNER_PASSWORD,
        )
    )
    services.accounts.login("owner", OWNER_PASSWORD)
    return services


@pytest.fixture
def shop(fresh: Services) -> Services:
    """A set-up shop with the owner signed in."""
    return set_up_shop(fresh)


def add_staff(services: Services, username: str, role: str) -> None:
    """Add a staff member and set their own password so they can sign in normally."""
    services.accounts.add_user(username, username.title(), role, STAFF_PASSWORD)


def sign_in_as(services: Services, username: str) -> None:
    services.accounts.login(username, STAFF_PASSWORD)
