"""A real Celery worker on Redis: its heartbeat makes /readyz ready, and its task lines are JSON with
the task id (needs PostgreSQL and Redis)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from celery import Celery

from aftersale.common.health import HEARTBEAT_TASK, WORKER_HEARTBEAT
from aftersale.common.models import Heartbeat
from tests.celery_worker import BROKER, database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_worker_running_the_heartbeat_makes_the_instance_ready(client, settings):
    settings.CELERY_BROKER_URL = BROKER
    Heartbeat.objects.all().delete()
    assert client.get("/readyz").json()["failing"] == ["worker"]

    # As tests.celery_worker starts one, but at INFO: the lines of each task run are what we look at.
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "aftersale", "worker", "--pool=solo", "--loglevel=INFO"]
        + ["--without-heartbeat", "--without-gossip", "--without-mingle"],
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER, "LOG_FORMAT": "json"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        task_id = Celery(broker=BROKER).send_task(HEARTBEAT_TASK).id  # as beat sends it
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Heartbeat.objects.filter(name=WORKER_HEARTBEAT).exists():
            if worker.poll() is not None:
                pytest.fail(f"worker exited: {worker.stdout.read()}")
            time.sleep(0.5)
        response = client.get("/readyz")
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=20)

    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == {"ok": True, "detail": "redis"}
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    traced = [line for line in lines if line.get("task_id") == task_id]
    assert traced, output
    assert all(line["task"] == HEARTBEAT_TASK and line["level"] for line in traced)
