"""Department work orders: issuing routes the case, completion records and advances it, overdue escalates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.models import CaseEvent, Message
from aftersale.cases.selectors import can_view
from aftersale.cases.services import case_transition
from aftersale.common.errors import Conflict, DomainError, PermissionDenied
from aftersale.common.roles import Department, Role
from aftersale.fulfilment.models import WorkOrderStatus
from aftersale.fulfilment.services.workorders import (
    work_order_cancel,
    work_order_complete,
    work_order_create,
    work_order_start,
)
from aftersale.sla.models import Alert, Clock, ClockState
from aftersale.sla.sweeper import sweep
from tests.conftest import make_case
from tests.factories import UserFactory
from tests.helpers import force_status

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def _monday_morning():
    """Every test starts at T0 (tests move on from there with their own travel)."""
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def stock_case(order, people):
    """A wrong item was sent: the warehouse must check its stock (seed 001: 库存差异 → 仓储部)."""
    return make_case(order, people.agent, category_code="quality_fault", description="收到的颜色与订单不符")


def issue(case, people, *, hours=4, department=Department.WAREHOUSE, responsible=None, **extra):
    return work_order_create(
        case=case,
        actor=people.agent,
        department=department,
        action="核对实物库存，确认是否错发",
        deadline=T0 + timedelta(hours=hours),
        responsible=responsible,
        **extra,
    )


def test_issuing_routes_the_case_to_the_department_and_starts_a_clock(stock_case, people):
    assert stock_case.department == Department.QC  # routed on intake
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        work_order = issue(stock_case, people)
    assert work_order.number.startswith("WO20261116") and work_order.status == WorkOrderStatus.OPEN
    stock_case.refresh_from_db()
    assert stock_case.department == Department.WAREHOUSE
    assert can_view(people.warehouse, stock_case) and not can_view(people.qc, stock_case)
    clock = Clock.objects.get(case=stock_case, kind="work_order")
    assert clock.ref == f"work_order:{work_order.pk}" and clock.due_at == T0 + timedelta(hours=4)
    created = CaseEvent.objects.get(case=stock_case, kind="work_order.created")
    assert not created.is_public and created.payload["work_order"] == work_order.number


def test_the_lifecycle_start_then_complete_records_the_result_on_the_case(stock_case, people):
    work_order = issue(stock_case, people)
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        work_order_start(work_order=work_order, actor=people.warehouse, version=work_order.version)
    assert work_order.status == WorkOrderStatus.IN_PROGRESS and work_order.responsible == people.warehouse
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        work_order_complete(
            work_order=work_order,
            actor=people.warehouse,
            result="库存核对：确为错发，已安排补发",
            advance_case=False,
        )
    assert work_order.status == WorkOrderStatus.DONE and work_order.completed_at == T0 + timedelta(hours=1)
    note = Message.objects.get(case=stock_case)
    assert note.is_internal and "确为错发" in note.body and note.author == people.warehouse
    clock = Clock.objects.get(case=stock_case, kind="work_order")
    assert clock.state == ClockState.MET and clock.breached_at is None
    kinds = list(
        CaseEvent.objects.filter(case=stock_case, kind__startswith="work_order.").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["work_order.created", "work_order.started", "work_order.completed"]
    stock_case.refresh_from_db()
    assert stock_case.status == "new"  # not asked to advance


def test_completion_starts_fulfilment_of_an_approved_case(stock_case, people):
    work_order = issue(stock_case, people)
    force_status(stock_case, "approved")
    work_order_complete(
        work_order=work_order, actor=people.warehouse, result="已补发正确商品", advance_case=True
    )
    stock_case.refresh_from_db()
    assert stock_case.status == "in_fulfilment"


def test_completion_resolves_a_case_under_review_with_the_result_as_outcome(stock_case, people):
    work_order = issue(stock_case, people)
    force_status(stock_case, "under_review")
    work_order_complete(
        work_order=work_order, actor=people.warehouse, result="库存无差异，已补发", advance_case=True
    )
    stock_case.refresh_from_db()
    assert (stock_case.status, stock_case.outcome_note) == ("resolved", "库存无差异，已补发")


def test_a_case_that_cannot_advance_leaves_the_work_order_open(stock_case, people):
    work_order = issue(stock_case, people)
    with pytest.raises(DomainError) as refused:
        work_order_complete(work_order=work_order, actor=people.warehouse, result="完成", advance_case=True)
    assert refused.value.errors[0].field == "advance_case"
    work_order.refresh_from_db()
    assert work_order.status == WorkOrderStatus.OPEN and not Message.objects.filter(case=stock_case).exists()


def test_only_the_department_or_handlers_work_on_it(stock_case, people):
    work_order = issue(stock_case, people)
    for outsider in (people.qc, people.customer_user, people.optimizer):
        with pytest.raises(PermissionDenied):
            work_order_start(work_order=work_order, actor=outsider, version=work_order.version)
    with pytest.raises(PermissionDenied):  # departments do not issue them
        work_order_create(
            case=stock_case,
            actor=people.warehouse,
            department=Department.WAREHOUSE,
            action="自己下发",
            deadline=T0 + timedelta(hours=4),
        )
    work_order_start(work_order=work_order, actor=people.agent, version=work_order.version)
    assert work_order.responsible is None  # a handler starting it does not become responsible


def test_a_cancelled_work_order_stops_its_clock(stock_case, people):
    work_order = issue(stock_case, people)
    with pytest.raises(PermissionDenied):
        work_order_cancel(
            work_order=work_order, actor=people.warehouse, version=work_order.version, reason="x"
        )
    work_order_cancel(
        work_order=work_order, actor=people.agent, version=work_order.version, reason="客户已撤诉"
    )
    assert work_order.status == WorkOrderStatus.CANCELLED
    assert Clock.objects.get(case=stock_case, kind="work_order").state == ClockState.STOPPED
    with pytest.raises(DomainError):
        work_order_complete(work_order=work_order, actor=people.warehouse, result="x", advance_case=False)


def test_cancelling_the_case_cancels_its_open_work_orders(stock_case, people):
    open_one = issue(stock_case, people)
    done = issue(stock_case, people, department=Department.QC)
    work_order_complete(work_order=done, actor=people.qc, result="批次无异常", advance_case=False)
    stock_case.refresh_from_db()
    case_transition(
        case=stock_case, actor=people.agent, action="cancel", version=stock_case.version, reason="客户撤回"
    )
    open_one.refresh_from_db()
    done.refresh_from_db()
    assert (open_one.status, done.status) == (WorkOrderStatus.CANCELLED, WorkOrderStatus.DONE)


def test_a_stale_copy_cannot_complete_it_twice(stock_case, people):
    work_order = issue(stock_case, people)
    copy = type(work_order).objects.select_related("case").get(pk=work_order.pk)
    work_order_complete(work_order=work_order, actor=people.warehouse, result="好", advance_case=False)
    with pytest.raises(Conflict):
        work_order_complete(work_order=copy, actor=people.warehouse, result="再来", advance_case=False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"department": "finance"}, "department"),
        ({"action": "  "}, "action"),
        ({"deadline": T0 - timedelta(minutes=1)}, "deadline"),
        ({"deadline": T0 + timedelta(days=400)}, "deadline"),
    ],
)
def test_bad_work_orders_name_the_field(stock_case, people, changes, field):
    values = {
        "case": stock_case,
        "actor": people.agent,
        "department": Department.WAREHOUSE,
        "action": "核对库存",
        "deadline": T0 + timedelta(hours=4),
        **changes,
    }
    with pytest.raises(DomainError) as refused:
        work_order_create(**values)
    assert refused.value.errors[0].field == field


def test_the_responsible_person_must_belong_to_the_department(stock_case, people):
    with pytest.raises(DomainError) as refused:
        issue(stock_case, people, responsible=people.qc)
    assert refused.value.errors[0].field == "responsible_id"


def test_an_overdue_work_order_climbs_the_departments_chain(stock_case, people):
    colleague = UserFactory(username="warehouse2", role=Role.DEPARTMENT, department=Department.WAREHOUSE)
    work_order = issue(stock_case, people, hours=2, responsible=people.warehouse)

    def alerted(at) -> set[tuple[str, str]]:
        sweep(now=at)
        about = Alert.objects.filter(message__contains=work_order.number)
        return set(about.values_list("recipient__username", "kind"))

    assert alerted(T0 + timedelta(minutes=91)) == {("warehouse", "due_soon")}
    assert alerted(T0 + timedelta(hours=2, minutes=1)) == {
        ("warehouse", "due_soon"),
        ("warehouse", "breached"),
        (colleague.username, "breached"),
    }
    escalated = CaseEvent.objects.get(case=stock_case, kind="case.escalated", payload__clock="work_order")
    assert (
        escalated.payload["to"] == "department" and escalated.payload["ref"] == f"work_order:{work_order.pk}"
    )
    assert ("director", "escalated") in alerted(T0 + timedelta(hours=4, minutes=2))
    # The case's own clocks still go to the agent's chain, never to the department.
    assert not Alert.objects.filter(recipient__role=Role.DEPARTMENT).exclude(
        message__contains=work_order.number
    )


def test_an_overdue_work_order_with_nobody_responsible_goes_to_the_department(stock_case, people):
    work_order = issue(stock_case, people, hours=2)
    sweep(now=T0 + timedelta(minutes=91))
    assert Alert.objects.filter(
        recipient=people.warehouse, kind="due_soon", message__contains=work_order.number
    )
