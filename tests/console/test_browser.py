"""An agent works a case in a real browser: sign in, open "mine", reply, start the review."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aftersale.cases.services import case_assign, message_add

from .browser import browser_test

pytestmark = browser_test


@pytest.fixture
def assigned(people, case):
    people.agent.display_name = "李娜"
    people.agent.save()
    return case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("UI_SCREENSHOTS") or tmp_path)


def test_an_agent_replies_and_starts_the_review(desktop, people, assigned, tmp_path):
    page = desktop
    page.goto("/console/login/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    expect(page.locator(".tab.active")).to_contain_text("我的")
    expect(page.locator(".tab.active .count")).to_have_text("1")

    page.click(f"text={assigned.number}")
    expect(page.locator("h1")).to_have_text(assigned.number)
    expect(page.locator("#case-status")).to_have_text("新建")

    page.keyboard.press("r")
    expect(page.locator("#reply-body")).to_be_focused()
    page.keyboard.type("您好，我们正在核实您的问题")
    page.click("#reply-form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("您好，我们正在核实您的问题")
    expect(page.locator("#reply-body")).to_have_value("")

    page.click("button[data-action=start_review]")
    expect(page.locator("#case-status")).to_have_text("审核中")
    expect(page.locator("#timeline")).to_contain_text("状态更新为“审核中”")
    expect(page.locator("button[data-action=approve]")).to_be_visible()

    # The customer writes meanwhile: the timeline polls and shows it without a reload.
    message_add(case=assigned, actor=people.customer_user, body="好的，等你们消息")
    expect(page.locator("#timeline")).to_contain_text("好的，等你们消息", timeout=20_000)
    page.screenshot(path=str(_shots(tmp_path) / "console-case.png"), full_page=True)


def test_a_stale_action_shows_the_conflict_and_the_queue_keys_work(desktop, people, assigned):
    page = desktop
    page.goto("/console/login/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    expect(page.locator(".case-row")).to_have_count(1)
    page.keyboard.press("j")
    expect(page.locator(".case-row.selected")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/console/cases/{assigned.number}/$"))

    from aftersale.cases.services import case_transition

    assigned.refresh_from_db()
    case_transition(case=assigned, actor=people.team_lead, action="start_review", version=assigned.version)
    page.click("button[data-action=start_review]")
    expect(page.locator("#flash")).to_contain_text("售后单已被他人修改，请刷新后重试")
