"""Per-address limits on unauthenticated endpoints: refused webhook calls and the help centre.
(Failed bearer tokens: tests/common/test_security_tokens.py; portal codes: tests/portal.)"""

from __future__ import annotations

import pytest
from django.test import Client

from aftersale.channels.models import InboundRefusal
from aftersale.common.ratelimit import PUBLIC_PAGE, WEBHOOK_REFUSED
from tests.channels.test_inbound import generic, importer, order_event, post_generic  # noqa: F401
from tests.helpers import one_limit_window

pytestmark = pytest.mark.django_db


def test_an_address_sending_badly_signed_webhooks_is_held_off(generic):  # noqa: F811
    with one_limit_window():
        for _ in range(WEBHOOK_REFUSED.count):
            assert post_generic(order_event(), secret="forged", REMOTE_ADDR="10.9.9.9").status_code == 401
        held = post_generic(order_event(), REMOTE_ADDR="10.9.9.9", language="en")  # even a good one
    assert held.status_code == 429
    assert held.json()["errors"][0]["code"] == "rate_limited"
    assert InboundRefusal.objects.count() == WEBHOOK_REFUSED.count  # held off before any work
    assert post_generic(order_event(), REMOTE_ADDR="10.9.9.8").status_code == 200  # the platform's own


def test_good_webhooks_are_not_counted(generic):  # noqa: F811
    for n in range(WEBHOOK_REFUSED.count + 5):
        assert post_generic(order_event(event_id=f"evt-{n}"), REMOTE_ADDR="10.9.9.7").status_code == 200


def test_the_help_centre_answers_429_to_a_flood(people, settings):
    client = Client(REMOTE_ADDR="10.8.8.8")
    with one_limit_window():
        for _ in range(PUBLIC_PAGE.count):
            assert client.get("/portal/help/?q=退货").status_code == 200
        flooded = client.get("/portal/help/", HTTP_ACCEPT_LANGUAGE="en")
    assert flooded.status_code == 429 and flooded["Retry-After"] == str(PUBLIC_PAGE.seconds)
    assert flooded.content.decode() == "Too many requests; try again shortly"
    assert Client(REMOTE_ADDR="10.8.8.9").get("/portal/help/").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "seen"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is not believed
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, proxies, forwarded, seen):
    from django.test import RequestFactory

    from aftersale.common.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == seen


def test_behind_a_proxy_the_lockout_keeps_to_the_client_that_failed(people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    people.agent.set_password("a long enough password")
    people.agent.save()

    def sign_in(client_address: str, password: str) -> int:
        return (
            Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_address)
            .post("/console/login/", {"username": "agent", "password": password})
            .status_code
        )

    for _ in range(5):
        sign_in("198.51.100.1", "wrong")
    assert sign_in("198.51.100.1", "a long enough password") == 429
    assert sign_in("198.51.100.2", "a long enough password") == 302  # same proxy, another client
