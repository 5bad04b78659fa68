"""Two retention sweeps at the same moment (needs PostgreSQL): every expired case is anonymised
exactly once, with one audit event, and neither sweep fails."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.models import Case, CaseEvent
from aftersale.privacy.anonymise import ERASED
from aftersale.privacy.models import Anonymisation
from aftersale.privacy.retention import retention_sweep
from tests.conftest import make_case
from tests.console.browser import browser_db  # noqa: F401
from tests.fulfilment.test_refund_concurrency import at_once
from tests.helpers import force_status

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("browser_db"),
]


def test_two_sweeps_at_once_anonymise_each_case_once(people, order):
    with time_machine.travel(datetime(2026, 1, 10, tzinfo=TZ), tick=False):
        cases = [make_case(order, people.agent, description=f"第{n}单 张小明 13812345678") for n in range(8)]
        for case in cases:
            force_status(case, "closed")
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(closed_at=datetime(2026, 1, 10, tzinfo=TZ))

    with time_machine.travel(datetime(2029, 6, 1, tzinfo=TZ), tick=True):
        reports, errors = at_once(lambda: retention_sweep(batch=3), lambda: retention_sweep(batch=3))

    assert not errors
    assert sum(r.cases for r in reports) == len(cases)
    assert set(Case.objects.values_list("description", flat=True)) == {ERASED}
    assert Anonymisation.objects.filter(case__isnull=False).count() == len(cases)
    assert CaseEvent.objects.filter(kind="case.anonymised").count() == len(cases)
