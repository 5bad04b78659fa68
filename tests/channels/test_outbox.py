"""The notification outbox: written with the case change, delivered later, retried, exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.channels.models import DeliveryAttempt, Notification, OutboxMessage, OutboxStatus
from aftersale.channels.outbox import outbox_add, outbox_deliver, retry_delay
from tests.conftest import make_case
from tests.factories import UserFactory
from tests.fakes.smtp import FakeSmtpServer


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on a port of its own, not yet listening (the mail server is down)."""
    server = FakeSmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def customer_email(people):
    people.customer_user.email = "xiaoming@example.com"
    people.customer_user.save(update_fields=["email"])
    return people.customer_user.email


def test_the_case_change_writes_its_notifications_in_the_same_transaction(order, people):
    case = make_case(order, people.agent)
    note = Notification.objects.get(customer=people.customer, topic="request_received")
    assert note.case_id == case.pk and note.context["number"] == case.number
    sms = OutboxMessage.objects.get(channel="sms", case=case)
    assert sms.recipient == people.customer.phone and case.number in sms.body
    assert sms.status == OutboxStatus.PENDING and sms.event.kind == "case.created"


def test_a_rolled_back_change_leaves_no_notification(order, people):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(order, people.agent)
        raise RuntimeError("the intake failed after the case was written")
    assert not Case.objects.exists()
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()


def test_mail_server_down_the_case_change_stands_and_the_mail_is_retried_later(
    order, people, customer_email, mail_server
):
    case = make_case(order, people.agent)
    mail = OutboxMessage.objects.get(channel="email", case=case)
    assert mail.recipient == customer_email

    start = timezone.now()
    report = outbox_deliver(now=start, channels=["email"])
    assert report.retried == 1 and report.sent == 0
    mail.refresh_from_db()
    assert mail.status == OutboxStatus.PENDING and mail.attempts == 1
    assert "Connection refused" in mail.last_error or "ConnectionRefused" in mail.last_error
    assert mail.next_attempt_at >= start + retry_delay(1) - timedelta(seconds=1)
    case.refresh_from_db()
    assert case.status == "new" and case.version == 1  # the case change is untouched
    assert DeliveryAttempt.objects.get(message=mail).ok is False

    mail_server.start()
    assert outbox_deliver(now=start + timedelta(seconds=5), channels=["email"]).sent == 0  # not due yet
    report = outbox_deliver(now=mail.next_attempt_at + timedelta(seconds=1), channels=["email"])
    assert report.sent == 1
    mail.refresh_from_db()
    assert mail.status == OutboxStatus.SENT and mail.attempts == 2 and mail.sent_at is not None
    assert [a.ok for a in mail.log.order_by("number")] == [False, True]
    assert len(mail_server.received) == 1
    recipients, message = mail_server.received[0]
    assert recipients == [customer_email]
    assert case.number in message["Subject"] and case.number in message.get_content()
    # Later passes send nothing again.
    assert outbox_deliver(now=timezone.now() + timedelta(days=1), channels=["email"]).sent == 0
    assert len(mail_server.received) == 1


def test_backoff_doubles_up_to_a_ceiling_and_gives_up_after_the_last_attempt(
    order, people, customer_email, mail_server, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    settings.OUTBOX_RETRY_MAX_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in range(1, 6)] == [10, 20, 40, 60, 60]
    make_case(order, people.agent)
    mail = OutboxMessage.objects.get(channel="email")
    OutboxMessage.objects.filter(pk=mail.pk).update(max_attempts=3)
    now = timezone.now()
    for _attempt in range(3):
        outbox_deliver(now=now, channels=["email"])
        mail.refresh_from_db()
        now = mail.next_attempt_at + timedelta(seconds=1)
    assert mail.status == OutboxStatus.FAILED and mail.attempts == 3
    assert mail.log.count() == 3


def test_sms_goes_through_the_console_backend_by_default(order, people, caplog):
    make_case(order, people.agent)
    with caplog.at_level("INFO", logger="aftersale.sms"):
        assert outbox_deliver(channels=["sms"]).sent == 1
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_deliverers_send_each_mail_exactly_once(people, customer_email, mail_server):
    from tests.factories import OrderFactory, OrderLineFactory

    cases = []
    for _ in range(12):
        line = OrderLineFactory(order=OrderFactory(customer=people.customer), line_no=1, quantity=1)
        cases.append(make_case(line.order, people.agent))
    start = timezone.now()
    assert outbox_deliver(now=start, channels=["email"]).retried == 12  # mail server down
    mail_server.start()
    later = start + timedelta(hours=1)
    barrier = threading.Barrier(2)
    reports = []

    def deliverer():
        try:
            barrier.wait()
            reports.append(outbox_deliver(now=later, batch=2, channels=["email"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r.sent for r in reports) == 12
    assert all(r.sent for r in reports), "both deliverers took part"
    sent_ids = [i for r in reports for i in r.ids]
    assert len(sent_ids) == len(set(sent_ids)) == 12
    assert len(mail_server.received) == 12
    subjects = sorted(str(m["Subject"]) for _rcpt, m in mail_server.received)
    assert len(set(subjects)) == 12 and all(any(c.number in s for s in subjects) for c in cases)
    assert set(OutboxMessage.objects.filter(channel="email").values_list("status", flat=True)) == {"sent"}
    assert DeliveryAttempt.objects.filter(ok=True).filter(message__channel="email").count() == 12


def test_with_a_broker_each_transaction_queues_one_delivery_run(
    order, people, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/9"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from django.db import transaction

        with transaction.atomic():
            for n in range(3):
                outbox_add(channel="sms", topic="request_received", recipient="13812345678", body=f"#{n}")
    assert [c.__name__ for c in callbacks].count("_kick") == 1


def test_a_claim_without_enough_lease_left_is_handed_back_unsent(order, people, customer_email, mail_server):
    mail_server.start()
    make_case(order, people.agent)
    # A worker whose clock says it claimed 14 minutes ago has one minute of its 15-minute lease left.
    report = outbox_deliver(now=timezone.now() - timedelta(minutes=14), channels=["email"])
    assert (report.sent, report.retried) == (0, 0) and not mail_server.received
    mail = OutboxMessage.objects.get(channel="email")
    assert (mail.status, mail.attempts, mail.claim) == (OutboxStatus.PENDING, 0, "")
    assert outbox_deliver(channels=["email"]).sent == 1 and len(mail_server.received) == 1


def test_an_operator_puts_a_failed_message_back(order, people, customer_email, mail_server, client):
    make_case(order, people.agent)
    mail = OutboxMessage.objects.get(channel="email")
    OutboxMessage.objects.filter(pk=mail.pk).update(max_attempts=1)
    outbox_deliver(channels=["email"])
    mail.refresh_from_db()
    assert mail.status == OutboxStatus.FAILED
    client.force_login(UserFactory(username="operator", role="admin", is_staff=True, is_superuser=True))
    answer = client.post(
        "/admin/channels/outboxmessage/", {"action": "retry_now", "_selected_action": [mail.pk]}
    )
    assert answer.status_code == 302, answer.content
    mail.refresh_from_db()
    assert mail.status == OutboxStatus.PENDING
    mail_server.start()
    assert outbox_deliver(channels=["email"]).sent == 1


def test_staff_see_what_was_sent_about_a_case_masked(order, people, customer_email, mail_server, api):
    mail_server.start()
    case = make_case(order, people.agent)
    outbox_deliver()
    rows = api(people.agent).get(f"/cases/{case.number}/deliveries").json()
    assert {(r["channel"], r["topic"], r["status"]) for r in rows} == {
        ("sms", "request_received", "sent"),
        ("email", "request_received", "sent"),
    }
    assert {r["recipient"] for r in rows} == {"138****5678", "x***@example.com"}
    assert api(people.customer_user).get(f"/cases/{case.number}/deliveries").status_code == 403
    assert (
        api(people.warehouse).get(f"/cases/{case.number}/deliveries").status_code == 404
    )  # not routed to them
