"""The console's own writes and the reads behind its badges."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from aftersale.sla.models import Alert


def unread_alert_count(user) -> int:
    return Alert.objects.filter(recipient=user, read_at__isnull=True).count()


def alerts_recent(user, *, limit: int = 50) -> list[Alert]:
    return list(Alert.objects.filter(recipient=user).select_related("case").order_by("-id")[:limit])


def alerts_mark_read(*, user) -> int:
    """Mark every unread alert of the user read; returns how many were."""
    with transaction.atomic():
        return Alert.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
