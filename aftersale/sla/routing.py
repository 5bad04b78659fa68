"""Routing to departments (playbook rules) and automatic assignment inside a group."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from aftersale.cases.lifecycle import OPEN_STATUSES
from aftersale.cases.models import Case
from aftersale.cases.selectors import case_lines
from aftersale.cases.services import case_system_update, event_record
from aftersale.catalog.models import MembershipTier
from aftersale.common import process_cache
from aftersale.common.models import User
from aftersale.common.roles import Role
from aftersale.policy.conditions import holds
from aftersale.policy.engine import CompiledPlaybook

from .calendar import add_working_time
from .models import AgentProfile
from .timing import timing_for

ROSTER_KEY = "sla.auto_assign_roster"


def routing_facts(case: Case, lines: list) -> dict:
    line = lines[0] if lines else None
    customer = case.customer
    return {
        "customer.tier": customer.tier,
        "customer.is_vip": customer.is_vip,
        "order.channel": case.order.channel if case.order else "",
        "order.paid_amount": case.order.paid_amount if case.order else None,
        "order.shipped": bool(case.order and case.order.shipped_at),
        "order.signed": bool(case.order and case.order.signed_at),
        "line.amount": line.order_line.line_amount if line else None,
        "product.category": line.order_line.product.category if line else "",
        "case.type": case.case_type,
        "case.category": case.category.code,
    }


def case_route(*, case: Case, playbook: CompiledPlaybook) -> str:
    """Send the case to the department of the first routing rule that holds; returns the rule name."""
    if case.department:
        return ""
    lines = case_lines(case)
    facts = routing_facts(case, lines)
    for rule in playbook.playbook.routing.rules:
        if holds(rule.when, facts):
            batches = sorted({line.order_line.batch_no for line in lines if line.order_line.batch_no})
            case_system_update(case=case, reason=f"routing:{rule.name}", department=rule.department)
            if batches:
                event_record(
                    case=case,
                    kind="case.routed",
                    actor=None,
                    is_public=False,
                    payload={"rule": rule.name, "department": rule.department, "batch_nos": batches},
                )
            return rule.name
    return ""


def on_shift(user: User, now: datetime, tz) -> bool:
    timing = timing_for(user.team_id, tz)
    return add_working_time(now, timedelta(0), timing.hours, timing.overrides, tz) == now


def auto_assign_roster() -> list[User]:
    """The active agents enrolled for automatic work (an AgentProfile with auto_assign), with their
    profiles; kept per process for a few seconds (common.process_cache)."""
    return process_cache.remembered(
        ROSTER_KEY,
        lambda: list(
            User.objects.filter(
                role=Role.AGENT, is_active=True, agent_profile__auto_assign=True
            ).select_related("agent_profile")
        ),
    )


def candidates(case: Case, *, now: datetime, tz, any_team: bool = False) -> list[User]:
    """Agents of the case's team (or any team) on the automatic-assignment roster, on shift now,
    with the skills for the products of the case and the customer's language (agents who list no
    languages take any)."""
    agents = auto_assign_roster()
    if case.team_id and not any_team:
        agents = [agent for agent in agents if agent.team_id == case.team_id]
    if not agents:
        return []
    categories = {line.order_line.product.category for line in case_lines(case)}
    vip = case.customer.is_vip or case.customer.tier == MembershipTier.PLATINUM
    language = case.customer.language
    pool = []
    for agent in agents:
        profile: AgentProfile = agent.agent_profile
        if profile.product_categories and not categories & set(profile.product_categories):
            continue
        if language and profile.languages and language not in profile.languages:
            continue
        if not on_shift(agent, now, tz):
            continue
        pool.append(agent)
    if vip:
        seniors = [a for a in pool if a.agent_profile.is_senior]
        pool = seniors or pool
    return pool


def least_loaded(users: list[User]) -> User | None:
    if not users:
        return None
    loads = dict(
        User.objects.filter(id__in=[u.id for u in users])
        .annotate(n=Count("assigned_cases", filter=Q(assigned_cases__status__in=OPEN_STATUSES)))
        .values_list("id", "n")
    )
    return min(users, key=lambda u: (loads.get(u.id, 0), u.id))


def case_assign_automatically(
    *, case: Case, playbook: CompiledPlaybook, now: datetime | None = None
) -> User | None:
    if case.assignee_id:
        return None
    agent = least_loaded(candidates(case, now=now or timezone.now(), tz=playbook.tz))
    if agent is not None:
        case_system_update(case=case, reason="auto_assignment", assignee_id=agent.id, team_id=agent.team_id)
    return agent


def reassign_off_shift(*, playbook: CompiledPlaybook, now: datetime | None = None) -> int:
    """Open cases with running clocks whose agent is off shift go to an on-shift colleague."""
    now = now or timezone.now()
    moved = 0
    agents = User.objects.filter(role=Role.AGENT, is_active=True)
    off_shift = [agent.id for agent in agents if not on_shift(agent, now, playbook.tz)]
    cases = (
        Case.objects.filter(assignee_id__in=off_shift, status__in=OPEN_STATUSES, clocks__state="running")
        .select_related("assignee", "customer", "team")
        .distinct()
    )
    for case in cases:
        # A colleague of the same team on shift, else anyone on shift (team shifts often end together).
        agent = least_loaded(candidates(case, now=now, tz=playbook.tz)) or least_loaded(
            candidates(case, now=now, tz=playbook.tz, any_team=True)
        )
        if agent is not None:
            case_system_update(case=case, reason="off_shift", assignee_id=agent.id, team_id=agent.team_id)
            moved += 1
    return moved
