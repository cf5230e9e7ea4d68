"""The lazy customer table model over a real database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.changes import Changes
from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.views.itemmodels.customers import BLOCK_SIZE, CustomerTableModel

CUSTOMERS = 450


def _fill(services: Services) -> None:
    for n in range(CUSTOMERS):
        services.customers.create(
            CustomerInput(
                first_name=f"Ann{n:04d}",
                last_name=f"Zed{n:04d}",
                phones=[PhoneInput(f"555 {n:07d}")],
                email=f"ann{n}@example.com",
            )
        )
    services.customers.create(CustomerInput(first_name="Maria", last_name="Lopez"))


def test_model_passes_qtmodeltester(shop_services: Services, qtmodeltester) -> None:
    _fill(shop_services)
    model = CustomerTableModel(shop_services.customers)
    model.set_query("")
    qtmodeltester.check(model)
    model.set_query("lopez")
    qtmodeltester.check(model)


def test_rows_far_down_are_fetched_lazily_and_right(shop_services: Services) -> None:
    _fill(shop_services)
    model = CustomerTableModel(shop_services.customers)
    model.set_query("")
    assert model.rowCount() == CUSTOMERS + 1
    assert model.fetches == 0
    # Ordered by last name: "lopez maria" comes before every "zed...".
    assert model.index(0, 0).data() == "Maria Lopez"
    assert model.fetches == 1
    far = model.index(CUSTOMERS, 0).data()
    assert far == f"Ann{CUSTOMERS - 1:04d} Zed{CUSTOMERS - 1:04d}"
    assert model.fetches == 2  # jumped by offset, skipping the middle block
    assert model.index(BLOCK_SIZE + 1, 3).data() == f"ann{BLOCK_SIZE}@example.com"
    assert model.fetches == 3
    assert model.index(CUSTOMERS, 2).data() == f"555 {CUSTOMERS - 1:07d}"
    assert model.fetches == 3  # cached
    assert model.index(5, 0).data(Qt.ItemDataRole.UserRole) == model.customer_id(5)


def test_query_filters_rows(shop_services: Services) -> None:
    _fill(shop_services)
    model = CustomerTableModel(shop_services.customers)
    model.set_query("Ann0042")
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == ""
    assert model.index(0, 0).data() == "Ann0042 Zed0042"
    model.set_query("nobody-here")
    assert model.rowCount() == 0


def test_model_reloads_when_customers_change(shop_services: Services) -> None:
    model = CustomerTableModel(shop_services.customers)
    model.set_query("")
    assert model.rowCount() == 0
    created = shop_services.customers.create(CustomerInput(last_name="New"))
    model.on_data_changed(Changes(devices=frozenset({created.id})))
    assert model.rowCount() == 0
    model.on_data_changed(Changes(customers=frozenset({created.id})))
    assert model.rowCount() == 1
