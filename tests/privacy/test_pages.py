"""The console's deletion-request and legal-hold pages, and the hold panel of the case page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.catalog.models import Customer
from aftersale.privacy.anonymise import ANONYMOUS_NAME, ERASED
from aftersale.privacy.models import DeletionRequest, LegalHold
from tests.helpers import force_status


@pytest.fixture
def as_user():
    def login(user, language: str = "zh-hans") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        return client

    return login


def test_the_pages_are_for_case_handling_staff(people, as_user, client):
    assert client.get("/console/privacy/requests/").status_code == 302
    assert as_user(people.customer_user).get("/console/privacy/requests/").status_code == 403
    assert as_user(people.warehouse).get("/console/privacy/requests/").status_code == 403
    assert as_user(people.agent).get("/console/privacy/holds/").status_code == 403
    assert as_user(people.director).get("/console/privacy/holds/").status_code == 200


def test_an_agent_records_a_request_and_the_director_approves_it(people, as_user, case):
    agent = as_user(people.agent)
    recorded = agent.post(
        "/console/privacy/requests/", {"phone": "13812345678", "channel": "phone", "note": "来电要求删除"}
    )
    assert recorded.status_code == 302
    request = DeletionRequest.objects.get()
    assert (request.recorded_by, request.channel, request.status) == (people.agent, "phone", "pending")
    page = agent.get("/console/privacy/requests/").content.decode()
    assert "来电要求删除" in page and "批准并删除" not in page  # agents record, they do not decide
    assert "138****5678" in page and "13812345678" not in page  # a list: masked for the agent
    refused = agent.post(f"/console/privacy/requests/{request.pk}/approve/", {"version": request.version})
    assert refused.status_code == 403 and DeletionRequest.objects.get().status == "pending"

    director = as_user(people.director)
    page = director.get("/console/privacy/requests/").content.decode()
    assert "批准并删除" in page and case.number in page  # the open case that blocks it is named
    assert "13812345678" in page
    director.post(f"/console/privacy/requests/{request.pk}/approve/", {"version": request.version})
    request.refresh_from_db()
    assert request.status == "blocked" and case.number in request.decision_reason

    force_status(case, "closed")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    done = director.post(
        f"/console/privacy/requests/{request.pk}/approve/", {"version": request.version}, follow=True
    )
    assert "已删除" in done.content.decode()
    assert Customer.objects.get(pk=people.customer.pk).name == ANONYMOUS_NAME


def test_a_rejection_needs_a_reason(people, as_user):
    as_user(people.agent).post("/console/privacy/requests/", {"phone": "13812345678", "channel": "email"})
    request = DeletionRequest.objects.get()
    director = as_user(people.director)
    page = director.post(f"/console/privacy/requests/{request.pk}/reject/", {"version": 1}, follow=True)
    assert "请填写原因" in page.content.decode() and DeletionRequest.objects.get().status == "pending"
    director.post(f"/console/privacy/requests/{request.pk}/reject/", {"version": 1, "reason": "非本人"})
    assert DeletionRequest.objects.get().status == "rejected"


def test_an_unknown_phone_is_named_on_the_form(people, as_user):
    page = as_user(people.agent).post(
        "/console/privacy/requests/", {"phone": "13000000000", "channel": "phone"}
    )
    assert page.status_code == 400 and "没有该手机号的客户" in page.content.decode()


def test_the_case_page_places_and_releases_a_hold(people, as_user, case):
    director = as_user(people.director)
    assert "设置法律保留" not in as_user(people.agent).get(f"/console/cases/{case.number}/").content.decode()
    assert "设置法律保留" in director.get(f"/console/cases/{case.number}/").content.decode()

    page = director.post(
        f"/console/privacy/cases/{case.number}/hold/", {"reason": "法院调取证据"}, follow=True
    )

    text = page.content.decode()
    assert "本售后单处于法律保留中" in text and "法院调取证据" in text
    hold = LegalHold.objects.get(case=case, released_at=None)
    assert (
        "本售后单处于法律保留中"
        in as_user(people.agent).get(f"/console/cases/{case.number}/").content.decode()
    )
    director.post(f"/console/privacy/holds/{hold.pk}/release/", {"reason": "已结案"})
    assert LegalHold.objects.get().released_by == people.director


def test_the_holds_page_holds_a_customer_in_english(people, as_user):
    director = as_user(people.admin, "en")
    page = director.post(
        "/console/privacy/holds/place/", {"phone": "13812345678", "reason": "Regulator"}, follow=True
    )
    text = page.content.decode()
    assert "Legal hold placed" in text and "Regulator" in text and "Release the legal hold" in text
    assert LegalHold.objects.get().customer_id == people.customer.pk


def test_a_customer_asks_from_the_portal(people, as_user, client):
    assert client.get("/portal/privacy/").status_code == 302  # to the portal's sign-in
    portal = as_user(people.customer_user)
    assert "/portal/privacy/" in portal.get("/portal/").content.decode()

    page = portal.post("/portal/privacy/", {"note": "不再使用"}, follow=True)

    assert "已收到您的删除请求" in page.content.decode() and "待处理" in page.content.decode()
    request = DeletionRequest.objects.get()
    assert (request.customer_id, request.channel, request.recorded_by) == (
        people.customer.pk,
        "portal",
        people.customer_user,
    )
    again = portal.post("/portal/privacy/", {}, follow=True)
    assert "该客户已有待处理的删除请求" in again.content.decode() and DeletionRequest.objects.count() == 1
    assert as_user(people.agent).get("/portal/privacy/").status_code == 302


def test_the_admin_lists_holds_and_releases_them_through_the_service(people, as_user, case):
    from aftersale.privacy.services import legal_hold_place

    hold = legal_hold_place(actor=people.director, case=case, reason="仲裁中")
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    admin = as_user(people.admin)
    assert "仲裁中" in admin.get("/admin/privacy/legalhold/").content.decode()
    assert admin.get("/admin/privacy/legalhold/add/").status_code == 403  # placed in the console or API

    admin.post("/admin/privacy/legalhold/", {"action": "release", "_selected_action": [hold.pk]})

    hold.refresh_from_db()
    assert hold.released_by == people.admin and hold.release_reason == "在管理后台解除"
    for page in ("deletionrequest", "anonymisation", "privacyevent"):
        assert admin.get(f"/admin/privacy/{page}/").status_code == 200


def test_the_timeline_names_holds_and_anonymisation(people, case):
    from django.utils import translation

    from aftersale.console.timeline import case_timeline
    from aftersale.privacy.services import case_anonymise, legal_hold_place, legal_hold_release

    def timeline():
        with translation.override("en"):
            return [(i.title, str(i.body)) for i in case_timeline(user=people.director, case=case)]

    hold = legal_hold_place(actor=people.director, case=case, reason="诉讼")
    legal_hold_release(hold=hold, actor=people.director, reason="和解")
    assert ("Legal hold placed", "诉讼") in timeline() and ("Legal hold released", "和解") in timeline()
    force_status(case, "closed")
    case_anonymise(case=Case.objects.get(pk=case.pk), trigger="retention")

    items = timeline()
    assert ("Personal data anonymised", "") in items and (
        "Legal hold placed",
        ERASED,
    ) in items  # reasons are text
    assert not [i for i in case_timeline(user=people.customer_user, case=case) if "法律保留" in i.title]
