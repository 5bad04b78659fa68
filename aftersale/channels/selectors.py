"""Reads of the notification centre: a customer's notifications; a member of staff's notifications
and the sla alerts addressed to them, as one list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from aftersale.common.permissions import role_of
from aftersale.common.roles import Role
from aftersale.sla.models import Alert

from .models import Notification
from .texts import TEMPLATES, render


@dataclass
class Item:
    id: int
    source: str  # "notification" or "alert"
    topic: str
    title: str
    body: str
    case: str | None
    created_at: datetime
    read: bool


def notifications_for(user) -> QuerySet[Notification]:
    """A customer reads what was sent to their customer record; staff what was sent to them."""
    if role_of(user) == Role.CUSTOMER:
        customer_id = getattr(getattr(user, "customer", None), "pk", None)
        if customer_id is None:
            return Notification.objects.none()
        return Notification.objects.filter(customer_id=customer_id)
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def alerts_for(user) -> QuerySet[Alert]:
    if not getattr(user, "is_authenticated", False) or role_of(user) == Role.CUSTOMER:
        return Alert.objects.none()
    return Alert.objects.filter(recipient_id=user.pk)


def unread_count(user) -> int:
    return (
        notifications_for(user).filter(read_at__isnull=True).count()
        + alerts_for(user).filter(read_at__isnull=True).count()
    )


def _from_notification(n: Notification) -> Item:
    title, body = render(n.topic, n.context) if n.topic in TEMPLATES else (n.topic, "")
    return Item(
        n.pk,
        "notification",
        n.topic,
        title,
        body,
        n.case.number if n.case_id else None,
        n.created_at,
        n.read_at is not None,
    )


def _from_alert(a: Alert) -> Item:
    from .alerts import alert_title

    return Item(
        a.pk,
        "alert",
        f"alert.{a.kind}",
        alert_title(a.kind, a.case.number),
        a.message,
        a.case.number,
        a.created_at,
        a.read_at is not None,
    )


def centre_items(
    user, *, limit: int = 50, unread_only: bool = False, before: datetime | None = None
) -> list[Item]:
    """Newest first, both sources merged."""
    notes = notifications_for(user).select_related("case").order_by("-created_at", "-id")
    alerts = alerts_for(user).select_related("case").order_by("-created_at", "-id")
    if unread_only:
        notes, alerts = notes.filter(read_at__isnull=True), alerts.filter(read_at__isnull=True)
    if before is not None:
        notes, alerts = notes.filter(created_at__lt=before), alerts.filter(created_at__lt=before)
    items = [_from_notification(n) for n in notes[:limit]] + [_from_alert(a) for a in alerts[:limit]]
    items.sort(key=lambda item: (item.created_at, item.id), reverse=True)
    return items[:limit]
