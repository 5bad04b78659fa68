"""The daily roll-up gives the dashboards the same figures as the live computation, and follows
new events incrementally."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from aftersale.cases.services import case_transition
from aftersale.quality.kpis import KpiFilter, compute
from aftersale.quality.models import DailyStat
from aftersale.quality.rollup import compute_rollup, rollup_ready, rollup_refresh

from .dataset import at, build

NOW = at(20, 12)


@pytest.fixture
def week(people):
    return build(people)


def both(f, granularity=None):
    with time_machine.travel(NOW, tick=False):
        return compute(f, granularity), compute_rollup(f, granularity)


@pytest.mark.parametrize("granularity", [None, "day", "week", "month"])
def test_the_rollup_matches_the_live_figures(week, people, granularity):
    assert not rollup_ready()
    with time_machine.travel(NOW, tick=False):
        assert rollup_refresh() > 0
    assert rollup_ready()
    for f in (
        KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9)),
        KpiFilter(start=date(2026, 10, 1), end=date(2026, 12, 1)),
        KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9), category="service_attitude"),
        KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9), agent_id=people.agent.pk),
        KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9), team_id=people.other_team.pk),
        KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9), channel="platform"),
    ):
        live, rolled = both(f, granularity)
        assert rolled == live, f
        if granularity is not None:
            with time_machine.travel(NOW, tick=False):
                together = compute_rollup(f, granularity, with_total=True)
            assert together[None] == both(f)[0][None]
            assert {k: v for k, v in together.items() if k is not None} == live


def test_the_rollup_follows_new_events(week, people):
    with time_machine.travel(NOW, tick=False):
        rollup_refresh()
    f = KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9))
    with time_machine.travel(at(21, 9), tick=False):
        week.c.refresh_from_db()
        case_transition(
            case=week.c, actor=people.agent, action="resolve", version=week.c.version, reason="已补偿"
        )
    with time_machine.travel(at(21, 10), tick=False):
        rollup_refresh()
        live, rolled = compute(f)[None], compute_rollup(f)[None]
    assert rolled == live and rolled["resolution_hours"] != 30.5
    assert DailyStat.objects.filter(day=date(2026, 11, 4)).get().resolved_once == 1


def test_the_dashboard_reads_the_rollup_when_it_is_ready(week, people, client):
    with time_machine.travel(NOW, tick=False):
        rollup_refresh()
    DailyStat.objects.filter(day=date(2026, 11, 2)).update(n=100)  # visible only through the roll-up
    client.force_login(people.director)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/console/quality/?start=2026-11-02&end=2026-11-09")
        by_sku = client.get("/console/quality/?start=2026-11-02&end=2026-11-09&sku=SKU-FRYER")
    assert {c["name"]: c["value"] for c in page.context["cards"]}["cases"] == "103"
    assert {c["name"]: c["value"] for c in by_sku.context["cards"]}["cases"] == "3"  # live


def test_top_categories_and_skus_from_the_rollup(week, people, client):
    client.force_login(people.director)
    with time_machine.travel(NOW, tick=False):
        live = client.get("/console/quality/?start=2026-11-02&end=2026-11-09")
        rollup_refresh()
        rolled = client.get("/console/quality/?start=2026-11-02&end=2026-11-09")
    assert rolled.context["chart"]["categories"] == live.context["chart"]["categories"]
    assert (
        rolled.context["skus"]
        == live.context["skus"]
        == [
            {
                "lines__order_line__product__sku": "SKU-FRYER",
                "lines__order_line__product__name": week.fryer.name,
                "n": 3,
            },
            {
                "lines__order_line__product__sku": "SKU-KETTLE",
                "lines__order_line__product__name": week.kettle.name,
                "n": 1,
            },
        ]
    )
