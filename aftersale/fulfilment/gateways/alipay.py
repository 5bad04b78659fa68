"""Refunds through the Alipay open platform: `alipay.trade.refund` and, to learn what became of a
call that got no answer, `alipay.trade.fastpay.refund.query`.

Each call is a form POST of the common parameters plus a JSON `biz_content`, signed with the app's
private key (RSA2: SHA256withRSA over the sorted `key=value` pairs). Alipay answers JSON whose
`<method>_response` node is signed with Alipay's key; an answer that does not verify is not trusted.
`out_request_no` is our idempotency key: Alipay pays a given request number at most once.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.utils.translation import gettext as _

from .base import GatewayResult, Outcome, RefundOrder

log = logging.getLogger(__name__)

REFUND = "alipay.trade.refund"
QUERY = "alipay.trade.fastpay.refund.query"
SUCCESS = "10000"
REFUNDED = frozenset({"", "REFUND_SUCCESS"})  # a refund the query holds, without a status, has succeeded
SERVICE_UNAVAILABLE = "20000"
# Answers after which the request was certainly not carried out.
REJECTED_CODES = frozenset({"40001", "40002", "40004", "40006"})
# Business refusals that may clear later (the merchant account is topped up): not paid, try again.
RETRY_LATER = frozenset({"ACQ.SELLER_BALANCE_NOT_ENOUGH"})
# Alipay asks for the same call again: whether it was carried out is not known.
IN_DOUBT = frozenset({"ACQ.SYSTEM_ERROR", "aop.ACQ.SYSTEM_ERROR"})
ALIPAY_TZ = ZoneInfo("Asia/Shanghai")


class AlipayGateway:
    name = "alipay"

    def __init__(
        self,
        *,
        url: str,
        app_id: str,
        private_key: rsa.RSAPrivateKey,
        alipay_public_key: rsa.RSAPublicKey,
        timeout: float,
    ) -> None:
        self.url = url
        self.app_id = app_id
        self.private_key = private_key
        self.alipay_public_key = alipay_public_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> AlipayGateway | None:
        """The gateway the settings describe, or None when any of them is missing."""
        url, app_id = settings.ALIPAY_GATEWAY_URL, settings.ALIPAY_APP_ID
        private_path, public_path = settings.ALIPAY_PRIVATE_KEY_PATH, settings.ALIPAY_PUBLIC_KEY_PATH
        if not (url and app_id and private_path and public_path):
            return None
        return cls(
            url=url,
            app_id=app_id,
            private_key=load_private_key(Path(private_path).read_text()),
            alipay_public_key=load_public_key(Path(public_path).read_text()),
            timeout=settings.ALIPAY_TIMEOUT_MS / 1000,
        )

    def refund(self, order: RefundOrder) -> GatewayResult:
        biz = {
            **self._trade(order),
            "refund_amount": f"{order.amount:.2f}",
            "out_request_no": order.request_no,
            "refund_reason": order.reason[:256],
        }
        node = self._call(REFUND, biz)
        if isinstance(node, GatewayResult):
            return node
        return GatewayResult(Outcome.SUCCEEDED, gateway_ref=str(node.get("trade_no", "")), code=SUCCESS)

    def query(self, order: RefundOrder) -> GatewayResult:
        node = self._call(QUERY, {**self._trade(order), "out_request_no": order.request_no})
        if isinstance(node, GatewayResult):
            return node
        # Success with no refund in it means Alipay has no refund with this request number.
        if node.get("refund_amount") and node.get("refund_status", "") in REFUNDED:
            return GatewayResult(Outcome.SUCCEEDED, gateway_ref=str(node.get("trade_no", "")), code=SUCCESS)
        return GatewayResult(Outcome.NOT_FOUND, code=SUCCESS)

    @staticmethod
    def _trade(order: RefundOrder) -> dict[str, str]:
        trade = {"out_trade_no": order.order_no}
        if order.trade_ref:
            trade["trade_no"] = order.trade_ref
        return trade

    def _call(self, method: str, biz: dict[str, Any]) -> dict[str, Any] | GatewayResult:
        """The verified response node of a successful call, or the result that says why not."""
        params = self._signed_params(method, biz)
        try:
            response = _http().post(self.url, data=params, timeout=httpx.Timeout(self.timeout))
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return GatewayResult(
                Outcome.RETRY, reason=_("无法连接支付宝网关：%(e)s") % {"e": type(exc).__name__}
            )
        except httpx.TimeoutException:
            return GatewayResult(Outcome.UNKNOWN, reason=_("支付宝网关超时未应答"))
        except httpx.HTTPError as exc:
            return GatewayResult(
                Outcome.UNKNOWN, reason=_("与支付宝网关通信中断：%(e)s") % {"e": type(exc).__name__}
            )
        if response.status_code >= 500:
            return GatewayResult(
                Outcome.UNKNOWN, reason=_("支付宝网关错误 HTTP %(s)s") % {"s": response.status_code}
            )
        if response.status_code != 200:
            return GatewayResult(
                Outcome.RETRY, reason=_("支付宝网关拒绝请求 HTTP %(s)s") % {"s": response.status_code}
            )
        return self._read(method, response.text)

    def _signed_params(self, method: str, biz: dict[str, Any]) -> dict[str, str]:
        params = {
            "app_id": self.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": datetime.now(ALIPAY_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "version": "1.0",
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
        }
        params["sign"] = rsa2_sign(self.private_key, signing_content(params))
        return params

    def _read(self, method: str, body: str) -> dict[str, Any] | GatewayResult:
        node_name = method.replace(".", "_") + "_response"
        try:
            node, raw, signature = response_node(body, node_name)
        except (ValueError, IndexError):
            log.warning("alipay %s: unreadable answer %r", method, body[:200])
            return GatewayResult(Outcome.UNKNOWN, reason=_("支付宝网关应答无法解析"))
        code = str(node.get("code", ""))
        if signature is not None and not rsa2_verify(self.alipay_public_key, raw, signature):
            return GatewayResult(Outcome.UNKNOWN, reason=_("支付宝应答签名校验失败"), code=code)
        if code == SUCCESS:
            if signature is None:
                return GatewayResult(Outcome.UNKNOWN, reason=_("支付宝应答缺少签名"), code=code)
            return node
        return _refusal(node, code)


@functools.cache
def _http() -> httpx.Client:
    """One client per process: its connection pool and TLS set-up are reused by every call."""
    return httpx.Client()


def _refusal(node: dict[str, Any], code: str) -> GatewayResult:
    sub_code = str(node.get("sub_code", ""))
    message = str(node.get("sub_msg") or node.get("msg") or "")
    reason = f"{message}（{sub_code or code}）"
    if code == SERVICE_UNAVAILABLE or sub_code in IN_DOUBT:
        return GatewayResult(Outcome.UNKNOWN, reason=reason, code=sub_code or code)
    if sub_code in RETRY_LATER:
        return GatewayResult(Outcome.RETRY, reason=reason, code=sub_code)
    if code in REJECTED_CODES:
        return GatewayResult(Outcome.FAILED, reason=reason, code=sub_code or code)
    return GatewayResult(Outcome.UNKNOWN, reason=reason, code=sub_code or code)


def signing_content(params: dict[str, str]) -> str:
    """The string Alipay signs: non-empty parameters but `sign`, sorted by name, as k=v joined by &."""
    return "&".join(f"{key}={params[key]}" for key in sorted(params) if key != "sign" and params[key] != "")


def rsa2_sign(private_key: rsa.RSAPrivateKey, content: str) -> str:
    signature = private_key.sign(content.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def rsa2_verify(public_key: rsa.RSAPublicKey, content: str, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature), content.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def response_node(body: str, node_name: str) -> tuple[dict[str, Any], str, str | None]:
    """The response node, its exact text as sent (what the signature covers) and the signature.

    Raises ValueError when the body is not such an answer."""
    document = json.loads(body)
    if not isinstance(document, dict):
        raise ValueError("not a JSON object")
    name = node_name if node_name in document else "error_response"
    node = document.get(name)
    if not isinstance(node, dict):
        raise ValueError(f"no {node_name}")
    key_at = body.index(f'"{name}"')
    value_at = body.index(":", key_at + len(name) + 2) + 1
    while body[value_at].isspace():
        value_at += 1
    _value, end = json.JSONDecoder().raw_decode(body, value_at)
    signature = document.get("sign")
    return node, body[value_at:end], signature if isinstance(signature, str) and signature else None


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """A PEM private key, or the bare base64 (PKCS#8) Alipay's key tool writes."""
    key = serialization.load_pem_private_key(_pem(text, "PRIVATE KEY"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("ALIPAY_PRIVATE_KEY_PATH: not an RSA key")
    return key


def load_public_key(text: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(_pem(text, "PUBLIC KEY"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("ALIPAY_PUBLIC_KEY_PATH: not an RSA key")
    return key


def _pem(text: str, label: str) -> bytes:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    body = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()
