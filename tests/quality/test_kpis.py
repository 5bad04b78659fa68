"""Every KPI on the hand-built week of tests/quality/dataset.py, worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from aftersale.quality.kpis import KpiFilter, kpis, series

from .dataset import at, build

WEEK = KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9))


@pytest.fixture
def week(people):
    return build(people)


def compute(f: KpiFilter):
    with time_machine.travel(at(20, 12), tick=False):
        return kpis(f)


def test_every_kpi_of_the_week(week):
    assert compute(WEEK) == {
        "cases": 4,  # A B C D (E is after the period)
        "first_response_minutes": 36.7,  # (30 + 60 + 20) / 3; D never had a staff reply
        "resolution_hours": 30.5,  # A 10 h, B 51 h (to its last resolution)
        "closure_rate": 0.3333,  # A closed / A B C (D cancelled)
        "first_contact_resolution": 0.5,  # A of the resolved A B (B asked for info and was re-opened)
        "second_resolution_rate": 0.5,  # B resolved twice, of A B
        "escalation_rate": 0.25,  # C of 4
        "sla_attainment": 0.3333,  # A within 24 h, of A B C
        "csat": 0.5,  # scores 5 and 2: one satisfied of two answers
        "orders": 4,  # paid Nov 2, 3, 3, 6 (not Oct 30)
        "complaints_per_10k_orders": 2500.0,  # C: 1 × 10,000 / 4
        "return_rate": 0.25,  # A's order (D was cancelled) / 4 orders
        "total_cost": Decimal("120.00"),
        "cost_per_order": Decimal("30.00"),
    }


def test_filters_narrow_the_cohort(week, people):
    by_sku = compute(KpiFilter(start=WEEK.start, end=WEEK.end, sku="SKU-KETTLE"))
    assert (by_sku["cases"], by_sku["orders"], by_sku["total_cost"], by_sku["csat"]) == (
        1,
        1,
        Decimal("20.00"),
        0.0,
    )
    complaints = compute(KpiFilter(start=WEEK.start, end=WEEK.end, category="service_attitude"))
    assert (complaints["cases"], complaints["escalation_rate"], complaints["complaints_per_10k_orders"]) == (
        1,
        1.0,
        2500.0,
    )
    assert compute(KpiFilter(start=WEEK.start, end=WEEK.end, agent_id=people.agent.pk))["cases"] == 4
    assert compute(KpiFilter(start=WEEK.start, end=WEEK.end, agent_id=people.other_agent.pk))["cases"] == 0
    assert compute(KpiFilter(start=WEEK.start, end=WEEK.end, team_id=people.team.pk))["cases"] == 4
    assert compute(KpiFilter(start=WEEK.start, end=WEEK.end, team_id=people.other_team.pk))["cases"] == 0
    by_channel = compute(KpiFilter(start=WEEK.start, end=WEEK.end, channel="phone"))
    assert (by_channel["cases"], by_channel["orders"], by_channel["return_rate"]) == (0, None, None)


def test_an_empty_period_has_no_rates(week):
    empty = compute(KpiFilter(start=date(2026, 1, 1), end=date(2026, 1, 2)))
    assert empty["cases"] == 0 and empty["orders"] == 0
    assert empty["csat"] is None and empty["closure_rate"] is None and empty["cost_per_order"] is None


def test_daily_series(week):
    with time_machine.travel(at(20, 12), tick=False):
        days = dict(series(WEEK, "day"))
    assert [d.day for d in days] == [2, 3, 4, 5, 6]
    assert days[date(2026, 11, 2)]["cases"] == 1 and days[date(2026, 11, 2)]["csat"] == 1.0
    assert days[date(2026, 11, 3)]["second_resolution_rate"] == 1.0
    assert days[date(2026, 11, 4)]["complaints_per_10k_orders"] is None  # no order paid that day
    assert days[date(2026, 11, 6)]["cases"] == 0 and days[date(2026, 11, 6)]["orders"] == 1
    with time_machine.travel(at(20, 12), tick=False):
        months = dict(series(KpiFilter(start=date(2026, 10, 1), end=date(2026, 12, 1)), "month"))
    assert months[date(2026, 11, 1)]["cases"] == 5 and months[date(2026, 10, 1)]["orders"] == 1
    with time_machine.travel(at(20, 12), tick=False):
        weeks = dict(series(KpiFilter(start=date(2026, 11, 1), end=date(2026, 11, 15)), "week"))
    assert weeks[date(2026, 11, 2)]["cases"] == 4 and weeks[date(2026, 11, 9)]["cases"] == 1


def test_csv_and_xlsx_exports_carry_the_same_numbers(week):
    import csv
    import io

    from openpyxl import load_workbook

    from aftersale.quality.exports import kpi_table, to_csv, to_xlsx

    with time_machine.travel(at(20, 12), tick=False):
        rows = kpi_table(WEEK, None)
    assert rows[0][0] == "期间" and rows[0][1] == "售后单数"
    text = to_csv(rows).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1][:2] == ["2026-11-02 ~ 2026-11-09", "4"]
    assert parsed[1][rows[0].index("售后总成本（元）")] == "120.00"
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    assert sheet.cell(row=2, column=2).value == 4
    csat = sheet.cell(row=2, column=rows[0].index("满意度（CSAT）") + 1)
    assert csat.value == 0.5 and csat.number_format == "0.0%"
