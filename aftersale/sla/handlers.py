"""How the service-level engine reacts to case events (registered in SlaConfig.ready)."""

from __future__ import annotations

from aftersale.cases.lifecycle import Action, Status
from aftersale.cases.models import Case, CaseEvent, EventKind, Message
from aftersale.common import events
from aftersale.common.roles import Role
from aftersale.policy.services import playbook_active

from .clocks import (
    clocks_meet,
    clocks_pause,
    clocks_recalculate,
    clocks_restart,
    clocks_resume,
    clocks_start,
    clocks_stop,
)
from .risk import case_scan_text
from .routing import case_assign_automatically, case_route
from .targets import DECISION_CLOCKS, REPLY_CLOCKS, RESOLUTION_CLOCKS, intake_clocks


def on_case_created(event: CaseEvent) -> None:
    case: Case = event.case
    playbook = playbook_active()
    case_route(case=case, playbook=playbook)
    case_assign_automatically(case=case, playbook=playbook)
    clocks_start(
        case=case,
        playbook=playbook,
        fresh=True,
        specs=intake_clocks(
            playbook.playbook, case_type=case.case_type, category=case.category.code, priority=case.priority
        ),
    )
    case_scan_text(case=case, text=case.description, source="description", playbook=playbook)


def on_message_added(event: CaseEvent) -> None:
    message = Message.objects.get(pk=event.payload["message_id"])
    case = event.case
    if message.author_role == Role.CUSTOMER or (message.author_id is None and not message.is_internal):
        case_scan_text(
            case=case, text=message.body, source=f"message:{message.pk}", playbook=playbook_active()
        )
    elif not message.is_internal:
        clocks_meet(case=case, kinds=REPLY_CLOCKS)


def on_case_transitioned(event: CaseEvent) -> None:
    case = event.case
    action = event.payload.get("action")
    if event.to_status == Status.WAITING_CUSTOMER:
        clocks_pause(case=case, playbook=playbook_active())
    elif event.from_status == Status.WAITING_CUSTOMER and event.to_status == Status.UNDER_REVIEW:
        clocks_resume(case=case, playbook=playbook_active())
    if action in (Action.APPROVE, Action.REJECT, Action.REQUEST_INFO):
        clocks_meet(case=case, kinds=DECISION_CLOCKS)
    if event.to_status in (Status.RESOLVED, Status.CLOSED):
        clocks_meet(case=case, kinds=DECISION_CLOCKS | RESOLUTION_CLOCKS | REPLY_CLOCKS)
    elif event.to_status == Status.CANCELLED:
        clocks_stop(case=case)
    elif action == Action.REOPEN:
        playbook = playbook_active()
        specs = intake_clocks(
            playbook.playbook, case_type=case.case_type, category=case.category.code, priority=case.priority
        )
        clocks_restart(case=case, playbook=playbook, specs=[s for s in specs if s.kind in RESOLUTION_CLOCKS])


def on_case_updated(event: CaseEvent) -> None:
    changes = event.payload.get("changes", {})
    if "priority" in changes or "category" in changes:
        case = event.case
        playbook = playbook_active()
        clocks_recalculate(
            case=case,
            playbook=playbook,
            specs=intake_clocks(
                playbook.playbook,
                case_type=case.case_type,
                category=case.category.code,
                priority=case.priority,
            ),
        )


def register() -> None:
    events.on(EventKind.CREATED)(on_case_created)
    events.on(EventKind.MESSAGE_ADDED)(on_message_added)
    events.on(EventKind.TRANSITIONED)(on_case_transitioned)
    events.on(EventKind.UPDATED)(on_case_updated)
