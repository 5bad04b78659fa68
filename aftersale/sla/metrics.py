"""Scrape-time metrics of service levels (registered with aftersale.common.metrics)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from aftersale.common.metrics import register_state

from .health import calendar_years
from .models import Clock, ClockState


@register_state("sla")
def sla_state() -> Iterator[Metric]:
    # Running clocks past their due time, on the partial index clock_running_due; breached ones
    # are among them (a clock breaches at its due time).
    late = Clock.objects.filter(state=ClockState.RUNNING, due_at__lte=timezone.now()).aggregate(
        due=Count("id"), breached=Count("id", filter=Q(breached_at__isnull=False))
    )
    yield GaugeMetricFamily(
        "aftersale_sla_clocks_due", "Running SLA clocks whose due time has passed.", value=late["due"]
    )
    yield GaugeMetricFamily(
        "aftersale_sla_clocks_breached",
        "Running SLA clocks marked breached by the sweeper (still not met).",
        value=late["breached"],
    )
    yield CounterMetricFamily(
        "aftersale_sla_breaches",
        "SLA clocks ever breached (running or since stopped).",
        value=Clock.objects.filter(breached_at__isnull=False).count(),
    )
    year, this_known, next_known = calendar_years()
    known = GaugeMetricFamily(
        "aftersale_calendar_year_known",
        "1 if the public holidays of the year are known (chinesecalendar or the override table).",
        labels=["which"],
    )
    known.add_metric(["this"], int(this_known))
    known.add_metric(["next"], int(next_known))
    yield known
