"""A real Celery worker on Redis escalates a breached case (needs PostgreSQL and Redis)."""

import time
from datetime import timedelta

import pytest
import time_machine
from celery import Celery
from django.utils import timezone

from aftersale.cases.models import CaseEvent
from tests.celery_worker import BROKER, celery_worker
from tests.conftest import make_case

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker():
    with celery_worker() as process:
        yield process


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
