"""Starting, pausing, resuming, meeting and recalculating a case's clocks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.policy.engine import CompiledPlaybook

from .models import Clock, ClockState
from .targets import ClockSpec
from .timing import Timing, timing_for


def next_action_at(clock: Clock, playbook: CompiledPlaybook, *, red_ticket: bool = False) -> datetime | None:
    """When the sweeper must next look at a running clock: warning, breach, then escalations."""
    if clock.state != ClockState.RUNNING or clock.due_at is None:
        return None
    warn_before = timedelta(minutes=playbook.playbook.escalation.warn_before_due_minutes)
    if clock.warned_at is None and clock.breached_at is None and warn_before:
        return max(clock.due_at - warn_before, clock.started_at)
    if clock.breached_at is None:
        return clock.due_at
    return escalation_due(clock, playbook, red_ticket=red_ticket)


def escalation_due(clock: Clock, playbook: CompiledPlaybook, *, red_ticket: bool = False) -> datetime | None:
    """After a breach: the next rung of the chain after another full target (red tickets: every N hours)."""
    chain = playbook.playbook.escalation.chain
    assert clock.breached_at is not None and clock.due_at is not None
    if red_ticket:
        step = timedelta(hours=playbook.playbook.escalation.red_ticket_copy_every_hours)
        return clock.breached_at + step * clock.escalation_level
    if clock.escalation_level >= len(chain) - 1:
        return None
    step = max(clock.due_at - clock.started_at, timedelta(hours=1))
    return clock.breached_at + step * clock.escalation_level


def clocks_start(
    *,
    case: Case,
    specs: Iterable[ClockSpec],
    playbook: CompiledPlaybook,
    now: datetime | None = None,
    fresh: bool = False,
) -> list[Clock]:
    """Start the clocks a case does not have yet (`fresh`: it is new and has none)."""
    now = now or timezone.now()
    timing = timing_for(case.team_id, playbook.tz)
    existing = set() if fresh else set(case.clocks.values_list("kind", "ref"))
    clocks = []
    for spec in specs:
        if (spec.kind, spec.ref) in existing:
            continue
        clock = Clock(
            case=case,
            kind=spec.kind,
            ref=spec.ref,
            unit=spec.unit,
            target=spec.target,
            started_at=now,
            due_at=timing.due(now, spec.target, spec.unit),
        )
        clock.next_action_at = next_action_at(clock, playbook)
        clocks.append(clock)
    Clock.objects.bulk_create(clocks)
    return clocks


def clocks_meet(
    *, case: Case, kinds: Iterable[str], ref: str | None = None, now: datetime | None = None
) -> int:
    """Mark running or paused clocks of these kinds (and `ref`, if given) as met, late or not."""
    now = now or timezone.now()
    clocks = Clock.objects.filter(
        case=case, kind__in=list(kinds), state__in=[ClockState.RUNNING, ClockState.PAUSED]
    )
    if ref is not None:
        clocks = clocks.filter(ref=ref)
    return clocks.update(state=ClockState.MET, met_at=now, next_action_at=None)


def clocks_stop(*, case: Case, now: datetime | None = None, ref: str | None = None) -> int:
    """Stop the running or paused clocks of the case (only the one about `ref`, if given)."""
    clocks = Clock.objects.filter(case=case, state__in=[ClockState.RUNNING, ClockState.PAUSED])
    if ref is not None:
        clocks = clocks.filter(ref=ref)
    return clocks.update(state=ClockState.STOPPED, next_action_at=None)


def clocks_pause(
    *, case: Case, playbook: CompiledPlaybook, now: datetime | None = None, refs: Iterable[str] | None = None
) -> None:
    """Waiting for the customer (or, with `refs`, for something else, e.g. spare parts): keep what
    is left of each running clock."""
    now = now or timezone.now()
    timing = timing_for(case.team_id, playbook.tz)
    clocks = case.clocks.select_for_update().filter(state=ClockState.RUNNING)
    if refs is not None:
        clocks = clocks.filter(ref__in=list(refs))
    with transaction.atomic():
        for clock in clocks:
            clock.remaining_seconds = int(timing.remaining(now, clock.due_at, clock.unit).total_seconds())
            clock.state, clock.paused_at, clock.next_action_at = ClockState.PAUSED, now, None
            clock.save(update_fields=["remaining_seconds", "state", "paused_at", "next_action_at"])


def clocks_resume(
    *, case: Case, playbook: CompiledPlaybook, now: datetime | None = None, refs: Iterable[str] | None = None
) -> None:
    now = now or timezone.now()
    timing = timing_for(case.team_id, playbook.tz)
    clocks = case.clocks.select_for_update().filter(state=ClockState.PAUSED)
    if refs is not None:
        clocks = clocks.filter(ref__in=list(refs))
    with transaction.atomic():
        for clock in clocks:
            clock.due_at = timing.resume(now, timedelta(seconds=clock.remaining_seconds or 0), clock.unit)
            clock.state, clock.paused_at, clock.remaining_seconds = ClockState.RUNNING, None, None
            clock.next_action_at = next_action_at(clock, playbook)
            clock.save(update_fields=["due_at", "state", "paused_at", "remaining_seconds", "next_action_at"])


def clocks_recalculate(*, case: Case, specs: Iterable[ClockSpec], playbook: CompiledPlaybook) -> None:
    """New priority or category: new targets for the clocks still running, counted from their start."""
    by_kind = {spec.kind: spec for spec in specs}
    timing: Timing = timing_for(case.team_id, playbook.tz)
    with transaction.atomic():
        for clock in case.clocks.select_for_update().filter(
            state=ClockState.RUNNING, breached_at__isnull=True
        ):
            spec = by_kind.get(clock.kind)
            if spec is None or (spec.target, spec.unit) == (clock.target, clock.unit):
                continue
            clock.target, clock.unit = spec.target, spec.unit
            clock.due_at = timing.due(clock.started_at, spec.target, spec.unit)
            clock.warned_at = None
            clock.next_action_at = next_action_at(clock, playbook)
            clock.save(update_fields=["target", "unit", "due_at", "warned_at", "next_action_at"])


def clocks_restart(
    *, case: Case, specs: Iterable[ClockSpec], playbook: CompiledPlaybook, now: datetime | None = None
) -> None:
    """A reopened case: its resolution clocks run again from now."""
    now = now or timezone.now()
    timing = timing_for(case.team_id, playbook.tz)
    for spec in specs:
        clock, _created = Clock.objects.get_or_create(
            case=case, kind=spec.kind, defaults={"unit": spec.unit, "target": spec.target, "started_at": now}
        )
        clock.unit, clock.target, clock.started_at, clock.state = (
            spec.unit,
            spec.target,
            now,
            ClockState.RUNNING,
        )
        clock.due_at = timing.due(now, spec.target, spec.unit)
        clock.warned_at = clock.breached_at = clock.met_at = clock.paused_at = None
        clock.remaining_seconds, clock.escalation_level = None, 0
        clock.next_action_at = next_action_at(clock, playbook)
        clock.save()
