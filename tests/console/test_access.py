"""Who may use the console, and what each member of staff may see there."""

from __future__ import annotations

import re

import pytest

from aftersale.cases.services import case_assign, case_update
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
EXTERNAL_ASSET = re.compile(r'(?:src|href|action)="(?:https?:)?//')


def test_anonymous_visitors_are_sent_to_the_console_sign_in(client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=/console/")


def test_staff_sign_in_with_the_console_form(client, people):
    response = client.post("/console/login/", {"username": "agent", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_customer_cannot_sign_in_to_the_console(client, people):
    response = client.post("/console/login/", {"username": "cust", "password": "pw-for-tests-123"})
    assert response.status_code == 200
    assert "客户请使用自助服务入口登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_customer_cannot_open_the_console(as_user, people, case):
    client = as_user(people.customer_user)
    assert client.get("/console/").status_code == 403
    assert client.get(f"/console/cases/{case.number}/").status_code == 403
    assert client.get("/console/alerts/badge/").status_code == 403
    response = client.post(f"/console/cases/{case.number}/reply/", {"body": "hi"})
    assert response.status_code == 403
    assert not case.messages.exists()


def test_a_case_outside_the_agents_teams_is_not_found(as_user, people, case):
    case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)
    assert as_user(people.agent).get(f"/console/cases/{case.number}/").status_code == 200
    assert as_user(people.other_agent).get(f"/console/cases/{case.number}/").status_code == 404


def test_department_members_see_only_their_department_queue(as_user, people, order):
    routed = make_case(order, people.agent, category_code="transit_damage")
    case_update(case=routed, actor=people.agent, version=routed.version, department="warehouse")
    other = make_case(order, people.agent, category_code="transit_damage")
    client = as_user(people.warehouse)

    page = client.get("/console/?queue=mine").content.decode()
    assert re.findall(r'data-queue="(\w+)"', page) == ["department"]
    assert routed.number in page
    assert other.number not in page
    assert client.get(f"/console/cases/{routed.number}/").status_code == 200
    assert client.get(f"/console/cases/{other.number}/").status_code == 404


def test_the_read_only_optimizer_gets_no_actions_and_no_reply_box(as_user, people, case):
    page = as_user(people.optimizer).get(f"/console/cases/{case.number}/").content.decode()
    assert 'id="reply-form"' not in page
    assert 'data-action="' not in page


@pytest.mark.parametrize("path", ["/", "/console/login/", "/portal/login/"])
def test_public_pages_fetch_nothing_from_the_internet(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not EXTERNAL_ASSET.search(response.content.decode())


def test_console_pages_fetch_nothing_from_the_internet(as_user, people, case):
    client = as_user(people.agent)
    for path in ("/console/", f"/console/cases/{case.number}/", "/console/alerts/"):
        page = client.get(path).content.decode()
        assert not EXTERNAL_ASSET.search(page), path
        assert "/static/vendor/htmx.min.js" in page


def test_htmx_is_served_from_the_app_with_its_licence(client):
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"/*! htmx 2.")
    assert b"0BSD" in body[:200]


def test_the_root_sends_staff_to_the_console_and_offers_everyone_else_links(client, as_user, people):
    landing = client.get("/").content.decode()
    for link in ('href="/portal/"', 'href="/console/"', 'href="/admin/"'):
        assert link in landing
    assert as_user(people.customer_user).get("/").status_code == 200
    response = as_user(people.agent).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/console/"


def test_the_console_speaks_chinese_by_default_and_english_on_request(as_user, people):
    client = as_user(people.agent)
    assert "队列" in client.get("/console/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    assert 'lang="en"' in client.get("/console/").content.decode()
