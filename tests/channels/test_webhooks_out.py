"""Outbound webhooks: subscribers get signed case events through the outbox, retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from aftersale.cases.services import case_transition
from aftersale.channels.models import OutboxMessage, OutboxStatus, WebhookSubscription
from aftersale.channels.outbox import outbox_deliver
from aftersale.channels.webhooks_out import webhook_subscribe
from aftersale.common.errors import DomainError, PermissionDenied
from tests.conftest import make_case

SECRET = "subscriber-secret-0123456789"


class Receiver:
    """A subscriber's endpoint on 127.0.0.1 that checks each call's signature as the docs say."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.bad_signatures = 0
        self.answers: deque[int] = deque()  # statuses to answer next (default 204)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/aftersale"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Aftersale-Timestamp"]
                digest = hmac.new(
                    SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                fresh = abs(time.time() - int(timestamp)) < 300
                if not (
                    fresh and hmac.compare_digest(f"sha256={digest}", self.headers["X-Aftersale-Signature"])
                ):
                    receiver.bad_signatures += 1
                    status = 401
                else:
                    status = receiver.answers.popleft() if receiver.answers else 204
                    if status < 300:
                        receiver.calls.append(
                            {
                                "topic": self.headers["X-Aftersale-Topic"],
                                "delivery": self.headers["X-Aftersale-Event-Id"],
                                "body": json.loads(body),
                            }
                        )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def __enter__(self) -> Receiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


def test_a_subscriber_gets_the_events_it_asked_for_signed(order, people, receiver):
    subscription = webhook_subscribe(
        actor=people.admin,
        name="ERP",
        url=receiver.url,
        secret=SECRET,
        events=["case.created", "case.transitioned"],
    )
    case = make_case(order, people.agent)
    case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
    queued = OutboxMessage.objects.filter(subscription=subscription).order_by("id")
    assert [m.topic for m in queued] == ["case.created", "case.transitioned"]  # not case.assigned etc.
    assert outbox_deliver(channels=["webhook"]).sent == 2
    assert receiver.bad_signatures == 0
    created, moved = receiver.calls
    assert created["topic"] == "case.created" and created["body"]["case"]["number"] == case.number
    assert created["body"]["case"]["order_no"] == order.order_no
    assert moved["body"]["from_status"] == "new" and moved["body"]["to_status"] == "under_review"
    assert created["body"]["id"].startswith("evt_") and created["delivery"] == f"delivery-{queued[0].pk}"


def test_wildcards_and_an_empty_filter(order, people, receiver):
    everything = webhook_subscribe(actor=people.admin, name="all", url=receiver.url, secret=SECRET, events=[])
    cases_only = webhook_subscribe(
        actor=people.admin, name="cases", url=receiver.url, secret=SECRET, events=["case.*"]
    )
    make_case(order, people.agent)
    all_topics = set(OutboxMessage.objects.filter(subscription=everything).values_list("topic", flat=True))
    case_topics = set(OutboxMessage.objects.filter(subscription=cases_only).values_list("topic", flat=True))
    assert "case.created" in case_topics and all(t.startswith("case.") for t in case_topics)
    assert case_topics <= all_topics


def test_a_failing_subscriber_is_retried_with_backoff_and_the_history_shows_it(order, people, receiver, api):
    subscription = webhook_subscribe(
        actor=people.admin, name="ERP", url=receiver.url, secret=SECRET, events=["case.created"]
    )
    receiver.answers.extend([503, 500])
    case = make_case(order, people.agent)
    case.refresh_from_db()
    assert case.status == "new"  # committed whatever the subscriber does
    now = timezone.now()
    delays = []
    for _ in range(2):
        assert outbox_deliver(now=now, channels=["webhook"]).retried == 1
        message = OutboxMessage.objects.get(subscription=subscription)
        delays.append((message.next_attempt_at - now).total_seconds())
        now = message.next_attempt_at + timedelta(seconds=1)
    assert delays[1] > delays[0] * 1.8  # 30 s, then 60 s
    assert outbox_deliver(now=now, channels=["webhook"]).sent == 1
    assert len(receiver.calls) == 1
    history = api(people.admin).get(f"/webhooks/subscriptions/{subscription.pk}/deliveries").json()
    assert history[0]["status"] == "sent" and history[0]["case"] == case.number
    assert [(a["ok"], a["status_code"]) for a in history[0]["log"]] == [
        (False, 503),
        (False, 500),
        (True, 204),
    ]


def test_an_unreachable_subscriber_does_not_hold_up_the_case(order, people):
    webhook_subscribe(
        actor=people.admin, name="gone", url="http://127.0.0.1:9/nothing", secret=SECRET, events=[]
    )
    case = make_case(order, people.agent)
    assert outbox_deliver(channels=["webhook"]).retried >= 1
    assert OutboxMessage.objects.filter(channel="webhook", status=OutboxStatus.PENDING).exists()
    case.refresh_from_db()
    assert case.number


def test_a_410_gone_stops_the_retries(order, people, receiver):
    subscription = webhook_subscribe(
        actor=people.admin, name="ERP", url=receiver.url, secret=SECRET, events=["case.created"]
    )
    receiver.answers.append(410)
    make_case(order, people.agent)
    assert outbox_deliver(channels=["webhook"]).failed == 1
    assert OutboxMessage.objects.get(subscription=subscription).status == OutboxStatus.FAILED


def test_subscriptions_through_the_api(people, api, receiver):
    admin = api(people.admin)
    created = admin.post(
        "/webhooks/subscriptions",
        {"name": "ERP", "url": receiver.url, "secret": SECRET, "events": ["refund.*"]},
    )
    assert created.status_code == 201 and created.json()["events"] == ["refund.*"]
    assert "secret" not in created.json()
    assert [s["name"] for s in admin.get("/webhooks/subscriptions").json()] == ["ERP"]
    refused = admin.post("/webhooks/subscriptions", {"name": "x", "url": "ftp://x", "secret": "short"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "url"
    assert api(people.agent).get("/webhooks/subscriptions").status_code == 403
    assert admin.get("/webhooks/subscriptions/999/deliveries").status_code == 404


def test_only_admins_and_directors_subscribe(people):
    with pytest.raises(PermissionDenied):
        webhook_subscribe(actor=people.agent, name="x", url="https://x.example", secret=SECRET, events=[])
    with pytest.raises(DomainError) as short:
        webhook_subscribe(actor=people.director, name="x", url="https://x.example", secret="short", events=[])
    assert short.value.errors[0].field == "secret"
    assert not WebhookSubscription.objects.exists()


def test_events_recorded_in_bulk_reach_subscribers_and_keep_the_fast_path_without_any(
    order, people, receiver
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from aftersale.cases.services import case_assign
    from aftersale.common import events
    from aftersale.sla.sweeper import sweep

    assert not events.has_handlers("*")  # nobody subscribes: the sweep inserts its events in bulk
    webhook_subscribe(
        actor=people.admin, name="BI", url=receiver.url, secret=SECRET, events=["case.escalated"]
    )
    assert events.has_handlers("*")
    t0 = datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(t0, tick=False):
        case = make_case(order, people.agent, category_code="not_as_described")
        case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)
    with time_machine.travel(t0 + timedelta(minutes=31), tick=False):
        sweep()
    queued = OutboxMessage.objects.get(channel="webhook")
    assert queued.topic == "case.escalated" and queued.payload["case"]["number"] == case.number
    assert queued.payload["data"]["breach"] is True and queued.event_id is not None
    assert outbox_deliver(channels=["webhook"]).sent == 1
    assert receiver.calls[0]["body"]["type"] == "case.escalated"
