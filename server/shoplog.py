"""The locked shop row during a push: hands out server sequence numbers and server HLCs."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import psycopg
from psycopg.rows import DictRow

from desktop.sync.hlc import HybridLogicalClock

# The station code of changes the server makes itself (conflict rows).
SERVER_STATION = "~SRV"


def next_chain(chain: bytes, change_id: uuid.UUID) -> bytes:
    """The log's fingerprint once ``change_id`` follows a log whose fingerprint is
    ``chain``: it names the whole history up to there. A station keeps the fingerprint
    of the change its cursor stands on; a server restored from an older backup hands the
    same sequence numbers to other changes, and the fingerprints then disagree."""
    return hashlib.blake2b(chain + change_id.bytes, digest_size=16).digest()


@dataclass
class ShopLog:
    """Sequence and clock state of one shop, read under ``SELECT ... FOR UPDATE``."""

    shop_id: uuid.UUID
    next_seq: int
    last_clock: str
    chain: bytes

    def __post_init__(self) -> None:
        self._clock = HybridLogicalClock(SERVER_STATION, self.last_clock or None)

    @classmethod
    def lock(cls, db: psycopg.Connection[DictRow], shop_id: uuid.UUID) -> ShopLog:
        """Lock the shop row until the transaction ends; writers of one shop queue here."""
        row = db.execute(
            "SELECT next_seq, clock, chain FROM srv_shops WHERE id = %s FOR UPDATE", (shop_id,)
        ).fetchone()
        assert row is not None
        return cls(shop_id, int(row["next_seq"]), str(row["clock"]), bytes(row["chain"]))

    @property
    def head(self) -> int:
        return self.next_seq - 1

    def take_seq(self, change_id: uuid.UUID) -> tuple[int, bytes]:
        """The sequence number of the next change logged, and the log's fingerprint
        with it."""
        seq = self.next_seq
        self.next_seq += 1
        self.chain = next_chain(self.chain, change_id)
        return seq, self.chain

    def server_hlc(self, after: str) -> str:
        """A fresh server HLC later than ``after`` (the change that caused it)."""
        self._clock.observe(after)
        self.last_clock = self._clock.now()
        return self.last_clock

    def mark(self) -> tuple[int, str, bytes]:
        return self.next_seq, self.last_clock, self.chain

    def reset(self, mark: tuple[int, str, bytes]) -> None:
        """Forget what a rolled-back savepoint handed out."""
        self.next_seq, self.last_clock, self.chain = mark
        self._clock = HybridLogicalClock(SERVER_STATION, self.last_clock or None)

    def save(self, db: psycopg.Connection[DictRow]) -> None:
        db.execute(
            "UPDATE srv_shops SET next_seq = %s, clock = %s, chain = %s WHERE id = %s",
            (self.next_seq, self.last_clock, self.chain, self.shop_id),
        )
