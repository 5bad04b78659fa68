"""FakeAlipayGateway: a stand-in for the Alipay open-platform gateway, for tests only.

It serves HTTP on 127.0.0.1 in a thread and speaks the protocol the client speaks: RSA2-signed form
POSTs of `alipay.trade.refund` and `alipay.trade.fastpay.refund.query`, answered with JSON whose
response node it signs with its own key. It verifies every request's signature against the app's
public key, refunds a request number at most once (as Alipay does), and counts how many times it
actually paid each `out_request_no`. Faults can be scripted: an HTTP 5xx, an error code, or a
stall longer than the client's timeout after the refund was carried out.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .http import LocalHttpServer

REFUND = "alipay.trade.refund"
QUERY = "alipay.trade.fastpay.refund.query"


@dataclass(frozen=True)
class Fault:
    """What to do instead of (or after) answering normally."""

    http_status: int | None = None  # answer this HTTP status and do nothing
    code: str | None = None  # answer this error code and do nothing
    sub_code: str = ""
    stall_seconds: float = 0.0  # carry the call out, then wait this long before answering


@dataclass
class Trade:
    trade_no: str
    out_trade_no: str
    total: Decimal
    refunded: Decimal = Decimal("0.00")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class FakeAlipayGateway(LocalHttpServer):
    path = "/gateway.do"

    def __init__(self, *, app_id: str, app_public_key: rsa.RSAPublicKey, own_key: rsa.RSAPrivateKey) -> None:
        self.app_id = app_id
        self.app_public_key = app_public_key
        self.own_key = own_key
        self.trades: dict[str, Trade] = {}
        self.refunds: dict[str, tuple[str, Decimal]] = {}  # out_request_no → (trade_no, amount)
        self.paid: Counter[str] = Counter()  # out_request_no → times money actually moved
        self.calls: list[tuple[str, str]] = []  # (method, out_request_no) of every verified call
        self.faults: dict[str, deque[Fault]] = {REFUND: deque(), QUERY: deque()}
        self.sign_responses = True
        self._lock = threading.Lock()

    # ---- set-up --------------------------------------------------------------------------------

    def add_trade(self, *, trade_no: str, out_trade_no: str, total: Decimal) -> None:
        self.trades[trade_no] = Trade(trade_no, out_trade_no, total)

    def fail_next(self, method: str, fault: Fault, times: int = 1) -> None:
        self.faults[method].extend([fault] * times)

    def calls_of(self, method: str) -> int:
        return sum(1 for m, _no in self.calls if m == method)

    # ---- protocol --------------------------------------------------------------------------------

    def handle(self, form: dict[str, str]) -> tuple[int, str, float]:
        """(HTTP status, body, seconds to stall before answering) for one POSTed form."""
        method = form.get("method", "")
        if method not in (REFUND, QUERY):
            return (
                200,
                self._answer(
                    "error_response",
                    {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method"},
                ),
                0.0,
            )
        node = method.replace(".", "_") + "_response"
        if form.get("app_id") != self.app_id or form.get("sign_type") != "RSA2" or not self._verified(form):
            return (
                200,
                self._answer(
                    node,
                    {
                        "code": "40002",
                        "msg": "Invalid Arguments",
                        "sub_code": "isv.invalid-signature",
                        "sub_msg": "验签出错",
                    },
                    signed=False,
                ),
                0.0,
            )
        biz = json.loads(form.get("biz_content") or "{}")
        with self._lock:
            self.calls.append((method, biz.get("out_request_no", "")))
            fault = self.faults[method].popleft() if self.faults[method] else Fault()
            if fault.http_status is not None:
                return fault.http_status, "Service Unavailable", 0.0
            if fault.code is not None:
                return (
                    200,
                    self._answer(
                        node,
                        {
                            "code": fault.code,
                            "msg": "Business Failed",
                            "sub_code": fault.sub_code,
                            "sub_msg": "系统繁忙",
                        },
                    ),
                    0.0,
                )
            result = self._refund(biz) if method == REFUND else self._query(biz)
        return 200, self._answer(node, result), fault.stall_seconds

    def _verified(self, form: dict[str, str]) -> bool:
        content = "&".join(f"{k}={form[k]}" for k in sorted(form) if k != "sign" and form[k])
        try:
            self.app_public_key.verify(
                base64.b64decode(form.get("sign", "")), content.encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except (InvalidSignature, ValueError):
            return False
        return True

    def _trade(self, biz: dict) -> Trade | None:
        trade = self.trades.get(biz.get("trade_no", ""))
        if trade is None:
            trade = next((t for t in self.trades.values() if t.out_trade_no == biz.get("out_trade_no")), None)
        return trade

    def _refund(self, biz: dict) -> dict:
        trade = self._trade(biz)
        if trade is None:
            return _business_error("ACQ.TRADE_NOT_EXIST", "交易不存在")
        request_no, amount = biz["out_request_no"], Decimal(biz["refund_amount"])
        done = self.refunds.get(request_no)
        if done is not None:  # the same request again: answered, never paid again
            if done[1] != amount:
                return _business_error("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额与原请求不一致")
            return self._refunded(trade, fund_change="N")
        if trade.refunded + amount > trade.total:
            return _business_error("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
        trade.refunded += amount
        self.refunds[request_no] = (trade.trade_no, amount)
        self.paid[request_no] += 1
        return self._refunded(trade, fund_change="Y")

    @staticmethod
    def _refunded(trade: Trade, *, fund_change: str) -> dict:
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "buyer_logon_id": "159****5620",
            "fund_change": fund_change,
            "refund_fee": f"{trade.refunded:.2f}",
        }

    def _query(self, biz: dict) -> dict:
        trade = self._trade(biz)
        done = self.refunds.get(biz.get("out_request_no", ""))
        if trade is None or done is None or done[0] != trade.trade_no:
            return {"code": "10000", "msg": "Success"}
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "out_request_no": biz["out_request_no"],
            "total_amount": f"{trade.total:.2f}",
            "refund_amount": f"{done[1]:.2f}",
            "refund_status": "REFUND_SUCCESS",
        }

    def _answer(self, node_name: str, node: dict, *, signed: bool = True) -> str:
        raw = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        if not (signed and self.sign_responses):
            return f'{{"{node_name}":{raw}}}'
        signature = base64.b64encode(
            self.own_key.sign(raw.encode(), padding.PKCS1v15(), hashes.SHA256())
        ).decode()
        return f'{{"{node_name}":{raw},"sign":"{signature}"}}'

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = {
                    k: v[0]
                    for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()
                }
                status, body, stall = gateway.handle(form)
                if stall:
                    time.sleep(stall)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=utf-8")
                    payload = body.encode()
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as intended by a stall

            def log_message(self, *args) -> None:
                pass

        return Handler


def _business_error(sub_code: str, sub_msg: str) -> dict:
    return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}
