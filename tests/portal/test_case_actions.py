"""What the customer does on their own case: cancel, close, re-open; ship the goods back with a
waybill number; see the return address and the refund; and the sign-in's rate limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersale.cases.models import Case
from aftersale.fulfilment.models import Refund, RefundMethod, RefundStatus, ReturnStatus
from aftersale.portal.models import OtpChallenge
from aftersale.portal.services import MAX_TRIES_PER_ADDRESS, MAX_TRIES_PER_PHONE
from aftersale.quality.models import Survey
from tests.factories import CustomerFactory, OrderFactory
from tests.fulfilment.goods import approved_case, rma_of
from tests.helpers import force_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client, people):
    client.force_login(people.customer_user)
    return client


def _act(client, case, action: str, reason: str = ""):
    case.refresh_from_db()
    return client.post(
        f"/portal/cases/{case.number}/action/", {"action": action, "version": case.version, "reason": reason}
    )


def test_a_new_request_can_be_cancelled_with_a_reason(customer, case):
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "portal/examples/waybill.svg" in page and "快递面单（运单号清晰）" in page  # what to photograph
    assert 'data-customer-action="cancel"' in page
    assert 'data-customer-action="close"' not in page and 'data-customer-action="reopen"' not in page
    refused = _act(customer, case, "cancel")
    assert refused.status_code == 400
    assert "执行“取消”须填写原因" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == "new"
    response = _act(customer, case, "cancel", "不需要了")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "cancelled"
    assert "售后申请已撤销" in customer.get(response["Location"]).content.decode()


def test_a_resolved_case_is_closed_or_reopened_when_not_fixed(customer, case):
    force_status(case, "resolved")
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert 'data-customer-action="close"' in page and 'data-customer-action="reopen"' in page
    assert 'data-customer-action="cancel"' not in page
    assert _act(customer, case, "cancel", "想撤销").status_code == 400  # not offered once resolved
    assert _act(customer, case, "reopen", "还是有异响").status_code == 302
    case.refresh_from_db()
    assert case.status == "under_review"
    force_status(case, "resolved")
    assert _act(customer, case, "close").status_code == 302
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_another_customer_cannot_act_on_the_case(client, people, case):
    client.force_login(people.other_customer_user)
    assert _act(client, case, "cancel", "x").status_code == 404
    assert Case.objects.get(pk=case.pk).status == "new"


def test_the_return_address_tracking_entry_and_refund_status(customer, people, order):
    case = approved_case(order, people)  # approval authorised the return
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    rma = rma_of(case)
    assert rma.number in page and "演示路 88 号" in page and "提交运单号" in page

    bad = customer.post(
        f"/portal/cases/{case.number}/tracking/", {"rma": rma.number, "carrier": "顺丰", "tracking_no": "x"}
    )
    assert bad.status_code == 400
    assert "运单号须为 4 到 64 位字母、数字或连字符" in bad.content.decode()
    ok = customer.post(
        f"/portal/cases/{case.number}/tracking/",
        {"rma": rma.number, "carrier": "顺丰", "tracking_no": "SF1234567890"},
    )
    assert ok.status_code == 302
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.IN_TRANSIT and rma.tracking_no == "SF1234567890"
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "顺丰 SF1234567890" in page

    Refund.objects.create(
        case=case,
        order=order,
        idempotency_key="t-1",
        amount=Decimal("399.00"),
        freight_deduction=Decimal("0"),
        gift_deduction=Decimal("0"),
        method=RefundMethod.ORIGINAL,
        status=RefundStatus.SUCCEEDED,
    )
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "¥399.00" in page and "已到账" in page


def _ask(client, order, phone=None, address="10.0.0.1"):
    return client.post(
        "/portal/login/",
        {"order_no": order.order_no, "phone": phone or order.customer.phone},
        REMOTE_ADDR=address,
    )


def test_too_many_tries_for_one_phone_are_refused_with_a_clear_message(client, order):
    for _ in range(MAX_TRIES_PER_PHONE):
        assert _ask(client, order, phone="13700000000").status_code == 400  # wrong phone, counted
    refused = _ask(client, order, phone="137 0000 0000", address="10.0.0.2")  # same phone, other address
    assert refused.status_code == 429
    assert "尝试过于频繁，请 15 分钟后再试" in refused.content.decode()
    assert _ask(client, order).status_code == 302  # the right phone is another phone


def test_too_many_tries_from_one_address_are_refused(client, people):
    orders = [OrderFactory(customer=CustomerFactory()) for _ in range(2)]
    for i in range(MAX_TRIES_PER_ADDRESS):
        _ask(client, orders[0], phone=f"1390000{i:04d}")
    refused = _ask(client, orders[1])
    assert refused.status_code == 429
    assert not OtpChallenge.objects.filter(order=orders[1]).exists()
    assert _ask(client, orders[1], address="10.0.0.9").status_code == 302


def test_a_resolved_case_is_rated_once_and_not_before(customer, case):
    assert 'id="rating"' not in customer.get(f"/portal/cases/{case.number}/").content.decode()
    early = customer.post(f"/portal/cases/{case.number}/rate/", {"score": "5"})
    assert early.status_code == 400 and "解决后才能评价" in early.content.decode()

    force_status(case, "resolved")
    assert 'id="rating"' in customer.get(f"/portal/cases/{case.number}/").content.decode()
    missing = customer.post(f"/portal/cases/{case.number}/rate/", {"comment": "还行"})
    assert missing.status_code == 400 and "请选择 1 到 5 星" in missing.content.decode()
    response = customer.post(f"/portal/cases/{case.number}/rate/", {"score": "4", "comment": "处理很快"})
    assert response.status_code == 302
    survey = Survey.objects.get(case=case)
    assert (survey.score, survey.comment) == (4, "处理很快") and survey.answered_at
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "★★★★☆" in page and "处理很快" in page and 'name="score"' not in page
    assert "客户评价了本次服务" in page
    again = customer.post(f"/portal/cases/{case.number}/rate/", {"score": "1"})
    assert again.status_code == 400 and "不能重复评价" in again.content.decode()
    assert Survey.objects.get(case=case).score == 4


def test_the_customer_accepts_an_offered_compensation_and_never_sees_a_pending_one(customer, people, case):
    from aftersale.fulfilment.models import CompensationOffer
    from aftersale.fulfilment.services.compensation import compensation_propose

    pending = compensation_propose(
        case=case, actor=people.agent, kind="balance_credit", amount=Decimal("120.00")
    )
    offered = compensation_propose(case=case, actor=people.agent, kind="coupon", amount=Decimal("20.00"))
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "¥20.00" in page and "¥120.00" not in page  # waiting for approval: not shown
    assert 'data-offer-answer="accept"' in page

    stale = customer.post(
        f"/portal/cases/{case.number}/offer/",
        {"offer": offered.pk, "version": offered.version + 1, "answer": "accept"},
    )
    assert stale.status_code == 400
    hidden = customer.post(
        f"/portal/cases/{case.number}/offer/",
        {"offer": pending.pk, "version": pending.version, "answer": "accept"},
    )
    assert hidden.status_code == 400 and "补偿不存在" in hidden.content.decode()
    response = customer.post(
        f"/portal/cases/{case.number}/offer/",
        {"offer": offered.pk, "version": offered.version, "answer": "accept"},
    )
    assert response.status_code == 302
    assert CompensationOffer.objects.get(pk=offered.pk).status == "accepted"
    assert CompensationOffer.objects.get(pk=pending.pk).status == "pending_approval"
    page = customer.get(response["Location"]).content.decode()
    assert "已接受补偿，我们会尽快发放" in page and 'data-offer-answer="accept"' not in page


def test_old_sign_in_records_are_pruned(client, order):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from aftersale.portal.models import SignInAttempt
    from aftersale.portal.tasks import prune_signin_records

    with time_machine.travel(timezone.now() - timedelta(days=2)):
        _ask(client, order)  # a code asked two days ago: its tries and its code are stale
    # A fresh one from another address stays (and already forgot the phone's stale try).
    _ask(client, order, address="10.0.0.7")
    assert SignInAttempt.objects.count() == 3 and OtpChallenge.objects.count() == 2
    assert prune_signin_records.apply().get() == 2  # the old address's try, the old code
    assert SignInAttempt.objects.count() == 2 and OtpChallenge.objects.count() == 1
