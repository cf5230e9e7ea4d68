"""Refuse request bodies over the limit with 413 before anything parses them."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The most of a refused body read and dropped; past it the connection just closes.
DRAIN_LIMIT = 64 * 1024 * 1024


class BodyLimitMiddleware:
    """Pure ASGI: a declared Content-Length over the limit is refused unparsed; a chunked
    body is read up to the limit and refused as soon as it goes past."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                if headers.get(b"expect", b"").lower() != b"100-continue":
                    # A client waiting for "100 Continue" has sent nothing yet: reading
                    # would invite the upload.
                    await _drain(receive, DRAIN_LIMIT)
                await _refuse(send, self.limit)
                return
            await self.app(scope, receive, send)
            return
        if headers.get(b"transfer-encoding", b"").lower() != b"chunked":
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > self.limit:
                if message.get("more_body", False):
                    await _drain(receive, DRAIN_LIMIT)
                await _refuse(send, self.limit)
                return
            if not message.get("more_body", False) or message["type"] != "http.request":
                break
        await self.app(scope, _replay(bytes(body), receive), send)


async def _drain(receive: Receive, limit: int) -> None:
    """Read and drop the rest of a refused body (up to ``limit`` bytes) before answering:
    the server closes the connection right after the 413, and closing on unread data
    makes the client's system reset the connection, which can drop the 413 before the
    client reads it."""
    read = 0
    while read <= limit:
        message = await receive()
        read += len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def _replay(body: bytes, original: Receive) -> Receive:
    """The whole body in one message, then the client's own messages (disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(send: Send, limit: int) -> None:
    payload = json.dumps(
        {
            "detail": f"The request is larger than the server accepts ({limit} bytes): "
            "send fewer changes at a time.",
            "code": "too_large",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
