"""The whole journey of a no-reason return, in real browsers: the customer asks on a phone with
photos, an agent approves, the customer enters the waybill, the warehouse scans the parcel in and
inspects it, the refund goes through the (fake, local) Alipay gateway and shows on the customer's page,
and the customer rates the service.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aftersale.cases.models import Case
from aftersale.fulfilment.models import Refund, RefundStatus
from aftersale.quality.models import Survey
from tests.conftest import make_case
from tests.console.browser import browser_test, new_page
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory
from tests.helpers import png_bytes

pytestmark = browser_test
pytest_plugins = ["tests.fakes.fixtures"]
PASSWORD = "pw-for-tests-123"


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("UI_SCREENSHOTS") or tmp_path)


@pytest.fixture
def fresh_order(people):
    """Signed two days ago: inside the seven no-reason days. One air fryer, ¥399 paid."""
    order = OrderFactory(
        customer=people.customer, paid_amount=Decimal("399.00"), goods_amount=Decimal("399.00")
    )
    OrderLineFactory(order=order, line_no=1, quantity=1, product=ProductFactory(name="空气炸锅 Pro"))
    return order


def _staff(browser, live_server, username: str):
    page = new_page(browser, live_server)
    page.goto("/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()
    return page


def test_a_no_reason_return_from_request_to_refund(
    chromium_browser, live_server, browser_db, people, fresh_order, fake_alipay, tmp_path
):
    shots = _shots(tmp_path)
    fake_alipay.add_trade(
        trade_no=fresh_order.payment_ref, out_trade_no=fresh_order.order_no, total=fresh_order.paid_amount
    )
    people.agent.display_name = "李娜"
    people.agent.save()

    # The customer signs in on a phone and asks to return the air fryer, no reason needed.
    phone = new_page(chromium_browser, live_server, width=390, height=844, mobile=True)
    phone.goto("/portal/")
    phone.fill("input[name=order_no]", fresh_order.order_no)
    phone.fill("input[name=phone]", "13812345678")
    phone.click("button[type=submit]")
    phone.fill("input[name=code]", phone.locator("#demo-code").inner_text())
    phone.click("button[type=submit]")
    expect(phone.locator("h1")).to_have_text("我的售后")
    phone.screenshot(path=str(shots / "portal-home.png"), full_page=True)
    phone.click("a:has-text('申请售后')")
    phone.select_option("select[name=category]", "no_reason_return")
    refund_option = phone.locator("input[name=resolution][value=return_refund]")
    # Wait for the options of the chosen category (swapped in by htmx) before choosing one.
    expect(phone.locator("label.option", has=refund_option)).to_contain_text("七日无理由退货")
    expect(refund_option).to_be_enabled()
    refund_option.check()
    expect(refund_option).to_be_checked()
    phone.fill("textarea[name=description]", "颜色和家里厨房不搭，想退货")
    phone.click("button:has-text('提交申请')")
    expect(phone.locator(".flash.notice")).to_contain_text("售后申请已提交")
    case = Case.objects.get(description="颜色和家里厨房不搭，想退货")

    for kind, name in (("item_photo", "item.png"), ("box_photo", "box.png")):
        phone.select_option("select[name=kind]", kind)
        phone.set_input_files(
            "input[name=file]", files=[{"name": name, "mimeType": "image/png", "buffer": png_bytes()}]
        )
        phone.click("button:has-text('上传')")
        expect(phone.locator(".flash.notice")).to_contain_text("凭证已上传")
    expect(phone.locator("#evidence .gallery li")).to_have_count(2)

    # Other customers' requests share the queue.
    for category, resolution, text in (
        ("quality_fault", "repair", "开机后有异响，无法正常使用"),
        ("transit_damage", "exchange", "外箱破损，机身有划痕"),
        ("logistics_delay", "compensation", "物流一周没有更新，再不处理我就投诉"),
    ):
        other = OrderFactory(customer=people.other_customer)
        OrderLineFactory(order=other, line_no=1)
        make_case(other, people.agent, category_code=category, resolution=resolution, description=text)

    # An agent claims the case from the unassigned queue, reviews it and approves: the return is
    # authorised at once.
    desk = _staff(chromium_browser, live_server, "agent")
    desk.click("a.tab[data-queue=unassigned]")
    desk.screenshot(path=str(shots / "console-queue.png"), full_page=True)
    desk.click(f"text={case.number}")
    expect(desk.locator("h1")).to_have_text(case.number)
    expect(desk.locator(".evidence .gallery li")).to_have_count(2)
    desk.keyboard.press("c")
    expect(desk.locator(".facts")).to_contain_text("李娜")
    desk.keyboard.press("s")
    expect(desk.locator("#case-status")).to_have_text("审核中")
    desk.keyboard.press("a")
    expect(desk.locator("#case-status")).to_have_text("已通过")
    expect(desk.locator("#case-fulfilment .rma-status")).to_have_text("待寄回")
    desk.screenshot(path=str(shots / "console-case.png"), full_page=True)

    # The customer sees where to send it and enters the waybill.
    phone.reload()
    expect(phone.locator(".return-address")).to_contain_text("演示路 88 号")
    phone.fill("input[name=carrier]", "顺丰速运")
    phone.fill("input[name=tracking_no]", "SF1234567890")
    phone.click("button:has-text('提交运单号')")
    expect(phone.locator(".flash.notice")).to_contain_text("运单号已提交")
    expect(phone.locator(".tracking")).to_have_text("顺丰速运 SF1234567890")

    # The warehouse scans the parcel in by its waybill, then inspects it: all intact.
    warehouse = _staff(chromium_browser, live_server, "warehouse")
    warehouse.click("a:has-text('退货签收')")
    warehouse.fill("#scan-form input[name=code]", "SF1234567890")
    warehouse.click("#scan-form button[type=submit]")
    expect(warehouse.locator("h1")).to_have_text(case.number)
    expect(warehouse.locator(".flash.notice")).to_contain_text("已签收，请验收")
    warehouse.locator(".inspect-form select[name=disposition]").select_option("accept")
    warehouse.click("button[data-inspect]")
    expect(warehouse.locator("#case-fulfilment .rma-status")).to_have_text("已验收")
    expect(warehouse.locator("#case-fulfilment .refund-succeeded")).to_contain_text("¥399.00")

    # The refund went through the gateway; the customer's page says so, and the case is resolved.
    refund = Refund.objects.get(case=case)
    assert refund.status == RefundStatus.SUCCEEDED and refund.amount == Decimal("399.00")
    assert len(fake_alipay.refunds) == 1
    phone.reload()
    expect(phone.locator("#refunds")).to_contain_text("¥399.00")
    expect(phone.locator("#refunds .refund-status")).to_have_text("已到账")
    expect(phone.locator("#case-status")).to_have_text("已解决")
    expect(phone.locator("#progress")).to_contain_text("退款已到账")

    # And rates the service.
    phone.click("label[for=score-5]")
    phone.fill("textarea[name=comment]", "退款很快，谢谢")
    phone.click("button:has-text('提交评价')")
    expect(phone.locator(".flash.notice")).to_contain_text("感谢您的评价")
    expect(phone.locator("#rating .stars-shown")).to_have_text("★★★★★")
    survey = Survey.objects.get(case=case)
    assert (survey.score, survey.comment) == (5, "退款很快，谢谢")
    phone.screenshot(path=str(shots / "portal-case.png"), full_page=True)

    # The console stays usable at a tablet's width: nothing wider than the screen.
    desk.goto(f"/console/cases/{case.number}/")
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desk.set_viewport_size({"width": 820, "height": 1180})
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(desk.locator("#timeline")).to_contain_text("客户评价了本次服务")
    desk.screenshot(path=str(shots / "console-case-tablet.png"), full_page=False)
    for page in (phone, desk, warehouse):
        page.context.close()
