"""The shop the sync benchmarks move around: real transactions, copied as often as needed.

A station set up by the real services records one counter sale (a document, two lines,
two payments, two stock movements, a journal entry) and one repair check-in (a customer
with a phone, the device, the ticket, its first status). Those outbox transactions are
the templates: ``Copier`` turns them into any number of new transactions, each with
fresh row ids (references inside the copy follow), its own document and ticket numbers,
its own journal sequence and clocks that move on, as a busy station would make them.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from uuid6 import uuid7

from desktop.services.container import Services
from desktop.services.customers import CustomerInput, PhoneInput
from desktop.services.devices import DeviceInput
from desktop.services.items import ItemInput
from desktop.services.sales_types import PaymentInput
from desktop.services.setup import ShopSetup
from desktop.services.ticket_types import TicketInput
from desktop.sync.outbox import Outbox
from desktop.sync.wire import Change, Transaction

OWNER_USERNAME = "owner"
OWNER_PASSWORD = "bench-password-1"
TEMPLATE_STATION = "A"
# Two sales for every check-in, roughly a repair shop's counter day.
MIX = ("sale", "sale", "check_in")
# Tables whose human number carries the station code and must not repeat.
NUMBERED = frozenset({"sales_documents", "tickets"})


def new_shop(path: Path) -> Services:
    """A shop set up by the real setup service at ``path``, the owner signed in."""
    services = Services.open(path)
    services.setup.create_shop(
        ShopSetup(
            shop_name="Bench Repairs",
            currency="USD",
            owner_username=OWNER_USERNAME,
            owner_display_name="Olivia Owner",
            owner_password=OWNER_PASSWORD,
        )
    )
    services.accounts.login(OWNER_USERNAME, OWNER_PASSWORD)
    return services


def record_templates(services: Services) -> dict[str, Transaction]:
    """Make the stock, one sale and one check-in on ``services``; their outbox
    transactions by kind ("sale", "check_in"). Everything stays pending in the outbox."""
    items = [
        services.items.create(ItemInput(name=name, sell_price=price, cost_price=price // 2))
        for name, price in (("Screen iPhone 13", 8900), ("Battery iPhone 13", 3900))
    ]
    for saved in items:
        services.stock.receive(saved.item.id, 500, saved.item.cost_price)
    sales = services.sales
    cart = replace(sales.new_cart(), lines=tuple(sales.line_for_item(s.item.id) for s in items))
    total = sales.totals(cart).total
    sales.complete(cart, [PaymentInput("cash", 5000, 5000), PaymentInput("card", total - 5000)])
    customer = services.customers.create(
        CustomerInput(first_name="Zoë", last_name="Müller", phones=[PhoneInput("555 201 4432")])
    )
    device = services.devices.save(
        DeviceInput(customer.id, "phone", "Apple", "iPhone 13", serial="F17GH2KLQ1")
    )
    services.tickets.create(TicketInput(customer.id, device.id, problem="Cracked screen"))
    pending = Outbox(services.ctx.engine).next_batch(1_000_000)
    sale = next(t for t in pending if any(c.table == "journal_entries" for c in t.changes))
    devices = [t for t in pending if any(c.table == "devices" for c in t.changes)]
    tickets = [t for t in pending if any(c.table == "tickets" for c in t.changes)]
    customers = [t for t in pending if any(c.table == "customers" for c in t.changes)]
    # The check-in as one transaction: the customer, the device, the ticket.
    check_in_changes = tuple(
        c for t in (*customers[-1:], *devices[-1:], *tickets[-1:]) for c in t.changes
    )
    return {"sale": sale, "check_in": Transaction(uuid7(), 0, check_in_changes)}


@dataclass
class Copier:
    """New transactions of ``station`` copied from the templates, numbered from
    ``first_seq`` (the station's next transaction number)."""

    templates: Mapping[str, Transaction]
    station: str
    first_seq: int = 1
    # Above the numbers the template station used itself.
    number: int = 1000
    clock_ms: int = 0

    def __post_init__(self) -> None:
        self._seq = itertools.count(self.first_seq)
        self._kinds = itertools.cycle(MIX)
        self.clock_ms = self.clock_ms or int(time.time() * 1000)

    def next(self, kind: str | None = None) -> Transaction:
        """One more transaction (the next kind of the mix unless ``kind``)."""
        template = self.templates[kind or next(self._kinds)]
        self.number += 1
        ids = {str(c.row_id): str(uuid7()) for c in template.changes if c.op == "insert"}
        txn_id = uuid7()
        changes = tuple(self._copy(c, txn_id, ids) for c in template.changes)
        return Transaction(txn_id, next(self._seq), changes)

    def take(self, changes: int, kind: str | None = None) -> list[Transaction]:
        """Whole transactions holding at least ``changes`` changes."""
        taken: list[Transaction] = []
        count = 0
        while count < changes:
            taken.append(self.next(kind))
            count += len(taken[-1].changes)
        return taken

    def stream(self) -> Iterator[Transaction]:
        while True:
            yield self.next()

    def _copy(self, change: Change, txn_id: uuid.UUID, ids: dict[str, str]) -> Change:
        self.clock_ms += 1
        fields = {
            name: self._value(change.table, name, value, ids)
            for name, value in change.fields.items()
        }
        return Change(
            change_id=uuid7(),
            txn_id=txn_id,
            table=change.table,
            row_id=uuid.UUID(ids.get(str(change.row_id), str(change.row_id))),
            op=change.op,
            fields=fields,
            hlc=f"{self.clock_ms:016d}-00000-{self.station}",
            station=self.station,
            user_id=change.user_id,
            base_seq=0,
        )

    def _value(self, table: str, name: str, value: Any, ids: dict[str, str]) -> Any:
        if isinstance(value, str):
            if value in ids:
                return ids[value]
            if name == "station_code":
                return self.station
            if name == "number" and table in NUMBERED:
                # S-A-000001 -> S-<station>-<copy number>: numbers never repeat.
                return f"{value.split('-')[0]}-{self.station}-{self.number:07d}"
        if name == "seq" and isinstance(value, int):
            return self.number
        return value


def changes_in(transactions: list[Transaction]) -> int:
    return sum(len(t.changes) for t in transactions)
