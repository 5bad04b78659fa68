"""Property-based fuzzing of every operation in /api/v1/openapi.json: no input may produce a 5xx.

Each operation is one pytest test; inside it, Hypothesis generates valid and invalid requests
(schemathesis' positive and negative modes) and sends each as an admin and as a customer. Some
path parameters are swapped for those of objects that exist (a case, an order, the active playbook
version), so that requests reach the code behind the lookups, not only the 404s. Everything runs
inside the test transaction (the `db` fixture), on SQLite and PostgreSQL alike.

FUZZ_EXAMPLES=500 pytest tests/test_openapi_fuzz.py searches harder (the default keeps the suite fast).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import response_schema_conformance

from aftersale.common.services import token_create
from aftersale.wsgi import application
from tests.conftest import make_case

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Path parameters of objects that exist, filled in by the `world` fixture before generation starts:
# one set for the playbook's operations (`number` is a version there) and one for the rest.
REAL: dict[str, dict[str, object]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    scope = "playbook" if "/playbook/" in context.operation.path else "other"
    real = {k: v for k, v in REAL.get(scope, {}).items() if k in (path_parameters or {})}
    if not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


@pytest.fixture
def world(people, order):
    """A case with a message, an order, and tokens for an admin and for the case's customer."""
    case = make_case(order, people.agent)
    REAL.update(playbook={"number": 1}, other={"number": case.number, "order_no": order.order_no})
    tokens = {
        "admin": token_create(username=people.admin.username),
        "customer": token_create(username=people.customer_user.username),
    }
    # Django's test client keeps the connection across requests; calling the WSGI application
    # directly would close it at the end of each request and lose the test transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield tokens
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    REAL.clear()


def _is_error_format(body) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == {"errors"}
        and len(body["errors"]) > 0
        and all(set(e) == {"field", "message", "code"} and e["message"] for e in body["errors"])
    )


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "12")),
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_server_errors(case, world):
    for who, token in world.items():
        response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh-hans"})
        where = (
            f"{who}: {case.method} {case.formatted_path} -> {response.status_code}\n{case.as_curl_command()}"
        )
        assert response.status_code < 500, f"{where}\n{response.text[:2000]}"
        if response.status_code == 405:  # django-ninja's own answer for a method a path does not serve
            continue
        if response.status_code >= 400:
            assert _is_error_format(response.json()), f"{where}\n{response.text[:2000]}"
        elif case.meta is not None and case.meta.generation.mode.is_positive:
            case.validate_response(response, checks=[response_schema_conformance])
