"""Scrape-time metrics of the notifications outbox (registered with aftersale.common.metrics)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from aftersale.common.metrics import register_state

from .models import OutboxMessage, OutboxStatus


@register_state("outbox")
def outbox_state() -> Iterator[Metric]:
    # Both counts walk the partial index outbox_due (pending rows only).
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).aggregate(
        all=Count("id"), due=Count("id", filter=Q(next_attempt_at__lte=timezone.now()))
    )
    yield GaugeMetricFamily(
        "aftersale_outbox_pending", "Notifications waiting in the outbox to be sent.", value=pending["all"]
    )
    yield GaugeMetricFamily(
        "aftersale_outbox_due",
        "Pending notifications whose send time has passed (a backlog if it keeps rising).",
        value=pending["due"],
    )
