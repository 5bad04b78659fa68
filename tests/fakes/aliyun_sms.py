"""FakeAliyunSmsServer: a stand-in for Alibaba Cloud SMS (dysmsapi, SendSms), for tests only.

It serves HTTP on 127.0.0.1 in a thread and checks each GET as Alibaba Cloud documents its RPC
signature (version 1.0): every query parameter but Signature, sorted by name, each name and value
percent-encoded (RFC 3986: space as %20, * as %2A, ~ kept), joined with & and =; the string to sign
is "GET&%2F&" + the percent-encoded query; the signature is Base64(HMAC-SHA1(secret + "&", that)).
The computation is written here independently of the client. It also checks the access key, the
action and version, the timestamp's age, a fresh nonce, the template code and its parameters, and
answers as the service does: {"Code": "OK", "BizId": …} or an error code. It can be told to fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

from .http import LocalHttpServer


def _encode(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


def expected_signature(secret: str, params: dict[str, str]) -> str:
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    query = "&".join(_encode(k) + "=" + _encode(v) for k, v in pairs)
    to_sign = "GET&" + _encode("/") + "&" + _encode(query)
    return base64.b64encode(
        hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    ).decode()


class FakeAliyunSmsServer(LocalHttpServer):
    def __init__(
        self, *, key_id: str = "LTAI-test", secret: str = "test-secret*~ +", sign_name: str = "售后服务"
    ):
        self.key_id = key_id
        self.secret = secret
        self.sign_name = sign_name
        self.sent: list[dict] = []  # accepted messages: phone, template, params
        self.rejected: list[str] = []  # codes of refused requests
        self.faults: deque[tuple[int, str]] = deque()  # (HTTP status, Code) to answer next
        self._nonces: set[str] = set()
        self._lock = threading.Lock()

    def fail_next(self, status: int = 503, code: str = "ServiceUnavailable", times: int = 1) -> None:
        self.faults.extend([(status, code)] * times)

    def _check(self, params: dict[str, str]) -> tuple[int, dict]:
        def refuse(status: int, code: str, message: str) -> tuple[int, dict]:
            self.rejected.append(code)
            return status, {"Code": code, "Message": message, "RequestId": "fake"}

        if params.get("AccessKeyId") != self.key_id:
            return refuse(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if params.get("SignatureMethod") != "HMAC-SHA1" or params.get("SignatureVersion") != "1.0":
            return refuse(400, "InvalidParameter", "SignatureMethod/SignatureVersion")
        if params.get("Signature") != expected_signature(self.secret, params):
            return refuse(
                400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
            )
        if params.get("Action") != "SendSms" or params.get("Version") != "2017-05-25":
            return refuse(400, "InvalidAction.NotFound", "Action or version")
        try:
            stamp = datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return refuse(400, "InvalidTimeStamp.Format", "Timestamp")
        if abs((datetime.now(UTC) - stamp).total_seconds()) > 900:
            return refuse(400, "InvalidTimeStamp.Expired", "Timestamp")
        nonce = params.get("SignatureNonce", "")
        if not nonce or nonce in self._nonces:
            return refuse(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self._nonces.add(nonce)
        if params.get("SignName") != self.sign_name:
            return refuse(200, "isv.SMS_SIGNATURE_ILLEGAL", "SignName")
        phone = params.get("PhoneNumbers", "")
        if not (phone.isdigit() and len(phone) == 11):
            return refuse(200, "isv.MOBILE_NUMBER_ILLEGAL", "PhoneNumbers")
        if not params.get("TemplateCode", "").startswith("SMS_"):
            return refuse(200, "isv.SMS_TEMPLATE_ILLEGAL", "TemplateCode")
        try:
            template_params = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return refuse(200, "isv.INVALID_JSON_PARAM", "TemplateParam")
        if self.faults:
            status, code = self.faults.popleft()
            return refuse(status, code, "scripted fault")
        biz_id = f"{len(self.sent) + 1:06d}^0"
        self.sent.append(
            {"phone": phone, "template": params["TemplateCode"], "params": template_params, "biz_id": biz_id}
        )
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "fake"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's hook name)
                query = urllib.parse.urlsplit(self.path).query
                params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
                with fake._lock:
                    status, answer = fake._check(params)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
