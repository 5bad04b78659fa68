"""The notification outbox: delivery throughput to a local SMTP server with one and two workers
(exactly once), and what the notification handlers add to a case create.

    .venv/bin/python bench/outbox_delivery.py [--mails 4000] [--cases 300]

Builds the bench database on the local PostgreSQL (bench/common.py), queues `--mails` e-mails in the
outbox with SQL, starts an SMTP server on 127.0.0.1 (aiosmtpd, from the test extra) and delivers
them with `outbox_deliver`: half with one worker, half with two concurrent workers (threads, each
with its own database connection; claims with SELECT … FOR UPDATE SKIP LOCKED). Checks that the
server received every mail exactly once. Then times `case_create` in this process with the
channels handlers registered and without them.
Targets: ≥ 100 mails/s with two workers; notifications add < 5 ms to a case create.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


class Sink:
    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received = 0
        self.recipients: dict[str, int] = {}
        self.lock = threading.Lock()
        self.port = common.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            self.received += 1
            for rcpt in envelope.rcpt_tos:
                self.recipients[rcpt] = self.recipients.get(rcpt, 0) + 1
        return "250 OK"


def queue_mails(first: int, count: int) -> None:
    common.sql(
        f"""INSERT INTO channels_outboxmessage (channel, topic, recipient, subject, body, payload, status, attempts,
               max_attempts, next_attempt_at, claim, last_error, created_at)
           SELECT 'email', 'request_received', 'c' || g || '@example.com', '已收到您的售后申请 AS' || g,
                  '您的售后申请已受理。', '{{}}', 'pending', 0, 8, now(), '', '', now()
           FROM generate_series({first}, {first + count - 1}) g"""
    )


def deliver(workers: int) -> float:
    from django.db import connection

    from aftersale.channels.outbox import outbox_deliver

    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            outbox_deliver(batch=50)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def fill_orders(count: int) -> None:
    common.sql(
        [
            "INSERT INTO catalog_product (sku, name, category, is_custom_made, is_perishable, is_digital_unsealed, "
            "is_periodical, confirm_at_checkout, warranty_months) VALUES ('OB-1', '电热水壶', 'appliance', "
            "false, false, false, false, false, 12)",
            f"""INSERT INTO catalog_customer (name, phone, tier, is_vip, language, created_at)
               SELECT '顾客' || g, '136' || lpad(g::text, 8, '0'), 'regular', false, '', now()
               FROM generate_series(1, {count}) g""",
            f"""INSERT INTO catalog_order (order_no, channel, store, customer_id, payment_method, payment_ref,
                   goods_amount, discount_amount, shipping_fee, paid_amount, gifts, created_at, updated_at,
                   paid_at, signed_at)
               SELECT 'OB' || g, 'platform', '', c.id, 'alipay', '', 199, 0, 0, 199, '[]', now(), now(),
                      now() - interval '3 days', now() - interval '1 day'
               FROM generate_series(1, {count}) g JOIN catalog_customer c ON c.phone = '136' || lpad(g::text, 8, '0')""",
            """INSERT INTO catalog_orderline (order_id, line_no, product_id, quantity, unit_price, batch_no, serial_no,
                   no_return_confirmed)
               SELECT o.id, 1, p.id, 1, 199, '', '', false FROM catalog_order o, catalog_product p
               WHERE o.order_no LIKE 'OB%' AND p.sku = 'OB-1'""",
            "ANALYZE",
        ]
    )


def time_creates(numbers: range, actor) -> list[float]:
    from aftersale.cases.identity import IdentityClaim
    from aftersale.cases.services import CaseLineIn, case_create

    took = []
    for i in numbers:
        started = time.perf_counter()
        case_create(
            actor=actor,
            claim=IdentityClaim(order_no=f"OB{i}", phone=f"136{i:08d}"),
            case_type="after_sales",
            category_code="quality_fault",
            resolution="return_refund",
            description="开机后有异响",
            channel="platform",
            lines=[CaseLineIn(1, 1)],
        )
        took.append((time.perf_counter() - started) * 1000)
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=4000)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    failures: list[str] = []
    common.database_create()
    common.migrate()
    common.django_setup()
    from django.conf import settings

    from aftersale.channels.models import DeliveryAttempt, OutboxMessage

    sink = Sink()
    sink.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    print(common.machine_line())
    half = args.mails // 2
    rows = []
    for workers, first in ((1, 1), (2, half + 1)):
        queue_mails(first, half)
        seconds = deliver(workers)
        rows.append([workers, half, round(seconds, 2), round(half / seconds, 1)])
    sink.controller.stop()
    common.print_table(
        "outbox e-mail delivery to a local SMTP server", ["workers", "mails", "s", "mails/s"], rows
    )
    total = 2 * half
    duplicates = sum(n - 1 for n in sink.recipients.values() if n > 1)
    sent = OutboxMessage.objects.filter(status="sent").count()
    print(
        f"  received {sink.received:,} of {total:,}; duplicates {duplicates}; rows sent {sent:,}; "
        f"attempts logged {DeliveryAttempt.objects.count():,}"
    )
    common.check(
        sink.received == total and duplicates == 0 and sent == total,
        "every mail delivered exactly once",
        failures,
    )
    common.check(rows[1][3] >= 100, f"two workers deliver ≥ 100 mails/s (got {rows[1][3]})", failures)

    fill_orders(2 * args.cases + 20)
    from aftersale.common import events
    from aftersale.common.models import User
    from aftersale.common.roles import Role

    actor = User.objects.create(username="bench-admin", role=Role.ADMIN)
    time_creates(range(2 * args.cases + 1, 2 * args.cases + 21), actor)  # warm-up
    with_handlers = time_creates(range(1, args.cases + 1), actor)
    saved = {kind: list(hs) for kind, hs in events._handlers.items()}
    saved_many = {kind: list(hs) for kind, hs in events._batch_handlers.items()}
    for table in (events._handlers, events._batch_handlers):
        for kind in table:
            table[kind] = [h for h in table[kind] if not h.__module__.startswith("aftersale.channels")]
    without = time_creates(range(args.cases + 1, 2 * args.cases + 1), actor)
    events._handlers.update(saved)
    events._batch_handlers.update(saved_many)
    median_with, median_without = statistics.median(with_handlers), statistics.median(without)
    common.print_table(
        "case_create in process (ms)",
        ["", "cases", "median", "p90"],
        [
            [
                "with channels handlers",
                len(with_handlers),
                round(median_with, 2),
                round(sorted(with_handlers)[int(len(with_handlers) * 0.9)], 2),
            ],
            [
                "without",
                len(without),
                round(median_without, 2),
                round(sorted(without)[int(len(without) * 0.9)], 2),
            ],
        ],
    )
    common.check(median_with - median_without < 5, "notifications add < 5 ms to a case create", failures)
    from django.db import connections

    connections.close_all()
    common.database_drop()
    return common.finish(failures)


if __name__ == "__main__":
    raise SystemExit(main())
