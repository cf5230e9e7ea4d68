"""Real servers on 127.0.0.1 for message tests: an SMTP server (aiosmtpd) that keeps what it
receives, and an HTTP server that plays the SMS gateway and records each request."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class _Collector:
    def __init__(self, inbox: list[Received]) -> None:
        self.inbox = inbox

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(parsed, EmailMessage)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd on a fixed free port; ``stop()`` and ``start()`` take it down and up."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox: list[Received] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Collector(self.inbox), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class GatewayRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SmsGateway:
    """An HTTP server recording POSTs; answers the queued status codes, then 200."""

    requests: list[GatewayRequest] = field(default_factory=list)
    answers: deque[int] = field(default_factory=deque)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                gateway.requests.append(
                    GatewayRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = gateway.answers.popleft() if gateway.answers else 200
                reply = b'{"id": "sms-1"}' if status == 200 else b'{"error": "nope"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def local_config(smtp: SmtpServer, gateway: SmsGateway, **changes: Any) -> Any:
    """Messaging settings that send through the local test servers."""
    from dataclasses import replace

    from desktop.services.messages import MessagingConfig

    config = MessagingConfig(
        email_enabled=True,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
        from_address="desk@fixit.example",
        sms_enabled=True,
        sms_url=gateway.url,
        sms_token="gw-token-123",
        sms_format="json",
    )
    return replace(config, **changes)
