"""FakeCarrierServer: a stand-in for an express carrier's pickup-order API, for tests only.

It serves HTTP on 127.0.0.1 in a thread and speaks the protocol SignedJsonCarrier speaks: signed
JSON POSTs to /v1/pickup-orders. It checks the app key, the timestamp and the HMAC signature
(computed here independently of the client), books each merchant order number once (a repeat
answers the same booking, as carriers do) and can be told to refuse, fail with a 5xx, or stall.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from decimal import Decimal
from http.server import BaseHTTPRequestHandler

from .http import LocalHttpServer

PICKUP_PATH = "/v1/pickup-orders"
CLOCK_SKEW_MS = 5 * 60 * 1000


class FakeCarrierServer(LocalHttpServer):
    path = ""

    def __init__(
        self,
        *,
        app_key: str = "test-app",
        secret: str = "test-secret",
        carrier: str = "SF",
        fee: Decimal = Decimal("12.00"),
    ) -> None:
        self.app_key = app_key
        self.secret = secret
        self.carrier = carrier
        self.fee = fee
        self.bookings: dict[str, dict] = {}  # merchant order no. → booking
        self.requests: list[dict] = []  # every request that passed the signature check
        self.rejected = 0  # requests refused for a bad key, timestamp or signature
        self.faults: deque[tuple[int, dict | None, float]] = deque()  # (HTTP status, answer, stall)
        self._lock = threading.Lock()

    # ---- scripting faults --------------------------------------------------------------------------

    def refuse_next(self, code: str, message: str) -> None:
        self.faults.append((200, {"code": code, "message": message}, 0.0))

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        self.faults.extend([(status, None, 0.0)] * times)

    def stall_next(self, seconds: float) -> None:
        """Book, then wait this long before answering (the client times out; the booking stands)."""
        self.faults.append((200, None, seconds))

    # ---- protocol ----------------------------------------------------------------------------------

    def expected_signature(self, timestamp: str, nonce: str, body: bytes) -> str:
        message = self.app_key.encode() + b"\n" + timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
        return base64.b64encode(hmac.new(self.secret.encode(), message, hashlib.sha256).digest()).decode()

    def handle(self, path: str, headers, body: bytes) -> tuple[int, dict, float]:
        if path != PICKUP_PATH:
            return 404, {"code": "E404", "message": "no such API"}, 0.0
        timestamp, nonce = headers.get("X-Timestamp", ""), headers.get("X-Nonce", "")
        fresh = timestamp.isdigit() and abs(int(timestamp) - time.time() * 1000) < CLOCK_SKEW_MS
        signed = hmac.compare_digest(
            headers.get("X-Signature", ""), self.expected_signature(timestamp, nonce, body)
        )
        if headers.get("X-App-Key") != self.app_key or not fresh or not signed:
            with self._lock:
                self.rejected += 1
            return 401, {"code": "E401", "message": "签名校验失败"}, 0.0
        order = json.loads(body)
        with self._lock:
            self.requests.append(order)
            status, answer, stall = self.faults.popleft() if self.faults else (200, None, 0.0)
            if answer is not None or status != 200:
                return status, answer or {"code": "E500", "message": "service unavailable"}, 0.0
            booking = self.bookings.setdefault(order["merchant_order_no"], self._book(order))
        return 200, {"code": "0", "message": "ok", "data": booking}, stall

    def _book(self, order: dict) -> dict:
        number = len(self.bookings) + 1
        return {
            "pickup_no": f"PK{number:08d}",
            "waybill_no": f"SF{1400000000 + number}",
            "carrier": self.carrier,
            "fee": str(self.fee),
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                length = int(self.headers.get("Content-Length") or 0)
                status, answer, stall = server.handle(self.path, self.headers, self.rfile.read(length))
                if stall:
                    time.sleep(stall)
                payload = json.dumps(answer, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, *args) -> None:
                pass

        return Handler
