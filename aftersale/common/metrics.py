"""Prometheus metrics: HTTP counters kept by a middleware, and gauges read at scrape time.

HTTP metrics live in the process that served the request. With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR (an empty directory shared by the workers) before start: prometheus_client
then keeps the values in files there and a scrape adds up every worker's (docs/operations.md).

Figures that live in the database or the broker (SLA clocks, the outbox, the Celery queues) are
read when scraped, by `StateCollector`, so any process answers them right. Higher apps add their
figures with `register_state` in AppConfig.ready().
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"

http_requests = Counter(
    "aftersale_http_requests",
    "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"],
)
http_latency = Histogram(
    "aftersale_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

tasks_run = Counter(
    "aftersale_tasks",
    "Celery task runs finished in the processes this scrape covers, by task and final state.",
    ["task", "state"],
)

StateSource = Callable[[], Iterable[Metric]]
_state_sources: dict[str, StateSource] = {}


def register_state(name: str) -> Callable[[StateSource], StateSource]:
    """Add a source of scrape-time metrics; it must be cheap (indexed counts)."""

    def add(source: StateSource) -> StateSource:
        _state_sources[name] = source
        return source

    return add


class StateCollector:
    """Every registered state source, read at scrape time. A failing source is logged and counted
    in aftersale_metrics_source_up, never a failed scrape."""

    def describe(self) -> list[Metric]:
        return []  # no queries when registered

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "aftersale_metrics_source_up", "1 if the source could be read.", labels=["source"]
        )
        for name, source in _state_sources.items():
            try:
                metrics = list(source())
            except Exception:
                log.exception("metrics source %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from metrics
        yield up


_state_collector = StateCollector()
REGISTRY.register(_state_collector)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request ("console/cases/<str:number>/"), never the raw path:
    one label value per route keeps the series count bounded."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else UNMATCHED_ROUTE


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in HTTP_METHODS else "other"
        http_requests.labels(method, route, str(response.status_code)).inc()
        http_latency.labels(route).observe(time.perf_counter() - started)
        return response


def _task_finished(task: Any = None, state: str | None = None, **_: Any) -> None:
    tasks_run.labels(getattr(task, "name", "unknown"), state or "UNKNOWN").inc()


def connect_celery() -> None:
    """Count task runs: inline ones in the web processes, and those of `aftersale scheduler` when it
    shares PROMETHEUS_MULTIPROC_DIR with them (as under `aftersale serve`)."""
    from celery.signals import task_postrun

    task_postrun.connect(_task_finished, weak=False, dispatch_uid="aftersale.metrics.task_finished")


def exposition() -> bytes:
    """The text exposition of every metric, summed over the processes in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(_state_collector)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


# --- common's own state: the broker's queues and the workers' heartbeat ----------------------------


def _queue_names() -> list[str]:
    from aftersale.celery import app

    names = {app.conf.task_default_queue}
    names.update(queue.name for queue in app.conf.task_queues or ())
    return sorted(names)


@register_state("celery")
def celery_state() -> Iterator[Metric]:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return  # inline tasks have no queue; other brokers: use their own exporter
    from .health import _redis

    depth = GaugeMetricFamily(
        "aftersale_celery_queue_length", "Tasks waiting in the broker's queue.", labels=["queue"]
    )
    client = _redis(url)
    for name in _queue_names():
        depth.add_metric([name], client.llen(name))
    yield depth


@register_state("heartbeat")
def heartbeat_state() -> Iterator[Metric]:
    from .health import WORKER_HEARTBEAT
    from .models import Heartbeat

    beat_at = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("beat_at", flat=True).first()
    if beat_at is not None:
        yield GaugeMetricFamily(
            "aftersale_worker_heartbeat_age_seconds",
            "Seconds since the scheduled heartbeat task last ran on a worker.",
            value=(timezone.now() - beat_at).total_seconds(),
        )
