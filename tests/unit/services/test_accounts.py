from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.models.base import utc_now
from desktop.services.container import Services
from desktop.services.errors import (
    AuthenticationFailed,
    LoginThrottled,
    PermissionDenied,
    ValidationError,
)
from desktop.services.setup import ShopSetup
from tests.unit.conftest import OWNER_PASSWORD, STAFF_PASSWORD, add_staff, sign_in_as


def _actions(services: Services) -> list[str]:
    sign_in_as_owner = services.ctx.actor
    services.accounts.login("owner", OWNER_PASSWORD)
    actions = [e.action for e in services.audit.recent()]
    services.ctx.actor = sign_in_as_owner
    return actions


def test_setup_creates_owner_station_and_a_recovery_code(fresh: Services) -> None:
    assert not fresh.setup.is_set_up()
    code = fresh.setup.create_shop(
        ShopSetup("Shop", "bdt", "Owner", "Owner Name", "long-enough", station_code="b")
    )
    assert len(code) == 19
    assert fresh.setup.is_set_up()
    assert fresh.shop.profile().currency == "BDT"
    assert fresh.ctx.station_code == "B"
    assert fresh.accounts.login("owner", "long-enough").actor.role == "owner"
    with pytest.raises(ValidationError):
        fresh.setup.create_shop(ShopSetup("Again", "USD", "x2", "X", "long-enough"))


def test_setup_refuses_bad_fields_all_at_once(fresh: Services) -> None:
    with pytest.raises(ValidationError) as error:
        fresh.setup.create_shop(
            ShopSetup("", "XYZW", "a b", "", "short", station_code="??", email="nope")
        )
    assert set(error.value.errors) >= {
        "shop_name",
        "currency",
        "owner_username",
        "owner_display_name",
        "owner_password",
        "station_code",
        "email",
    }
    assert not fresh.setup.is_set_up()


def test_wrong_password_is_refused_throttled_and_audited(shop: Services) -> None:
    shop.accounts.logout()
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            shop.accounts.login("owner", "wrong")
    with pytest.raises(LoginThrottled) as throttled:
        shop.accounts.login("owner", OWNER_PASSWORD)
    assert 0 < throttled.value.seconds_left <= 30
    later = utc_now() + timedelta(seconds=31)
    assert shop.accounts.login("owner", OWNER_PASSWORD, now=later).actor.username == "owner"
    assert _actions(shop).count("login_failed") == 3


def test_staff_reset_password_must_be_changed(shop: Services) -> None:
    add_staff(shop, "tess", "technician")
    tess = next(u for u in shop.accounts.list_users() if u.username == "tess")
    shop.accounts.reset_password(tess.id, "temporary-1")
    result = shop.accounts.login("tess", "temporary-1")
    assert result.must_change_password
    with pytest.raises(ValidationError):
        shop.accounts.change_own_password("temporary-1", "short")
    with pytest.raises(AuthenticationFailed):
        shop.accounts.change_own_password("not-it", "a-new-password")
    shop.accounts.change_own_password("temporary-1", "a-new-password")
    assert not shop.accounts.login("tess", "a-new-password").must_change_password


def test_roles_limit_staff_management(shop: Services) -> None:
    add_staff(shop, "mia", "manager")
    add_staff(shop, "tom", "technician")
    sign_in_as(shop, "tom")
    with pytest.raises(PermissionDenied):
        shop.accounts.add_user("x1", "X", "front_desk", STAFF_PASSWORD)
    sign_in_as(shop, "mia")
    with pytest.raises(PermissionDenied):
        shop.accounts.add_user("boss2", "Boss", "owner", STAFF_PASSWORD)
    shop.accounts.add_user("fd", "Front Desk", "front_desk", STAFF_PASSWORD)
    with pytest.raises(ValidationError):
        shop.accounts.add_user("fd", "Again", "front_desk", STAFF_PASSWORD)


def test_deactivated_user_cannot_sign_in_and_last_owner_stays(shop: Services) -> None:
    add_staff(shop, "fred", "front_desk")
    fred = next(u for u in shop.accounts.list_users() if u.username == "fred")
    shop.accounts.update_user(fred.id, "Fred", "front_desk", active=False)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        shop.accounts.login("fred", STAFF_PASSWORD)
    shop.accounts.login("owner", OWNER_PASSWORD)
    owner = shop.ctx.actor
    assert owner is not None
    with pytest.raises(ValidationError):
        shop.accounts.update_user(owner.user_id, "Olivia", "manager", active=True)


def test_recovery_code_resets_the_owner_password_once(fresh: Services) -> None:
    code = fresh.setup.create_shop(ShopSetup("Shop", "USD", "boss", "Boss", "forgotten-1"))
    with pytest.raises(AuthenticationFailed):
        fresh.accounts.recover_owner("boss", "AAAA-BBBB-CCCC-DDDD", "brand-new-1")
    following = fresh.accounts.recover_owner("boss", code.lower().replace("-", " "), "brand-new-1")
    assert following != code
    assert fresh.accounts.login("boss", "brand-new-1")
    with pytest.raises(AuthenticationFailed):
        fresh.accounts.recover_owner("boss", code, "another-one-1")


def test_a_demotion_takes_effect_at_once(shop: Services) -> None:
    add_staff(shop, "ada", "owner")
    me = shop.ctx.actor
    assert me is not None
    shop.accounts.update_user(me.user_id, "Olivia", "front_desk", active=True)
    with pytest.raises(PermissionDenied):
        shop.accounts.add_user("boss2", "Boss", "owner", STAFF_PASSWORD)
    assert shop.ctx.actor is not None and shop.ctx.actor.role == "front_desk"


def test_a_deactivated_owner_cannot_recover_their_way_back(fresh: Services) -> None:
    code = fresh.setup.create_shop(ShopSetup("Shop", "USD", "boss", "Boss", "forgotten-1"))
    fresh.accounts.login("boss", "forgotten-1")
    fresh.accounts.add_user("ada", "Ada", "owner", STAFF_PASSWORD)
    fresh.accounts.login("ada", STAFF_PASSWORD)
    boss = next(u for u in fresh.accounts.list_users() if u.username == "boss")
    fresh.accounts.update_user(boss.id, "Boss", "owner", active=False)
    with pytest.raises(AuthenticationFailed):
        fresh.accounts.recover_owner("boss", code, "brand-new-1")


def test_lock_screen_guesses_are_throttled_and_audited(shop: Services) -> None:
    for _ in range(3):
        assert not shop.accounts.verify_current_password("guess")
    with pytest.raises(LoginThrottled):
        shop.accounts.verify_current_password(OWNER_PASSWORD)
    later = utc_now() + timedelta(seconds=31)
    assert shop.accounts.verify_current_password(OWNER_PASSWORD, now=later)
    assert [e.action for e in shop.audit.recent()].count("login_failed") == 3
