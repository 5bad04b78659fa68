"""The console's own writes and the reads behind its badges."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.policy.services import playbook_active
from aftersale.sla.models import Alert, CaseRisk
from aftersale.sla.risk import case_set_red_ticket


def unread_alert_count(user) -> int:
    return Alert.objects.filter(recipient=user, read_at__isnull=True).count()


def alerts_recent(user, *, limit: int = 50) -> list[Alert]:
    return list(Alert.objects.filter(recipient=user).select_related("case").order_by("-id")[:limit])


def alerts_mark_read(*, user) -> int:
    """Mark every unread alert of the user read; returns how many were."""
    with transaction.atomic():
        return Alert.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def case_red_ticket_set(*, case: Case, actor, on: bool) -> CaseRisk:
    """Put the case under supervision (红头督办) or lift it, in one transaction."""
    with transaction.atomic():
        return case_set_red_ticket(case=case, actor=actor, playbook=playbook_active(), on=on)
