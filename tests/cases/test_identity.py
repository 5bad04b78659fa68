"""Identity check: order no. + phone (+ channel, purchase date, tier) against the order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aftersale.cases.identity import IdentityClaim, identity_evaluate, identity_verify
from aftersale.cases.models import Case, CaseEvent, CaseLine, IdentityCheck
from aftersale.catalog.models import Order

pytestmark = pytest.mark.django_db

CASE = {
    "case_type": "after_sales",
    "category": "quality_fault",
    "resolution": "return_refund",
    "description": "屏幕有坏点",
    "lines": [{"line_no": 1, "quantity": 1}],
}


@pytest.fixture
def paid_order(order):
    # 2026-11-20 17:30 UTC is 2026-11-21 01:30 in Shanghai: the purchase date is the local one.
    Order.objects.filter(pk=order.pk).update(paid_at=datetime(2026, 11, 20, 17, 30, tzinfo=UTC))
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("phone", ["13812345678", "138-1234-5678", "+86 138 1234 5678", "8613812345678"])
def test_matching_phone_in_any_common_format_passes(order, phone):
    result = identity_evaluate(IdentityClaim(order_no=order.order_no, phone=phone))
    assert result.passed and result.order == order
    assert result.checks == [
        {"item": "order_no", "ok": True, "reason": ""},
        {"item": "phone", "ok": True, "reason": ""},
    ]


def test_every_supplied_item_is_checked(paid_order, people):
    result = identity_evaluate(
        IdentityClaim(
            order_no=paid_order.order_no,
            phone="13812345678",
            channel="platform",
            purchase_date=date(2026, 11, 21),
            tier="regular",
        )
    )
    assert result.passed
    assert [c["item"] for c in result.checks] == ["order_no", "phone", "channel", "purchase_date", "tier"]


@pytest.mark.parametrize(
    ("claim", "item", "reason"),
    [
        ({"phone": "13800000000"}, "phone", "手机号与订单买家不一致"),
        ({"channel": "offline"}, "channel", "购买渠道与订单不一致"),
        ({"purchase_date": date(2026, 11, 20)}, "purchase_date", "购买日期与订单不一致"),
        ({"tier": "gold"}, "tier", "会员等级与记录不一致"),
    ],
)
def test_a_mismatch_names_the_item_and_the_reason(paid_order, claim, item, reason):
    values = {"order_no": paid_order.order_no, "phone": "13812345678", **claim}
    result = identity_evaluate(IdentityClaim(**values))
    assert not result.passed
    assert [(f.field, str(f.message), f.code) for f in result.failures()] == [
        (item, reason, "identity_mismatch")
    ]


def test_an_unknown_order_fails_on_the_order_number(db):
    result = identity_evaluate(IdentityClaim(order_no="NOPE123", phone="13812345678"))
    assert not result.passed and result.order is None
    assert [(f.field, str(f.message)) for f in result.failures()] == [("order_no", "订单号不存在")]


def test_an_order_without_a_payment_time_fails_a_purchase_date_claim(order):
    Order.objects.filter(pk=order.pk).update(paid_at=None)
    result = identity_evaluate(
        IdentityClaim(order_no=order.order_no, phone="13812345678", purchase_date=date(2026, 11, 21))
    )
    assert not result.passed


def test_verification_records_the_result_passed_or_not(api, people, paid_order):
    client = api(people.agent)
    passed = client.post(
        "/identity/verify",
        {
            "order_no": paid_order.order_no,
            "phone": "13812345678",
            "channel": "platform",
            "purchase_date": "2026-11-21",
            "tier": "regular",
        },
    )
    failed = client.post(
        "/identity/verify",
        {
            "order_no": paid_order.order_no,
            "phone": "13900001111",
            "channel": "offline",
        },
    )

    assert passed.status_code == failed.status_code == 200
    assert passed.json()["passed"] is True
    assert failed.json() == {
        "passed": False,
        "checks": [
            {"item": "order_no", "ok": True, "reason": ""},
            {"item": "phone", "ok": False, "reason": "手机号与订单买家不一致"},
            {"item": "channel", "ok": False, "reason": "购买渠道与订单不一致"},
        ],
    }
    records = list(IdentityCheck.objects.order_by("id"))
    assert [(r.passed, r.order, r.order_no, r.phone_masked, r.checked_by, r.case) for r in records] == [
        (True, paid_order, paid_order.order_no, "138****5678", people.agent, None),
        (False, paid_order, paid_order.order_no, "139****1111", people.agent, None),
    ]


def test_verifying_an_unknown_order_is_recorded_as_failed(api, people):
    response = api(people.agent).post("/identity/verify", {"order_no": "NOPE123", "phone": "13812345678"})
    assert response.status_code == 200
    assert response.json()["passed"] is False
    record = IdentityCheck.objects.get()
    assert record.order is None and record.order_no == "NOPE123" and not record.passed


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "13812345678"}, "order_no"),
        ({"order_no": "TB1"}, "phone"),
        ({"order_no": "TB 1", "phone": "13812345678"}, "order_no"),
        ({"order_no": "TB1", "phone": "1381234567812345678901"}, "phone"),
        ({"order_no": "TB1", "phone": "13812345678", "purchase_date": "2026-02-30"}, "purchase_date"),
        ({"order_no": "TB1", "phone": "13812345678", "tier": "diamond"}, "tier"),
    ],
)
def test_malformed_claims_are_refused_with_the_field(api, people, payload, field):
    response = api(people.agent).post("/identity/verify", payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert IdentityCheck.objects.count() == 0


def test_a_case_on_a_matching_order_records_a_passed_check(api, people, paid_order):
    response = api(people.agent).post(
        "/cases",
        {**CASE, "order_no": paid_order.order_no, "phone": "13812345678", "purchase_date": "2026-11-21"},
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    check = case.identity_checks.get()
    assert check.passed and check.checked_by == people.agent
    assert [c["item"] for c in check.checks] == ["order_no", "phone", "purchase_date"]


@pytest.mark.parametrize(
    ("claim", "errors"),
    [
        ({"phone": "13900001111"}, [("phone", "手机号与订单买家不一致")]),
        (
            {"phone": "13812345678", "purchase_channel": "offline", "tier": "gold"},
            [("channel", "购买渠道与订单不一致"), ("tier", "会员等级与记录不一致")],
        ),
        ({"phone": "13812345678", "order_no": "NOPE123"}, [("order_no", "订单号不存在")]),
    ],
)
def test_a_case_on_an_order_that_does_not_match_is_refused_and_nothing_is_stored(
    api, people, paid_order, claim, errors
):
    response = api(people.agent).post("/cases", {**CASE, "order_no": paid_order.order_no, **claim})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": field, "message": message, "code": "identity_mismatch"} for field, message in errors
    ]
    assert Case.objects.count() == CaseEvent.objects.count() == CaseLine.objects.count() == 0
    assert IdentityCheck.objects.count() == 0


def test_staff_must_give_the_phone(api, people, order):
    response = api(people.agent).post("/cases", {**CASE, "order_no": order.order_no})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "phone", "message": "此字段为必填项", "code": "invalid"}]


def test_a_customer_is_matched_by_their_account_not_by_the_phone_they_type(api, people, order):
    own = api(people.customer_user).post(
        "/cases", {**CASE, "order_no": order.order_no, "phone": "13900001111"}
    )
    assert own.status_code == 201, own.content
    assert Case.objects.get().customer == people.customer


def test_a_customer_account_without_a_customer_record_is_refused(api, people, order):
    people.customer.user = None
    people.customer.save()
    response = api(people.customer_user).post("/cases", {**CASE, "order_no": order.order_no})
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"field": "customer", "message": "账号未关联客户资料", "code": "forbidden"}
    ]


def test_identity_verify_records_a_passed_check_for_the_system(order):
    record = identity_verify(claim=IdentityClaim(order_no=order.order_no, phone="13812345678"), actor=None)
    assert record.passed and record.checked_by is None
