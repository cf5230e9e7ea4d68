from __future__ import annotations

import pytest

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.devices import DeviceInput, imei_warning
from desktop.services.errors import ValidationError
from desktop.services.ids import stable_id
from tests.unit.conftest import add_staff, sign_in_as


@pytest.fixture
def customer_id(shop: Services):  # type: ignore[no-untyped-def]
    return shop.customers.create(CustomerInput(first_name="Sam", last_name="Khan")).id


def test_imei_luhn_warns_but_saves(shop: Services, customer_id) -> None:  # type: ignore[no-untyped-def]
    assert imei_warning("356938035643809") is None
    assert imei_warning("356938035643808") is not None
    assert imei_warning("12345") is not None
    device = shop.devices.save(
        DeviceInput(customer_id, "Phone", "Apple", "iPhone 15", imei="356938035643808")
    )
    assert device.imei_warning is not None
    assert shop.devices.for_customer(customer_id)[0].id == device.id


def test_search_by_any_part_of_serial_or_imei(shop: Services, customer_id) -> None:  # type: ignore[no-untyped-def]
    device = shop.devices.save(
        DeviceInput(customer_id, "Laptop", "Dell", "XPS 13", serial="cn0x7k2p9", imei="")
    )
    phone = shop.devices.save(
        DeviceInput(customer_id, "Phone", "Samsung", "S24", imei="356938035643809")
    )
    assert [d.id for d in shop.devices.search("X7K2")] == [device.id]
    assert [d.id for d in shop.devices.search("0356438")] == [phone.id]
    assert shop.devices.search("zz") == []


def test_passcode_hidden_from_front_desk_who_can_still_set_it(shop: Services, customer_id) -> None:  # type: ignore[no-untyped-def]
    device = shop.devices.save(
        DeviceInput(customer_id, "Phone", "Apple", "iPhone 12", passcode="1234")
    )
    add_staff(shop, "fd", "front_desk")
    add_staff(shop, "tech", "technician")
    sign_in_as(shop, "fd")
    assert shop.devices.get(device.id).passcode is None
    shop.devices.save(
        DeviceInput(customer_id, "Phone", "Apple", "iPhone 12", colour="Blue"), device.id
    )
    sign_in_as(shop, "tech")
    assert shop.devices.get(device.id).passcode == "1234"


def test_new_models_join_the_catalog_with_a_stable_id(shop: Services, customer_id) -> None:  # type: ignore[no-untyped-def]
    assert "Galaxy S24" in shop.devices.models("Samsung", "Phone")
    shop.devices.save(DeviceInput(customer_id, "Phone", "Fairphone", "Fairphone 5"))
    shop.devices.save(DeviceInput(customer_id, "Phone", "Fairphone", "Fairphone 5"))
    assert shop.devices.models("Fairphone") == ["Fairphone 5"]
    assert stable_id("Phone", "Fairphone", "Fairphone 5") == stable_id(
        "phone", " FAIRPHONE", "fairphone 5"
    )


def test_device_needs_some_identity(shop: Services, customer_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        shop.devices.save(DeviceInput(customer_id))
