"""Which clocks a case gets, from the playbook's service levels (seeds 001 and 002)."""

from __future__ import annotations

from dataclasses import dataclass

from aftersale.policy.schema import Playbook

from .models import ClockKind, ClockUnit

LOGISTICS_CATEGORIES = frozenset({"logistics_query", "logistics_delay", "transit_damage"})
QUALITY_CATEGORIES = frozenset({"quality_fault"})
# Clocks that end when the request is decided (approved, rejected, or resolved outright).
DECISION_CLOCKS = frozenset({ClockKind.REVIEW, ClockKind.QUALITY_PLAN, ClockKind.EXCEPTION_PLAN})
# Clocks that end when the case is resolved.
RESOLUTION_CLOCKS = frozenset({ClockKind.RESOLUTION, ClockKind.UNRESOLVED})
# Clocks that end with the first public reply of staff.
REPLY_CLOCKS = frozenset({ClockKind.FIRST_RESPONSE, ClockKind.EXCEPTION_FIRST_REPLY})


@dataclass(frozen=True)
class ClockSpec:
    kind: str
    target: int
    unit: str
    ref: str = ""  # which object the clock is about, when a case may have several of a kind


def intake_clocks(playbook: Playbook, *, case_type: str, category: str, priority: str) -> list[ClockSpec]:
    levels = playbook.service_levels
    factor = levels.priority_factors.get(priority, 1.0)
    specs = [
        ClockSpec(
            ClockKind.FIRST_RESPONSE,
            _scaled(levels.first_response_minutes, factor),
            ClockUnit.WORKING_MINUTES,
        )
    ]
    if case_type != "inquiry":
        specs.append(ClockSpec(ClockKind.REVIEW, levels.review_working_days, ClockUnit.WORKING_DAYS))
    hours = (
        levels.logistics_resolve_hours if category in LOGISTICS_CATEGORIES else levels.ordinary_close_hours
    )
    specs.append(ClockSpec(ClockKind.RESOLUTION, _scaled(hours * 60, factor), ClockUnit.MINUTES))
    if category in QUALITY_CATEGORIES:
        specs.append(
            ClockSpec(
                ClockKind.QUALITY_PLAN, _scaled(levels.quality_plan_hours * 60, factor), ClockUnit.MINUTES
            )
        )
    specs.append(
        ClockSpec(ClockKind.UNRESOLVED, playbook.escalation.exception_after_hours * 60, ClockUnit.MINUTES)
    )
    return specs


def exception_clocks(playbook: Playbook) -> list[ClockSpec]:
    levels = playbook.service_levels
    return [
        ClockSpec(
            ClockKind.EXCEPTION_FIRST_REPLY, levels.exception_first_reply_hours * 60, ClockUnit.MINUTES
        ),
        ClockSpec(ClockKind.EXCEPTION_PLAN, levels.exception_plan_hours * 60, ClockUnit.MINUTES),
    ]


def _scaled(minutes: int, factor: float) -> int:
    return max(1, round(minutes * factor))
