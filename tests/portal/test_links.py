"""Signed links from notifications: the link signs the customer in and opens the case; a tampered,
foreign or expired one sends them to the sign-in page with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aftersale.portal.links import LINK_TTL, portal_link_path
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def test_a_link_signs_the_customer_in_and_opens_the_case(client, people, case):
    response = client.get(portal_link_path(case))
    assert response["Location"] == f"/portal/cases/{case.number}/"
    assert int(client.session["_auth_user_id"]) == people.customer_user.pk
    assert case.number in client.get(response["Location"]).content.decode()


def test_a_tampered_link_is_refused(client, case):
    path = portal_link_path(case)
    response = client.get(path[:-3] + "xx/", follow=True)
    assert response.redirect_chain[-1][0] == "/portal/login/"
    assert "链接无效" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_link_is_refused(client, case):
    with time_machine.travel(timezone.now() - LINK_TTL - timedelta(minutes=1)):
        path = portal_link_path(case)
    response = client.get(path, follow=True)
    assert "链接已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_link_replaces_another_customers_session(client, people, case):
    other_order = OrderFactory(customer=people.other_customer)
    OrderLineFactory(order=other_order, line_no=1)
    client.force_login(people.other_customer_user)
    client.get(portal_link_path(case))
    assert int(client.session["_auth_user_id"]) == people.customer_user.pk
    others = make_case(other_order, people.agent)
    assert client.get(f"/portal/cases/{others.number}/").status_code == 404
