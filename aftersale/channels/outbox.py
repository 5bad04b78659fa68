"""The outbox: rows written with the change they tell of, delivered later by any number of workers.

A worker claims due rows in one short transaction (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL,
then a conditional UPDATE that re-checks the row is still claimable, which also serialises
claimers on SQLite), delivers them outside any transaction, and settles each with a conditional
UPDATE on its claim token. A failure reschedules the row with exponential backoff; the change that
wrote it was committed long before and is never touched. A worker that dies mid-delivery leaves a
claim whose lease runs out, after which another worker takes the row again.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .memo import remembered
from .models import DeliveryAttempt, OutboxChannel, OutboxMessage, OutboxStatus
from .senders import DeliveryError, sender_for

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base · 2^(n-1), capped."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 30)
    cap = getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def outbox_add(
    *,
    channel: str,
    topic: str,
    recipient: str,
    subject: str = "",
    body: str = "",
    payload: dict | None = None,
    case=None,
    event=None,
    subscription=None,
) -> OutboxMessage:
    """Queue one message. Call it inside the transaction of the change it tells of."""
    message = OutboxMessage.objects.create(
        channel=channel,
        topic=topic,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        payload=payload or {},
        case=case,
        event=event,
        subscription=subscription,
        next_attempt_at=timezone.now(),
    )
    if settings.CELERY_BROKER_URL:
        # One prompt delivery run per transaction, however many rows it wrote.
        remembered("outbox_kick", lambda: transaction.on_commit(_kick, robust=True) or True)
    return message


def _kick() -> None:
    from .tasks import deliver_outbox

    deliver_outbox.delay()


def _claimable(now: datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )


def outbox_claim(*, now: datetime | None = None, batch: int = BATCH, channels=None) -> list[OutboxMessage]:
    """Take up to `batch` due messages for this worker; nobody else gets them until the lease ends."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = OutboxMessage.objects.filter(_claimable(now))
        if channels:
            due = due.filter(channel__in=channels)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch])
        if not ids:
            return []
        OutboxMessage.objects.filter(_claimable(now), pk__in=ids).update(
            status=OutboxStatus.SENDING, claim=token, claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
    return list(
        OutboxMessage.objects.filter(claim=token, status=OutboxStatus.SENDING).select_related("subscription")
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    ids: list[int] = field(default_factory=list)


def outbox_deliver(*, now: datetime | None = None, batch: int = BATCH, channels=None) -> DeliveryReport:
    """Claim and deliver due messages until none are left (one pass of the worker)."""
    report = DeliveryReport()
    while True:
        claimed = outbox_claim(now=now, batch=batch, channels=channels)
        if not claimed:
            return report
        for message in claimed:
            _deliver_one(message, report, now)


def _deliver_one(message: OutboxMessage, report: DeliveryReport, now: datetime | None) -> None:
    started = timezone.now()
    clock = time.monotonic()
    status_code = None
    try:
        result = sender_for(message.channel).send(message)
        ok, detail, status_code, permanent = True, result.detail, result.status_code, False
    except DeliveryError as error:
        ok, detail, status_code, permanent = False, str(error), error.status_code, error.permanent
    except Exception as error:  # a bug in one sender must not stop the worker
        log.exception("outbox message %s: unexpected error", message.pk)
        ok, detail, permanent = False, f"{type(error).__name__}: {error}", False
    duration = int((time.monotonic() - clock) * 1000)
    finished = timezone.now()
    with transaction.atomic():
        mine = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim, status=OutboxStatus.SENDING)
        if ok:
            settled = mine.update(
                status=OutboxStatus.SENT, sent_at=finished, claimed_until=None, last_error=""
            )
            report.sent += settled
        elif permanent or message.attempts >= message.max_attempts:
            settled = mine.update(status=OutboxStatus.FAILED, claimed_until=None, last_error=detail[:2000])
            report.failed += settled
        else:
            settled = mine.update(
                status=OutboxStatus.PENDING,
                claimed_until=None,
                last_error=detail[:2000],
                next_attempt_at=max(finished, now or finished) + retry_delay(message.attempts),
            )
            report.retried += settled
        DeliveryAttempt.objects.create(
            message_id=message.pk,
            number=message.attempts,
            started_at=started,
            duration_ms=duration,
            ok=ok,
            status_code=status_code,
            detail=detail[:2000],
        )
    if settled:
        report.ids.append(message.pk)
    else:
        log.warning("outbox message %s: claim lost before it was settled", message.pk)


def outbox_retry_now(*, message: OutboxMessage) -> OutboxMessage:
    """Put a failed message back in the queue (an operator's "retry")."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), max_attempts=F("attempts") + 1
    )
    message.refresh_from_db()
    return message


__all__ = ["OutboxChannel", "outbox_add", "outbox_claim", "outbox_deliver", "retry_delay"]
