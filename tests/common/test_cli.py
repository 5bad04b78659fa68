"""The `aftersale` command: token creation (in-process, on the test database) and serve's settings."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersale import cli
from aftersale.common.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create_token(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["token", "create", *argv])
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_token_create_prints_a_token_that_works(capsys):
    user = UserFactory(username="integration", role="admin")
    code, token, err = _create_token(capsys, "--user", "integration", "--name", "ERP")

    assert code == 0 and err == ""
    assert token.startswith("as_") and len(token) > 40
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["username"] == "integration" and response.json()["role"] == "admin"
    stored = ApiToken.objects.get(user=user)
    assert stored.name == "ERP" and stored.prefix == token[:8]
    assert stored.key_hash == ApiToken.hash_key(token) and token not in stored.key_hash


def test_each_call_makes_a_new_token(capsys):
    UserFactory(username="integration")
    first = _create_token(capsys, "--user", "integration")[1]
    second = _create_token(capsys, "--user", "integration")[1]
    assert first != second and ApiToken.objects.count() == 2


def test_a_revoked_token_stops_working(capsys):
    from django.utils import timezone

    UserFactory(username="integration")
    token = _create_token(capsys, "--user", "integration")[1]
    ApiToken.objects.update(revoked_at=timezone.now())
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize("active", [True, False])
def test_token_create_refuses_an_unknown_or_inactive_user(capsys, active):
    UserFactory(username="gone", is_active=active)
    code, out, err = _create_token(capsys, "--user", "gone" if not active else "nobody")
    assert code == 2 and out == ""
    assert err.startswith("aftersale: user: no active user named")
    assert ApiToken.objects.count() == 0


def test_token_create_needs_a_user():
    with pytest.raises(SystemExit) as exit_:
        cli.main(["token", "create"])
    assert exit_.value.code == 2


def test_serve_refuses_a_bad_port_before_touching_anything(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("serve went on with a bad PORT")

    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setattr("django.core.management.call_command", must_not_run)
    monkeypatch.setattr(cli.subprocess, "Popen", must_not_run)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["serve"])
    assert str(exit_.value.code).startswith("aftersale: configuration error in PORT:")


@pytest.fixture
def started(monkeypatch) -> list[list[str]]:
    """The argv of every process `serve` starts; none really starts, and migrate does not run."""
    argvs: list[list[str]] = []

    class FakeProcess:
        def __init__(self, argv, *args, **kwargs):
            argvs.append(argv)

        def wait(self, timeout=None):
            return 0

        def terminate(self):
            pass

    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr(cli.subprocess, "Popen", FakeProcess)
    return argvs


def test_serve_takes_the_port_from_the_environment(started, monkeypatch, capsys, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"  # no in-process scheduler beside it
    monkeypatch.setenv("PORT", "8123")

    assert cli.main(["serve", "--host", "0.0.0.0"]) == 0

    assert "aftersale: serving on http://0.0.0.0:8123/" in capsys.readouterr().out
    gunicorn = next(argv for argv in started if "gunicorn" in argv)
    assert gunicorn[gunicorn.index("--bind") + 1] == "0.0.0.0:8123"


def test_serve_starts_the_scheduler_beside_it_without_a_broker_unless_told_not_to(started, settings):
    settings.CELERY_BROKER_URL = ""

    assert cli.main(["serve"]) == 0
    scheduler, gunicorn = started
    assert scheduler[-1] == "scheduler" and "gunicorn" in gunicorn
    assert gunicorn[gunicorn.index("--threads") + 1] == "1"
    assert gunicorn[gunicorn.index("--config") + 1] == "python:aftersale.gunicorn_conf"

    started.clear()
    assert cli.main(["serve", "--no-scheduler"]) == 0
    assert len(started) == 1 and "gunicorn" in started[0]
