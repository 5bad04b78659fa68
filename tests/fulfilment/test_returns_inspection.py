"""Inspection outcomes other than a clean accept: rejected goods go back, partial ones are refunded
less the deduction, and an accepted exchange reserves the replacement."""

from decimal import Decimal

import pytest

from aftersale.cases.models import CaseEvent
from aftersale.fulfilment.models import ExchangeShipment, Inspection, Refund, ReturnStatus, StockItem
from aftersale.sla.models import Clock, ClockState

from .goods import all_passed, approved_case, photo, rma_of

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.fakes.fixtures"]


@pytest.fixture
def received(api, people, paid_order):
    """A no-reason return of one unit of line 1 (paid ¥399), scanned in at the warehouse."""
    paid_order.gifts = [{"name": "收纳袋", "value": "20.00"}, {"name": "清洁刷", "value": "9.90"}]
    paid_order.save(update_fields=["gifts"])
    rma = rma_of(approved_case(paid_order, people))
    assert api(people.warehouse).post("/returns/receive", {"code": rma.number}).status_code == 200
    return rma


def test_rejected_goods_go_back_to_the_customer_without_a_refund(api, people, received):
    picture = photo(received.case, people.warehouse)
    answer = api(people.warehouse).post(
        f"/returns/{received.number}/inspection",
        {
            "checklist": all_passed(item0=False),
            "disposition": "reject",
            "reason": "机身有私自拆修痕迹",
            "photo_ids": [picture.pk],
            "back_carrier": "顺丰速运",
            "back_tracking_no": "SF9988776655",
        },
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == ReturnStatus.RETURNED_TO_CUSTOMER
    assert not Refund.objects.exists()
    case = received.case
    case.refresh_from_db()
    assert case.status == "resolved" and "机身有私自拆修痕迹" in case.outcome_note
    assert Clock.objects.get(case=case, kind="inspection").state == ClockState.MET
    # The customer reads why, and how the goods come back.
    events = {e["kind"]: e for e in api(people.customer_user).get(f"/cases/{case.number}/events").json()}
    assert events["return.returned_to_customer"]["payload"]["tracking_no"] == "SF9988776655"
    assert events["case.transitioned"]["to_status"] == "resolved"


def test_a_rejection_needs_a_reason_and_a_photo(api, people, received):
    answer = api(people.warehouse).post(
        f"/returns/{received.number}/inspection", {"checklist": all_passed(), "disposition": "reject"}
    )
    assert {e["field"] for e in answer.json()["errors"]} == {"reason", "photo_ids"}


def test_a_gift_not_returned_is_deducted_at_its_declared_value(api, people, received):
    picture = photo(received.case, people.warehouse)
    answer = api(people.warehouse).post(
        f"/returns/{received.number}/inspection",
        {
            "checklist": all_passed(),
            "disposition": "partial",
            "reason": "赠品收纳袋未寄回",
            "missing_gifts": ["收纳袋"],
            "photo_ids": [picture.pk],
        },
    )
    assert answer.status_code == 200, answer.json()
    refund = Refund.objects.get(case=received.case)
    assert (refund.amount, refund.gift_deduction) == (Decimal("379.00"), Decimal("20.00"))
    assert Inspection.objects.get(rma=received).deduction == Decimal("20.00")
    assert rma_of(received.case).status == ReturnStatus.INSPECTED


def test_a_missing_accessory_comes_off_the_goods_and_a_gift_off_the_refund(api, people, received):
    picture = photo(received.case, people.warehouse)
    answer = api(people.warehouse).post(
        f"/returns/{received.number}/inspection",
        {
            "checklist": all_passed(item3=False),
            "disposition": "partial",
            "reason": "缺少电源线，清洁刷未寄回",
            "deduction": "35.00",
            "missing_gifts": ["清洁刷"],
            "photo_ids": [picture.pk],
        },
    )
    assert answer.status_code == 200, answer.json()
    refund = Refund.objects.get(case=received.case)
    assert refund.lines.get().amount == Decimal("364.00")
    assert (refund.amount, refund.gift_deduction) == (Decimal("354.10"), Decimal("9.90"))


def test_deductions_are_checked(api, people, received):
    picture = photo(received.case, people.warehouse)
    base = {"checklist": all_passed(), "reason": "缺件", "photo_ids": [picture.pk]}
    unknown = api(people.warehouse).post(
        f"/returns/{received.number}/inspection",
        {**base, "disposition": "partial", "missing_gifts": ["保温杯"]},
    )
    assert unknown.json()["errors"][0]["field"] == "missing_gifts.0"
    too_much = api(people.warehouse).post(
        f"/returns/{received.number}/inspection", {**base, "disposition": "partial", "deduction": "399.00"}
    )
    assert too_much.json()["errors"][0]["field"] == "deduction"
    on_accept = api(people.warehouse).post(
        f"/returns/{received.number}/inspection", {**base, "disposition": "accept", "deduction": "5.00"}
    )
    assert on_accept.json()["errors"][0]["field"] == "deduction"
    foreign = api(people.warehouse).post(
        f"/returns/{received.number}/inspection", {**base, "disposition": "accept", "photo_ids": [10**9]}
    )
    assert foreign.json()["errors"][0]["field"] == "photo_ids"
    assert not Refund.objects.exists() and not Inspection.objects.exists()


def test_accepting_an_exchange_reserves_the_replacement_or_offers_the_refund(api, people, order):
    rma = rma_of(approved_case(order, people, category="quality_fault", resolution="exchange"))
    api(people.warehouse).post("/returns/receive", {"code": rma.number})
    body = {"checklist": all_passed(), "disposition": "accept"}
    sold_out = api(people.warehouse).post(f"/returns/{rma.number}/inspection", body)
    assert sold_out.status_code == 400 and sold_out.json()["errors"][0]["code"] == "out_of_stock"
    assert "退货退款" in sold_out.json()["errors"][0]["message"]

    product = rma.lines.get().order_line.product
    StockItem.objects.create(product=product, on_hand=3)
    assert api(people.warehouse).post(f"/returns/{rma.number}/inspection", body).status_code == 200
    assert ExchangeShipment.objects.get(case=rma.case).status == "reserved"
    assert StockItem.objects.get(product=product).reserved == 1
    assert not Refund.objects.exists()
    assert CaseEvent.objects.filter(case=rma.case, kind="exchange.reserved").exists()


def test_goods_refunded_before_they_came_back_are_not_refunded_again(api, people, received):
    case = received.case
    Refund.objects.create(
        case=case,
        order=case.order,
        idempotency_key="speedy-1",
        amount=Decimal("399.00"),
        method="original",
        status="succeeded",
        speedy=True,
    )
    answer = api(people.warehouse).post(
        f"/returns/{received.number}/inspection", {"checklist": all_passed(), "disposition": "accept"}
    )
    assert answer.status_code == 200, answer.json()
    assert Refund.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.status == "resolved"
