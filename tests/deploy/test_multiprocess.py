"""The production layout (docs/deploy.md) for real on loopback: two gunicorn web processes, two
Celery workers and one beat on a PostgreSQL database and a Redis DB of their own.

- cases created through either web process are one system: each is seen through the other;
- SLA clocks planted already due are escalated by beat + workers exactly once, however many
  sweeps run at once;
- a worker SIGKILLed in the middle of a slow outbox delivery: its task (acknowledged late) is
  handed to the other worker once the broker's visibility timeout passes, and the other worker
  delivers every webhook.
"""

from __future__ import annotations

import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import psycopg
import pytest

from aftersale.channels.signing import EVENT_ID_HEADER
from tests.fakes.http import LocalHttpServer

from .layout import POSTGRES, Layout

pytestmark = [pytest.mark.services, pytest.mark.postgres]

DATABASE = "aftersale_deploy_test"
REDIS = os.environ.get("DEPLOY_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
VISIBILITY_TIMEOUT = 12  # seconds before a dead worker's task goes to another: past LEASE
LEASE = 10  # seconds an outbox claim lasts
DELIVERY_SECONDS = 1.0  # how long the slow webhook receiver takes to answer


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    deployment = Layout(
        database=DATABASE,
        redis_url=REDIS,
        data_dir=Path(tmp_path_factory.mktemp("deploy")),
        env={
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_RESTORE_CHECK_SECONDS": "2",
            "OUTBOX_LEASE_SECONDS": str(LEASE),
        },
    )
    print(f"layout logs: {deployment.data_dir / 'logs'}")
    with deployment:
        deployment.prepare()
        deployment.people = deployment.seed(agents=2, customers=6, orders_per_customer=5)
        deployment.start()
        yield deployment


def sql(query: str, params: list | tuple = ()) -> list[tuple]:
    with psycopg.connect(f"{POSTGRES}/{DATABASE}", autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def client(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def wait_for(condition, *, timeout: float, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout} s waiting for {what() if callable(what) else what}")


def case_body(order_no: str, phone: str | None = None) -> dict:
    body = {
        "order_no": order_no,
        "case_type": "after_sales",
        "category": "quality_fault",
        "resolution": "return_refund",
        "description": "开机后有异响，无法正常使用",
        "channel": "api",
        "lines": [{"line_no": 1, "quantity": 1}],
    }
    return {**body, "phone": phone} if phone else body


def create_cases(layout, count: int, *, first_order: int) -> list[str]:
    """`count` cases, taken in alternately by the two web processes, by agents and customers."""
    people = layout.people
    numbers = []
    for i in range(count):
        customer = people["customers"][i % len(people["customers"])]
        order_no = customer["orders"][first_order + i // len(people["customers"])]
        url = layout.urls[i % 2]
        if i % 3 == 0:  # the customer's own request, with the customer's token
            with client(url, customer["token"]) as api:
                answer = api.post("/cases", json=case_body(order_no))
        else:
            with client(url, people["agents"][i % 2]["token"]) as api:
                answer = api.post("/cases", json=case_body(order_no, customer["phone"]))
        assert answer.status_code == 201, answer.text
        numbers.append(answer.json()["number"])
    return numbers


def plant_due_clocks(numbers: list[str]) -> list[int]:
    """Put every running first-response clock of these cases an hour past due."""
    rows = sql(
        """UPDATE sla_clock SET started_at = now() - interval '2 hours', due_at = now() - interval '1 hour',
               next_action_at = now() - interval '1 hour'
           WHERE state = 'running' AND kind = 'first_response'
             AND case_id IN (SELECT id FROM cases_case WHERE number = ANY(%s))
           RETURNING id""",
        [numbers],
    )
    return [row[0] for row in rows]


def breach_events(numbers: list[str]) -> dict[str, int]:
    rows = sql(
        """SELECT c.number, count(*) FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
           WHERE e.kind = 'case.escalated' AND c.number = ANY(%s) GROUP BY c.number""",
        [numbers],
    )
    return dict(rows)


def task_lines(layout, task: str, outcome: str) -> list[str]:
    """Ids of `task` the workers logged as `outcome` (received / succeeded)."""
    pattern = re.compile(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] {outcome}")
    workers = [p for p in layout.processes if p.name.startswith("worker")]
    return [m.group(1) for p in workers for m in pattern.finditer(p.output())]


def send_task(layout, name: str) -> None:
    from celery import Celery

    producer = Celery(broker=layout.redis_url)
    try:
        producer.send_task(name)
    finally:
        producer.close()


def test_cases_through_either_web_process_are_one_system(layout):
    numbers = create_cases(layout, 6, first_order=0)

    assert len(set(numbers)) == 6
    for i, number in enumerate(numbers):
        other = layout.urls[(i + 1) % 2]  # read through the process that did not take it in
        with client(other, layout.people["agents"][0]["token"]) as api:
            answer = api.get(f"/cases/{number}")
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "new"
    customer = layout.people["customers"][0]
    with client(layout.urls[1], customer["token"]) as api:
        own = {item["number"] for item in api.get("/cases").json()["items"]}
    assert numbers[0] in own and numbers[1] not in own  # case 1 is another customer's
    created = sql("SELECT count(*) FROM cases_case WHERE number = ANY(%s)", [numbers])[0][0]
    assert created == 6


def test_due_clocks_escalated_exactly_once_by_beat_and_workers(layout):
    numbers = create_cases(layout, 8, first_order=1)
    clocks = plant_due_clocks(numbers)
    assert len(clocks) == 8
    sweeps_before = len(task_lines(layout, "aftersale.sla.sweep", "succeeded"))

    for _ in range(3):  # sweeps running at the same time on both workers, besides beat's
        send_task(layout, "aftersale.sla.sweep")
    wait_for(lambda: len(breach_events(numbers)) == 8, timeout=60, what="every planted clock escalated")
    # And at least one sweep sent by beat has run since: nothing is escalated a second time.
    wait_for(
        lambda: len(task_lines(layout, "aftersale.sla.sweep", "succeeded")) >= sweeps_before + 4,
        timeout=60,
        what="beat's next sweep",
    )

    assert breach_events(numbers) == dict.fromkeys(numbers, 1)
    alerts = sql(
        """SELECT c.number, a.recipient_id, count(*) FROM sla_alert a JOIN cases_case c ON c.id = a.case_id
           WHERE a.kind = 'breached' AND c.number = ANY(%s) GROUP BY 1, 2""",
        [numbers],
    )
    assert {number for number, _, _ in alerts} == set(numbers)  # someone up the chain was told …
    assert {count for _, _, count in alerts} == {1}  # … once
    states = sql(
        "SELECT breached_at IS NOT NULL, escalation_level, next_action_at > now() + interval '30 minutes'"
        " FROM sla_clock WHERE id = ANY(%s)",
        [clocks],
    )
    assert states == [(True, 1, True)] * 8  # the next rung is due a target later, not now


class SlowReceiver(LocalHttpServer):
    """A webhook subscriber that takes DELIVERY_SECONDS per call and notes every delivery id."""

    path = "/hooks/aftersale"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.in_flight = 0
        self.lock = threading.Lock()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.in_flight += 1
                    receiver.seen.append(self.headers[EVENT_ID_HEADER])
                try:
                    time.sleep(DELIVERY_SECONDS)
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the worker that called died meanwhile
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

            def log_message(self, *args) -> None:
                pass

        return Handler


def test_killed_worker_task_is_redone_by_the_other(layout):
    with SlowReceiver() as receiver:
        with client(layout.urls[0], layout.people["admin"]) as api:
            answer = api.post(
                "/webhooks/subscriptions",
                json={"name": "slow", "url": receiver.url, "secret": "s" * 32, "events": ["case.escalated"]},
            )
        assert answer.status_code == 201, answer.text
        numbers = create_cases(layout, 12, first_order=3)
        plant_due_clocks(numbers)
        delivering_before = set(task_lines(layout, "aftersale.channels.deliver_outbox", "received"))
        send_task(layout, "aftersale.sla.sweep")  # one sweep: 12 escalations, 12 webhooks, one kick

        # The sweep's kick is taken by one worker, which claims all 12 and sends them one by one.
        wait_for(lambda: len(receiver.seen) >= 2 and receiver.in_flight, timeout=60, what="slow deliveries")
        victim, task_id = wait_for(
            lambda: _delivering(layout, delivering_before), timeout=10, what="the one worker delivering"
        )
        layout.process(victim).kill()
        survivor = layout.process("worker2" if victim == "worker1" else "worker1")
        sent_before_kill = set(receiver.seen)

        ids = {
            row[0]
            for row in sql(
                "SELECT id FROM channels_outboxmessage WHERE channel = 'webhook' AND topic = 'case.escalated'"
            )
        }
        assert len(ids) == 12
        wait_for(
            lambda: _statuses(ids) == {"sent": 12},
            timeout=90,
            what=lambda: (
                f"every webhook sent by the surviving worker: {_statuses(ids)}\n{survivor.output()[-4000:]}"
            ),
        )
        # The killed worker's task itself went to the survivor after the visibility timeout.
        wait_for(
            lambda: f"deliver_outbox[{task_id}] succeeded" in survivor.output(),
            timeout=60,
            what=f"task {task_id} redone by {survivor.name}",
        )

    assert {f"delivery-{pk}" for pk in ids} == set(receiver.seen)
    # At least once: what the killed worker had sent but not yet recorded is sent again; the rest once.
    for delivery in set(receiver.seen):
        assert receiver.seen.count(delivery) == (2 if delivery in sent_before_kill else 1), delivery
    assert not layout.process(victim).alive() and survivor.alive()


def _statuses(ids: set[int]) -> dict[str, int]:
    return dict(
        sql("SELECT status, count(*) FROM channels_outboxmessage WHERE id = ANY(%s) GROUP BY 1", [list(ids)])
    )


def _delivering(layout, earlier: set[str]) -> tuple[str, str] | None:
    """(worker, task id) when exactly one worker is running a delivery task begun after `earlier`."""
    busy = [
        (p.name, task_id)
        for p in layout.processes
        if p.name.startswith("worker")
        for task_id in _unfinished(p.output(), "aftersale.channels.deliver_outbox")
        if task_id not in earlier
    ]
    return busy[0] if len(busy) == 1 else None


def _unfinished(log: str, task: str) -> list[str]:
    received = re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log)
    done = set(re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] (?:succeeded|failed|raised)", log))
    return [task_id for task_id in received if task_id not in done]
