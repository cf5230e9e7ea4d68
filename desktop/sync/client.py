"""The station's HTTP client for the sync server: one method per endpoint of the wire
protocol, frozen results, and typed errors whose messages a shop owner understands.

httpx is imported on first use, not with this module: the runner and the status bar
import the errors below while the app starts, and start-up time matters (ARCHITECTURE §2).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import desktop
from desktop.services.database import HEAD_REVISION
from desktop.services.errors import SyncError

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
SCHEMA_HEADER = "Benchside-Schema"
T = TypeVar("T")
ENROLL_AGAIN = "Connect this station again with a new enrollment code (Settings → Sync)."

# -- errors ------------------------------------------------------------------------------


class SyncOffline(SyncError):
    """The server cannot be reached (no network, server down, timeout, gateway errors)."""


class SyncAuthError(SyncError):
    """The server does not accept this station's token: it must enroll again."""


class SchemaTooOld(SyncError):
    """This Benchside is older than the server accepts: update Benchside on this PC."""


class SchemaTooNew(SyncError):
    """This Benchside is newer than the server knows: the server needs an update."""


class ResyncRequired(SyncError):
    """The server cannot continue from this station's cursor: it must load the shop again."""


class SequenceGap(SyncError):
    """The server expected an earlier transaction number (``expected``) than was sent."""

    def __init__(self, expected: int, message: str = "") -> None:
        self.expected = expected
        super().__init__(
            message or f"The sync server expected change number {expected}; sending again."
        )


class SyncServerError(SyncError):
    """Any other refusal or failure; ``detail`` is the server's own sentence."""

    def __init__(self, detail: str, status: int = 0, code: str = "") -> None:
        self.detail = detail
        self.status = status
        self.code = code
        super().__init__(detail)


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerHealth:
    status: str
    version: str
    schema: str


@dataclass(frozen=True)
class Enrollment:
    station_id: uuid.UUID
    station_code: str
    token: str
    shop_id: uuid.UUID
    shop_name: str
    branch_id: uuid.UUID
    branch_name: str
    shop_has_data: bool


@dataclass(frozen=True)
class ServerStatus:
    station_id: uuid.UUID
    station_code: str
    shop_name: str
    branch_name: str
    head: int
    last_station_seq: int


@dataclass(frozen=True)
class PushOutcome:
    txn_id: uuid.UUID
    station_seq: int
    status: str  # applied | duplicate | rejected
    reason: str
    # For a refused transaction: the server's state of each row it touched
    # (``server.refused``), for the station to put back.
    current: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class PushResult:
    results: tuple[PushOutcome, ...]
    last_station_seq: int
    head: int


@dataclass(frozen=True)
class PullPage:
    """``changes`` are ``Change.to_json()`` objects, each with its server ``seq``."""

    changes: tuple[dict[str, Any], ...]
    next: int
    chain: str | None  # the log's fingerprint at ``next``: sent with the next pull
    has_more: bool
    head: int


@dataclass(frozen=True)
class BootstrapStart:
    cursor: int
    chain: str  # the log's fingerprint at ``cursor``
    tables: tuple[str, ...]


@dataclass(frozen=True)
class BootstrapPage:
    """``rows`` are ``{"id", "fields", "clocks"}`` (``{"id", "table", "hlc"}`` for the
    ``_tombstones`` table); ``next_after`` is None on the last page."""

    rows: tuple[dict[str, Any], ...]
    next_after: uuid.UUID | None


class ChangeLike(Protocol):
    def to_json(self) -> dict[str, Any]: ...


class TransactionLike(Protocol):
    @property
    def txn_id(self) -> uuid.UUID: ...

    @property
    def station_seq(self) -> int: ...

    @property
    def changes(self) -> Sequence[ChangeLike]: ...


# -- the client --------------------------------------------------------------------------


class SyncClient:
    """Talks to one sync server as one station. Not thread-safe: one per thread."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        schema: str = HEAD_REVISION,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self._token = token
        self._schema = schema
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
            headers={"User-Agent": f"Benchside/{desktop.__version__}"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def health(self) -> ServerHealth:
        """The server's version and schema. Raises ``SyncOffline``, ``SyncServerError``."""
        body = self._call("GET", "/health", authorized=False)
        return _parse(lambda: ServerHealth(str(body["status"]), body["version"], body["schema"]))

    def enroll(
        self, code: str, station_name: str, station_code: str | None, has_data: bool
    ) -> Enrollment:
        """Trade a one-time enrollment code for this station's token. Raises
        ``SyncServerError`` (wrong, expired or used code; station code taken),
        ``SyncOffline``, ``SchemaTooOld``, ``SchemaTooNew``."""
        payload = {
            "code": code.strip(),
            "station_name": station_name,
            "station_code": station_code,
            "has_data": has_data,
        }
        body = self._call("POST", "/v1/enroll", json=payload, authorized=False)
        return _parse(
            lambda: Enrollment(
                station_id=uuid.UUID(body["station_id"]),
                station_code=str(body["station_code"]),
                token=str(body["token"]),
                shop_id=uuid.UUID(body["shop_id"]),
                shop_name=str(body["shop_name"]),
                branch_id=uuid.UUID(body["branch_id"]),
                branch_name=str(body["branch_name"]),
                shop_has_data=bool(body["shop_has_data"]),
            )
        )

    def status(self) -> ServerStatus:
        """Who the server thinks this station is (test connection). Raises the
        ``SyncError`` subclasses."""
        body = self._call("GET", "/v1/status")
        return _parse(
            lambda: ServerStatus(
                station_id=uuid.UUID(body["station_id"]),
                station_code=str(body["station_code"]),
                shop_name=str(body["shop_name"]),
                branch_name=str(body["branch_name"]),
                head=int(body["head"]),
                last_station_seq=int(body["last_station_seq"]),
            )
        )

    def push(self, station_id: uuid.UUID, transactions: Sequence[TransactionLike]) -> PushResult:
        """Send local transactions in order. Raises ``SequenceGap`` when the server expects
        an earlier one, and the other ``SyncError`` subclasses."""
        payload = {
            "station_id": str(station_id),
            "transactions": [
                {
                    "txn_id": str(txn.txn_id),
                    "station_seq": txn.station_seq,
                    "changes": [change.to_json() for change in txn.changes],
                }
                for txn in transactions
            ],
        }
        body = self._call("POST", "/v1/push", json=payload)
        return _parse(
            lambda: PushResult(
                results=tuple(
                    PushOutcome(
                        txn_id=uuid.UUID(r["txn_id"]),
                        station_seq=int(r["station_seq"]),
                        status=str(r["status"]),
                        reason=str(r.get("reason") or ""),
                        current=tuple(dict(c) for c in r.get("current") or ()),
                    )
                    for r in body["results"]
                ),
                last_station_seq=int(body["last_station_seq"]),
                head=int(body["head"]),
            )
        )

    def pull(self, since: int, limit: int = 1000, chain: str | None = None) -> PullPage:
        """Changes of other stations after server sequence ``since``; ``chain`` is the
        log's fingerprint there as this station read it. Raises ``ResyncRequired`` when
        the server cannot continue from there, and the other ``SyncError`` subclasses."""
        params: dict[str, Any] = {"since": since, "limit": limit}
        if chain:
            params["chain"] = chain
        body = self._call("GET", "/v1/pull", params=params)
        return _parse(
            lambda: PullPage(
                changes=tuple(dict(c) for c in body["changes"]),
                next=int(body["next"]),
                chain=None if body.get("chain") is None else str(body["chain"]),
                has_more=bool(body["has_more"]),
                head=int(body["head"]),
            )
        )

    def bootstrap_start(self) -> BootstrapStart:
        """The cursor to pull from after loading the shop, and the tables to load in order.
        Raises the ``SyncError`` subclasses."""
        body = self._call("GET", "/v1/bootstrap")
        return _parse(
            lambda: BootstrapStart(
                cursor=int(body["cursor"]),
                chain=str(body.get("chain") or ""),
                tables=tuple(str(t) for t in body["tables"]),
            )
        )

    def bootstrap_rows(
        self, table: str, after: uuid.UUID | None = None, limit: int = 5000
    ) -> BootstrapPage:
        """One page of ``table``'s current rows, ordered by id, after ``after``. Raises the
        ``SyncError`` subclasses."""
        params: dict[str, str | int] = {
            "table": table,
            "after": "" if after is None else str(after),
            "limit": limit,
        }
        body = self._call("GET", "/v1/bootstrap/rows", params=params)
        return _parse(
            lambda: BootstrapPage(
                rows=tuple(dict(r) for r in body["rows"]),
                next_after=None if body["next_after"] is None else uuid.UUID(body["next_after"]),
            )
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        authorized: bool = True,
    ) -> dict[str, Any]:
        import httpx

        headers = {SCHEMA_HEADER: self._schema}
        if authorized:
            if not self._token:
                raise SyncAuthError(f"This station is not connected to a server. {ENROLL_AGAIN}")
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self._http.request(method, path, json=json, params=params, headers=headers)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise SyncServerError(
                f"The server address {self.base_url!r} is not a valid http(s) address."
            ) from exc
        except httpx.TimeoutException as exc:
            raise SyncOffline(
                f"The sync server at {self.base_url} did not answer in time."
            ) from exc
        except httpx.TransportError as exc:
            raise SyncOffline(f"The sync server at {self.base_url} cannot be reached.") from exc
        return _body_or_raise(response)


def _body_or_raise(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a successful answer, else the typed error for it."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    if response.is_success:
        if not body:
            raise SyncServerError("The sync server sent an answer Benchside cannot read.")
        return body
    raise error_for(response.status_code, body)


def error_for(status: int, body: Mapping[str, Any]) -> SyncError:
    """The typed error for an HTTP error status and its ``{"detail", "code"}`` body."""
    detail = str(body.get("detail") or "").strip()
    code = str(body.get("code") or "")
    if status in (502, 503, 504):
        return SyncOffline(f"The sync server is not available right now ({status}).")
    if status == 401:
        reason = detail or "The sync server does not accept this station's key."
        return SyncAuthError(f"{reason} {ENROLL_AGAIN}")
    if status == 426 or code == "schema_too_old":
        return SchemaTooOld(
            "This Benchside is too old for the sync server: update Benchside on this PC. "
            "Its changes are kept until then."
        )
    if status == 409 and code == "schema_too_new":
        return SchemaTooNew(
            "The sync server is older than this Benchside and needs an update. "
            "Changes are kept on this PC until then."
        )
    if status == 409 and code == "resync_required":
        return ResyncRequired(
            detail or "The sync server cannot continue from where this station left off."
        )
    if status == 409 and code == "sequence_gap":
        expected = body.get("expected")
        if isinstance(expected, int) and not isinstance(expected, bool):
            return SequenceGap(expected)
    if status == 413:
        detail = detail or "The changes sent at once were too large for the sync server."
    return SyncServerError(
        detail or f"The sync server answered with an error ({status}).", status, code
    )


def _parse(build: Callable[[], T]) -> T:
    """``build()``, turning a missing or mistyped field of the answer into a typed error."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SyncServerError("The sync server sent an answer Benchside cannot read.") from exc
