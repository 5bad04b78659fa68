"""Legal holds and deletion requests through the API: who may do what, and what each decision does."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aftersale.cases.models import Case, CaseEvent
from aftersale.catalog.models import Customer
from aftersale.privacy.anonymise import ANONYMOUS_NAME, ERASED
from aftersale.privacy.models import DeletionRequest, PrivacyEvent
from tests.helpers import force_status


def _close(case: Case) -> Case:
    force_status(case, "closed")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    return Case.objects.get(pk=case.pk)


def test_a_director_holds_a_case_and_releases_it(api, people, case):
    director = api(people.director)
    assert (
        api(people.agent).post("/privacy/holds", {"case": case.number, "reason": "诉讼"}).status_code == 403
    )

    placed = director.post("/privacy/holds", {"case": case.number, "reason": "诉讼中，法院调取"})
    assert placed.status_code == 201, placed.content
    hold = placed.json()
    assert (hold["case"], hold["placed_by"], hold["released_at"]) == (case.number, "director", None)
    again = director.post("/privacy/holds", {"case": case.number, "reason": "再次"})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_held"
    assert [h["id"] for h in director.get("/privacy/holds").json()] == [hold["id"]]

    released = director.post(f"/privacy/holds/{hold['id']}/release", {"reason": "结案"})
    assert released.status_code == 200 and released.json()["release_reason"] == "结案"
    assert director.get("/privacy/holds").json() == []
    kinds = list(
        CaseEvent.objects.filter(case=case, kind__startswith="legal_hold").values_list("kind", "actor")
    )
    assert kinds == [("legal_hold.placed", people.director.pk), ("legal_hold.released", people.director.pk)]
    assert director.post(f"/privacy/holds/{hold['id']}/release", {}).status_code == 409


def test_a_hold_needs_exactly_one_subject_and_a_reason(api, people, case):
    director = api(people.admin)
    assert director.post("/privacy/holds", {"reason": "x"}).status_code == 422
    both = director.post(
        "/privacy/holds", {"case": case.number, "customer": people.customer.pk, "reason": "x"}
    )
    assert both.status_code == 422
    blank = director.post("/privacy/holds", {"customer": people.customer.pk, "reason": "   "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    assert director.post("/privacy/holds", {"customer": 999999, "reason": "x"}).status_code == 404


def test_an_agent_records_a_request_and_only_a_director_decides(api, people, case):
    recorded = api(people.agent).post(
        "/privacy/deletion-requests",
        {"customer": people.customer.pk, "channel": "phone", "note": "来电要求删除"},
    )
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert body["status"] == "pending" and body["customer_phone"] == "138****5678"  # masked for the agent
    again = api(people.agent).post(
        "/privacy/deletion-requests", {"customer": people.customer.pk, "channel": "phone"}
    )
    assert again.status_code == 409
    decision = {"version": body["version"], "reason": "x"}
    assert (
        api(people.agent).post(f"/privacy/deletion-requests/{body['id']}/approve", decision).status_code
        == 403
    )
    assert (
        api(people.team_lead).post(f"/privacy/deletion-requests/{body['id']}/reject", decision).status_code
        == 403
    )
    listed = api(people.director).get("/privacy/deletion-requests", {"status": "pending"}).json()
    assert [(r["id"], r["customer_phone"]) for r in listed] == [(body["id"], "13812345678")]
    assert PrivacyEvent.objects.filter(kind="deletion.requested", request_id=body["id"]).exists()


def test_a_customer_files_for_themselves_only(api, people):
    customer = api(people.customer_user)
    own = customer.post("/privacy/deletion-requests", {"channel": "portal"})
    assert own.status_code == 201 and own.json()["customer"] == people.customer.pk
    other = customer.post(
        "/privacy/deletion-requests", {"customer": people.other_customer.pk, "channel": "portal"}
    )
    assert other.status_code == 403 and other.json()["errors"][0]["field"] == "customer"
    assert customer.get("/privacy/deletion-requests").status_code == 403


def test_an_open_case_blocks_approval_then_closing_it_lets_it_through(api, people, case):
    director, customer_api = api(people.director), api(people.customer_user)
    assert customer_api.get("/me").status_code == 200
    request = (
        api(people.agent)
        .post("/privacy/deletion-requests", {"customer": people.customer.pk, "channel": "email"})
        .json()
    )

    blocked = director.post(
        f"/privacy/deletion-requests/{request['id']}/approve", {"version": request["version"]}
    )

    assert blocked.status_code == 200, blocked.content
    assert blocked.json()["status"] == "blocked" and case.number in blocked.json()["decision_reason"]
    assert Customer.objects.get(pk=people.customer.pk).name == "张小明"
    assert PrivacyEvent.objects.get(kind="deletion.blocked").payload == {"blockers": ["open_case"]}

    _close(case)
    done = director.post(
        f"/privacy/deletion-requests/{request['id']}/approve", {"version": blocked.json()["version"]}
    )

    assert done.status_code == 200 and done.json()["status"] == "completed"
    customer = Customer.objects.get(pk=people.customer.pk)
    assert (customer.name, customer.phone) == (ANONYMOUS_NAME, f"anon-{customer.pk}")
    assert Case.objects.get(pk=case.pk).description == ERASED
    marker = CaseEvent.objects.get(case=case, kind="case.anonymised")
    assert marker.payload["trigger"] == "request" and marker.actor_id == people.director.pk
    assert customer_api.get("/me").status_code == 401  # the account is closed too
    assert DeletionRequest.objects.get(pk=request["id"]).decided_by_id == people.director.pk


def test_a_legal_hold_blocks_approval(api, people, case):
    _close(case)
    api(people.director).post("/privacy/holds", {"case": case.number, "reason": "监管调查"})
    request = api(people.agent).post(
        "/privacy/deletion-requests", {"customer": people.customer.pk, "channel": "phone"}
    )
    approved = api(people.admin).post(
        f"/privacy/deletion-requests/{request.json()['id']}/approve", {"version": request.json()["version"]}
    )
    assert approved.json()["status"] == "blocked" and "法律保留" in approved.json()["decision_reason"]
    assert Case.objects.get(pk=case.pk).description != ERASED


def test_reject_needs_a_reason_and_a_current_version(api, people):
    request = api(people.agent).post(
        "/privacy/deletion-requests", {"customer": people.customer.pk, "channel": "phone"}
    )
    rid, version = request.json()["id"], request.json()["version"]
    director = api(people.director)
    no_reason = director.post(f"/privacy/deletion-requests/{rid}/reject", {"version": version})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    stale = director.post(f"/privacy/deletion-requests/{rid}/reject", {"version": version + 5, "reason": "x"})
    assert stale.status_code == 409

    rejected = director.post(
        f"/privacy/deletion-requests/{rid}/reject", {"version": version, "reason": "身份无法核实"}
    )

    assert rejected.json()["status"] == "rejected" and rejected.json()["decision_reason"] == "身份无法核实"
    assert (
        director.post(f"/privacy/deletion-requests/{rid}/approve", {"version": version + 1}).status_code
        == 409
    )
    assert Customer.objects.get(pk=people.customer.pk).name == "张小明"


@pytest.mark.parametrize("language", ["en"])
def test_errors_speak_english_too(api, people, language):
    response = api(people.agent, language).post(
        "/privacy/holds", {"customer": people.customer.pk, "reason": "x"}
    )
    assert response.status_code == 403 and "legal hold" in response.json()["errors"][0]["message"].lower()
