"""Returns end to end through the API: the RMA on approval, tracking, receipt, inspection, refund."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.models import CaseEvent
from aftersale.fulfilment.models import Refund, ReturnStatus
from aftersale.sla.models import Clock, ClockState

from .goods import APPLIANCE_CHECKLIST, all_passed, approved_case, photo, rma_of

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.fakes.fixtures"]
SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


def _events(api, user, case) -> dict[str, dict]:
    answer = api(user).get(f"/cases/{case.number}/events")
    assert answer.status_code == 200
    return {e["kind"]: e["payload"] for e in answer.json()}


def test_no_reason_return_from_approval_to_refund_within_the_inspection_clock(
    api, people, paid_order, fake_alipay, settings, django_capture_on_commit_callbacks
):
    fake_alipay.add_trade(
        trade_no="2026111622001", out_trade_no=paid_order.order_no, total=Decimal("1197.00")
    )
    paid_order.payment_ref = "2026111622001"
    paid_order.save(update_fields=["payment_ref"])
    settings.RETURN_ADDRESS = "杭州市余杭区测试路 1 号 退货仓"

    with time_machine.travel(MONDAY_10, tick=False):
        case = approved_case(paid_order, people)
        rma = rma_of(case)
        # The customer sees where to send it at once, with who pays the freight.
        shown = _events(api, people.customer_user, case)["return.authorized"]
        assert shown["rma"] == rma.number and shown["address"] == "杭州市余杭区测试路 1 号 退货仓"
        assert shown["freight_payer"] == "buyer"

    with time_machine.travel(MONDAY_10 + timedelta(hours=3), tick=False):
        answer = api(people.customer_user).post(
            f"/returns/{rma.number}/tracking", {"carrier": "中通快递", "tracking_no": "ZT7788990011"}
        )
        assert answer.status_code == 200, answer.json()
        assert answer.json()["status"] == ReturnStatus.IN_TRANSIT

    received_at = MONDAY_10 + timedelta(days=2)
    with time_machine.travel(received_at, tick=False):
        answer = api(people.warehouse).post("/returns/receive", {"code": "ZT7788990011"})
        assert answer.status_code == 200, answer.json()
        assert answer.json()["checklist_items"] == APPLIANCE_CHECKLIST
        clock = Clock.objects.get(case=case, kind="inspection")
        assert clock.due_at == received_at + timedelta(days=7)

    with time_machine.travel(received_at + timedelta(days=1), tick=False):
        picture = photo(case, people.warehouse)  # the case is now routed to the warehouse
        with django_capture_on_commit_callbacks(execute=True):
            answer = api(people.warehouse).post(
                f"/returns/{rma.number}/inspection",
                {"checklist": all_passed(), "disposition": "accept", "photo_ids": [picture.pk]},
            )
        assert answer.status_code == 200, answer.json()
        assert answer.json()["inspection"]["photo_ids"] == [picture.pk]

    clock.refresh_from_db()
    assert clock.state == ClockState.MET and clock.breached_at is None
    refund = Refund.objects.get(case=case)
    assert refund.idempotency_key == f"rma-{rma.number}"
    assert refund.amount == Decimal("399.00") and refund.status == "succeeded"
    assert fake_alipay.paid[refund.idempotency_key] == 1
    case.refresh_from_db()
    assert case.status == "resolved"


def test_a_quality_return_ships_at_the_sellers_cost(people, order):
    case = approved_case(order, people, category="quality_fault")
    assert rma_of(case).freight_payer == "seller"


def test_no_rma_for_a_repair_and_only_one_per_case(api, people, order):
    repair = approved_case(order, people, category="quality_fault", resolution="repair")
    assert not repair.returns.exists()
    assert (
        api(people.agent).post(f"/cases/{repair.number}/returns").json()["errors"][0]["code"]
        == "not_returnable"
    )
    case = approved_case(order, people, lines=None)
    answer = api(people.agent).post(f"/cases/{case.number}/returns")
    assert answer.status_code == 409 and answer.json()["errors"][0]["code"] == "exists"


def test_only_the_cases_customer_or_staff_record_the_tracking_number(api, people, order):
    rma = rma_of(approved_case(order, people))
    waybill = {"carrier": "顺丰速运", "tracking_no": "SF1234567890"}
    assert api(people.other_customer_user).post(f"/returns/{rma.number}/tracking", waybill).status_code == 404
    assert api(people.warehouse).post(f"/returns/{rma.number}/tracking", waybill).status_code == 403
    bad = api(people.customer_user).post(
        f"/returns/{rma.number}/tracking", {"carrier": "顺丰", "tracking_no": "1?"}
    )
    assert bad.status_code == 422
    assert api(people.agent).post(f"/returns/{rma.number}/tracking", waybill).status_code == 200


def test_receipt_is_for_the_warehouse_once(api, people, order):
    rma = rma_of(approved_case(order, people))
    assert api(people.qc).post("/returns/receive", {"code": rma.number}).status_code == 403
    assert api(people.customer_user).post("/returns/receive", {"code": rma.number}).status_code == 403
    assert api(people.warehouse).post("/returns/receive", {"code": "NOSUCHCODE"}).status_code == 404
    assert api(people.warehouse).post("/returns/receive", {"code": rma.number}).status_code == 200
    again = api(people.warehouse).post("/returns/receive", {"code": rma.number})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_received"
    kinds = set(CaseEvent.objects.filter(case=rma.case).values_list("kind", flat=True))
    assert {"return.authorized", "return.received"} <= kinds


def test_goods_that_fail_the_intact_checklist_cannot_be_accepted_as_a_no_reason_return(api, people, order):
    rma = rma_of(approved_case(order, people))
    api(people.warehouse).post("/returns/receive", {"code": rma.number})
    answer = api(people.warehouse).post(
        f"/returns/{rma.number}/inspection", {"checklist": all_passed(item3=False), "disposition": "accept"}
    )
    assert answer.status_code == 400
    assert (
        answer.json()["errors"][0]["field"] == "disposition"
        and "配件齐全" in answer.json()["errors"][0]["message"]
    )
    partial = api(people.warehouse).post(
        f"/returns/{rma.number}/inspection", {"checklist": {"配件齐全": True}, "disposition": "partial"}
    )
    fields = {e["field"] for e in partial.json()["errors"]}
    assert {"checklist.无私自拆修或改装", "reason", "deduction", "photo_ids"} <= fields
    assert rma_of(rma.case).status == ReturnStatus.RECEIVED and not Refund.objects.exists()


def test_inspection_waits_for_receipt_and_happens_once(api, people, order):
    rma = rma_of(approved_case(order, people))
    body = {"checklist": all_passed(), "disposition": "accept"}
    early = api(people.warehouse).post(f"/returns/{rma.number}/inspection", body)
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "not_received"
    api(people.warehouse).post("/returns/receive", {"code": rma.number})
    assert api(people.warehouse).post(f"/returns/{rma.number}/inspection", body).status_code == 200
    assert api(people.warehouse).post(f"/returns/{rma.number}/inspection", body).status_code == 409
    assert Refund.objects.filter(case=rma.case).count() == 1
