"""The console's case page for a long case: 200 events and 50 messages, rendered on PostgreSQL.

    .venv/bin/python bench/case_page.py [--runs 60] [--keep-db]

Builds the case through the services (so every event, clock and handler is real): 50 messages from
the customer and the agent, then reassignments and priority changes until the case holds 200
events. Then it renders GET /console/cases/<number>/ in this process with Django's test client as
the assigned agent, `--runs` times after 5 unmeasured warm-up renders, and times the whole request
(middleware, session, view, template); "cpu p50" is this process's CPU time alone (the database
server's work not included), a figure the machine's other load disturbs less. The customer's progress page of the same case is timed too.

Target: p50 < 200 ms for the console case page. The p99 is printed too, with the load average: on a
small shared machine it is the neighbours' load more than the page.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("BENCH_DB", "aftersale_bench_case_page")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_P50_MS = 200.0
MESSAGES, EVENTS = 50, 200


def case_build():
    """A case with MESSAGES messages and at least EVENTS events, and the agent handling it."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from aftersale.cases.identity import IdentityClaim
    from aftersale.cases.models import CaseEvent
    from aftersale.cases.services import CaseLineIn, case_assign, case_create, case_update, message_add
    from aftersale.catalog.models import Customer, Order, OrderLine, Product
    from aftersale.common.models import Team, User
    from aftersale.common.roles import Role

    team = Team.objects.create(name="压测一组")
    lead = User.objects.create(username="bench_lead", role=Role.TEAM_LEAD, display_name="组长", team=team)
    team.lead = lead
    team.save()
    agents = [
        User.objects.create(username=f"bench_agent{i}", role=Role.AGENT, display_name=f"客服{i}", team=team)
        for i in (1, 2)
    ]
    customer_user = User.objects.create(username="bench_customer", role=Role.CUSTOMER, display_name="张小明")
    customer = Customer.objects.create(name="张小明", phone="13812345678", user=customer_user)
    now = timezone.now()
    order = Order.objects.create(
        order_no="BENCH0000001",
        channel="platform",
        store="官方旗舰店",
        customer=customer,
        paid_at=now - timedelta(days=5),
        shipped_at=now - timedelta(days=4),
        signed_at=now - timedelta(days=2),
        payment_method="alipay",
        payment_ref="2026000000000001",
        goods_amount=Decimal("399.00"),
        paid_amount=Decimal("399.00"),
    )
    product = Product.objects.create(sku="SKU-BENCH", name="空气炸锅 Pro", category="appliance")
    OrderLine.objects.create(
        order=order, line_no=1, product=product, quantity=1, unit_price=Decimal("399.00"), serial_no="SN1"
    )
    case = case_create(
        actor=agents[0],
        claim=IdentityClaim(order_no=order.order_no, phone=customer.phone),
        case_type="after_sales",
        category_code="quality_fault",
        resolution="return_refund",
        description="开机后有异响，无法正常使用，希望退货退款",
        channel="platform",
        lines=[CaseLineIn(1, 1)],
    )
    case = case_assign(case=case, actor=lead, version=case.version, assignee=agents[0])
    for i in range(MESSAGES):
        author = customer_user if i % 2 else agents[0]
        message_add(case=case, actor=author, body=f"第 {i + 1} 条留言：关于异响的补充说明和处理进展。" * 3)
        case.refresh_from_db()
    flip = 0
    while CaseEvent.objects.filter(case=case).count() < EVENTS:
        case.refresh_from_db()
        if flip % 2:
            case_update(case=case, actor=lead, version=case.version, priority="P1" if flip % 4 == 1 else "P2")
        else:
            case_assign(case=case, actor=lead, version=case.version, assignee=agents[(flip // 2) % 2])
        flip += 1
    case.refresh_from_db()
    return case, User.objects.get(pk=case.assignee_id), customer_user


def timed(client, path: str, runs: int) -> tuple[list[float], list[float], int, int]:
    """Sorted render times and this process's CPU times in ms, the response size and the queries
    of one render."""
    from django.db import connection

    for _ in range(5):
        response = client.get(path)
        if response.status_code != 200:
            raise common.BenchError(f"GET {path} answered {response.status_code}")
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(path)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return sorted(times), sorted(cpu), len(response.content), len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    common.database_drop()
    common.database_create()
    common.migrate()
    common.django_setup()
    from django.test import Client

    from aftersale.cases.models import CaseEvent, Message

    failures: list[str] = []
    try:
        case, agent, customer = case_build()
        events = CaseEvent.objects.filter(case=case).count()
        messages = Message.objects.filter(case=case).count()
        print(common.machine_line())
        print(f"case {case.number}: {events} events, {messages} messages")
        rows = []
        for who, user, path in (
            ("console case page (agent)", agent, f"/console/cases/{case.number}/"),
            ("portal progress page (customer)", customer, f"/portal/cases/{case.number}/"),
        ):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            times, cpu, size, queries = timed(client, path, args.runs)
            p50, p99 = common._percentile(times, 50), common._percentile(times, 99)
            cpu50 = common._percentile(cpu, 50)
            rows.append([who, len(times), p50, p99, times[-1], cpu50, queries, size // 1024])
            if who.startswith("console"):
                common.check(p50 < TARGET_P50_MS, f"{who}: p50 {p50:.1f} ms ≥ {TARGET_P50_MS} ms", failures)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        common.print_table(
            f"GET the case page, {args.runs} runs after 5 warm-up (ms, server time in-process; load {load})",
            ["page", "runs", "p50", "p99", "max", "cpu p50", "queries", "KB"],
            rows,
        )
        common.check(events >= 200 and messages == MESSAGES, "the case was not built as intended", failures)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            common.database_drop()
    return common.finish(failures)


if __name__ == "__main__":
    sys.exit(main())
