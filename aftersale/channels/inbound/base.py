"""What every inbound adapter shares: the parsed call, errors, and the generic signature check."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from aftersale.channels.signing import EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_valid
from aftersale.common.errors import DomainError, FieldError
from aftersale.common.validation import field_errors


class Refused(DomainError):
    """A call that failed authentication (bad signature, replayed or stale timestamp): 401, logged."""

    status = 401

    def __init__(self, field: str, message: str, *, code: str) -> None:
        super().__init__(field, message, code=code)
        self.reason = code


@dataclass
class InboundCall:
    """One authenticated inbound call, understood: its event id, topic and what it asks for."""

    event_id: str
    topic: str
    apply: Callable[[Any], dict]  # given the source, makes the change and says what it did
    extra: dict = field(default_factory=dict)


class Headers:
    """Case-insensitive header lookup."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._h = {k.lower(): v for k, v in headers.items()}

    def get(self, name: str, default: str = "") -> str:
        return self._h.get(name.lower(), default)


def tolerance() -> int:
    return int(getattr(settings, "WEBHOOK_TOLERANCE_SECONDS", 300))


def check_fresh(moment: datetime, now: datetime, header: str) -> None:
    if abs((now - moment).total_seconds()) > tolerance():
        raise Refused(header, _("时间戳超出允许的时间窗口（可能是重放的请求）"), code="stale_timestamp")


def verify_generic(secret: str, headers: Headers, body: bytes, now: datetime) -> None:
    """`X-Aftersale-Timestamp` (Unix seconds) within the window and `X-Aftersale-Signature` valid."""
    timestamp = headers.get(TIMESTAMP_HEADER).strip()
    if not timestamp.isdigit():
        raise Refused(TIMESTAMP_HEADER, _("缺少或无效的时间戳"), code="bad_timestamp")
    given = headers.get(SIGNATURE_HEADER).strip()
    if not given:
        raise Refused(SIGNATURE_HEADER, _("缺少签名"), code="bad_signature")
    if not signature_valid(secret, timestamp, body, given):
        raise Refused(SIGNATURE_HEADER, _("签名无效"), code="bad_signature")
    check_fresh(datetime.fromtimestamp(int(timestamp), tz=now.tzinfo), now, TIMESTAMP_HEADER)


def generic_event_id(headers: Headers, payload_id: Any) -> str:
    return str(payload_id or headers.get(EVENT_ID_HEADER) or "").strip()


def json_object(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DomainError("body", _("请求体不是有效的 JSON"), code="invalid_json") from None
    if not isinstance(data, dict):
        raise DomainError("body", _("请求体必须是 JSON 对象"), code="invalid_json")
    return data


def validated(model: type[BaseModel], data: Any, prefix: str = ""):
    """Validate with pydantic; errors name the field (with `prefix`), in the user's language."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc.errors())
        for error in errors:
            error.field = f"{prefix}{error.field}" if error.field else prefix.rstrip(".") or "body"
        raise DomainError.many(errors) from None


def import_errors(report, prefix: str) -> None:
    """Turn an order import's row errors into a refusal naming the field."""
    if report.errors:
        raise DomainError.many([FieldError(f"{prefix}{e.field}", e.message) for e in report.errors])
