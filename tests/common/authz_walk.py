"""Walk every API operation and every page, and ask one of them as one persona.

`api_operations()` and `pages()` list what the application serves today: the authorisation matrix
compares them with its table, so a new route without a rule (or a rule for a removed route) fails."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from aftersale.api import api
from aftersale.common.auth import forget_cached_tokens
from aftersale.policy.services import forget_compiled_playbooks
from tests.helpers import png_bytes

from .authz_world import PERSONAS, url_values, user_of

SKIPPED_PREFIXES = ("api/", "^api/", "admin/")  # the API is walked by its operations; admin is Django's
LOGIN_PAGES = ("/console/login/", "/portal/login/", "/admin/login/")  # the last is settings.LOGIN_URL


def api_operations() -> set[tuple[str, str]]:
    """(method, path) of every operation of the ninja API, the path as `/cases/{number}`."""
    found = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    found.add((method, "/" + (prefix + path).strip("/")))
    return found


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def pages() -> set[str]:
    """Every Django URL pattern outside the API and the admin site, as `/console/cases/<str:number>/`."""
    return {"/" + route for route, _ in _walk(get_resolver()) if not route.startswith(SKIPPED_PREFIXES)}


# A parameter means something else under some prefixes: `number` is a case almost everywhere.
_NUMBER_OF = (
    ("/playbook/versions/", lambda w: str(w.playbook_version.number)),
    ("/work-orders/", lambda w: w.work_order.number),
    ("/console/work-orders/", lambda w: w.work_order.number),
    ("/console/returns/", lambda w: w.rma.number),
)
_PARAM = re.compile(r"\{(\w+)\}|<(?:\w+:)?(\w+)>")


def concrete(route: str, w, **extra: str) -> str:
    values = {"action": "start", "decision": "approve", **url_values(w), **extra}
    for prefix, number in _NUMBER_OF:
        if route.startswith(prefix):
            values["number"] = number(w)
    if route.startswith("/console/privacy/holds/"):
        values["pk"] = str(w.hold.pk)
    if route.startswith("/console/privacy/requests/"):
        values.update(pk=str(w.deletion_request.pk), action="reject")

    def value(match: re.Match) -> str:
        return values[match.group(1) or match.group(2)]

    return _PARAM.sub(value, route)


@dataclass
class Answer:
    status: int
    location: str
    body: str

    @property
    def to_login(self) -> bool:
        return self.status in (301, 302) and self.location.startswith(LOGIN_PAGES)

    @property
    def refused(self) -> bool:
        return self.status in (401, 403, 404) or self.to_login

    def __str__(self) -> str:
        if self.location:
            return f"{self.status} → {self.location}"
        title = re.search(r"<title>(.*?)</title>", self.body, re.S)
        text = title.group(1).strip() if title else self.body[:160]
        return f"{self.status} {' '.join(text.split())}"


def _answer(response: HttpResponse) -> Answer:
    body = b"" if getattr(response, "streaming", False) else response.content
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    return Answer(response.status_code, response.get("Location", ""), body.decode("utf-8", "replace"))


API_CLIENT = "api"  # no session: an API call is who its bearer token says


def clients(w) -> dict[str, Client]:
    """A signed-in client per persona for the pages, and one without a session for the API."""
    found = {API_CLIENT: Client(HTTP_ACCEPT_LANGUAGE="zh-hans")}
    for persona in PERSONAS:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        user = user_of(w, persona)
        if user is not None:
            client.force_login(user)
        found[persona] = client
    return found


def ask(w, persona: str, method: str, url: str, *, api_call: bool, request: Request | None = None) -> Answer:
    """One request as `persona`, rolled back afterwards so every persona meets the same data (and
    with a copy of the persona's cookies, so signing out or in leaves the persona as it was)."""
    request = request or Request(None, {}, False)
    # A client loads the middleware (WhiteNoise scans every static file) once: reuse the persona's.
    client = w.clients[API_CLIENT if api_call else persona]
    cookies = SimpleCookie(client.cookies)
    kwargs: dict = {}
    if api_call and persona != "anonymous":
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {w.tokens[persona]}"
    full = f"/api/v1{url}" if api_call else url
    if request.query:
        full += "?" + urlencode(request.query)
    if method != "GET":
        if request.multipart:
            kwargs["data"] = {**(request.body or {}), "file": SimpleUploadedFile("item.png", png_bytes())}
        elif api_call:
            kwargs.update(data=json.dumps(request.body or {}), content_type="application/json")
        else:
            kwargs["data"] = request.body or {}
    savepoint = transaction.savepoint()
    try:
        return _answer(getattr(client, method.lower())(full, **kwargs))
    finally:
        client.cookies = cookies
        transaction.savepoint_rollback(savepoint)
        if method != "GET":  # what a write cached (a token's grant, a playbook) was rolled back
            forget_cached_tokens()
            forget_compiled_playbooks()


# ---- minimal requests -------------------------------------------------------------------------
# A write is sent the smallest body its schema accepts, so what answers is the handler's
# authorisation, not the schema's validation (that runs first for every caller).


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def minimal(schema: dict, spec: dict):
    schema = _resolve(schema, spec)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, spec).get("type") != "null"]
            return minimal(options[0], spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: minimal(properties[name], spec) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema["items"], spec) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return "1"
    if kind == "boolean":
        return False
    fmt = schema.get("format", "")
    if fmt == "date":
        return "2026-11-01"
    if fmt == "date-time":
        return "2026-11-01T10:00:00+08:00"
    if fmt in ("uri", "url"):
        return "https://example.com/hook"
    return "x" * max(1, schema.get("minLength", 1))


@dataclass
class Request:
    body: dict | None
    query: dict
    multipart: bool


def minimal_request(method: str, path: str, spec: dict) -> Request:
    operation = spec["paths"][path][method.lower()]
    query = {
        p["name"]: minimal(p["schema"], spec)
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    content = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        return Request(minimal(content["multipart/form-data"]["schema"], spec), query, True)
    if "application/json" in content:
        return Request(minimal(content["application/json"]["schema"], spec), query, False)
    return Request(None, query, False)


# Where the schema's smallest request names nothing real, the request names the data set's object.
OVERRIDES: dict[tuple[str, str], Callable[[object], dict]] = {
    ("GET", "/cases/{number}/survey"): lambda w: {"number": w.resolved.number},
    ("POST", "/cases/{number}/survey"): lambda w: {"number": w.resolved.number},
    ("POST", "/cases/{number}/reference"): lambda w: {"number": w.resolved.number},
    ("GET", "/knowledge/scripts/{script_id}/render"): lambda w: {"query": {"case": w.case.number}},
    ("POST", "/webhooks/inbound/{slug}"): lambda w: {"slug": w.inbound.slug},
    ("POST", "/returns/receive"): lambda w: {"body": {"code": w.rma.number}},
    ("POST", "/work-orders/{number}/complete"): lambda w: {"body": {"version": 1, "result": "已核对"}},
    ("POST", "/qa/samples"): lambda w: {"body": {"month": w.month}},
    ("POST", "/privacy/holds"): lambda w: {"body": {"case": w.case.number, "reason": "诉讼中"}},
    ("POST", "/cases"): lambda w: {
        "body": {
            "order_no": w.order.order_no,
            "phone": w.people.customer.phone,
            "case_type": "after_sales",
            "category": "quality_fault",
            "resolution": "return_refund",
            "description": "开机后有异响",
            "lines": [{"line_no": 2, "quantity": 1}],
        }
    },
}


def prepared(w, method: str, route: str, spec: dict | None) -> tuple[str, Request]:
    """The concrete URL and the request to send for one route of the table."""
    override = OVERRIDES.get((method, route), lambda w: {})(w)
    params = {k: v for k, v in override.items() if k not in ("body", "query")}
    url = concrete(route, w, **params)
    request = minimal_request(method, route, spec) if spec is not None else Request(None, {}, False)
    if "body" in override:
        request.body = override["body"]
    if "query" in override:
        request.query = override["query"]
    return url, request
