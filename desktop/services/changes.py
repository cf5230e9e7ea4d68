"""What a mutation changed, so each open view reloads only what concerns it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    customers: frozenset[uuid.UUID] = field(default_factory=frozenset)
    devices: frozenset[uuid.UUID] = field(default_factory=frozenset)
    tickets: frozenset[uuid.UUID] = field(default_factory=frozenset)
    users: bool = False
    shop: bool = False
    messages: bool = False  # the outbox sent or failed something
    station: bool = False  # this station's own settings (scanner, printers)
    everything: bool = False  # after a restore
    items: frozenset[uuid.UUID] = field(default_factory=frozenset)
    stock: frozenset[uuid.UUID] = field(default_factory=frozenset)  # item ids whose stock moved

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.customers | other.customers,
            self.devices | other.devices,
            self.tickets | other.tickets,
            self.users or other.users,
            self.shop or other.shop,
            self.messages or other.messages,
            self.station or other.station,
            self.everything or other.everything,
            self.items | other.items,
            self.stock | other.stock,
        )
