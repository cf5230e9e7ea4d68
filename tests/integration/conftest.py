"""Fixtures for stations syncing with the real server: a shop and branch on it, and the
stations a test made closed after it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.sync_stations import close_all
from tests.sync_server import Admin, ShopIds


@pytest.fixture(autouse=True)
def _close_stations() -> Iterator[None]:
    yield
    close_all()


@pytest.fixture
def shop(server_admin: Admin) -> ShopIds:
    return server_admin.shop()


@pytest.fixture
def branch(shop: ShopIds) -> Any:
    return shop.branch_id
