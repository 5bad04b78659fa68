"""The director's quality dashboard over 1,000,000 cases and 10,000,000 case events.

    .venv/bin/python bench/dashboard.py [--cases 1000000] [--events-per-case 10] [--reuse] [--keep-db]

Builds the cases as bench/case_list.py does (customers, orders, 200 agents in 10 teams, cases over
two years with their lines and `case.created` events), then adds, inside PostgreSQL with
INSERT ... SELECT generate_series, the rest of each case's event log (assignment, replies,
transitions as far as the case's status, warnings and escalations, internal notes) up to
--events-per-case events per case, satisfaction surveys for 60 % of the finished cases and the
refund cost of the finished returns; then ANALYZE. It then builds the daily roll-up from scratch
(timed), renders the director's dashboard (`/console/quality/`, in this process through Django's
test client, so the figure is the server's own time) for several periods and filters, and times an
incremental roll-up refresh after new events.

The bench database is `aftersale_quality_bench` unless BENCH_DB says otherwise.
Target: every dashboard render < 1 s (median of 5, after one warm-up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("BENCH_DB", "aftersale_quality_bench")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import case_list  # noqa: E402
import common  # noqa: E402

TARGET_S = 1.0
REPEAT = 5


def events_generate(*, per_case: int) -> None:
    """Events 2..per_case of every case, consistent with its status and times."""
    extra = per_case - 1
    sql = f"""
        INSERT INTO cases_caseevent (case_id, kind, actor_id, actor_role, from_status, to_status,
            payload, is_public, created_at)
        SELECT c.id,
               e.kind, CASE WHEN e.role IN ('', 'customer') THEN NULL ELSE c.assignee_id END, e.role,
               e.from_s, e.to_s, e.payload, e.public, e.at
        FROM cases_case c
        CROSS JOIN LATERAL (
            SELECT s.n,
                   CASE
                     WHEN s.n = 1 THEN 'case.assigned'
                     WHEN s.n = 2 THEN 'message.added'
                     WHEN s.n = 3 AND c.status <> 'new' THEN 'case.transitioned'
                     WHEN s.n = 4 THEN 'message.added'
                     WHEN s.n = 5 AND c.status IN ('approved', 'in_fulfilment', 'resolved', 'closed') THEN 'case.transitioned'
                     WHEN s.n = 6 AND c.status IN ('in_fulfilment', 'resolved', 'closed') THEN 'case.transitioned'
                     WHEN s.n = 7 AND c.status IN ('resolved', 'closed') THEN 'case.transitioned'
                     WHEN s.n = 8 AND c.status = 'closed' THEN 'case.transitioned'
                     WHEN s.n = 9 AND c.id % 10 = 0 THEN 'case.escalated'
                     WHEN s.n = 9 THEN 'sla.warned'
                     ELSE 'message.added'
                   END AS kind,
                   CASE
                     WHEN s.n IN (1, 9) THEN ''
                     WHEN s.n = 4 THEN 'customer'
                     WHEN s.n = 8 THEN 'customer'
                     ELSE 'agent'
                   END AS role,
                   CASE s.n WHEN 3 THEN 'new' WHEN 5 THEN 'under_review' WHEN 6 THEN 'approved'
                            WHEN 7 THEN CASE WHEN c.status IN ('resolved', 'closed') AND c.resolution = 'information'
                                             THEN 'under_review' ELSE 'in_fulfilment' END
                            WHEN 8 THEN 'resolved' ELSE '' END AS from_s,
                   CASE s.n WHEN 3 THEN 'under_review' WHEN 5 THEN 'approved' WHEN 6 THEN 'in_fulfilment'
                            WHEN 7 THEN 'resolved' WHEN 8 THEN 'closed' ELSE '' END AS to_s,
                   CASE s.n WHEN 3 THEN '{{"action": "start_review"}}'::jsonb WHEN 5 THEN '{{"action": "approve"}}'::jsonb
                            WHEN 6 THEN '{{"action": "start_fulfilment"}}'::jsonb WHEN 7 THEN '{{"action": "resolve"}}'::jsonb
                            WHEN 8 THEN '{{"action": "close"}}'::jsonb ELSE '{{}}'::jsonb END AS payload,
                   s.n NOT IN (1, 9) AND s.n < 10 AS public,
                   CASE s.n
                     WHEN 1 THEN c.created_at + interval '1 minute'
                     WHEN 2 THEN c.created_at + (5 + c.id % 90) * interval '1 minute'
                     WHEN 3 THEN c.created_at + interval '2 hours'
                     WHEN 4 THEN c.created_at + interval '4 hours'
                     WHEN 5 THEN c.created_at + interval '6 hours'
                     WHEN 6 THEN c.created_at + interval '8 hours'
                     WHEN 7 THEN coalesce(c.resolved_at, c.created_at + interval '2 days')
                     WHEN 8 THEN coalesce(c.closed_at, c.created_at + interval '3 days')
                     WHEN 9 THEN c.created_at + interval '20 hours'
                     ELSE c.created_at + s.n * interval '3 hours'
                   END AS at
            FROM generate_series(1, {extra}) AS s(n)
        ) e
        WHERE NOT (e.kind = 'case.transitioned' AND e.to_s = '')
    """
    common.sql(["SET LOCAL synchronous_commit = off", sql])


def extras_generate() -> None:
    """Surveys for 60 % of the finished cases, and the refund cost of finished returns."""
    common.sql(
        [
            "SET LOCAL synchronous_commit = off",
            """INSERT INTO quality_survey (case_id, token, score, comment, sent_at, reminded_at, answered_at)
               SELECT id, md5(id::text || 'survey'),
                      CASE WHEN id % 5 = 0 THEN NULL ELSE 1 + (id * 7) % 5 END, '',
                      coalesce(resolved_at, updated_at), NULL,
                      CASE WHEN id % 5 = 0 THEN NULL ELSE coalesce(resolved_at, updated_at) + interval '3 hours' END
               FROM cases_case WHERE status IN ('resolved', 'closed') AND id % 4 <> 0""",
            """INSERT INTO fulfilment_costentry (case_id, kind, amount, source, note, created_at)
               SELECT id, 'refund', 50 + (id % 400), 'bench:' || id, '', coalesce(resolved_at, updated_at)
               FROM cases_case WHERE status IN ('resolved', 'closed') AND resolution = 'return_refund'""",
        ]
    )
    common.sequences_reset(["quality_survey", "fulfilment_costentry"])


def build(cases: int, per_case: int) -> None:
    case_list.build(cases)
    step = time.perf_counter()
    events_generate(per_case=per_case)
    common.sequences_reset(["cases_caseevent"])
    print(f"  events: up to {per_case} per case in {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    extras_generate()
    common.sql("ANALYZE")
    print(f"  surveys, costs and ANALYZE in {time.perf_counter() - step:.0f} s")


def timed(client, url: str) -> tuple[float, float, int]:
    response = client.get(url)  # warm-up
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), response.status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="use the database of an earlier --keep-db run")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    failures: list[str] = []
    print(common.machine_line())
    if args.reuse:
        common.migrate()
        common.django_setup()
    else:
        build(args.cases, args.events_per_case)
    from django.test import Client
    from django.utils import timezone

    from aftersale.common.models import Team, User
    from aftersale.quality.models import DailyStat
    from aftersale.quality.rollup import rollup_refresh

    cases = common.sql_value("SELECT count(*) FROM cases_case")
    events = common.sql_value("SELECT count(*) FROM cases_caseevent")
    print(f"  data: {cases:,} cases, {events:,} events")
    step = time.perf_counter()
    rows = rollup_refresh(full=True)
    full_s = time.perf_counter() - step
    print(f"  roll-up built from scratch: {rows:,} rows in {full_s:.1f} s")

    director = User.objects.get(username="bench_director")
    client = Client(HTTP_HOST="localhost")
    client.force_login(director)
    today = timezone.localdate()
    team = Team.objects.order_by("id").first()
    agent = User.objects.filter(username="gen_agent001").first()
    year = f"start={today - timedelta(days=365)}&end={today + timedelta(days=1)}"
    scenarios = [
        ("last 30 days, by day", "/console/quality/"),
        ("last 365 days, by month", f"/console/quality/?{year}&granularity=month"),
        ("last 365 days, by week", f"/console/quality/?{year}&granularity=week"),
        ("last 365 days, one team, by month", f"/console/quality/?{year}&granularity=month&team={team.pk}"),
        ("last 365 days, channel=phone", f"/console/quality/?{year}&granularity=month&channel=phone"),
        ("last 90 days, one agent", f"/console/quality/?start={today - timedelta(days=90)}&agent={agent.pk}"),
    ]
    table = []
    for label, url in scenarios:
        median_s, max_s, status = timed(client, url)
        table.append([label, status, f"{median_s * 1000:.0f}", f"{max_s * 1000:.0f}"])
        common.check(status == 200, f"{label}: status {status}", failures)
        common.check(median_s < TARGET_S, f"{label}: median {median_s:.2f} s ≥ {TARGET_S} s", failures)

    # Incremental: 1,000 new events on recent cases, then one refresh.
    common.sql(
        """INSERT INTO cases_caseevent (case_id, kind, actor_id, actor_role, from_status, to_status, payload,
               is_public, created_at)
           SELECT id, 'message.added', assignee_id, 'agent', '', '', '{}'::jsonb, true, now()
           FROM cases_case ORDER BY id DESC LIMIT 1000"""
    )
    step = time.perf_counter()
    rollup_refresh()
    incremental_s = time.perf_counter() - step
    table.append(["roll-up refresh after 1,000 new events", "", f"{incremental_s * 1000:.0f}", ""])
    common.print_table(
        f"director's dashboard — {cases:,} cases, {events:,} events, {DailyStat.objects.count():,} roll-up rows, "
        f"median of {REPEAT} after a warm-up",
        ["page", "status", "median ms", "max ms"],
        table,
    )
    print(f"  roll-up from scratch: {full_s:.1f} s; target: every page < {TARGET_S * 1000:.0f} ms")
    if not args.keep_db:
        from django.db import connections

        connections.close_all()
        common.database_drop()
    print(f"  bench database {'kept' if args.keep_db else 'dropped'}: {common.BENCH_DB}")
    return common.finish(failures)


if __name__ == "__main__":
    sys.exit(main())
