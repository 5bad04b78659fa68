"""The SMS provider interface and its backends.

`SMS_BACKEND = "console"` (the default) only logs the text, and lets the portal show a one-time code,
so a demo or a test can sign in without a phone. `"aliyun"` sends through Alibaba Cloud SMS
(dysmsapi SendSms, RPC signature version 1.0: HMAC-SHA1 over the sorted, percent-encoded query).
Providers in China send only pre-approved templates, so a message carries its template (the
notification topic, or "otp") and the template's parameters besides the rendered text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from aftersale.common.masking import mask_phone

logger = logging.getLogger("aftersale.sms")


class SmsError(Exception):
    def __init__(self, message: str, *, status_code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.permanent = permanent


class SmsBackend(Protocol):
    # True only for a backend that delivers nothing: the page may then show the code itself.
    shows_code: bool

    def send(self, *, phone: str, text: str, template: str = "", params: dict | None = None) -> str:
        """Send, or raise SmsError; returns the provider's reference for the message."""
        ...


class ConsoleSmsBackend:
    shows_code = True

    def send(self, *, phone: str, text: str, template: str = "", params: dict | None = None) -> str:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        return ""


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud's RPC signature wants it (space → %20, * → %2A, ~ kept)."""
    return quote(str(value), safe="~")


def aliyun_string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def aliyun_signature(secret: str, method: str, params: dict[str, str]) -> str:
    digest = hmac.new(
        f"{secret}&".encode(), aliyun_string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


# Answers that will not change on a retry.
_ALIYUN_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
}


class AliyunSmsBackend:
    """Alibaba Cloud SMS, SendSms (API version 2017-05-25) over HTTPS GET."""

    shows_code = False

    def __init__(self) -> None:
        self.endpoint = settings.ALIYUN_SMS_ENDPOINT
        self.key_id = settings.ALIYUN_SMS_ACCESS_KEY_ID
        self.secret = settings.ALIYUN_SMS_ACCESS_KEY_SECRET
        self.sign_name = settings.ALIYUN_SMS_SIGN_NAME
        self.templates: dict[str, str] = dict(getattr(settings, "ALIYUN_SMS_TEMPLATES", {}))
        if not (self.key_id and self.secret and self.sign_name):
            raise ImproperlyConfigured(
                "SMS_BACKEND=aliyun needs ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET "
                "and ALIYUN_SMS_SIGN_NAME"
            )

    def request_params(self, *, phone: str, template_code: str, params: dict) -> dict[str, str]:
        unsigned = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps({k: str(v) for k, v in params.items()}, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        return {**unsigned, "Signature": aliyun_signature(self.secret, "GET", unsigned)}

    def send(self, *, phone: str, text: str, template: str = "", params: dict | None = None) -> str:
        template_code = self.templates.get(template)
        if not template_code:
            raise SmsError(f"no Alibaba Cloud SMS template configured for {template!r}", permanent=True)
        query = self.request_params(phone=phone, template_code=template_code, params=params or {})
        try:
            # The query exactly as signed: RFC 3986 percent-encoding (httpx's own would differ).
            encoded = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in query.items())
            timeout = getattr(settings, "SMS_TIMEOUT_SECONDS", 10)
            response = httpx.get(f"{self.endpoint}?{encoded}", timeout=timeout)
        except httpx.HTTPError as error:
            raise SmsError(f"{type(error).__name__}: {error}") from error
        try:
            answer = response.json()
        except ValueError:
            raise SmsError(
                f"HTTP {response.status_code}: not JSON", status_code=response.status_code
            ) from None
        code = str(answer.get("Code", ""))
        if response.status_code == 200 and code == "OK":
            logger.info("SMS to %s sent, BizId %s", mask_phone(phone), answer.get("BizId"))
            return str(answer.get("BizId", ""))
        raise SmsError(
            f"{code}: {answer.get('Message', '')}",
            status_code=response.status_code,
            permanent=code in _ALIYUN_PERMANENT,
        )


BACKENDS: dict[str, type] = {"console": ConsoleSmsBackend, "aliyun": AliyunSmsBackend}


def sms_backend() -> SmsBackend:
    """The configured backend: a name from BACKENDS or the dotted path of a class."""
    name = getattr(settings, "SMS_BACKEND", "console") or "console"
    try:
        backend_class = BACKENDS[name] if name in BACKENDS else import_string(name)
    except ImportError as error:
        raise ImproperlyConfigured(f"SMS_BACKEND: unknown backend {name!r}") from error
    return backend_class()
