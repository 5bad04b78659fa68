"""An agent inserts a suggested reply script into the reply box and sends it, in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.console.browser import browser_db, browser_test, chromium_browser, desktop  # noqa: F401

pytestmark = browser_test


def test_an_agent_inserts_a_reply_script_and_sends_it(desktop, people, kb, case):  # noqa: F811
    page = desktop
    page.goto("/console/login/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.goto(f"/console/cases/{case.number}/")
    first = page.locator("#kb-scripts [data-kb-script]").first
    expect(first).to_contain_text("质量问题致歉")
    page.fill("#reply-body", "补充说明：")
    first.locator("[data-kb-insert]").click()
    value = page.locator("#reply-body").input_value()
    assert value.startswith("补充说明：\n张小明您好，非常抱歉")
    assert case.number in value and "{" not in value
    expect(page.locator("#reply-body")).to_be_focused()
    page.click("#reply-form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("张小明您好，非常抱歉")
    # The case page is swapped after the reply; its script panel loads again and still inserts.
    expect(page.locator("#kb-scripts [data-kb-script]").first).to_be_visible()
    page.locator("#kb-scripts [data-kb-insert]").nth(1).click()
    assert page.locator("#reply-body").input_value() == "您好，我是客服agent，很高兴为您服务。"
