"""A pickup-order client for the signed JSON-over-HTTPS APIs Chinese express carriers offer.

    POST {base}/v1/pickup-orders           body: UTF-8 JSON
    X-App-Key:   the app key the carrier issued
    X-Timestamp: milliseconds since the epoch
    X-Nonce:     random, once per request
    X-Signature: base64(HMAC-SHA256(secret, app_key + "\\n" + timestamp + "\\n" + nonce + "\\n" + body))

The answer is {"code": "0", "message": …, "data": {"pickup_no", "waybill_no", "carrier", "fee"}};
any other code is a refusal with the carrier's message. The carrier treats `merchant_order_no` as
the idempotency key, so a request that timed out may be sent again without booking twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from .base import CarrierError, Party, PickupBooking, PickupRequest

log = logging.getLogger(__name__)

PICKUP_PATH = "/v1/pickup-orders"
ATTEMPTS = 2


def signature(*, secret: str, app_key: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = b"\n".join([app_key.encode(), timestamp.encode(), nonce.encode(), body])
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


class SignedJsonCarrier:
    def __init__(
        self,
        *,
        base_url: str,
        app_key: str,
        secret: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self.secret = secret
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 3.0))
        self.transport = transport

    def book_pickup(self, request: PickupRequest) -> PickupBooking:
        data = self._post(PICKUP_PATH, _pickup_body(request))
        try:
            return PickupBooking(
                carrier=str(data.get("carrier") or ""),
                pickup_no=str(data["pickup_no"]),
                waybill_no=str(data["waybill_no"]),
                fee=Decimal(str(data.get("fee", "0"))).quantize(Decimal("0.01")),
            )
        except (KeyError, InvalidOperation) as exc:
            raise CarrierError(f"unexpected answer: {exc!r}", code="bad_response", retryable=True) from None

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        last: CarrierError | None = None
        with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
            for _attempt in range(ATTEMPTS):
                try:
                    return self._send(client, path, body)
                except CarrierError as exc:
                    if not exc.retryable:
                        raise
                    log.warning("carrier %s%s failed: %s", self.base_url, path, exc)
                    last = exc
        assert last is not None
        raise last

    def _send(self, client: httpx.Client, path: str, body: bytes) -> dict[str, Any]:
        timestamp, nonce = str(int(time.time() * 1000)), uuid.uuid4().hex
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-App-Key": self.app_key,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": signature(
                secret=self.secret, app_key=self.app_key, timestamp=timestamp, nonce=nonce, body=body
            ),
        }
        try:
            response = client.post(self.base_url + path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise CarrierError(f"{type(exc).__name__}: {exc}", code="unreachable", retryable=True) from None
        if response.status_code >= 500:
            raise CarrierError(f"HTTP {response.status_code}", code="server_error", retryable=True)
        try:
            answer = response.json()
        except ValueError:
            raise CarrierError(
                f"HTTP {response.status_code}: not JSON", code="bad_response", retryable=True
            ) from None
        if response.status_code != 200:  # e.g. 401: our key or signature is wrong, not the request
            raise CarrierError(
                f"HTTP {response.status_code}: {answer.get('message', '')}", code="rejected_call"
            )
        if str(answer.get("code")) != "0":
            raise CarrierError(
                str(answer.get("message") or answer.get("code")), code=str(answer.get("code")), refused=True
            )
        return answer.get("data") or {}


def _party(party: Party) -> dict[str, str]:
    return {"name": party.name, "phone": party.phone, "address": party.address}


def _pickup_body(request: PickupRequest) -> dict[str, Any]:
    return {
        "merchant_order_no": request.order_no,
        "sender": _party(request.sender),
        "receiver": _party(request.receiver),
        "pickup_window": {"start": request.window_start.isoformat(), "end": request.window_end.isoformat()},
        "goods": {"description": request.description, "quantity": request.quantity},
        "pay_by": "receiver" if request.freight_payer == "seller" else "sender",
    }
