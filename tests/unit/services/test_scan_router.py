from __future__ import annotations

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.items import ItemInput
from desktop.services.scan_router import ScanKind
from desktop.services.tickets import TicketInput


def test_ticket_labels_and_item_barcodes_resolve_and_the_rest_is_unknown(shop: Services) -> None:
    customer = shop.customers.create(CustomerInput(last_name="Scan"))
    ticket = shop.tickets.create(TicketInput(customer.id, problem="Screen"))
    for typed in ("T-A-10001", " t-a-10001 ", "t-a- 10001"):
        found = shop.scans.resolve(typed)
        assert (found.kind, found.id, found.code) == (ScanKind.TICKET, ticket.id, "T-A-10001")
    unknown = shop.scans.resolve(" 4006381333931 ")
    assert (unknown.kind, unknown.id, unknown.code) == (ScanKind.UNKNOWN, None, "4006381333931")
    item = shop.items.create(
        ItemInput(name="iPhone 13 screen", barcodes=("4006381333931",), sell_price=12900)
    ).item
    found = shop.scans.resolve("4006381333931")
    assert (found.kind, found.id) == (ScanKind.ITEM, item.id)
    unknown = shop.scans.resolve(" 4006381333948 ")
    assert (unknown.kind, unknown.id, unknown.code) == (ScanKind.UNKNOWN, None, "4006381333948")
