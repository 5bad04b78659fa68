"""Writes of the notification centre."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .selectors import notifications_for


def notifications_mark_read(*, actor, ids: list[int] | None = None) -> int:
    """Mark the reader's own notifications read (all of them if `ids` is None); returns how many."""
    with transaction.atomic():
        unread = notifications_for(actor).filter(read_at__isnull=True)
        if ids is not None:
            unread = unread.filter(pk__in=ids)
        return unread.update(read_at=timezone.now())
