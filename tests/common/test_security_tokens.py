"""API tokens: scopes, last use, revocation at once (CLI and admin), and the limit on bad tokens."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from aftersale import cli
from aftersale.common.models import ApiToken
from aftersale.common.ratelimit import BAD_TOKEN
from aftersale.common.services import token_create
from tests.helpers import one_limit_window

pytestmark = pytest.mark.django_db


def _get(key: str, path: str = "/api/v1/me", language: str = "zh-hans", **extra):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE=language, **extra)


def test_a_read_token_may_read_but_not_write(people, case):
    key = token_create(username="agent", scope="read")
    assert _get(key, f"/api/v1/cases/{case.number}").status_code == 200

    response = Client().post(
        f"/api/v1/cases/{case.number}/messages",
        data={"body": "你好", "visibility": "internal"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {
            "field": "authorization",
            "message": "This API token's scope does not allow this operation",
            "code": "token_scope",
        }
    ]


def test_an_order_feed_token_may_read_and_send_orders_only(people, case):
    key = token_create(username="admin", scope="orders:write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert _get(key, f"/api/v1/cases/{case.number}").status_code == 200
    upsert = Client().put("/api/v1/orders", data={"orders": []}, content_type="application/json", **auth)
    assert upsert.status_code == 200, upsert.content
    note = Client().post(
        f"/api/v1/cases/{case.number}/messages",
        data={"body": "你好"},
        content_type="application/json",
        **auth,
    )
    assert note.status_code == 403 and note.json()["errors"][0]["code"] == "token_scope"


def test_last_use_is_written_at_most_once_a_minute(people):
    key = token_create(username="agent")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert _get(key).status_code == 200
        first = ApiToken.objects.get().last_used_at
        assert first == start
        traveller.shift(30)
        _get(key)
        assert ApiToken.objects.get().last_used_at == first
        traveller.shift(31)
        _get(key)
        assert ApiToken.objects.get().last_used_at == start + timezone.timedelta(seconds=61)


def test_revoking_on_the_command_line_takes_effect_at_once(people, capsys):
    key = token_create(username="agent", name="ERP")
    assert _get(key).status_code == 200  # now cached

    assert cli.main(["token", "list", "--user", "agent"]) == 0
    listing = capsys.readouterr().out
    assert key[:8] in listing and "write" in listing and "live" in listing and key not in listing

    assert cli.main(["token", "revoke", "--prefix", key[:8]]) == 0
    assert f"revoked {key[:8]}" in capsys.readouterr().out

    response = _get(key, language="en")
    assert response.status_code == 401
    assert response.json()["errors"][0] == {
        "field": "authorization",
        "message": "This API token has been revoked",
        "code": "token_revoked",
    }
    assert cli.main(["token", "revoke", "--prefix", key[:8]]) == 2  # nothing live left


def test_the_admin_action_revokes_at_once(people):
    key = token_create(username="agent")
    assert _get(key).status_code == 200
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    admin = Client()
    admin.force_login(people.admin)
    token = ApiToken.objects.get()
    response = admin.post("/admin/common/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert _get(key).status_code == 401


def test_create_refuses_an_unknown_scope(people, capsys):
    with pytest.raises(SystemExit):
        cli.main(["token", "create", "--user", "agent", "--scope", "admin"])
    capsys.readouterr()
    assert cli.main(["token", "create", "--user", "agent", "--scope", "read"]) == 0
    assert ApiToken.objects.get().scope == "read"


def test_many_bad_tokens_from_one_address_are_refused_for_a_while(people):
    key = token_create(username="agent")
    with one_limit_window():
        for _ in range(BAD_TOKEN.count):
            assert _get("as_wrong", REMOTE_ADDR="10.1.1.1").status_code == 401
        limited = _get(key, REMOTE_ADDR="10.1.1.1", language="en")
        assert limited.status_code == 429
        assert limited.json()["errors"][0]["code"] == "rate_limited"
        assert _get(key, REMOTE_ADDR="10.1.1.2").status_code == 200  # another address is not affected
