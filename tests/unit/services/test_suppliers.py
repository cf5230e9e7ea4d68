from __future__ import annotations

import uuid

import pytest

from desktop.services.container import Services
from desktop.services.errors import NotFound, PermissionDenied, RecordInUse, ValidationError
from desktop.services.items import ItemInput
from desktop.services.purchasing import OrderInput
from desktop.services.suppliers import SupplierInput
from tests.unit.conftest import add_staff, sign_in_as


def _supplier(shop: Services, name: str = "Parts Direct", **fields: object) -> uuid.UUID:
    return shop.suppliers.create(SupplierInput(name, **fields)).id  # type: ignore[arg-type]


def _item(shop: Services, name: str = "iPhone 12 screen", cost: int = 0) -> uuid.UUID:
    return shop.items.create(ItemInput(name, cost_price=cost)).item.id


def test_a_supplier_keeps_its_contacts_terms_and_lead_time(shop: Services) -> None:
    created = shop.suppliers.create(
        SupplierInput(
            "  Parts   Direct ",
            contact_name="Sam Seller",
            phone="+1 555 0100",
            email="Orders@PartsDirect.example",
            address="1 Dock Rd\nPortsmouth",
            terms="30 days net",
            lead_time_days=5,
            notes="Ships Mon-Thu",
        )
    )
    got = shop.suppliers.get(created.id)
    assert (got.name, got.email, got.lead_time_days, got.active) == (
        "Parts Direct",
        "orders@partsdirect.example",
        5,
        True,
    )
    assert got.address == "1 Dock Rd\nPortsmouth"
    updated = shop.suppliers.update(created.id, SupplierInput("Parts Direct Ltd", lead_time_days=7))
    assert (updated.name, updated.lead_time_days, updated.email) == ("Parts Direct Ltd", 7, "")


def test_bad_supplier_fields_are_refused_all_at_once(shop: Services) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.suppliers.create(
            SupplierInput(" ", email="not-an-address", phone="call me", lead_time_days=400)
        )
    assert set(refused.value.errors) == {"name", "email", "phone", "lead_time_days"}
    with pytest.raises(ValidationError) as refused:
        shop.suppliers.create(SupplierInput("X" * 10_000_000, lead_time_days=-1))
    assert set(refused.value.errors) == {"name", "lead_time_days"}
    assert shop.suppliers.list() == []


def test_list_searches_by_name_and_hides_archived_suppliers(shop: Services) -> None:
    direct = _supplier(shop, "Parts Direct")
    _supplier(shop, "Mobile Spares", contact_name="Dana Direct")
    _supplier(shop, "100% Parts")
    assert [s.name for s in shop.suppliers.list()] == [
        "100% Parts",
        "Mobile Spares",
        "Parts Direct",
    ]
    assert [s.name for s in shop.suppliers.list("direct")] == ["Mobile Spares", "Parts Direct"]
    assert [s.name for s in shop.suppliers.list("100%")] == ["100% Parts"]
    shop.suppliers.archive(direct)
    assert [s.name for s in shop.suppliers.list("direct")] == ["Mobile Spares"]
    assert [s.name for s in shop.suppliers.list("direct", include_archived=True)] == [
        "Mobile Spares",
        "Parts Direct",
    ]
    assert shop.suppliers.restore(direct).active


def test_an_archived_supplier_is_not_offered_for_new_orders(shop: Services) -> None:
    supplier = _supplier(shop)
    shop.suppliers.archive(supplier)
    with pytest.raises(ValidationError) as refused:
        shop.purchasing.create_draft(OrderInput(supplier))
    assert "archived" in refused.value.errors["supplier"]


def test_a_supplier_with_orders_cannot_be_deleted_only_archived(shop: Services) -> None:
    unused = _supplier(shop, "Typo Supplier")
    shop.suppliers.link_item(unused, _item(shop))
    shop.suppliers.delete(unused)
    with pytest.raises(NotFound):
        shop.suppliers.get(unused)
    used = _supplier(shop)
    shop.purchasing.create_draft(OrderInput(used))
    with pytest.raises(RecordInUse):
        shop.suppliers.delete(used)
    assert not shop.suppliers.archive(used).active


def test_an_item_has_one_preferred_supplier(shop: Services) -> None:
    item = _item(shop, cost=900)
    first, second = _supplier(shop, "Alpha"), _supplier(shop, "Beta")
    linked = shop.suppliers.link_item(first, item, " ap-12 ", 850)
    assert (linked.supplier_sku, linked.cost_price, linked.preferred) == ("ap-12", 850, True)
    shop.suppliers.link_item(second, item, "B-1", None)
    assert [(s.supplier_name, s.preferred) for s in shop.suppliers.suppliers_of(item)] == [
        ("Alpha", True),
        ("Beta", False),
    ]
    shop.suppliers.link_item(second, item, "B-1", 800, preferred=True)
    assert [(s.supplier_name, s.preferred) for s in shop.suppliers.suppliers_of(item)] == [
        ("Beta", True),
        ("Alpha", False),
    ]
    [supplied] = shop.suppliers.items_of(second)
    assert (supplied.item_name, supplied.cost_price, supplied.item_cost_price) == (
        "iPhone 12 screen",
        800,
        900,
    )
    shop.suppliers.unlink_item(second, item)
    assert shop.suppliers.items_of(second) == []
    with pytest.raises(NotFound):
        shop.suppliers.unlink_item(second, item)


def test_links_refuse_services_and_absurd_costs(shop: Services) -> None:
    supplier = _supplier(shop)
    labour = shop.items.create(ItemInput("Screen fitting", kind="service")).item.id
    with pytest.raises(ValidationError) as refused:
        shop.suppliers.link_item(supplier, labour)
    assert set(refused.value.errors) == {"item"}
    with pytest.raises(ValidationError) as refused:
        shop.suppliers.link_item(supplier, _item(shop), "x" * 65, -1)
    assert set(refused.value.errors) == {"supplier_sku", "cost_price"}


def test_only_managers_and_owners_change_suppliers(shop: Services) -> None:
    supplier = _supplier(shop)
    add_staff(shop, "tina", "technician")
    sign_in_as(shop, "tina")
    assert [s.name for s in shop.suppliers.list()] == ["Parts Direct"]
    with pytest.raises(PermissionDenied):
        shop.suppliers.create(SupplierInput("Other"))
    with pytest.raises(PermissionDenied):
        shop.suppliers.archive(supplier)
