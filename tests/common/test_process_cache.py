"""Small config tables kept per process: read once, forgotten when they change, re-read when old."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersale.cases.models import CaseCategory
from aftersale.common import process_cache
from aftersale.common.errors import DomainError
from tests.conftest import make_case


def test_a_value_is_computed_once_until_it_is_forgotten_or_too_old(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    computed = []

    def compute():
        computed.append(now[0])
        return len(computed)

    assert process_cache.remembered("k", compute, ttl=5) == 1
    now[0] = 104.9
    assert process_cache.remembered("k", compute, ttl=5) == 1
    now[0] = 105.5
    assert process_cache.remembered("k", compute, ttl=5) == 2
    process_cache.forget("k")
    assert process_cache.remembered("k", compute, ttl=5) == 3
    assert computed == [100.0, 105.5, 105.5]


@pytest.mark.django_db
def test_a_second_case_intake_asks_nothing_of_the_config_tables(order, people):
    make_case(order, people.agent)
    with CaptureQueriesContext(connection) as queries:
        make_case(order, people.agent)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("cases_casecategory", "policy_playbookversion", "channels_webhooksubscription"):
        assert table not in tables


@pytest.mark.django_db
def test_a_category_switched_off_is_refused_at_once(order, people):
    make_case(order, people.agent)
    category = CaseCategory.objects.get(code="quality_fault")
    category.is_active = False
    category.save()
    with pytest.raises(DomainError) as refused:
        make_case(order, people.agent)
    assert refused.value.errors[0].field == "category"
