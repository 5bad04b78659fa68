"""The HMAC-SHA256 signature of webhook calls, in and out.

The signed text is `<timestamp>.<raw body>`: the body exactly as sent, and the timestamp (Unix
seconds, also sent in a header) bound to it, so a captured call cannot be replayed later with a
fresh timestamp. The signature header reads `sha256=<hex digest>`."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Aftersale-Signature"
TIMESTAMP_HEADER = "X-Aftersale-Timestamp"
EVENT_ID_HEADER = "X-Aftersale-Event-Id"
TOPIC_HEADER = "X-Aftersale-Topic"


def signature(secret: str, timestamp: str | int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_valid(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), given or "")
