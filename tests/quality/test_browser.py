"""The dashboards in a real browser: the charts draw from the vendored ECharts, a bar drills down.
Set UI_SCREENSHOTS=docs/screenshots to refresh the screenshots in the docs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.console.browser import browser_test

from .dataset import build

pytestmark = browser_test
WEEK = "start=2026-11-02&end=2026-11-09"


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("UI_SCREENSHOTS") or tmp_path)


def sign_in(page, username: str) -> None:
    page.goto("/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/console/**")


@pytest.fixture
def week(people):
    return build(people)


def test_the_directors_dashboard_draws_and_drills_down(desktop, people, week, tmp_path):
    page = desktop
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, "director")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"/console/quality/?{WEEK}")
    expect(page.locator("html[data-charts-ready='1']")).to_have_count(1)
    expect(page.locator("[data-kpi=cases] .q-value")).to_have_text("4")
    expect(page.locator("[data-kpi=total_cost] .q-value")).to_have_text("120.00")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    expect(page.locator("#chart-cost canvas")).to_have_count(1)
    assert all(url.startswith(page.url.split("/console")[0]) for url in requests)  # nothing off-site
    page.screenshot(path=str(_shots(tmp_path) / "quality-dashboard-director.png"), full_page=True)

    page.click("[data-kpi=escalation_rate]")
    expect(page.locator("#drill-cases tbody tr")).to_have_count(1)
    expect(page.locator("#drill-cases")).to_contain_text(week.c.number)


def test_the_agents_dashboard_has_no_cost(desktop, people, week, tmp_path):
    page = desktop
    sign_in(page, "agent")
    page.goto(f"/console/quality/?{WEEK}&granularity=day")
    expect(page.locator("html[data-charts-ready='1']")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("我的服务指标")
    expect(page.locator("[data-kpi=total_cost]")).to_have_count(0)
    expect(page.locator("#chart-cost")).to_have_count(0)
    page.screenshot(path=str(_shots(tmp_path) / "quality-dashboard-agent.png"), full_page=True)
