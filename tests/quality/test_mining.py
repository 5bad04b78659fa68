"""Process mining on the hand-built week: the XES export (read back with pm4py), time in each
state, waiting vs working, bottlenecks, rework loops, paths, and a before/after comparison."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from aftersale.quality.kpis import KpiFilter
from aftersale.quality.mining import compare, summarize, xes_export

from .dataset import at, build

WEEK = KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 9))
NOW = at(20, 12)


@pytest.fixture
def week(people):
    return build(people)


def test_pm4py_reads_the_exported_log(week, tmp_path):
    pm4py = pytest.importorskip("pm4py")
    path = tmp_path / "week.xes"
    path.write_text("".join(xes_export(WEEK)), encoding="utf-8")
    log = pm4py.read_xes(str(path))
    assert set(log["case:concept:name"]) == {week.a.number, week.b.number, week.c.number, week.d.number}
    b = log[log["case:concept:name"] == week.b.number]
    transitions = [
        a
        for a in b["concept:name"]
        if a in {"start_review", "request_info", "customer_replied", "resolve", "reopen", "close", "cancel"}
    ]
    assert transitions == ["start_review", "request_info", "customer_replied", "resolve", "reopen", "resolve"]
    assert list(b["time:timestamp"]) == sorted(b["time:timestamp"])
    assert "survey.answered" in set(b["concept:name"]) and "follow_up.completed" in set(b["concept:name"])
    assert set(log["case:category"]) == {"quality_fault", "service_attitude"}
    # Nothing personal: no names, phones or message text in the file.
    text = path.read_text(encoding="utf-8")
    assert "13812345678" not in text and "张小明" not in text and "马上处理" not in text
    dfg, _starts, _ends = pm4py.discover_dfg(log)
    assert dfg[("request_info", "customer_replied")] == 1  # B's round trip, mined by pm4py


def test_time_in_each_state_and_bottlenecks(week):
    summary = summarize(WEEK, now=NOW)
    assert (summary.cases, summary.finished) == (4, 2)
    assert (summary.lead_time_hours_mean, summary.lead_time_hours_median) == (19.0, 19.0)  # A 10 h, B 28 h
    states = {s["state"]: s for s in summary.states}
    assert (states["new"]["visits"], states["new"]["total_hours"], states["new"]["mean_hours"]) == (
        4,
        2.0,
        0.5,
    )
    # A 9.5, B 5 min + 25 + 2, C 386 h 40 min (still open at NOW)
    assert (states["under_review"]["visits"], states["under_review"]["total_hours"]) == (5, 423.25)
    assert (states["waiting_customer"]["visits"], states["waiting_customer"]["total_hours"]) == (1, 1.92)
    assert [b["state"] for b in summary.bottlenecks] == ["under_review", "new", "waiting_customer"]
    assert summary.waiting_hours_mean == 0.48  # B's 1 h 55 min over 4 cases
    assert summary.working_hours_mean == 106.31  # (10 + 28.08 + 387 + 0.17) / 4


def test_rework_loops_and_paths(week):
    summary = summarize(WEEK, now=NOW)
    assert summary.rework == {
        "reopened": 1,
        "info_requests_answered": 1,
        "cases_with_loops": 1,
        "share_with_loops": 0.25,
    }
    paths = {tuple(p["path"]): p["cases"] for p in summary.paths}
    assert paths[("new", "under_review", "resolved", "closed")] == 1
    assert paths[("new", "cancelled")] == 1
    assert (
        paths[
            (
                "new",
                "under_review",
                "waiting_customer",
                "under_review",
                "resolved",
                "under_review",
                "resolved",
            )
        ]
        == 1
    )


def test_before_and_after(week):
    result = compare(
        KpiFilter(start=date(2026, 11, 2), end=date(2026, 11, 3)),  # A: 10 h
        KpiFilter(start=date(2026, 11, 3), end=date(2026, 11, 4)),  # B: 28 h
        now=NOW,
    )
    assert (
        result["before"]["lead_time_hours_mean"] == 10.0 and result["after"]["lead_time_hours_mean"] == 28.0
    )
    assert result["process_shortened_percent"] == -180.0  # slower: (10 − 28) / 10
    assert result["state_change_hours"]["new"] == 0.5  # 1 h for B against 0.5 h for A


def test_the_process_api(week, people, api):
    optimizer = api(people.optimizer)
    log = optimizer.get("/process/event-log.xes", {"start": "2026-11-02", "end": "2026-11-09"})
    assert log.status_code == 200 and log["Content-Type"].startswith("application/xml")
    body = b"".join(log.streaming_content).decode()
    assert body.count("<trace>") == 4 and body.rstrip().endswith("</log>")
    summary = optimizer.get("/process/summary", {"start": "2026-11-02", "end": "2026-11-09"}).json()
    assert summary["cases"] == 4 and summary["rework"]["reopened"] == 1
    compared = optimizer.get(
        "/process/compare",
        {
            "before_start": "2026-11-02",
            "before_end": "2026-11-03",
            "after_start": "2026-11-03",
            "after_end": "2026-11-04",
        },
    ).json()
    assert compared["process_shortened_percent"] == -180.0
    assert (
        api(people.agent).get("/process/summary", {"start": "2026-11-02", "end": "2026-11-09"}).status_code
        == 403
    )
    bad = optimizer.get("/process/summary", {"start": "2026-11-09", "end": "2026-11-02"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "start"


def test_the_process_page(week, people, client):
    client.force_login(people.optimizer)
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            "/console/quality/process/?start=2026-11-03&end=2026-11-04&before_start=2026-11-02&before_end=2026-11-03"
        )
    assert page.status_code == 200
    assert (
        page.context["summary"].cases == 1
        and page.context["comparison"]["process_shortened_percent"] == -180.0
    )
    assert "new → under_review → waiting_customer" in page.content.decode()
    client.force_login(people.team_lead)
    assert client.get("/console/quality/process/").status_code == 403
