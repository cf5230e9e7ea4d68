from __future__ import annotations

from desktop.services.container import Services
from desktop.services.customers import CustomerInput
from desktop.services.scan_router import ScanKind
from desktop.services.tickets import TicketInput


def test_a_ticket_label_resolves_to_its_ticket_however_it_was_typed(shop: Services) -> None:
    customer = shop.customers.create(CustomerInput(last_name="Scan"))
    ticket = shop.tickets.create(TicketInput(customer.id, problem="Screen"))
    for typed in ("T-A-10001", " t-a-10001 ", "t-a- 10001"):
        found = shop.scans.resolve(typed)
        assert (found.kind, found.id, found.code) == (ScanKind.TICKET, ticket.id, "T-A-10001")
    unknown = shop.scans.resolve(" 4006381333931 ")
    assert (unknown.kind, unknown.id, unknown.code) == (ScanKind.UNKNOWN, None, "4006381333931")
