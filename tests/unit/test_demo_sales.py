"""The demo shop's counter is real: its sales, the return and the journal add up."""

from __future__ import annotations

from desktop.demo import create_demo_shop
from desktop.services.container import Services


def test_demo_shop_has_sales_an_invoice_a_return_and_a_held_sale(fresh: Services) -> None:
    create_demo_shop(fresh, customers=6, devices=6, tickets=4)
    found = [fresh.sales.find(n) for n in ("S-A-000001", "S-A-000003", "CN-A-000001")]
    assert all(d.balance == 0 for d in found)
    assert found[0].credit_notes == ("CN-A-000001",)
    invoice = fresh.sales.find("INV-A-000001")
    assert invoice.balance > 0
    assert len(fresh.sales.held()) == 1
    assert fresh.journal.verify().intact
