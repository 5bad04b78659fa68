"""One sweep over 1,000,000 open cases of which 10,000 are due: seconds, including the writes.

    .venv/bin/python bench/sla_sweep.py [--cases 1000000] [--due 10000] [--keep]

Builds the bench database on the local PostgreSQL (bench/common.py), fills it with SQL, then
times `aftersale.sla.sweeper.sweep()` in this process. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def fill(cases: int, due: int) -> None:
    from aftersale.common.models import Team, User
    from aftersale.common.roles import Role

    lead = User.objects.create(username="sweep_lead", role=Role.TEAM_LEAD)
    team = Team.objects.create(name="时效压测组", lead=lead)
    agent = User.objects.create(username="sweep_agent", role=Role.AGENT, team=team)
    User.objects.create(username="sweep_director", role=Role.DIRECTOR)
    common.sql(
        [
            "INSERT INTO catalog_customer (name, phone, tier, is_vip, language, created_at) VALUES ('压测', '13000000000', 'regular', false, '', now())",
            """INSERT INTO catalog_order (order_no, channel, store, customer_id, payment_method, payment_ref,
               goods_amount, discount_amount, shipping_fee, paid_amount, gifts, created_at, updated_at)
           SELECT 'SWEEP1', 'platform', '', id, 'alipay', '', 0, 0, 0, 0, '[]', now(), now()
           FROM catalog_customer WHERE phone = '13000000000'""",
            f"""INSERT INTO cases_case (number, customer_id, order_id, channel, case_type, category_id, resolution,
               priority, status, description, assignee_id, team_id, department, identity_status, outcome_note,
               version, created_at, updated_at)
           SELECT 'SW' || lpad(g::text, 12, '0'), c.id, o.id, 'platform', 'after_sales',
                  (SELECT id FROM cases_casecategory WHERE code = 'quality_fault'), 'return_refund',
                  'P2', 'under_review', '压测', {agent.pk}, {team.pk}, '', 'verified', '', 1, now(), now()
           FROM generate_series(1, {cases}) g, catalog_customer c, catalog_order o
           WHERE c.phone = '13000000000' AND o.order_no = 'SWEEP1'""",
            f"""INSERT INTO sla_clock (case_id, kind, ref, unit, target, state, started_at, due_at, escalation_level,
               next_action_at)
           SELECT id, 'resolution', '', 'minutes', 1440, 'running', now() - interval '1 day',
                  CASE WHEN id % ({cases} / {due}) = 0 THEN now() - interval '5 minutes'
                       ELSE now() + (id % 1000) * interval '1 minute' + interval '2 hours' END,
                  0,
                  CASE WHEN id % ({cases} / {due}) = 0 THEN now() - interval '5 minutes'
                       ELSE now() + (id % 1000) * interval '1 minute' + interval '1 hour' END
           FROM cases_case WHERE number LIKE 'SW%'""",
            # Due clocks were already warned: the sweep breaches and escalates them.
            "UPDATE sla_clock SET warned_at = now() - interval '30 minutes' WHERE next_action_at < now()",
            "ANALYZE",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a kept bench database (make the same clocks due again)"
    )
    args = parser.parse_args()
    if args.reuse:
        common.migrate()
        common.django_setup()
        common.sql(
            [
                "UPDATE sla_clock SET breached_at = NULL, escalation_level = 0, "
                "next_action_at = now() - interval '5 minutes', due_at = now() - interval '5 minutes' "
                "WHERE breached_at IS NOT NULL",
                "DELETE FROM sla_alert",
            ]
        )
    else:
        common.database_create()
        common.migrate()
        common.django_setup()
        started = time.perf_counter()
        fill(args.cases, args.due)
        print(
            f"filled {args.cases:,} open cases with running clocks in {time.perf_counter() - started:.1f} s"
        )

    from django.utils import timezone

    from aftersale.cases.models import CaseEvent
    from aftersale.sla.sweeper import sweep

    started_at = timezone.now()
    busy = common.machine_busy()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = sweep()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    events = CaseEvent.objects.filter(kind="case.escalated", created_at__gte=started_at).count()
    print(f"sweep over {args.cases:,} open cases, {args.due:,} due: {elapsed:.2f} s (target < 2 s)")
    print(f"  of which {cpu:.2f} s CPU in the sweeping process; machine busy before: {busy:.0f} %")
    print(
        f"  breached {report.breached:,}, escalated {report.escalated:,}, batches {report.batches}, "
        f"escalation events written {events:,}"
    )
    started = time.perf_counter()
    again = sweep()
    print(f"  second sweep (nothing due): {time.perf_counter() - started:.3f} s, acted {again.acted}")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        common.database_drop()


if __name__ == "__main__":
    main()
