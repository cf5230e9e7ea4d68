"""What enrollment tells the server about this station, and the server address check."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.sync_settings import check_server_url, enrollment_facts
from tests.unit.conftest import add_staff, sign_in_as


def test_a_set_up_station_keeps_its_code_and_says_it_has_data(shop: Services) -> None:
    facts = enrollment_facts(shop.ctx)
    assert (facts.station_code, facts.station_name, facts.has_data) == ("A", "Counter", True)


def test_a_station_without_data_lets_the_server_choose_its_code(tmp_path: Path) -> None:
    services = Services.open(tmp_path / "new.db")
    try:
        facts = enrollment_facts(services.ctx)  # nobody can sign in yet: none needed
    finally:
        services.close()
    assert (facts.station_code, facts.has_data) == (None, False)
    assert facts.station_name


def test_staff_without_station_rights_cannot_enroll(shop: Services) -> None:
    add_staff(shop, "fiona", "front_desk")
    sign_in_as(shop, "fiona")
    with pytest.raises(PermissionDenied):
        enrollment_facts(shop.ctx)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("https://sync.example.com/", "https://sync.example.com"),
        ("  http://192.168.1.20:8000 ", "http://192.168.1.20:8000"),
        ("https://example.com/benchside/", "https://example.com/benchside"),
    ],
)
def test_server_addresses_are_tidied(typed: str, kept: str) -> None:
    assert check_server_url(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "sync.example.com",
        "ftp://sync.example.com",
        "https://",
        "http://h:99999",
        "https://u:p@h",
    ],
)
def test_unusable_server_addresses_are_refused_on_the_field(typed: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_server_url(typed)
    assert set(refused.value.errors) == {"sync_url"}
