"""The sync screens run against real stations and the real server, with the fixtures of
the sync integration tests: the shop on the server, and stations closed after each test."""

from tests.integration.conftest import _close_stations, shop

__all__ = ["_close_stations", "shop"]
