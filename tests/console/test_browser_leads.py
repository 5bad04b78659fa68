"""A team lead at work in a real browser: approving an agent's over-limit compensation (which the
customer then accepts on the phone), and seeing a customer's sensitive message light the alert on
their console without a reload."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aftersale.cases.services import case_assign
from aftersale.fulfilment.models import CompensationOffer, OfferStatus
from aftersale.sla.models import Alert, AlertKind

from .browser import browser_test, new_page

pytestmark = browser_test
PASSWORD = "pw-for-tests-123"


@pytest.fixture
def assigned(people, case):
    people.agent.display_name = "李娜"
    people.agent.save()
    people.team_lead.display_name = "王组长"
    people.team_lead.save()
    return case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("UI_SCREENSHOTS") or tmp_path)


def _sign_in(browser, live_server, username: str):
    page = new_page(browser, live_server)
    page.goto("/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()
    return page


def _customer(browser, live_server, case):
    """The case's customer signed in on a phone, on the case's page."""
    phone = new_page(browser, live_server, width=390, height=844, mobile=True)
    phone.goto("/portal/")
    phone.fill("input[name=order_no]", case.order.order_no)
    phone.fill("input[name=phone]", "13812345678")
    phone.click("button[type=submit]")
    phone.fill("input[name=code]", phone.locator("#demo-code").inner_text())
    phone.click("button[type=submit]")
    phone.goto(f"/portal/cases/{case.number}/")
    return phone


def test_a_team_lead_approves_an_over_limit_compensation(
    chromium_browser, live_server, browser_db, people, assigned, tmp_path
):
    agent = _sign_in(chromium_browser, live_server, "agent")
    agent.goto(f"/console/cases/{assigned.number}/")
    agent.click("summary:has-text('提出补偿')")
    agent.select_option("#compensation-form select[name=kind]", "balance_credit")
    agent.fill("#compensation-form input[name=amount]", "120.00")
    agent.fill("#compensation-form input[name=description]", "商品异响，安抚补偿")
    agent.click("#compensation-form button[type=submit]")
    expect(agent.locator(".offer .offer-status")).to_have_text("待审批")
    expect(agent.locator(".offer")).to_contain_text("待客服组长审批")
    expect(agent.locator("button[data-decide]")).to_have_count(0)  # nobody approves their own offer

    lead = _sign_in(chromium_browser, live_server, "lead")
    expect(lead.locator("#alerts-badge .count")).to_have_text("1")  # the approval request
    lead.click("#nav-approvals")
    row = lead.locator(".approval", has_text=assigned.number)
    expect(row).to_contain_text("¥120.00")
    lead.screenshot(path=str(_shots(tmp_path) / "console-approvals.png"), full_page=True)
    row.locator("input[name=note]").fill("同意，注意安抚")
    row.locator("button[data-decide=approve]").click()
    expect(lead.locator(".empty")).to_contain_text("没有待您审批的补偿")

    offer = CompensationOffer.objects.get(case=assigned)
    assert offer.status == OfferStatus.OFFERED and offer.decided_by == people.team_lead
    agent.reload()
    expect(agent.locator(".offer .offer-status")).to_have_text("待客户确认")
    expect(agent.locator("#timeline")).to_contain_text("补偿已批准")

    # Now released, the offer reaches the customer, who accepts it on the phone.
    phone = _customer(chromium_browser, live_server, assigned)
    expect(phone.locator("#offers")).to_contain_text("¥120.00")
    phone.click("button[data-offer-answer=accept]")
    expect(phone.locator(".flash.notice")).to_contain_text("已接受补偿")
    expect(phone.locator("#offers .offer-status")).to_have_text("客户已接受")
    assert CompensationOffer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED
    for page in (agent, lead, phone):
        page.context.close()


def test_a_sensitive_message_lights_the_alert_on_the_leads_console(
    chromium_browser, live_server, browser_db, people, assigned, tmp_path
):
    lead = _sign_in(chromium_browser, live_server, "lead")
    expect(lead.locator("#alerts-badge")).to_be_visible()
    expect(lead.locator("#alerts-badge .count")).to_have_count(0)

    # The customer writes from their phone.
    phone = _customer(chromium_browser, live_server, assigned)
    phone.fill("textarea[name=body]", "再不处理我就找媒体曝光")
    phone.click("button:has-text('发送留言')")
    expect(phone.locator(".flash.notice")).to_contain_text("留言已发送")
    assert Alert.objects.filter(recipient=people.team_lead, kind=AlertKind.SENSITIVE).exists()

    # No reload: the badge polls.
    expect(lead.locator("#alerts-badge .count")).to_have_text(re.compile(r"^[1-9]\d*$"), timeout=20_000)
    lead.click("#alerts-badge")
    sensitive = lead.locator(".alert-item.unread.alert-sensitive")
    expect(sensitive).to_contain_text("命中敏感词：媒体、曝光")
    sensitive.locator("a").click()
    expect(lead.locator("h1")).to_have_text(assigned.number)
    expect(lead.locator(".case-header .flag-sensitive")).to_be_visible()
    expect(lead.locator("#timeline mark").first).to_have_text("媒体")
    lead.screenshot(path=str(_shots(tmp_path) / "console-sensitive.png"), full_page=True)
    for page in (phone, lead):
        page.context.close()
