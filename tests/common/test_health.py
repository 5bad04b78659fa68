"""/healthz (liveness) and /readyz (readiness: database, migrations, broker, workers, calendar)."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from aftersale.celery import app
from aftersale.common import health
from aftersale.common.models import Heartbeat
from aftersale.schedule import SCHEDULE
from aftersale.sla.calendar import year_is_known
from aftersale.sla.models import HolidayOverride


@pytest.fixture(autouse=True)
def _fresh(db):
    health._migrations_seen_applied = False


def beat(seconds_ago: float = 0) -> None:
    Heartbeat.objects.update_or_create(
        name=health.WORKER_HEARTBEAT, defaults={"beat_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_when_every_check_passes(client):
    beat()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "broker", "worker", "calendar"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"] == "none: tasks run inline"


def test_the_scheduled_heartbeat_task_makes_the_workers_ready(client):
    assert client.get("/readyz").json()["failing"] == ["worker"]
    assert health.HEARTBEAT_TASK in SCHEDULE  # run by beat or by `aftersale scheduler`
    app.loader.import_default_modules()
    app.tasks[health.HEARTBEAT_TASK].apply()  # as the in-process scheduler runs it
    assert client.get("/readyz").status_code == 200


def test_a_stale_heartbeat_is_not_ready(client):
    interval = SCHEDULE[health.HEARTBEAT_TASK]
    beat(seconds_ago=health.HEARTBEAT_GRACE * interval - 5)
    assert client.get("/readyz").status_code == 200
    beat(seconds_ago=health.HEARTBEAT_GRACE * interval + 5)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert response.json()["checks"]["worker"]["detail"].startswith("last heartbeat")


def test_unapplied_migrations_are_not_ready(client):
    beat()
    [(app_label, name)] = MigrationLoader(None).graph.leaf_nodes("sla")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app_label, name])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == {"ok": False, "detail": "1 unapplied"}


def test_an_unreachable_broker_is_named_without_its_url(client, settings):
    beat()
    settings.CELERY_BROKER_URL = "redis://:s3cret-pass@127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["checks"]["broker"] == {"ok": False, "detail": "error: ConnectionError"}
    assert b"s3cret" not in response.content and b"127.0.0.1" not in response.content


@pytest.mark.services
def test_a_reachable_redis_broker_is_ready(client, settings):
    beat()
    settings.CELERY_BROKER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == {"ok": True, "detail": "redis"}


def test_next_years_holidays_missing_is_a_warning_not_a_failure(client):
    beat()
    next_year = timezone.localdate().year + 1
    HolidayOverride.objects.filter(day__year=next_year).delete()
    if year_is_known(next_year, {}):
        pytest.skip("chinesecalendar already knows next year")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["calendar"]["warning"] == f"holidays of {next_year} unknown"

    HolidayOverride.objects.create(day=date(next_year, 1, 1), is_workday=False, note="元旦")
    calendar = client.get("/readyz").json()["checks"]["calendar"]
    assert calendar == {"ok": True, "detail": f"{next_year - 1} and {next_year} known"}


def test_this_years_holidays_missing_is_not_ready(client):
    with time_machine.travel("2031-06-01 10:00 +08:00"):
        beat()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["calendar"]
        assert response.json()["checks"]["calendar"]["detail"] == "holidays of 2031 unknown"

        HolidayOverride.objects.create(day=date(2031, 10, 1), is_workday=False, note="国庆节")
        assert client.get("/readyz").status_code == 200


def test_readiness_output_carries_no_personal_data_or_settings(client, people):
    beat()
    content = client.get("/readyz").content.decode()
    for secret in (people.customer.phone, people.customer.name, "SECRET", "postgres://", "sqlite:///"):
        assert secret not in content
