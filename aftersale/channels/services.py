"""Writes of the notification centre."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .selectors import alerts_for, notifications_for


def notifications_mark_read(
    *, actor, ids: list[int] | None = None, alert_ids: list[int] | None = None
) -> int:
    """Mark the reader's own notifications and alerts read (all of both when neither list is given);
    returns how many."""
    everything = ids is None and alert_ids is None
    now = timezone.now()
    with transaction.atomic():
        notes = notifications_for(actor).filter(read_at__isnull=True)
        alerts = alerts_for(actor).filter(read_at__isnull=True)
        marked = 0
        if everything or ids:
            marked += (notes if everything else notes.filter(pk__in=ids)).update(read_at=now)
        if everything or alert_ids:
            marked += (alerts if everything else alerts.filter(pk__in=alert_ids)).update(read_at=now)
        return marked
