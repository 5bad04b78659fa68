"""Clocks on a case with a frozen clock: started, met, paused and resumed, recalculated."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.services import case_transition, case_update, message_add
from aftersale.sla.models import Clock, ClockState
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


def clocks(case) -> dict[str, Clock]:
    return {c.kind: c for c in Clock.objects.filter(case=case)}


@time_machine.travel(MONDAY_10, tick=False)
def test_intake_starts_the_default_clocks(order, people):
    case = make_case(order, people.agent)
    c = clocks(case)
    assert set(c) == {"first_response", "review", "resolution", "quality_plan", "unresolved"}
    assert c["first_response"].due_at == MONDAY_10 + timedelta(minutes=30)
    assert c["review"].due_at == datetime(2026, 11, 17, 10, 0, tzinfo=SH)  # one working day
    assert c["resolution"].due_at == MONDAY_10 + timedelta(hours=24)
    assert c["quality_plan"].due_at == MONDAY_10 + timedelta(hours=72)
    assert c["unresolved"].due_at == MONDAY_10 + timedelta(hours=48)


@time_machine.travel(MONDAY_10, tick=False)
def test_an_inquiry_has_no_review_clock_and_logistics_closes_in_24h(order, people):
    case = make_case(
        order,
        people.agent,
        case_type="inquiry",
        category_code="logistics_query",
        resolution="information",
        lines=[],
    )
    assert set(clocks(case)) == {"first_response", "resolution", "unresolved"}


def test_first_public_reply_meets_first_response_an_internal_note_does_not(order, people):
    with time_machine.travel(MONDAY_10, tick=False):
        case = make_case(order, people.agent)
    with time_machine.travel(MONDAY_10 + timedelta(minutes=10), tick=False):
        message_add(case=case, actor=people.agent, body="内部：先查库存", internal=True)
        assert clocks(case)["first_response"].state == ClockState.RUNNING
        message_add(case=case, actor=people.agent, body="您好，我们已收到您的申请")
        first = clocks(case)["first_response"]
        assert first.state == ClockState.MET and first.breached_at is None


def test_waiting_for_the_customer_pauses_and_resumes_with_the_time_left(order, people):
    with time_machine.travel(MONDAY_10, tick=False):
        case = make_case(order, people.agent)
        case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
    with time_machine.travel(MONDAY_10 + timedelta(hours=2), tick=False):
        case_transition(
            case=case,
            actor=people.agent,
            action="request_info",
            version=case.version,
            reason="请补充外箱照片",
        )
        paused = clocks(case)["resolution"]
        assert paused.state == ClockState.PAUSED and paused.remaining_seconds == 22 * 3600
    with time_machine.travel(MONDAY_10 + timedelta(hours=30), tick=False):
        message_add(case=case, actor=people.customer_user, body="照片已上传")
        resumed = clocks(case)["resolution"]
        assert resumed.state == ClockState.RUNNING
        assert resumed.due_at == MONDAY_10 + timedelta(hours=52)


def test_raising_priority_recalculates_running_clocks(order, people):
    with time_machine.travel(MONDAY_10, tick=False):
        case = make_case(order, people.agent)
        case_update(case=case, actor=people.team_lead, version=case.version, priority="P0")
        assert clocks(case)["resolution"].due_at == MONDAY_10 + timedelta(hours=12)


def test_resolution_meets_the_clocks_and_cancel_stops_them(order, people):
    with time_machine.travel(MONDAY_10, tick=False):
        case = make_case(order, people.agent)
        case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
        case_transition(
            case=case, actor=people.agent, action="resolve", version=case.version, reason="已补发"
        )
        assert {c.state for c in clocks(case).values()} == {ClockState.MET}
        other = make_case(order, people.agent, lines=[], resolution="compensation")
        case_transition(case=other, actor=people.agent, action="cancel", version=other.version, reason="重复")
        assert {c.state for c in clocks(other).values()} == {ClockState.STOPPED}


def test_review_one_working_day_across_national_day():
    # Created 2026-09-30 18:00 (after hours): the next working time is after the holiday.
    from aftersale.sla.calendar import WorkingHours, add_working_days

    due = add_working_days(datetime(2026, 9, 30, 18, 0, tzinfo=SH), 1, WorkingHours.standard(), {}, SH)
    assert due.date() > datetime(2026, 10, 7).date()
