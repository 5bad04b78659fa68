"""Reads of the notification centre."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersale.common.permissions import role_of
from aftersale.common.roles import Role

from .models import Notification


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


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
