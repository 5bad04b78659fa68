"""A real Celery worker on Redis delivers the outbox (needs PostgreSQL and Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from celery import Celery
from django.conf import settings

from aftersale.channels.models import OutboxMessage, OutboxStatus
from tests.conftest import make_case
from tests.fakes.smtp import FakeSmtpServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def mail_server():
    with FakeSmtpServer() as server:
        yield server


@pytest.fixture
def worker(mail_server):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_server.port),
    }
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


def test_a_worker_delivers_queued_mail(order, people, mail_server, worker):
    people.customer_user.email = "xiaoming@example.com"
    people.customer_user.save(update_fields=["email"])
    case = make_case(order, people.agent)
    Celery(broker=BROKER).send_task("aftersale.channels.deliver_outbox")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not mail_server.received:
        if worker.poll() is not None:
            pytest.fail(f"worker exited: {worker.stdout.read()}")
        time.sleep(0.5)
    assert len(mail_server.received) == 1, "the worker did not deliver the mail"
    assert case.number in mail_server.received[0][1]["Subject"]
    deadline = time.monotonic() + 10
    mail = OutboxMessage.objects.get(channel="email", case=case)
    while mail.status != OutboxStatus.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
        mail.refresh_from_db()
    assert mail.status == OutboxStatus.SENT
