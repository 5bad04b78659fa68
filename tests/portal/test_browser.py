"""A customer on a phone: sign in with the demo code, follow a case, start a request."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersale.cases.models import Case
from tests.console.browser import browser_test
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory

pytestmark = browser_test


@pytest.fixture
def old_order(people):
    """Signed for 20 days ago: the seven no-reason days are over, the warranty is not."""
    order = OrderFactory(customer=people.customer, signed_at=timezone.now() - timedelta(days=20))
    OrderLineFactory(order=order, line_no=1, product=ProductFactory(name="电动牙刷"))
    return order


def test_a_customer_follows_a_case_and_starts_a_request(phone, people, case, old_order, tmp_path):
    page = phone
    page.goto("/portal/")
    page.fill("input[name=order_no]", case.order.order_no)
    page.fill("input[name=phone]", "13812345678")
    page.click("button[type=submit]")
    code = page.locator("#demo-code").inner_text()
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")

    expect(page.locator("h1")).to_have_text("我的售后")
    page.click(f"text={case.number}")
    expect(page.locator("#case-status")).to_have_text("新建")
    expect(page.locator("#progress")).to_contain_text("提交了售后申请")
    shots = Path(os.environ.get("UI_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(shots / "portal-case.png"), full_page=True)

    page.goto(f"/portal/orders/{old_order.order_no}/request/?line=1")
    page.select_option("select[name=category]", "no_reason_return")
    # Wait for the no-reason options (htmx swaps them in): repair is not one of them.
    expect(page.locator("input[name=resolution][value=repair]")).to_be_disabled()
    refund = page.locator("label.option", has=page.locator("input[value=return_refund]"))
    expect(refund.locator("input")).to_be_disabled()
    expect(refund).to_contain_text("不可申请")
    expect(refund).to_contain_text("七日无理由退货期已于")

    page.select_option("select[name=category]", "quality_fault")
    repair = page.locator("input[name=resolution][value=repair]")
    expect(repair).to_be_enabled()
    repair.check()
    expect(repair).to_be_checked()
    page.fill("textarea[name=description]", "刷头不转了")
    page.screenshot(path=str(shots / "portal-request.png"), full_page=True)
    page.click("button:has-text('提交申请')")

    expect(page.locator(".flash.notice")).to_contain_text("售后申请已提交")
    created = Case.objects.get(description="刷头不转了")
    expect(page.locator("h1")).to_have_text(created.number)
    assert created.resolution == "repair" and created.channel == "portal"
