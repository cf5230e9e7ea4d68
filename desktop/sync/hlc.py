"""Hybrid logical clock: wall time in ms, a counter, the station code.

Encoded as a fixed-width string so that string order is clock order
(``0001732364400123-00000-A``). It never goes backwards on a station, even when the
PC's clock does, and it moves past any clock value received from elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 99_999


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    station: str

    def encode(self) -> str:
        return f"{self.wall_ms:016d}-{self.counter:05d}-{self.station}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        wall, counter, station = text.split("-", 2)
        return cls(int(wall), int(counter), station)


class HybridLogicalClock:
    """Thread-safe HLC for one station."""

    def __init__(
        self,
        station: str,
        last: str | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._station = station
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        start = Timestamp.decode(last) if last else Timestamp(0, 0, station)
        self._wall_ms = start.wall_ms
        self._counter = start.counter

    @property
    def station(self) -> str:
        return self._station

    @property
    def wall_clock(self) -> Callable[[], float]:
        """The PC's clock this HLC reads (seconds since the epoch)."""
        return self._wall_clock

    def now(self) -> str:
        """The next timestamp for a local event."""
        with self._lock:
            physical = int(self._wall_clock() * 1000)
            if physical > self._wall_ms:
                self._wall_ms, self._counter = physical, 0
            else:
                self._counter += 1
            self._carry()
            return Timestamp(self._wall_ms, self._counter, self._station).encode()

    def observe(self, remote: str) -> None:
        """Move past a timestamp received from another station."""
        other = Timestamp.decode(remote)
        with self._lock:
            physical = int(self._wall_clock() * 1000)
            wall = max(self._wall_ms, other.wall_ms, physical)
            if wall == self._wall_ms == other.wall_ms:
                counter = max(self._counter, other.counter) + 1
            elif wall == self._wall_ms:
                counter = self._counter + 1
            elif wall == other.wall_ms:
                counter = other.counter + 1
            else:
                counter = 0
            self._wall_ms, self._counter = wall, counter
            self._carry()

    def _carry(self) -> None:
        # Keep the counter within its fixed width so string order stays clock order.
        if self._counter > MAX_COUNTER:
            self._wall_ms += 1
            self._counter = 0
