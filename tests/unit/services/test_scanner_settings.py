from __future__ import annotations

import pytest

from desktop.services.container import Services
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.local_settings import write_local
from desktop.services.scanner_settings import ScannerSettings
from tests.unit.conftest import add_staff, sign_in_as


def test_settings_are_kept_per_station_and_checked(shop: Services) -> None:
    assert shop.scanner.get() == ScannerSettings()
    saved = shop.scanner.save(ScannerSettings(min_length=8, max_gap_ms=30, suffix="tab"))
    assert shop.scanner.get() == saved
    with pytest.raises(ValidationError) as refused:
        shop.scanner.save(ScannerSettings(min_length=1, max_gap_ms=9999, suffix="x", prefix="\x02"))
    assert set(refused.value.errors) == {"min_length", "max_gap_ms", "suffix", "prefix"}
    assert shop.scanner.get() == saved


def test_a_damaged_setting_falls_back_to_the_defaults(shop: Services) -> None:
    with shop.ctx.uow() as tx:
        write_local(tx.session, "scanner", '{"min_length": "many"')
        tx.commit()
    assert shop.scanner.get() == ScannerSettings()


def test_only_managers_change_the_scanner(shop: Services) -> None:
    add_staff(shop, "desk", "front_desk")
    sign_in_as(shop, "desk")
    with pytest.raises(PermissionDenied):
        shop.scanner.save(ScannerSettings())
