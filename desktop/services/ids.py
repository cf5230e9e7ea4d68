"""Primary keys: UUIDv7 made on the station, sortable by creation time, no central allocator."""

from __future__ import annotations

import uuid

from uuid6 import uuid7

# Namespace for ids that every station must compute alike (catalog entries), so that two
# stations adding the same phone model offline create the same row.
CATALOG_NAMESPACE = uuid.UUID("6b0b2f0e-3d0b-4f7c-9a51-2f3c1c9e7a10")


def new_id() -> uuid.UUID:
    """A fresh UUIDv7 as a standard ``uuid.UUID``."""
    return uuid.UUID(bytes=uuid7().bytes)


def stable_id(*parts: str) -> uuid.UUID:
    """A UUIDv5 from normalised parts: the same on every station."""
    key = "\x1f".join(part.strip().casefold() for part in parts)
    return uuid.uuid5(CATALOG_NAMESPACE, key)
