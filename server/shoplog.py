"""The locked shop row during a push: hands out server sequence numbers and server HLCs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
from psycopg.rows import DictRow

from desktop.sync.hlc import HybridLogicalClock

# The station code of changes the server makes itself (conflict rows).
SERVER_STATION = "~SRV"


@dataclass
class ShopLog:
    """Sequence and clock state of one shop, read under ``SELECT ... FOR UPDATE``."""

    shop_id: uuid.UUID
    next_seq: int
    last_clock: str

    def __post_init__(self) -> None:
        self._clock = HybridLogicalClock(SERVER_STATION, self.last_clock or None)

    @classmethod
    def lock(cls, db: psycopg.Connection[DictRow], shop_id: uuid.UUID) -> ShopLog:
        """Lock the shop row until the transaction ends; writers of one shop queue here."""
        row = db.execute(
            "SELECT next_seq, clock FROM srv_shops WHERE id = %s FOR UPDATE", (shop_id,)
        ).fetchone()
        assert row is not None
        return cls(shop_id, int(row["next_seq"]), str(row["clock"]))

    @property
    def head(self) -> int:
        return self.next_seq - 1

    def take_seq(self) -> int:
        seq = self.next_seq
        self.next_seq += 1
        return seq

    def server_hlc(self, after: str) -> str:
        """A fresh server HLC later than ``after`` (the change that caused it)."""
        self._clock.observe(after)
        self.last_clock = self._clock.now()
        return self.last_clock

    def mark(self) -> tuple[int, str]:
        return self.next_seq, self.last_clock

    def reset(self, mark: tuple[int, str]) -> None:
        """Forget what a rolled-back savepoint handed out."""
        self.next_seq, self.last_clock = mark
        self._clock = HybridLogicalClock(SERVER_STATION, self.last_clock or None)

    def save(self, db: psycopg.Connection[DictRow]) -> None:
        db.execute(
            "UPDATE srv_shops SET next_seq = %s, clock = %s WHERE id = %s",
            (self.next_seq, self.last_clock, self.shop_id),
        )
