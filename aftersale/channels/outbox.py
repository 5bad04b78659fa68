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
# A message is sent only while its claim has this much left: more than any sender's timeout.
LEASE_MARGIN = timedelta(minutes=2)


def lease() -> timedelta:
    """How long a claim keeps other workers off a message (OUTBOX_LEASE_SECONDS, 15 min)."""
    return timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 15 * 60))


def lease_margin() -> timedelta:
    """LEASE_MARGIN, but at most a quarter of a short lease, so that some of it is left to send in."""
    return min(LEASE_MARGIN, lease() / 4)


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
            status=OutboxStatus.SENDING, claim=token, claimed_until=now + lease(), attempts=F("attempts") + 1
        )
    return list(
        OutboxMessage.objects.filter(claim=token, status=OutboxStatus.SENDING).select_related(
            "subscription", "case"
        )
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    ids: list[int] = field(default_factory=list)


def outbox_deliver(*, now: datetime | None = None, batch: int = BATCH, channels=None) -> DeliveryReport:
    """Claim and deliver due messages until none are left (one pass of the worker).

    Each claimed batch is settled in one transaction at its end; a message is only sent while its
    claim has at least lease_margin() left, so no other worker can have taken it meanwhile (the rest
    of a batch that ran long is handed back)."""
    report = DeliveryReport()
    while True:
        claimed = outbox_claim(now=now, batch=batch, channels=channels)
        if not claimed:
            return report
        senders: dict = {}
        outcomes: list[_Outcome] = []
        handed_back = False
        try:
            for index, message in enumerate(claimed):
                if timezone.now() > message.claimed_until - lease_margin():
                    _hand_back(claimed[index:])
                    handed_back = True
                    break
                if message.channel not in senders:
                    senders[message.channel] = sender_for(message.channel)
                outcomes.append(_send(message, senders[message.channel]))
        finally:
            for sender in senders.values():
                getattr(sender, "close", lambda: None)()
            _settle(outcomes, report, now)
        if handed_back:  # this pass ran out of lease: the next one takes the rest
            return report


@dataclass
class _Outcome:
    message: OutboxMessage
    ok: bool
    detail: str
    status_code: int | None
    permanent: bool
    started: datetime
    finished: datetime
    duration_ms: int


def _send(message: OutboxMessage, sender) -> _Outcome:
    started = timezone.now()
    clock = time.monotonic()
    status_code = None
    try:
        result = sender.send(message)
        ok, detail, status_code, permanent = True, result.detail, result.status_code, False
    except DeliveryError as error:
        ok, detail, status_code, permanent = False, str(error), error.status_code, error.permanent
    except Exception as error:  # a bug in one sender must not stop the worker
        log.exception("outbox message %s: unexpected error", message.pk)
        ok, detail, permanent = False, f"{type(error).__name__}: {error}", False
    duration = int((time.monotonic() - clock) * 1000)
    return _Outcome(message, ok, detail[:2000], status_code, permanent, started, timezone.now(), duration)


def _settle(outcomes: list[_Outcome], report: DeliveryReport, now: datetime | None) -> None:
    """Record a batch's results: conditional on each row still being this worker's claim."""
    if not outcomes:
        return
    claim = outcomes[0].message.claim
    with transaction.atomic():
        mine = OutboxMessage.objects.filter(claim=claim, status=OutboxStatus.SENDING)
        sent = [o for o in outcomes if o.ok]
        if sent:
            settled = mine.filter(pk__in=[o.message.pk for o in sent]).update(
                status=OutboxStatus.SENT, sent_at=sent[-1].finished, claimed_until=None, last_error=""
            )
            report.sent += settled
            if settled != len(sent):
                log.warning("outbox: %s sent messages had lost their claim", len(sent) - settled)
        for outcome in outcomes:
            if outcome.ok:
                continue
            message = outcome.message
            if outcome.permanent or message.attempts >= message.max_attempts:
                report.failed += mine.filter(pk=message.pk).update(
                    status=OutboxStatus.FAILED, claimed_until=None, last_error=outcome.detail
                )
            else:
                due = max(outcome.finished, now or outcome.finished) + retry_delay(message.attempts)
                report.retried += mine.filter(pk=message.pk).update(
                    status=OutboxStatus.PENDING,
                    claimed_until=None,
                    last_error=outcome.detail,
                    next_attempt_at=due,
                )
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                message_id=o.message.pk,
                number=o.message.attempts,
                started_at=o.started,
                duration_ms=o.duration_ms,
                ok=o.ok,
                status_code=o.status_code,
                detail=o.detail,
            )
            for o in outcomes
        )
    report.ids.extend(o.message.pk for o in outcomes)


def _hand_back(messages: list[OutboxMessage]) -> None:
    """Claimed but not tried: back to the queue as they were (the attempt is not counted)."""
    for message in messages:
        OutboxMessage.objects.filter(pk=message.pk, claim=message.claim, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.PENDING, claim="", claimed_until=None, attempts=F("attempts") - 1
        )


def outbox_retry_now(*, message: OutboxMessage) -> OutboxMessage:
    """Put a failed message back in the queue (an operator's "retry")."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), max_attempts=F("attempts") + 1
    )
    message.refresh_from_db()
    return message


__all__ = ["OutboxChannel", "outbox_add", "outbox_claim", "outbox_deliver", "retry_delay"]
