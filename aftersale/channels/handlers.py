"""How channels reacts to case events (registered in ChannelsConfig.ready): notifications to the
customer and to staff, and outbound webhooks, all written in the event's own transaction.

The service-level and risk notices to staff (due soon, breach, escalation, approval needed,
sensitive words) are the alerts the sla and fulfilment apps already write, in bulk, for exactly
the right people; the notification centre shows them and `alerts.alerts_relay` mails them."""

from __future__ import annotations

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseEvent, EventKind, Resolution
from aftersale.common import events

from .notify import notify_customer, notify_staff
from .webhooks_out import has_subscribers, on_events


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


HANDLERS = {
    EventKind.CREATED: on_case_created,
    EventKind.TRANSITIONED: on_case_transitioned,
    EventKind.ASSIGNED: on_case_assigned,
    "return.authorized": on_return_authorized,
    "refund.succeeded": on_refund_succeeded,
    "survey.reminded": on_survey_reminded,
}


def register() -> None:
    for kind, handler in HANDLERS.items():
        events.on(kind)(handler)
    events.on_many("*", when=has_subscribers)(on_events)
