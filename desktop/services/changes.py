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
    cash_shift: bool = False  # this station's drawer: opened, paid in or out, closed
    everything: bool = False  # after a restore
    sync_review: bool = False  # a sync conflict was resolved (the managers' review lists)
    items: frozenset[uuid.UUID] = field(default_factory=frozenset)
    stock: frozenset[uuid.UUID] = field(default_factory=frozenset)  # item ids whose stock moved
    suppliers: bool = False
    purchase_orders: frozenset[uuid.UUID] = field(default_factory=frozenset)
    stock_counts: frozenset[uuid.UUID] = field(default_factory=frozenset)
    # Sales documents issued, paid, voided or refunded (invoice lists, customer accounts).
    documents: frozenset[uuid.UUID] = field(default_factory=frozenset)
    # Other stations' changes arrived through sync: views reload, nothing to push back.
    synced: bool = False

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            mine, theirs = getattr(self, name), getattr(other, name)
            merged[name] = mine | theirs if isinstance(mine, frozenset) else mine or theirs
        return Changes(**merged)  # type: ignore[arg-type]
