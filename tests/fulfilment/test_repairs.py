"""Repairs: the repair order through the centre, its clocks and spare parts, and what the repair
history per serial no. changes: the repeated-fault rule, the warranty, the 90-day exchange."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from aftersale.cases.eligibility import eligibility_for_line
from aftersale.cases.models import Case, CaseEvent
from aftersale.fulfilment.models import CostEntry, RepairOrder, SparePart
from aftersale.fulfilment.services import repairs
from aftersale.fulfilment.services.inspections import InspectionIn, return_inspect
from aftersale.fulfilment.services.repair_history import line_eligibility, repair_history
from aftersale.fulfilment.services.returns import return_receive
from aftersale.sla.models import Alert, Clock, ClockState
from tests.factories import OrderFactory, OrderLineFactory

from .goods import all_passed, approved_case, rma_of

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


@pytest.fixture
def part(db):
    return SparePart.objects.create(
        code="PCB-01", name="主控板", on_hand=6, low_stock_threshold=5, unit_cost=Decimal("45.00")
    )


@pytest.fixture
def old_order(people):
    """Bought two months ago: past the return and exchange windows, inside the 12-month warranty."""
    now = timezone.now()
    order = OrderFactory(
        customer=people.customer,
        paid_at=now - timedelta(days=62),
        shipped_at=now - timedelta(days=61),
        signed_at=now - timedelta(days=60),
    )
    OrderLineFactory(order=order, line_no=1, serial_no="SN-REPEAT-0001")
    return order


def _repair_case(order, people) -> Case:
    return approved_case(order, people, category="quality_fault", resolution="repair")


def _repaired(order, people) -> RepairOrder:
    """One repair of line 1, from drop-off to the item back with the customer."""
    repair = repairs.repair_create(
        case=_repair_case(order, people), actor=people.agent, line_no=1, centre="华东维修中心"
    )
    repairs.repair_receive(repair=repair, actor=people.qc)
    repairs.repair_diagnose(repair=repair, actor=people.qc, diagnosis="主板虚焊，补焊")
    repairs.repair_complete(repair=repair, actor=people.qc)
    return repairs.repair_return(
        repair=repair, actor=people.qc, carrier="顺丰速运", tracking_no="SF0000000001"
    )


def _repair_clocks(case) -> list[Clock]:
    return list(Clock.objects.filter(case=case, kind="repair"))


@time_machine.travel(MONDAY_10, tick=False)
def test_a_repair_through_the_repair_centre(api, people, order, part):
    case = _repair_case(order, people)
    created = api(people.agent).post(
        f"/cases/{case.number}/repairs", {"line_no": 1, "centre": "华东维修中心"}
    )
    assert created.status_code == 201, created.json()
    repair = created.json()
    assert repair["status"] == "awaiting_item" and repair["serial_no"] == order.lines.get(line_no=1).serial_no

    received = api(people.qc).post(f"/repairs/{repair['id']}/receive").json()
    assert datetime.fromisoformat(received["due_at"]) == datetime(
        2026, 11, 19, 10, 0, tzinfo=SH
    )  # 3 working days
    assert datetime.fromisoformat(received["statutory_due_at"]) == MONDAY_10 + timedelta(days=30)
    diagnosed = api(people.qc).post(f"/repairs/{repair['id']}/diagnose", {"diagnosis": "主控板损坏"})
    assert diagnosed.json()["status"] == "repairing"

    parts = api(people.qc).post(
        f"/repairs/{repair['id']}/parts", {"parts": [{"code": "PCB-01", "quantity": 2}]}
    )
    assert parts.status_code == 200 and parts.json()["parts"][0]["quantity"] == 2
    part.refresh_from_db()
    assert (part.on_hand, part.reserved) == (6, 2)

    completed = api(people.qc).post(f"/repairs/{repair['id']}/complete").json()
    assert completed["status"] == "repaired" and completed["parts"][0]["consumed"]
    part.refresh_from_db()
    assert (part.on_hand, part.reserved) == (4, 0)
    assert CostEntry.objects.get(case=case, kind="parts").amount == Decimal("90.00")
    assert all(c.state == ClockState.MET for c in _repair_clocks(case))

    back = api(people.qc).post(
        f"/repairs/{repair['id']}/return", {"carrier": "顺丰速运", "tracking_no": "SF1122334455"}
    )
    assert back.json()["status"] == "returned"
    case.refresh_from_db()
    assert case.status == "resolved"
    seen = {e["kind"] for e in api(people.customer_user).get(f"/cases/{case.number}/events").json()}
    assert {"repair.created", "repair.received", "repair.completed", "repair.returned"} <= seen
    assert "repair.parts_reserved" not in seen  # internal


def test_free_stock_below_the_threshold_alerts_the_warehouse(api, people, order, part):
    repair = repairs.repair_create(
        case=_repair_case(order, people), actor=people.agent, line_no=1, centre="华东维修中心"
    )
    repairs.repair_receive(repair=repair, actor=people.qc)
    repairs.repair_diagnose(repair=repair, actor=people.qc, diagnosis="主控板损坏")
    repairs.repair_use_parts(repair=repair, actor=people.qc, parts=[repairs.PartNeed("PCB-01", 1)])
    assert not Alert.objects.exists()  # 5 free: not below 5 yet
    repairs.repair_use_parts(repair=repair, actor=people.qc, parts=[repairs.PartNeed("PCB-01", 1)])
    alert = Alert.objects.get()
    assert alert.recipient == people.warehouse and alert.kind == "low_stock" and "PCB-01" in alert.message
    repairs.repair_use_parts(repair=repair, actor=people.qc, parts=[repairs.PartNeed("PCB-01", 1)])
    assert Alert.objects.count() == 1  # once per crossing

    listed = api(people.warehouse).get("/spare-parts", {"low_stock": True}).json()
    assert listed == [
        {
            "code": "PCB-01",
            "name": "主控板",
            "on_hand": 6,
            "reserved": 3,
            "available": 3,
            "low_stock_threshold": 5,
            "low_stock": True,
            "unit_cost": "45.00",
        }
    ]
    assert api(people.customer_user).get("/spare-parts").status_code == 403


def test_days_waiting_for_parts_extend_the_deadline(api, people, order, part):
    part.on_hand = 0
    part.save()
    with time_machine.travel(MONDAY_10, tick=False):
        repair = repairs.repair_create(
            case=_repair_case(order, people), actor=people.agent, line_no=1, centre="华东维修中心"
        )
        repairs.repair_receive(repair=repair, actor=people.qc)
        repairs.repair_diagnose(repair=repair, actor=people.qc, diagnosis="主控板损坏")
    with time_machine.travel(MONDAY_10 + timedelta(days=1), tick=False):
        waiting = api(people.qc).post(
            f"/repairs/{repair.pk}/parts", {"parts": [{"code": "PCB-01", "quantity": 1}]}
        )
        assert waiting.json()["status"] == "waiting_parts" and waiting.json()["parts"] == []
        assert all(c.state == ClockState.PAUSED for c in _repair_clocks(repair.case))
    with time_machine.travel(MONDAY_10 + timedelta(days=4), tick=False):
        assert api(people.warehouse).post("/spare-parts/PCB-01/restock", {"quantity": 10}).status_code == 200
        going = api(people.qc).post(
            f"/repairs/{repair.pk}/parts", {"parts": [{"code": "PCB-01", "quantity": 1}]}
        )
    body = going.json()
    assert body["status"] == "repairing" and body["parts_wait_days"] == 3
    assert datetime.fromisoformat(body["statutory_due_at"]) == MONDAY_10 + timedelta(days=30 + 3)
    assert datetime.fromisoformat(body["due_at"]) > MONDAY_10 + timedelta(days=4)
    assert CaseEvent.objects.filter(case=repair.case, kind="repair.parts_arrived").exists()


def test_two_finished_repairs_then_a_third_fault_entitles_the_customer_to_a_full_refund(people, old_order):
    line = old_order.lines.get(line_no=1)
    judged = line_eligibility(line, case_type="after_sales", category="quality_fault")
    assert not judged.entitlements["return_refund"].eligible and judged.entitlements["repair"].eligible

    _repaired(old_order, people)
    judged = line_eligibility(line, case_type="after_sales", category="quality_fault")
    assert not judged.entitlements["return_refund"].eligible
    _repaired(old_order, people)
    assert repair_history(line).completed == 2

    third = approved_case(old_order, people, category="quality_fault")  # return & refund
    judged = line_eligibility(line, case_type="after_sales", category="quality_fault", case_id=third.pk)
    assert judged.entitlements["return_refund"].rule == "repeated_fault"
    assert judged.entitlements["return_refund"].eligible and judged.entitlements["exchange"].eligible

    # And it runs through: the seller pays the return, the warehouse accepts it, the refund is asked.
    rma = rma_of(third)
    assert rma.freight_payer == "seller"
    return_receive(code=rma.number, actor=people.warehouse)
    return_inspect(
        rma=rma_of(third),
        actor=people.warehouse,
        inspection=InspectionIn(checklist=all_passed(item0=False), disposition="accept"),
    )
    assert third.refunds.get().amount == Decimal("399.00")


def test_days_in_repair_extend_the_warranty(people):
    now = timezone.now()
    order = OrderFactory(
        customer=people.customer,
        paid_at=now - timedelta(days=370),
        shipped_at=now - timedelta(days=369),
        signed_at=now - timedelta(days=368),
    )
    line = OrderLineFactory(order=order, line_no=1, serial_no="SN-WARRANTY-1")
    out_of_warranty = eligibility_for_line(line, case_type="after_sales", category="quality_fault")
    assert not out_of_warranty.entitlements["repair"].eligible

    earlier = _repair_case(order, people)
    RepairOrder.objects.create(
        case=earlier,
        order_line=line,
        serial_no=line.serial_no,
        centre="华东维修中心",
        status="returned",
        received_at=now - timedelta(days=300),
        completed_at=now - timedelta(days=288),
    )
    judged = line_eligibility(line, case_type="after_sales", category="quality_fault")
    assert judged.entitlements["repair"].eligible
    end = judged.entitlements["repair"].dates["warranty_end"]
    assert end - out_of_warranty.entitlements["repair"].dates["warranty_end"] == timedelta(days=12)


def test_past_90_days_from_drop_off_an_exchange_is_due(api, people, old_order):
    line = old_order.lines.get(line_no=1)
    with time_machine.travel(MONDAY_10, tick=False):
        case = _repair_case(old_order, people)
        repair = repairs.repair_create(case=case, actor=people.agent, line_no=1, centre="华东维修中心")
        repairs.repair_receive(repair=repair, actor=people.qc)
    at = MONDAY_10 + timedelta(days=89)
    assert repairs.repairs_flag_overdue(now=at) == 0
    assert (
        not line_eligibility(line, case_type="after_sales", category="quality_fault", at=at)
        .entitlements["exchange"]
        .eligible
    )

    at = MONDAY_10 + timedelta(days=91)
    assert repairs.repairs_flag_overdue(now=at) == 1
    assert repairs.repairs_flag_overdue(now=at) == 0
    exchange = line_eligibility(line, case_type="after_sales", category="quality_fault", at=at).entitlements[
        "exchange"
    ]
    assert exchange.eligible and exchange.rule == "repair_overdue" and exchange.freight_payer == "seller"
    assert "90" in exchange.reasons[0].render()
    events = api(people.customer_user).get(f"/cases/{case.number}/events").json()
    assert [e["payload"]["days"] for e in events if e["kind"] == "repair.exchange_entitled"] == [90]
    assert api(people.agent).get(f"/repairs/{repair.pk}").json()["exchange_entitled_at"] is not None


def test_an_unrepairable_item_stops_the_clocks_and_leaves_the_decision_to_staff(people, order):
    repair = repairs.repair_create(
        case=_repair_case(order, people), actor=people.agent, line_no=1, centre="华东维修中心"
    )
    repairs.repair_receive(repair=repair, actor=people.qc)
    repaired = repairs.repair_diagnose(
        repair=repair, actor=people.qc, diagnosis="电机烧毁，无配件", repairable=False
    )
    assert repaired.status == "unrepairable"
    assert all(c.state == ClockState.MET for c in _repair_clocks(repair.case))
    assert Case.objects.get(pk=repair.case_id).status == "in_fulfilment"


def test_who_may_do_what(api, people, order, part):
    case = _repair_case(order, people)
    body = {"line_no": 1, "centre": "华东维修中心"}
    assert api(people.customer_user).post(f"/cases/{case.number}/repairs", body).status_code == 403
    assert api(people.agent).post(f"/cases/{case.number}/repairs", {**body, "line_no": 2}).status_code == 400
    repair = api(people.agent).post(f"/cases/{case.number}/repairs", body).json()
    assert api(people.agent).post(f"/cases/{case.number}/repairs", body).status_code == 409
    assert api(people.customer_user).post(f"/repairs/{repair['id']}/receive").status_code == 403
    assert api(people.other_customer_user).get(f"/repairs/{repair['id']}").status_code == 404
    assert api(people.qc).post(f"/repairs/{repair['id']}/complete").status_code == 409
    assert api(people.customer_user).get(f"/repairs/{repair['id']}").status_code == 200
