"""Writing notifications: the in-app line and the outbox rows for e-mail and SMS, in one go."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from aftersale.cases.models import Case, CaseEvent
from aftersale.common.models import User

from .models import Notification, OutboxChannel
from .outbox import outbox_add
from .texts import render

CUSTOMER_CHANNELS = ("in_app", "sms", "email")
STAFF_CHANNELS = ("in_app", "email")


def _channels(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(getattr(settings, name, default))


def customer_language(customer) -> str:
    """The customer's service language when the system speaks it, else the default."""
    language = (getattr(customer, "language", "") or "").lower()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def notify_customer(*, event: CaseEvent | None, case: Case, topic: str, **context) -> None:
    """Tell the case's customer: in the portal, by SMS to the order's phone, by mail if known."""
    context = {"number": case.number, **{k: str(v) for k, v in context.items()}}
    customer = case.customer
    channels = _channels("NOTIFY_CUSTOMER_CHANNELS", CUSTOMER_CHANNELS)
    if "in_app" in channels:
        Notification.objects.create(customer=customer, case=case, topic=topic, context=context)
    title, body = render(topic, context, customer_language(customer))
    if "sms" in channels and customer.phone:
        outbox_add(
            channel=OutboxChannel.SMS,
            topic=topic,
            recipient=customer.phone,
            body=body,
            payload={"params": context},
            case=case,
            event=event,
        )
    if "email" in channels and customer.user_id:
        email = (
            User.objects.filter(pk=customer.user_id, is_active=True).values_list("email", flat=True).first()
        )
        if email:
            outbox_add(
                channel=OutboxChannel.EMAIL,
                topic=topic,
                recipient=email,
                subject=title,
                body=body,
                case=case,
                event=event,
            )


def notify_staff(
    *, event: CaseEvent | None, case: Case, topic: str, user_ids: Iterable[int | None], **context
) -> None:
    """Tell members of staff: in the console's notification centre, and by mail where they have one."""
    ids = sorted({uid for uid in user_ids if uid})
    if not ids:
        return
    context = {"number": case.number, **{k: str(v) for k, v in context.items()}}
    channels = _channels("NOTIFY_STAFF_CHANNELS", STAFF_CHANNELS)
    if "in_app" in channels:
        Notification.objects.bulk_create(
            Notification(user_id=uid, case=case, topic=topic, context=context) for uid in ids
        )
    if "email" in channels:
        emails = (
            User.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list("email", flat=True)
        )
        if emails:
            title, body = render(topic, context, settings.LANGUAGE_CODE)
            for email in emails:
                outbox_add(
                    channel=OutboxChannel.EMAIL,
                    topic=topic,
                    recipient=email,
                    subject=title,
                    body=body,
                    case=case,
                    event=event,
                )
