"""What enrolling this station with a sync server needs to know, and a check of the
server address the user typed."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import exists, select

from desktop.models import OutboxEntry, Station, User
from desktop.services.context import ServiceContext
from desktop.services.errors import ValidationError
from desktop.services.permissions import Permission

DEFAULT_STATION_NAME = "Counter"


@dataclass(frozen=True)
class EnrollmentFacts:
    """``station_code`` is None when nothing was done here yet: the server then assigns
    one. With data, the station keeps its code (it is part of every number made here)."""

    station_code: str | None
    station_name: str
    has_data: bool


def enrollment_facts(ctx: ServiceContext) -> EnrollmentFacts:
    """This station's code, name and whether it holds data of its own, for enrollment.
    Raises ``PermissionDenied`` unless the user may change this station's settings (a
    fresh install, which has no users yet, may join a shop like it may set one up)."""
    with ctx.uow() as tx:
        session = tx.session
        has_data = bool(
            session.scalar(select(exists().where(User.id.is_not(None))))
            or session.scalar(select(exists().where(OutboxEntry.seq.is_not(None))))
        )
        name = session.scalar(select(Station.name).where(Station.code == ctx.station_code))
    if has_data:
        ctx.require(Permission.MANAGE_STATION)
    return EnrollmentFacts(
        station_code=ctx.station_code if has_data else None,
        station_name=name or platform.node() or DEFAULT_STATION_NAME,
        has_data=has_data,
    )


def check_server_url(text: str) -> str:
    """The server address, tidied (no trailing slash). Raises ``ValidationError`` on
    ``sync_url`` when it is not an http(s) address of a server."""
    url = text.strip()
    if not url:
        raise ValidationError(
            {"sync_url": "Enter the sync server's address, e.g. https://sync.example.com."}
        )
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            {
                "sync_url": "Start the address with https:// (or http:// on the shop's own "
                "network), e.g. https://sync.example.com."
            }
        )
    if not port_ok or parts.query or parts.fragment or parts.username or parts.password:
        raise ValidationError({"sync_url": "This is not a server address Benchside can use."})
    return url.rstrip("/")
