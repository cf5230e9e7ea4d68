"""A network between a station and the server that misbehaves on cue: it drops a request
before it leaves, loses the server's answer after the server did the work, or delivers the
same request twice. Real HTTP to the real server underneath."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

DROP, LOSE, REPLAY = "drop", "lose", "replay"


@dataclass
class FaultyNetwork(httpx.BaseTransport):
    """``plan`` holds (path, fault) pairs, used in order, each by the first request to
    that path; ``read_timeout`` shortens how long the station waits for an answer."""

    plan: list[tuple[str, str]] = field(default_factory=list)
    read_timeout: float | None = None
    seen: list[str] = field(default_factory=list)
    before_send: Callable[[httpx.Request], None] | None = None
    inner: httpx.HTTPTransport = field(default_factory=httpx.HTTPTransport)

    def fail_next(self, path: str, fault: str, times: int = 1) -> None:
        self.plan.extend([(path, fault)] * times)

    def _fault_for(self, path: str) -> str | None:
        for index, (planned, fault) in enumerate(self.plan):
            if planned == path:
                del self.plan[index]
                return fault
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.seen.append(path)
        if self.read_timeout is not None:
            request.extensions["timeout"] = httpx.Timeout(
                self.read_timeout, connect=self.read_timeout
            ).as_dict()
        fault = self._fault_for(path)
        if fault == DROP:
            raise httpx.ConnectError("the request never left this PC", request=request)
        if self.before_send is not None:
            self.before_send(request)
        if fault == REPLAY:
            # The same bytes again, as a retrying proxy would: the first answer is lost.
            first = self.inner.handle_request(_copy(request))
            first.read()
            first.close()
        response = self.inner.handle_request(request)
        if fault == LOSE:
            response.read()
            response.close()
            raise httpx.ReadTimeout("the answer was lost on the way back", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def _copy(request: httpx.Request) -> httpx.Request:
    body = request.read()
    return httpx.Request(
        request.method,
        request.url,
        headers=request.headers,
        content=body,
        extensions=dict(request.extensions),
    )
