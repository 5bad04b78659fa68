"""Compensation over the API: who proposes, the approvals inbox, and what the customer sees."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersale.cases.services import case_assign
from aftersale.common.roles import Role
from aftersale.fulfilment.models import CompensationOffer
from tests.factories import UserFactory

from .test_compensation import appliance_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def damaged(people):
    return appliance_case(people)


def propose(api, user, case, **body):
    return api(user).post(f"/cases/{case.number}/compensation", {"kind": "balance_credit", **body})


def test_an_agent_proposes_ten_percent_and_the_team_lead_approves_it_from_the_inbox(api, people, damaged):
    response = propose(api, people.agent, damaged, percent="10", description="物流磕碰")
    assert response.status_code == 201, response.json()
    offer = response.json()
    assert (offer["amount"], offer["status"], offer["approver_role"]) == (
        "399.90",
        "pending_approval",
        "team_lead",
    )

    inbox = api(people.team_lead).get("/approvals").json()
    assert [item["id"] for item in inbox] == [offer["id"]]
    assert inbox[0] | {"created_at": None} == {
        "id": offer["id"],
        "version": 1,
        "case": damaged.number,
        "case_status": "new",
        "category": "transit_damage",
        "category_label": "物流损坏",
        "customer_tier": "regular",
        "customer_is_vip": False,
        "kind": "balance_credit",
        "amount": "399.90",
        "reason": "物流磕碰",
        "approver_role": "team_lead",
        "offered_by": "agent",
        "created_at": None,
    }
    assert api(people.director).get("/approvals").json() == []
    assert api(people.agent).get("/approvals").status_code == 403

    refused = api(people.agent).post(f"/compensation/{offer['id']}/approve", {"version": 1})
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "self_approval"
    approved = api(people.team_lead).post(
        f"/compensation/{offer['id']}/approve", {"version": 1, "note": "同意"}
    )
    assert approved.status_code == 200 and approved.json()["status"] == "offered"
    assert api(people.team_lead).get("/approvals").json() == []
    stale = api(people.team_lead).post(f"/compensation/{offer['id']}/reject", {"version": 1, "note": "x"})
    assert stale.status_code == 409


def test_the_inbox_of_another_teams_lead_stays_empty_and_unassigned_cases_show_to_every_lead(
    api, people, order
):
    other_lead = UserFactory(username="lead2", role=Role.TEAM_LEAD, team=people.other_team)
    people.other_team.lead = other_lead
    people.other_team.save()
    damaged = appliance_case(people)
    propose(api, people.agent, damaged, amount="120.00")
    assert api(other_lead).get("/approvals").json() == []

    unassigned = appliance_case(people)
    case_assign(case=unassigned, actor=people.team_lead, version=unassigned.version, assignee=None, team=None)
    propose(api, people.agent, unassigned, amount="130.00")
    assert [i["case"] for i in api(other_lead).get("/approvals").json()] == [unassigned.number]
    assert len(api(people.team_lead).get("/approvals").json()) == 2


def test_the_director_sees_what_only_a_director_may_approve(api, people, damaged):
    propose(api, people.agent, damaged, amount="120.00")
    big = propose(api, people.agent, damaged, kind="cash", amount="900.00").json()
    assert [i["id"] for i in api(people.director).get("/approvals").json()] == [big["id"]]
    assert [i["amount"] for i in api(people.team_lead).get("/approvals").json()] == ["120.00"]
    risk = api(people.agent).get(f"/cases/{damaged.number}/risk").json()
    assert risk["is_exception"] and "compensation_over_limit" in risk["exception_reasons"]


def test_the_inbox_costs_the_same_queries_for_one_offer_or_many(api, people, damaged):
    client = api(people.team_lead)
    propose(api, people.agent, damaged, amount="100.00")
    client.get("/approvals")  # warm the token cache
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/approvals").json()) == 1
    for amount in ("101.00", "102.00", "103.00", "104.00"):
        propose(api, people.agent, appliance_case(people), amount=amount)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/approvals").json()) == 5
    assert len(five) == len(one)


def test_customers_never_see_a_pending_offer(api, people, damaged):
    pending = propose(api, people.agent, damaged, percent="10").json()
    customer = api(people.customer_user)
    assert customer.get(f"/cases/{damaged.number}/compensation").json() == []
    timeline = customer.get(f"/cases/{damaged.number}/events").json()
    assert not [e for e in timeline if e["kind"].startswith("compensation.")]
    assert customer.post(f"/compensation/{pending['id']}/accept", {"version": 1}).status_code == 404

    api(people.team_lead).post(f"/compensation/{pending['id']}/approve", {"version": 1, "note": "内部意见"})
    [offer] = customer.get(f"/cases/{damaged.number}/compensation").json()
    assert (offer["amount"], offer["status"]) == ("399.90", "offered")
    assert offer["decision_note"] == "" and offer["approver_role"] == ""
    assert [
        e["kind"]
        for e in customer.get(f"/cases/{damaged.number}/events").json()
        if e["kind"].startswith("compensation.")
    ] == ["compensation.offered"]


def test_the_customer_accepts_and_staff_pay(api, people, damaged):
    offer = propose(api, people.agent, damaged, amount="20.00").json()
    customer = api(people.customer_user)
    accepted = customer.post(f"/compensation/{offer['id']}/accept", {"version": offer["version"]})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert customer.post(f"/compensation/{offer['id']}/pay", {"payout_ref": "X"}).status_code == 403
    paid = api(people.agent).post(f"/compensation/{offer['id']}/pay", {"payout_ref": "BAL-0001"})
    assert paid.status_code == 200 and paid.json()["payout_ref"] == "BAL-0001"
    cost = api(people.agent).get(f"/cases/{damaged.number}/cost").json()
    assert {kind: Decimal(v) for kind, v in cost["by_kind"].items()} == {"compensation": Decimal("20.00")}


def test_another_customer_cannot_see_or_answer(api, people, damaged):
    offer = propose(api, people.agent, damaged, amount="20.00").json()
    stranger = api(people.other_customer_user)
    assert stranger.get(f"/cases/{damaged.number}/compensation").status_code == 404
    assert stranger.post(f"/compensation/{offer['id']}/accept", {"version": 1}).status_code == 404


def test_input_is_validated(api, people, damaged):
    response = propose(api, people.agent, damaged, amount="-5")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "amount"
    response = propose(api, people.agent, damaged, amount="10", percent="5")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "percent"
    assert not CompensationOffer.objects.exists()
    assert api(people.agent).post("/compensation/999999/approve", {"version": 1}).status_code == 404


def test_a_withdrawn_offer_and_a_declined_one(api, people, damaged):
    first = propose(api, people.agent, damaged, amount="20.00").json()
    withdrawn = api(people.agent).post(
        f"/compensation/{first['id']}/withdraw", {"version": 1, "reason": "重复"}
    )
    assert withdrawn.json()["status"] == "withdrawn"
    second = propose(api, people.agent, damaged, amount="25.00").json()
    declined = api(people.customer_user).post(f"/compensation/{second['id']}/decline", {"version": 1})
    assert declined.json()["status"] == "declined"
    assert [
        o["status"] for o in api(people.customer_user).get(f"/cases/{damaged.number}/compensation").json()
    ] == ["declined"]
    assert Decimal(api(people.agent).get(f"/cases/{damaged.number}/compensation").json()[0]["amount"]) == 20
