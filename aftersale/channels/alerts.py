"""Staff alerts (sla.Alert: due soon, breach, escalation, red ticket, sensitive words, exception,
approval requests) by e-mail.

The sla and fulfilment apps write alerts in bulk in the transaction of the change, for exactly the
people concerned; this relay turns each new alert into an outbox e-mail to its recipient, once:
alerts are claimed with SELECT … FOR UPDATE SKIP LOCKED and marked in AlertMailed in the same
transaction as the outbox rows, so any number of relays may run."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aftersale.common.models import User
from aftersale.sla.models import Alert, AlertKind

from .models import AlertMailed, OutboxChannel, OutboxMessage

BATCH = 1000
_SUBJECT = gettext_lazy("【%(kind)s】%(number)s")


def alert_title(kind: str, number: str) -> str:
    label = AlertKind(kind).label if kind in AlertKind.values else kind
    return str(_SUBJECT) % {"kind": label, "number": number}


def alerts_relay(*, batch: int = BATCH) -> int:
    """Queue an e-mail for every alert not yet relayed (within the horizon); returns how many."""
    horizon = timezone.now() - timedelta(hours=getattr(settings, "ALERT_MAIL_HORIZON_HOURS", 24))
    queued = 0
    while True:
        with transaction.atomic():
            pending = (
                Alert.objects.filter(created_at__gte=horizon)
                .filter(~Exists(AlertMailed.objects.filter(alert_id=OuterRef("pk"))))
                .order_by("id")
            )
            if connection.features.has_select_for_update_skip_locked:
                pending = pending.select_for_update(skip_locked=True, of=("self",))
            alerts = list(
                pending.select_related("case").only(
                    "id", "recipient_id", "kind", "message", "case", "case__number"
                )[:batch]
            )
            if not alerts:
                return queued
            emails = dict(
                User.objects.filter(pk__in={a.recipient_id for a in alerts}, is_active=True)
                .exclude(email="")
                .values_list("id", "email")
            )
            now = timezone.now()
            rows = [
                OutboxMessage(
                    channel=OutboxChannel.EMAIL,
                    topic=f"alert.{a.kind}",
                    recipient=emails[a.recipient_id],
                    subject=alert_title(a.kind, a.case.number)[:200],
                    body=a.message,
                    case_id=a.case_id,
                    next_attempt_at=now,
                )
                for a in alerts
                if a.recipient_id in emails
            ]
            OutboxMessage.objects.bulk_create(rows)
            AlertMailed.objects.bulk_create([AlertMailed(alert_id=a.pk) for a in alerts])
            queued += len(rows)
        if len(alerts) < batch:
            return queued
