"""Automatic assignment: least-loaded on-shift agent with the skills; VIPs to seniors; off-shift handover."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.policy.services import playbook_active
from aftersale.sla.models import AgentProfile, TeamSchedule
from aftersale.sla.routing import reassign_off_shift
from tests.conftest import make_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)
MONDAY_20 = datetime(2026, 11, 16, 20, 0, tzinfo=SH)


@pytest.fixture
def crew(people):
    """Three agents enrolled for automatic work in team 一组 (standard hours)."""
    a = UserFactory(username="auto_a", role="agent", team=people.team)
    b = UserFactory(username="auto_b", role="agent", team=people.team)
    senior = UserFactory(username="auto_senior", role="agent", team=people.team)
    AgentProfile.objects.create(user=a)
    AgentProfile.objects.create(user=b)
    AgentProfile.objects.create(user=senior, is_senior=True)
    return a, b, senior


@time_machine.travel(MONDAY_10, tick=False)
def test_new_cases_go_to_the_least_loaded_agent_on_shift(order, people, crew):
    a, b, senior = crew
    order.customer.tier = "regular"
    order.customer.save()
    assignees = [make_case(order, people.customer_user).assignee_id for _ in range(3)]
    assert sorted(assignees) == sorted([a.id, b.id, senior.id])


@time_machine.travel(MONDAY_10, tick=False)
def test_vip_customers_go_to_senior_agents(order, people, crew):
    order.customer.is_vip = True
    order.customer.save()
    assert make_case(order, people.customer_user).assignee_id == crew[2].id


@time_machine.travel(MONDAY_10, tick=False)
def test_skills_restrict_the_pool(order, people, crew):
    a, b, senior = crew
    for profile in AgentProfile.objects.exclude(user=b):
        profile.product_categories = ["clothing"]
        profile.save()
    assert make_case(order, people.customer_user).assignee_id == b.id  # the order is an appliance


@time_machine.travel(MONDAY_20, tick=False)
def test_nobody_on_shift_leaves_the_case_unassigned(order, people, crew):
    assert make_case(order, people.customer_user).assignee_id is None


def test_an_agent_going_off_shift_hands_open_cases_to_a_colleague_on_shift(order, people, crew):
    a, b, senior = crew
    evening = people.other_team
    TeamSchedule.objects.create(team=evening, shifts={str(d): [["09:00", "23:00"]] for d in range(7)})
    night_owl = UserFactory(username="night", role="agent", team=evening)
    AgentProfile.objects.create(user=night_owl)
    with time_machine.travel(MONDAY_10, tick=False):
        case = make_case(order, people.customer_user)
        assert case.assignee_id in {a.id, b.id, senior.id, night_owl.id}
        from aftersale.cases.services import case_assign

        case.refresh_from_db()
        case_assign(case=case, actor=people.team_lead, version=case.version, assignee=a, team=None)
    with time_machine.travel(MONDAY_20, tick=False):
        moved = reassign_off_shift(playbook=playbook_active())
        case.refresh_from_db()
    assert moved == 1
    assert case.assignee_id == night_owl.id


@time_machine.travel(MONDAY_10, tick=False)
def test_a_customer_who_speaks_english_goes_to_an_agent_who_does(order, people, crew):
    a, b, senior = crew
    AgentProfile.objects.filter(user=a).update(languages=["zh-hans"])
    AgentProfile.objects.filter(user=b).update(languages=["zh-hans", "en"])
    AgentProfile.objects.filter(user=senior).update(languages=["zh-hans"])
    order.customer.language = "en"
    order.customer.save()
    assert {make_case(order, people.customer_user).assignee_id for _ in range(2)} == {b.id}
