"""The role dashboards, the cases behind a number, and the exports, over the hand-built week."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from openpyxl import load_workbook

from .dataset import at, build

WEEK = "start=2026-11-02&end=2026-11-09"


@pytest.fixture
def week(people):
    return build(people)


@pytest.fixture
def get(client):
    def fetch(user, url):
        client.force_login(user)
        with time_machine.travel(at(20, 12), tick=False):
            return client.get(url)

    return fetch


def cards(response) -> dict[str, str]:
    return {card["name"]: card["value"] for card in response.context["cards"]}


def test_the_director_sees_everything_and_the_cost(week, people, get):
    response = get(people.director, f"/console/quality/?{WEEK}")
    assert response.status_code == 200
    values = cards(response)
    assert values["cases"] == "4" and values["csat"] == "50.0%" and values["sla_attainment"] == "33.3%"
    assert values["total_cost"] == "120.00" and values["cost_per_order"] == "30.00"
    assert response.context["chart"]["labels"] == [
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
    ]
    body = response.content.decode()
    assert "quality/vendor/echarts.min.js" in body and "cdn" not in body.lower()
    assert "全局服务指标与成本" in body


def test_an_agent_sees_only_their_own_numbers(week, people, get):
    own = get(people.agent, f"/console/quality/?{WEEK}")
    assert cards(own)["cases"] == "4" and "total_cost" not in cards(own)
    other = get(people.other_agent, f"/console/quality/?{WEEK}&agent={people.agent.pk}")
    assert cards(other)["cases"] == "0"  # the agent filter is pinned to the viewer


def test_a_team_lead_sees_their_team(week, people, get):
    lead = get(people.team_lead, f"/console/quality/?{WEEK}&team={people.other_team.pk}")
    assert lead.context["f"].team_id == people.team.pk
    assert cards(lead)["cases"] == "4" and "total_cost" not in cards(lead)
    assert [f.case.number for f in lead.context["follow_ups"]] == []  # B's follow-up is done


def test_departments_and_customers_are_refused(week, people, get):
    assert get(people.warehouse, "/console/quality/").status_code == 403
    assert get(people.customer_user, "/console/quality/").status_code == 403


def test_bad_filters_name_the_field(week, people, get):
    response = get(people.director, "/console/quality/?start=2026-13-01")
    assert response.status_code == 400 and response.context["errors"][0].field == "start"
    assert get(people.director, f"/console/quality/?{WEEK}&granularity=year").status_code == 400
    assert get(people.director, "/console/quality/?start=2026-11-09&end=2026-11-02").status_code == 400


def test_drill_down_lists_the_cases_behind_a_number(week, people, get):
    def numbers(kpi):
        response = get(people.director, f"/console/quality/cases/?{WEEK}&kpi={kpi}")
        assert response.status_code == 200
        return {case.number for case in response.context["page"]}

    assert numbers("cases") == {week.a.number, week.b.number, week.c.number, week.d.number}
    assert numbers("escalation_rate") == {week.c.number}
    assert numbers("sla_attainment") == {week.b.number, week.c.number}
    assert numbers("csat") == {week.b.number}
    assert numbers("second_resolution_rate") == {week.b.number}
    assert numbers("first_contact_resolution") == {week.b.number}
    assert numbers("closure_rate") == {week.b.number, week.c.number}
    assert numbers("return_rate") == {week.a.number}
    assert numbers("total_cost") == {week.a.number, week.b.number}
    dashboard = get(people.director, f"/console/quality/?{WEEK}")
    first_day = dashboard.context["chart"]["drill"][0]
    day = get(people.director, first_day)
    assert {case.number for case in day.context["page"]} == {week.a.number}


def test_exports(week, people, get):
    response = get(people.director, f"/console/quality/export.csv?{WEEK}&granularity=day")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"]
    xlsx = get(people.team_lead, f"/console/quality/export.xlsx?{WEEK}&split=0")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    assert "售后总成本（元）" not in header  # cost is the director's
    assert sheet.cell(row=2, column=header.index("售后单数") + 1).value == 4


def test_the_dashboard_speaks_english(week, people, client):
    client.force_login(people.director)
    with time_machine.travel(at(20, 12), tick=False):
        response = client.get(f"/console/quality/?{WEEK}", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Service figures and cost, all teams" in body and "Satisfaction (CSAT)" in body
