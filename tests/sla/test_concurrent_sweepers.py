"""Two sweepers over the same breached clocks act on each exactly once (needs PostgreSQL)."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from aftersale.cases.models import CaseEvent
from aftersale.sla.sweeper import sweep
from tests.conftest import make_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


def test_two_sweepers_escalate_each_breach_once(order, people):
    assert connection.vendor == "postgresql"
    with time_machine.travel(T0, tick=False):
        cases = [make_case(order, people.agent, lines=[], resolution="compensation") for _ in range(120)]
    reports, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait()
            reports.append(sweep(now=T0 + timedelta(minutes=45), batch=7))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    breached = CaseEvent.objects.filter(kind="case.escalated", case__in=cases)
    assert breached.count() == len(cases)  # one first-response breach per case, never two
    assert sum(r.breached for r in reports) == len(cases)
    assert all(r.breached > 0 for r in reports) or len(reports) == 2


def test_one_sweep_shares_its_batches_among_connections(order, people):
    with time_machine.travel(T0, tick=False):
        cases = [make_case(order, people.agent, lines=[], resolution="compensation") for _ in range(60)]
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        report = sweep(now=T0 + timedelta(minutes=45), batch=4, connections=3)
    assert report.breached == len(cases) and report.batches >= len(cases) // 4
    breached = CaseEvent.objects.filter(kind="case.escalated", case__in=cases)
    assert breached.count() == len(cases)
    assert set(breached.values_list("case_id", flat=True)) == {c.pk for c in cases}
