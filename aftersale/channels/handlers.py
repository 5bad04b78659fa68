"""How channels reacts to case events (registered in ChannelsConfig.ready): notifications to the
customer and to staff, and outbound webhooks, all written in the event's own transaction."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseEvent, EventKind, Resolution
from aftersale.common import events
from aftersale.common.roles import Role
from aftersale.sla.recipients import Directory

from .notify import notify_customer, notify_staff
from .webhooks_out import on_any_event


def _case(event: CaseEvent) -> Case:
    return event.case


def on_case_created(event: CaseEvent) -> None:
    notify_customer(event=event, case=_case(event), topic="request_received")


def on_case_transitioned(event: CaseEvent) -> None:
    case = _case(event)
    reason = event.payload.get("reason", "")
    if event.to_status == Status.WAITING_CUSTOMER:
        notify_customer(event=event, case=case, topic="need_material", reason=reason)
    elif event.to_status == Status.APPROVED and case.resolution not in (
        Resolution.RETURN_REFUND,
        Resolution.EXCHANGE,
    ):
        # An approved return or exchange is told with its return address (return.authorized).
        notify_customer(event=event, case=case, topic="approved")
    elif event.to_status == Status.RESOLVED:
        notify_customer(event=event, case=case, topic="resolved", outcome=reason)


def on_return_authorized(event: CaseEvent) -> None:
    p = event.payload
    notify_customer(
        event=event,
        case=_case(event),
        topic="approved_return",
        rma=p.get("rma", ""),
        address=p.get("address", ""),
        contact=p.get("contact", ""),
        phone=p.get("phone", ""),
    )


def on_refund_succeeded(event: CaseEvent) -> None:
    notify_customer(
        event=event, case=_case(event), topic="refund_sent", amount=event.payload.get("amount", "")
    )


def on_survey_reminded(event: CaseEvent) -> None:
    notify_customer(event=event, case=_case(event), topic="survey")


def on_case_assigned(event: CaseEvent) -> None:
    assignee_id = event.payload.get("assignee_id")
    if assignee_id and assignee_id != event.actor_id:
        notify_staff(event=event, case=_case(event), topic="assigned", user_ids=[assignee_id])


def on_sla_warned(event: CaseEvent) -> None:
    case = _case(event)
    user_ids = [case.assignee_id] if case.assignee_id else Directory().leads(case)
    notify_staff(
        event=event,
        case=case,
        topic="due_soon",
        user_ids=user_ids,
        clock=event.payload.get("clock", ""),
        due_at=event.payload.get("due_at", ""),
    )


def on_case_escalated(event: CaseEvent) -> None:
    case = _case(event)
    p = event.payload
    topic = "breached" if p.get("breach") else "escalated"
    user_ids = Directory().for_rung(case, p.get("to", ""))
    notify_staff(
        event=event,
        case=case,
        topic=topic,
        user_ids=user_ids,
        clock=p.get("clock", ""),
        level=p.get("level", ""),
    )


def on_compensation_requested(event: CaseEvent) -> None:
    case = _case(event)
    directory = Directory()
    role = event.payload.get("approver_role") or Role.TEAM_LEAD
    user_ids = directory.leads(case) if role == Role.TEAM_LEAD else directory.role(role)
    notify_staff(
        event=event,
        case=case,
        topic="approval_needed",
        user_ids=user_ids,
        amount=event.payload.get("amount", ""),
    )


def on_case_sensitive(event: CaseEvent) -> None:
    case = _case(event)
    directory = Directory()
    user_ids = [*directory.role(Role.TEAM_LEAD), *directory.role(Role.EXPERT)]
    notify_staff(
        event=event,
        case=case,
        topic="sensitive",
        user_ids=user_ids,
        words="、".join(event.payload.get("words", [])),
    )


HANDLERS = {
    EventKind.CREATED: on_case_created,
    EventKind.TRANSITIONED: on_case_transitioned,
    EventKind.ASSIGNED: on_case_assigned,
    "return.authorized": on_return_authorized,
    "refund.succeeded": on_refund_succeeded,
    "survey.reminded": on_survey_reminded,
    "sla.warned": on_sla_warned,
    "case.escalated": on_case_escalated,
    "compensation.requested": on_compensation_requested,
    "case.sensitive": on_case_sensitive,
}


def register() -> None:
    for kind, handler in HANDLERS.items():
        events.on(kind)(handler)
    events.on("*")(on_any_event)
