"""The refund endpoints: request, list, complete offline, reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersale.fulfilment.models import Refund, RefundStatus
from tests.fakes.refund_setup import goods_received

pytest_plugins = ["tests.fakes.fixtures"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def received(refund_case):
    goods_received(refund_case)
    return refund_case


def post_refund(api, user, case, **body):
    return api(user).post(f"/cases/{case.number}/refunds", {"idempotency_key": "RF-1", **body})


def test_staff_refund_lines_to_store_credit(api, people, received):
    response = post_refund(
        api,
        people.agent,
        received,
        method="store_credit",
        lines=[{"line_no": 1, "amount": "399.00"}, {"line_no": 2, "amount": "100.00"}],
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["amount"], body["method"], body["case"]) == (
        "pending",
        "499.00",
        "store_credit",
        received.number,
    )
    assert body["lines"] == [{"line_no": 1, "amount": "399.00"}, {"line_no": 2, "amount": "100.00"}]


def test_a_replayed_request_answers_the_same_refund(api, people, received):
    first = post_refund(api, people.agent, received, method="store_credit", amount="10.00").json()
    again = post_refund(api, people.team_lead, received, method="store_credit", amount="10.00").json()
    assert again["id"] == first["id"]
    assert Refund.objects.count() == 1


def test_a_refund_to_alipay_answers_its_outcome(
    api, people, received, paid_order, fake_alipay, django_capture_on_commit_callbacks
):
    fake_alipay.add_trade(
        trade_no=paid_order.payment_ref, out_trade_no=paid_order.order_no, total=paid_order.paid_amount
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_refund(api, people.agent, received, lines=[{"line_no": 1, "amount": "399.00"}])
    assert response.status_code == 201
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED
    assert fake_alipay.paid == {"RF-1": 1}


def test_too_much_is_refused_with_the_field_and_what_is_left(api, people, received):
    response = post_refund(
        api, people.agent, received, method="store_credit", lines=[{"line_no": 2, "amount": "399.01"}]
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "lines.0.amount", "message": "超过该商品实付可退金额 ¥399.00", "code": "exceeds_paid"}
    ]


def test_an_unknown_line_is_refused(api, people, received):
    response = post_refund(api, people.agent, received, lines=[{"line_no": 9, "amount": "1.00"}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lines.0.line_no"


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "-1"},
        {"amount": "1.001"},
        {"amount": "1", "method": "cheque"},
        {"amount": "1", "idempotency_key": ""},
        {"amount": "1", "extra": 1},
    ],
)
def test_malformed_bodies_are_refused(api, people, received, body):
    response = api(people.agent).post(f"/cases/{received.number}/refunds", {"idempotency_key": "k", **body})
    assert response.status_code == 422


@pytest.mark.parametrize("persona", ["customer_user", "optimizer", "warehouse"])
def test_only_handling_staff_request_refunds(api, people, received, persona):
    response = post_refund(api, getattr(people, persona), received, amount="1.00")
    assert response.status_code == 403


def test_the_customer_sees_their_refunds_without_internal_errors(api, people, received):
    post_refund(api, people.agent, received, amount="10.00")
    Refund.objects.update(status=RefundStatus.FAILED, last_error="内部原因")
    staff_view = api(people.agent).get(f"/cases/{received.number}/refunds").json()
    customer_view = api(people.customer_user).get(f"/cases/{received.number}/refunds").json()
    assert staff_view[0]["last_error"] == "内部原因"
    assert customer_view[0]["last_error"] == ""
    assert customer_view[0]["status"] == "failed"
    assert api(people.other_customer_user).get(f"/cases/{received.number}/refunds").status_code == 404


def test_staff_complete_an_offline_refund(api, people, received):
    refund_id = post_refund(api, people.agent, received, method="bank_transfer", amount="50.00").json()["id"]
    assert api(people.optimizer).post(f"/refunds/{refund_id}/complete", {"reference": "X"}).status_code == 403
    response = api(people.team_lead).post(f"/refunds/{refund_id}/complete", {"reference": "ICBC-0001"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reference"]) == ("succeeded", "ICBC-0001")
    again = api(people.team_lead).post(f"/refunds/{refund_id}/complete", {"reference": "ICBC-0002"})
    assert again.status_code == 409
    assert api(people.agent).post("/refunds/999999/complete", {"reference": "X"}).status_code == 404


def test_reconciliation_for_leads_and_above(api, people, received):
    refund_id = post_refund(api, people.agent, received, method="store_credit", amount="50.00").json()["id"]
    api(people.agent).post(f"/refunds/{refund_id}/complete", {"reference": "BAL-1"})
    day = timezone.localdate().isoformat()
    assert api(people.agent).get("/refunds/reconciliation", {"day": day}).status_code == 403
    assert api(people.director).get("/refunds/reconciliation", {"day": "2026-13-01"}).status_code == 422
    body = api(people.team_lead).get("/refunds/reconciliation", {"day": day}).json()
    assert body["created"] == [
        {"channel": "store_credit", "status": "succeeded", "count": 1, "amount": "50.00"}
    ]
    assert body["settled"] == body["created"]
    assert body["stuck"] == []


def test_reconciliation_lists_a_refund_past_its_due(api, people, refund_case):
    goods_received(refund_case, at=timezone.now() - timedelta(hours=30))
    refund_id = post_refund(api, people.agent, refund_case, method="store_credit", amount="20.00").json()[
        "id"
    ]
    body = api(people.admin).get("/refunds/reconciliation", {"day": timezone.localdate().isoformat()}).json()
    [stuck] = body["stuck"]
    assert (stuck["id"], stuck["case"], stuck["status"], stuck["channel"]) == (
        refund_id,
        refund_case.number,
        "pending",
        "store_credit",
    )
    assert stuck["reasons"][0].startswith("已超过退款时限")
