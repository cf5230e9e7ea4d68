"""What a scanned code means: the one place that reads a barcode (ARCHITECTURE §5).

The views say where the scan happened; the router says what the code is. What to do with
it (open the ticket, add the item to the open sale …) stays with the screen in front.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from desktop.services.items import ItemService
from desktop.services.sales import SaleService
from desktop.services.tickets import TicketService, normalized_number


class ScanKind(StrEnum):
    TICKET = "ticket"
    ITEM = "item"
    DOCUMENT = "document"  # a sale, invoice or credit note (the receipt's barcode)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScanResult:
    kind: ScanKind
    code: str
    id: uuid.UUID | None = None


class ScanRouter:
    def __init__(self, tickets: TicketService, items: ItemService, sales: SaleService) -> None:
        self.tickets = tickets
        self.items = items
        self.sales = sales

    def resolve(self, code: str) -> ScanResult:
        """The record a scanned ``code`` names; ``UNKNOWN`` when nothing has it."""
        cleaned = normalized_number(code)
        ticket_id = self.tickets.find_by_number(cleaned)
        if ticket_id is not None:
            return ScanResult(ScanKind.TICKET, cleaned, ticket_id)
        item = self.items.find_by_barcode(code)
        if item is not None:
            return ScanResult(ScanKind.ITEM, code.strip(), item.id)
        document_id = self.sales.find_id(cleaned)
        if document_id is not None:
            return ScanResult(ScanKind.DOCUMENT, cleaned, document_id)
        return ScanResult(ScanKind.UNKNOWN, code.strip())
