"""A real Celery worker on Redis escalates a breached case (needs PostgreSQL and Redis)."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from celery import Celery
from django.conf import settings
from django.utils import timezone

from aftersale.cases.models import CaseEvent
from tests.conftest import make_case

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker():
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": BROKER}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "aftersale",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_worker_escalates_a_breached_case(order, people, worker):
    with time_machine.travel(timezone.now() - timedelta(hours=30), tick=False):
        case = make_case(order, people.agent, lines=[], resolution="compensation")
    sender = Celery(broker=BROKER)
    sender.send_task("aftersale.sla.sweep")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if CaseEvent.objects.filter(case=case, kind="case.escalated").exists():
            break
        if worker.poll() is not None:
            pytest.fail(f"worker exited: {worker.stdout.read()}")
        time.sleep(0.5)
    escalated = CaseEvent.objects.filter(case=case, kind="case.escalated").first()
    assert escalated is not None, "the worker did not escalate the case"
    assert escalated.payload["to"] == "team_lead"
