"""A stand-in for the sync server's enrollment and status endpoints, answering through
httpx's own MockTransport as the wire protocol says (the real server is tested on its
own). Code ``GOOD-CODE`` enrolls; every other code is refused."""

from __future__ import annotations

import json
import uuid

import httpx

STATION_ID = uuid.UUID("01932b5e-0000-7000-8000-0000000000b1")
TOKEN = "station-token"


class EnrollmentServer:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/health":
            return httpx.Response(200, json={"status": "ok", "version": "1.0", "schema": "x"})
        if request.url.path == "/v1/enroll":
            if json.loads(request.content)["code"] != "GOOD-CODE":
                detail = "This enrollment code is not valid."
                return httpx.Response(400, json={"detail": detail, "code": "invalid_code"})
            return httpx.Response(200, json=self.enrollment())
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, json={"detail": "Unknown station.", "code": "invalid_token"})
        return httpx.Response(200, json=self.status())

    @staticmethod
    def enrollment() -> dict[str, object]:
        return {
            "station_id": str(STATION_ID),
            "station_code": "A",
            "token": TOKEN,
            "shop_id": str(uuid.uuid4()),
            "shop_name": "Fix-It Corner",
            "branch_id": str(uuid.uuid4()),
            "branch_name": "Main street",
            "shop_has_data": False,
        }

    @staticmethod
    def status() -> dict[str, object]:
        return {
            "station_id": str(STATION_ID),
            "station_code": "A",
            "shop_name": "Fix-It Corner",
            "branch_name": "Main street",
            "head": 10,
            "last_station_seq": 4,
        }
