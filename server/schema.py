"""The whole server schema in one metadata: bookkeeping tables plus the mirror tables."""

from __future__ import annotations

from server.mirror import MIRROR_TABLES
from server.models import metadata

__all__ = ["MIRROR_TABLES", "metadata"]
