"""Personas, an API client and helpers shared by every test."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from aftersale.cases.identity import IdentityClaim
from aftersale.cases.services import CaseLineIn, case_create
from aftersale.common import process_cache
from aftersale.common.auth import forget_cached_tokens
from aftersale.common.roles import Department, Role
from aftersale.common.services import token_create
from aftersale.policy.services import forget_compiled_playbooks

from .factories import CustomerFactory, OrderFactory, OrderLineFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier one activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_caches():
    forget_cached_tokens()
    forget_compiled_playbooks()
    process_cache.forget()
    yield
    forget_cached_tokens()
    forget_compiled_playbooks()
    process_cache.forget()


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_settings(settings, _media_root):
    """A fast password hasher (the personas are made for every test) and a throw-away MEDIA_ROOT."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The personas sign in with force_login; tests/common/test_security_accounts.py turns the TOTP
    # requirement back on for director and admin.
    settings.OTP_REQUIRED_ROLES = []
    settings.MEDIA_ROOT = str(_media_root)


def _seed_categories() -> None:
    """The migration-seeded categories; a transactional test elsewhere may have flushed them."""
    from django.apps import apps

    importlib.import_module("aftersale.cases.migrations.0004_seed_categories").forwards(apps, None)


@pytest.fixture
def people(db):
    """One user per persona. `other_customer` must never see `customer`'s cases."""
    return make_people()


def make_people() -> SimpleNamespace:
    """The personas of the `people` fixture, for set-ups that outlive one test."""
    _seed_categories()
    team = TeamFactory(name="一组")
    other_team = TeamFactory(name="二组")
    p = SimpleNamespace(team=team, other_team=other_team)
    p.agent = UserFactory(username="agent", role=Role.AGENT, team=team)
    p.other_agent = UserFactory(username="agent2", role=Role.AGENT, team=other_team)
    p.team_lead = UserFactory(username="lead", role=Role.TEAM_LEAD, team=team)
    team.lead = p.team_lead
    team.save()
    p.director = UserFactory(username="director", role=Role.DIRECTOR)
    p.optimizer = UserFactory(username="optimizer", role=Role.OPTIMIZER)
    p.warehouse = UserFactory(username="warehouse", role=Role.DEPARTMENT, department=Department.WAREHOUSE)
    p.qc = UserFactory(username="qc", role=Role.DEPARTMENT, department=Department.QC)
    p.expert = UserFactory(username="expert", role=Role.EXPERT)
    p.admin = UserFactory(username="admin", role=Role.ADMIN)
    p.customer_user = UserFactory(username="cust", role=Role.CUSTOMER)
    p.other_customer_user = UserFactory(username="cust2", role=Role.CUSTOMER)
    p.customer = CustomerFactory(name="张小明", phone="13812345678", user=p.customer_user)
    p.other_customer = CustomerFactory(name="李四", phone="13900001111", user=p.other_customer_user)
    return p


@pytest.fixture
def order(people):
    line = OrderLineFactory(order=OrderFactory(customer=people.customer), line_no=1, quantity=2)
    OrderLineFactory(order=line.order, line_no=2)
    return line.order


def make_case(order, actor, **overrides):
    values = dict(
        actor=actor,
        claim=IdentityClaim(order_no=order.order_no, phone=order.customer.phone),
        case_type="after_sales",
        category_code="quality_fault",
        resolution="return_refund",
        description="开机后有异响，无法正常使用",
        channel="platform",
        lines=[CaseLineIn(1, 1)],
    )
    values.update(overrides)
    return case_create(**values)


@pytest.fixture
def case(order, people):
    return make_case(order, people.agent)


class Api:
    """A JSON client that authenticates with a bearer token, as integrations do."""

    def __init__(self, user, language: str = "zh-hans"):
        self.client = Client()
        self.headers = {
            "HTTP_AUTHORIZATION": f"Bearer {token_create(username=user.username)}",
            "HTTP_ACCEPT_LANGUAGE": language,
        }

    def _send(self, method: str, path: str, data=None, **extra):
        kwargs = {**self.headers, **extra}
        if data is not None and method != "get":
            kwargs["data"] = json.dumps(data, default=str)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path, params=None, **extra):
        return self._send("get", path, params, **extra)

    def post(self, path, data=None, **extra):
        return self._send("post", path, data, **extra)

    def patch(self, path, data=None, **extra):
        return self._send("patch", path, data, **extra)

    def put(self, path, data=None, **extra):
        return self._send("put", path, data, **extra)

    def upload(self, path, data: dict, **extra):
        return self.client.post(f"/api/v1{path}", data=data, **{**self.headers, **extra})


@pytest.fixture
def api():
    return Api


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL (and Redis) run in `make test`'s PostgreSQL pass; a plain
    `pytest` on SQLite skips them with that reason rather than failing."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in make test's PostgreSQL pass)")
    for item in items:
        if "postgres" in item.keywords or "services" in item.keywords:
            item.add_marker(skip)
