"""The sweep with a frozen clock: warn, breach, escalate along the chain, red tickets, exceptions."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.models import CaseEvent
from aftersale.policy.services import playbook_active
from aftersale.sla.models import Alert, CaseRisk, Clock
from aftersale.sla.risk import case_set_red_ticket
from aftersale.sla.sweeper import sweep
from tests.conftest import make_case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


@pytest.fixture
def assigned_case(order, people):
    with time_machine.travel(T0, tick=False):
        case = make_case(order, people.agent, category_code="not_as_described")
        case.refresh_from_db()
        from aftersale.cases.services import case_assign

        case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)
    return case


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return sweep()


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def test_warns_the_assignee_before_the_due_time(assigned_case, people):
    report = run_at(T0 + timedelta(minutes=1))
    assert report.warned == 1  # first response: due 10:30, warned 30 min before
    assert Alert.objects.filter(recipient=people.agent, kind="due_soon").count() == 1
    assert "sla.warned" in kinds(assigned_case)
    assert run_at(T0 + timedelta(minutes=2)).acted == 0  # never twice


def test_breach_escalates_to_the_team_lead_then_the_operations_manager(assigned_case, people):
    run_at(T0 + timedelta(minutes=1))
    report = run_at(T0 + timedelta(minutes=31))
    assert report.breached == 1
    assert Alert.objects.filter(recipient=people.team_lead, kind="breached").exists()
    escalated = CaseEvent.objects.get(case=assigned_case, kind="case.escalated")
    assert escalated.payload["to"] == "team_lead"
    # Another full target later (never less than an hour), the operations manager hears of it.
    assert run_at(T0 + timedelta(minutes=62)).escalated == 0
    report = run_at(T0 + timedelta(minutes=92))
    assert report.escalated == 1
    assert Alert.objects.filter(recipient=people.director, kind="escalated").exists()
    assert max(Clock.objects.filter(case=assigned_case).values_list("escalation_level", flat=True)) == 2


def test_red_ticket_copies_the_next_superior_every_two_hours(assigned_case, people):
    run_at(T0 + timedelta(minutes=31))
    case_set_red_ticket(case=assigned_case, actor=people.team_lead, playbook=playbook_active())
    assert run_at(T0 + timedelta(hours=2)).escalated == 0
    assert run_at(T0 + timedelta(hours=2, minutes=32)).escalated >= 1
    copies = Alert.objects.filter(kind="red_ticket", recipient=people.director).count()
    run_at(T0 + timedelta(hours=4, minutes=33))
    assert Alert.objects.filter(kind="red_ticket", recipient=people.director).count() > copies


def test_unresolved_after_48_hours_becomes_an_exception_case(assigned_case, people):
    run_at(T0 + timedelta(hours=48, minutes=1))
    risk = CaseRisk.objects.get(case=assigned_case)
    assert risk.is_exception and "unresolved_48h" in risk.exception_reasons
    exception = {c.kind: c for c in Clock.objects.filter(case=assigned_case)}
    assert exception["exception_first_reply"].due_at == T0 + timedelta(hours=52, minutes=1)
    assert exception["exception_plan"].due_at == T0 + timedelta(hours=60, minutes=1)
    assert Alert.objects.filter(recipient=people.team_lead, kind="exception").exists()


def test_met_clocks_are_left_alone(assigned_case, people):
    from aftersale.cases.services import message_add

    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        message_add(case=assigned_case, actor=people.agent, body="您好，已为您登记")
    report = run_at(T0 + timedelta(minutes=40))
    assert "first_response" not in report.by_kind
