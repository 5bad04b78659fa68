"""/metrics: access rules, HTTP counters by route template, gauges read from the database and broker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from aftersale import schedule
from aftersale.celery import app
from aftersale.channels.models import OutboxMessage, OutboxStatus
from aftersale.common.health import HEARTBEAT_TASK
from aftersale.sla.models import Clock, ClockKind, ClockState, ClockUnit

ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} from a scrape that must succeed and parse."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return parse(response.content.decode())


def parse(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_without_a_token_only_loopback_may_scrape(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


def test_with_a_token_it_is_required_from_anywhere(client, db, settings):
    settings.METRICS_TOKEN = "m-7c1f9e0b2d"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    right = {"HTTP_AUTHORIZATION": "Bearer m-7c1f9e0b2d", "REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **right).status_code == 200


def test_requests_are_counted_by_route_template_not_raw_path(api, people, case, client):
    before = scrape(client)
    agent = api(people.agent)
    for _ in range(3):
        assert agent.get(f"/cases/{case.number}").status_code == 200
    assert agent.get("/cases/AS20991231999999").status_code == 404
    client.get("/healthz")
    after = scrape(client)

    route = "api/v1/cases/<number>"
    ok = value(after, "aftersale_http_requests_total", method="GET", route=route, status="200")
    assert ok - value(before, "aftersale_http_requests_total", method="GET", route=route, status="200") == 3
    missing = value(after, "aftersale_http_requests_total", method="GET", route=route, status="404")
    assert (
        missing - value(before, "aftersale_http_requests_total", method="GET", route=route, status="404") == 1
    )
    count = "aftersale_http_request_duration_seconds_count"
    assert value(after, count, route=route) - value(before, count, route=route) == 4
    assert value(after, "aftersale_http_request_duration_seconds_bucket", route=route, le="+Inf") >= 4
    assert value(after, "aftersale_http_requests_total", method="GET", route="healthz", status="200") >= 1
    assert not any(case.number in str(labels) for _, labels in after)


def test_unmatched_paths_share_one_label(client, db):
    client.get("/no/such/page/123")
    client.get("/another/missing")
    samples = scrape(client)
    assert (
        value(samples, "aftersale_http_requests_total", method="GET", route="<unmatched>", status="404") >= 2
    )
    assert not any("/no/such" in str(labels) for _, labels in samples)


def clock(case, ref: str, **fields) -> Clock:
    values = dict(kind=ClockKind.RESOLUTION, unit=ClockUnit.MINUTES, target=60, started_at=timezone.now())
    return Clock.objects.create(case=case, ref=ref, **{**values, **fields})


def test_sla_gauges_show_planted_clocks(client, case):
    now = timezone.now()
    before = scrape(client)
    clock(case, "late", due_at=now - timedelta(minutes=5))
    clock(case, "breached", due_at=now - timedelta(hours=2), breached_at=now - timedelta(hours=2))
    clock(case, "on-time", due_at=now + timedelta(hours=1))
    clock(case, "met-late", state=ClockState.STOPPED, due_at=now - timedelta(days=1), breached_at=now)
    after = scrape(client)

    def delta(name):
        return value(after, name) - value(before, name)

    assert delta("aftersale_sla_clocks_due") == 2
    assert delta("aftersale_sla_clocks_breached") == 1
    assert delta("aftersale_sla_breaches_total") == 2
    assert value(after, "aftersale_metrics_source_up", source="sla") == 1


def outbox(status: str, due_in: timedelta) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel="email", topic="test", recipient="ops@example.com", status=status,
        next_attempt_at=timezone.now() + due_in,
    )  # fmt: skip


def test_outbox_gauges_show_pending_notifications(client, db):
    before = scrape(client)
    outbox(OutboxStatus.PENDING, -timedelta(minutes=1))
    outbox(OutboxStatus.PENDING, timedelta(minutes=10))
    outbox(OutboxStatus.SENT, -timedelta(minutes=1))
    outbox(OutboxStatus.FAILED, -timedelta(minutes=1))
    after = scrape(client)
    assert value(after, "aftersale_outbox_pending") - value(before, "aftersale_outbox_pending") == 2
    assert value(after, "aftersale_outbox_due") - value(before, "aftersale_outbox_due") == 1


def test_calendar_and_heartbeat_gauges(client, db):
    from aftersale.common.health import WORKER_HEARTBEAT
    from aftersale.common.models import Heartbeat

    Heartbeat.objects.create(name=WORKER_HEARTBEAT, beat_at=timezone.now() - timedelta(seconds=42))
    samples = scrape(client)
    assert 42 <= value(samples, "aftersale_worker_heartbeat_age_seconds") < 60
    assert value(samples, "aftersale_calendar_year_known", which="this") == 1
    assert ("aftersale_calendar_year_known", (("which", "next"),)) in samples


def test_a_failing_source_is_reported_and_the_scrape_still_answers(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    samples = scrape(client)
    assert value(samples, "aftersale_metrics_source_up", source="celery") == 0
    assert value(samples, "aftersale_metrics_source_up", source="outbox") == 1


@pytest.mark.services
def test_celery_queue_length_from_the_redis_broker(client, db, settings):
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    settings.CELERY_BROKER_URL = url
    broker = redis.Redis.from_url(url)
    broker.delete("celery")
    broker.rpush("celery", "task-1", "task-2", "task-3")
    try:
        samples = scrape(client)
    finally:
        broker.delete("celery")
    assert value(samples, "aftersale_celery_queue_length", queue="celery") == 3
    assert value(samples, "aftersale_metrics_source_up", source="celery") == 1


REQUESTS = """
import django, sys
django.setup()
from django.test import Client
for _ in range(int(sys.argv[1])):
    assert Client().get("/healthz").status_code == 200
if sys.argv[2] == "scrape":
    from aftersale.common.metrics import exposition
    sys.stdout.write(exposition().decode())
"""


def test_multiprocess_mode_adds_up_every_process(tmp_path):
    """Two processes (as two gunicorn workers) share PROMETHEUS_MULTIPROC_DIR; a scrape in either
    counts the requests of both."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="aftersale.settings",
        PROMETHEUS_MULTIPROC_DIR=str(shared),
        AFTERSALE_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    def run(requests: int, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", REQUESTS, str(requests), then],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(3, "exit")
    samples = parse(run(2, "scrape"))
    assert value(samples, "aftersale_http_requests_total", method="GET", route="healthz", status="200") == 5
    assert value(samples, "aftersale_http_request_duration_seconds_count", route="healthz") == 5


@app.task(name="tests.common.always_fails")
def always_fails() -> None:
    raise RuntimeError("on purpose")


def test_task_runs_are_counted_by_final_state(client, db):
    app.loader.import_default_modules()
    before = scrape(client)
    app.tasks[HEARTBEAT_TASK].apply()
    app.tasks[HEARTBEAT_TASK].apply()
    always_fails.apply(throw=False)  # as on a worker: the failure stays in the task's result
    after = scrape(client)

    def runs(samples, task, state):
        return value(samples, "aftersale_tasks_total", task=task, state=state)

    assert runs(after, HEARTBEAT_TASK, "SUCCESS") - runs(before, HEARTBEAT_TASK, "SUCCESS") == 2
    failing = "tests.common.always_fails"
    assert runs(after, failing, "FAILURE") - runs(before, failing, "FAILURE") == 1


def test_the_in_process_scheduler_counts_the_runs_that_failed(client, db, monkeypatch):
    """Inline runs raise into the scheduler (CELERY_TASK_EAGER_PROPAGATES), before Celery's signals."""
    monkeypatch.setattr(schedule, "SCHEDULE", {"tests.common.always_fails": 3600})
    failing = {"task": "tests.common.always_fails", "state": "FAILURE"}
    before = value(scrape(client), "aftersale_tasks_total", **failing)
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    schedule.run_forever(stop, tick=0.05)  # runs each entry once at once, then waits for the interval
    assert value(scrape(client), "aftersale_tasks_total", **failing) - before == 1
