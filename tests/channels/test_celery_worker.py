"""A real Celery worker on Redis delivers the outbox (needs PostgreSQL and Redis)."""

from __future__ import annotations

import time

import pytest
from celery import Celery

from aftersale.channels.models import OutboxMessage, OutboxStatus
from tests.celery_worker import BROKER, celery_worker
from tests.conftest import make_case
from tests.fakes.smtp import FakeSmtpServer

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def mail_server():
    with FakeSmtpServer() as server:
        yield server


@pytest.fixture
def worker(mail_server):
    with celery_worker(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mail_server.port)) as process:
        yield process


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
