"""Session and header settings: secure defaults on every response, HTTPS options from the
environment, and CSRF on the browser's session (API included)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.test import Client

from tests.common.test_settings import ROOT, _environment

pytestmark = pytest.mark.django_db

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.OTP_REQUIRED_ROLES]))"
)


def _settings_under(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=_environment(tmp_path, env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_https_options_are_off_by_default_and_on_from_the_environment(tmp_path):
    default = _settings_under(tmp_path, {})
    assert json.loads(default.stdout) == [False, False, 0, None, 43200, 5, ["director", "admin"]]

    strict = _settings_under(
        tmp_path,
        {
            "SECURE_COOKIES": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_PROXY_SSL_HEADER": "1",
            "SESSION_COOKIE_AGE": "3600",
            "AXES_FAILURE_LIMIT": "3",
            "OTP_REQUIRED_ROLES": "director,admin,team_lead",
        },
    )
    assert json.loads(strict.stdout) == [
        True,
        True,
        31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        3600,
        3,
        ["director", "admin", "team_lead"],
    ]


def test_a_cache_url_that_is_not_redis_is_refused(tmp_path):
    result = _settings_under(tmp_path, {"CACHE_URL": "http://cache"})
    assert result.returncode != 0
    assert "configuration error in CACHE_URL" in result.stderr


def test_every_page_carries_the_protective_headers(people):
    response = Client().get("/console/login/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_http_only_same_site_and_lasts_twelve_hours(people):
    people.agent.set_password("a long enough password")
    people.agent.save()
    client = Client()
    client.post("/console/login/", {"username": "agent", "password": "a long enough password"})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 43200
    assert not cookie["secure"]  # plain http://127.0.0.1 works unless SECURE_COOKIES=1


def test_a_session_write_needs_the_csrf_token(people, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.agent)
    page = client.post(f"/console/cases/{case.number}/reply/", {"body": "你好", "visibility": "public"})
    assert page.status_code == 403
    api = client.post(
        f"/api/v1/cases/{case.number}/messages",
        data={"body": "你好"},
        content_type="application/json",
    )
    assert api.status_code in (401, 403)
    assert not case.messages.exists()
