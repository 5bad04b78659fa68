"""Who hears of what: customer and staff notifications per event, templates per language, the centre."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from aftersale.cases.services import case_assign, case_transition
from aftersale.channels.alerts import alerts_relay
from aftersale.channels.models import Notification, OutboxMessage
from aftersale.channels.texts import TEMPLATES, render
from aftersale.fulfilment.services.compensation import compensation_propose
from aftersale.sla.sweeper import sweep
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory
from tests.fulfilment.goods import approved_case

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 16, 10, 0, tzinfo=SH)


def topics(**where) -> list[str]:
    return list(Notification.objects.filter(**where).order_by("id").values_list("topic", flat=True))


def test_every_topic_has_chinese_and_english_text():
    for topic in TEMPLATES:
        zh_title, zh_body = render(topic, {"number": "AS1"}, "zh-hans")
        en_title, en_body = render(topic, {"number": "AS1"}, "en")
        assert "AS1" in zh_title and "AS1" in en_title
        assert zh_body != en_body and en_body.isascii(), topic


def test_customer_hears_of_need_for_material_and_of_the_resolution(order, people):
    case = make_case(
        order,
        people.agent,
        case_type="inquiry",
        category_code="product_usage",
        resolution="information",
        lines=[],
    )
    case_transition(case=case, actor=people.agent, action="start_review", version=case.version)
    case_transition(
        case=case, actor=people.agent, action="request_info", version=case.version, reason="请补充开箱照片"
    )
    case_transition(case=case, actor=people.customer_user, action="customer_replied", version=case.version)
    case_transition(
        case=case, actor=people.agent, action="resolve", version=case.version, reason="已说明用法"
    )
    assert topics(customer=people.customer) == ["request_received", "need_material", "resolved"]
    need = Notification.objects.get(topic="need_material")
    assert "请补充开箱照片" in render(need.topic, need.context, "zh-hans")[1]
    sms = OutboxMessage.objects.filter(channel="sms", case=case).order_by("id")
    assert [m.topic for m in sms] == ["request_received", "need_material", "resolved"]
    assert "已说明用法" in sms.last().body


def test_an_approved_return_tells_the_customer_where_to_send_the_goods(order, people, settings):
    case = approved_case(order, people)
    assert topics(customer=people.customer) == ["request_received", "approved_return"]
    sms = OutboxMessage.objects.get(channel="sms", topic="approved_return")
    assert settings.RETURN_ADDRESS in sms.body and case.number in sms.body


def test_assignment_reaches_the_assignee_but_not_who_assigned_themselves(order, people):
    case = make_case(order, people.agent)
    case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.other_agent)
    assert topics(user=people.other_agent) == ["assigned"]
    case_assign(case=case, actor=people.director, version=case.version, assignee=None)
    case_assign(case=case, actor=people.agent, version=case.version, assignee=people.agent)
    assert topics(user=people.agent) == []


def test_staff_get_mail_too_when_they_have_an_address(order, people):
    people.other_agent.email = "agent2@example.com"
    people.other_agent.save(update_fields=["email"])
    case = make_case(order, people.agent)
    case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.other_agent)
    mail = OutboxMessage.objects.get(channel="email", topic="assigned")
    assert mail.recipient == "agent2@example.com" and case.number in mail.subject


def staff_titles(api, user, language="zh-hans") -> list[str]:
    return [i["title"] for i in api(user, language).get("/notifications").json()["items"]]


def test_a_sensitive_description_reaches_team_leads_and_experts(order, people, api):
    case = make_case(order, people.agent, description="再不处理我就去12315投诉并找媒体曝光")
    assert f"【舆情预警】{case.number}" in staff_titles(api, people.team_lead)
    assert f"[Public-opinion alert] {case.number}" in staff_titles(api, people.expert, "en")
    item = api(people.expert).get("/notifications").json()["items"][0]
    assert item["source"] == "alert" and "12315" in item["body"]


def test_due_soon_breach_and_escalation_follow_the_sweep_and_are_mailed_once(order, people, api):
    for user in (people.agent, people.team_lead, people.director):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    with time_machine.travel(T0, tick=False):
        case = make_case(order, people.agent, category_code="not_as_described")
        case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)
    for minutes in (1, 31, 92):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            sweep()
    assert f"【即将超时】{case.number}" in staff_titles(api, people.agent)
    assert f"【已超时】{case.number}" in staff_titles(api, people.team_lead)
    assert f"【已升级】{case.number}" in staff_titles(api, people.director)
    with time_machine.travel(T0 + timedelta(minutes=93), tick=False):
        queued = alerts_relay()
        assert alerts_relay() == 0  # each alert once
    mails = {
        (m.recipient, m.topic)
        for m in OutboxMessage.objects.filter(channel="email", topic__startswith="alert.")
    }
    assert queued == len(mails)
    assert {
        ("agent@example.com", "alert.due_soon"),
        ("lead@example.com", "alert.breached"),
        ("director@example.com", "alert.escalated"),
    } <= mails
    breach = OutboxMessage.objects.get(recipient="lead@example.com", topic="alert.breached")
    assert case.number in breach.subject and case.number in breach.body


def test_a_compensation_waiting_for_approval_reaches_the_approver(people, api):
    order = OrderFactory(
        customer=people.customer, goods_amount=Decimal("3999.00"), paid_amount=Decimal("3999.00")
    )
    OrderLineFactory(
        order=order, line_no=1, unit_price=Decimal("3999.00"), product=ProductFactory(name="冰箱")
    )
    case = make_case(
        order,
        people.agent,
        category_code="transit_damage",
        resolution="compensation",
        description="收到的冰箱外观有明显磕碰",
    )
    case = case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)
    compensation_propose(
        case=case,
        actor=people.agent,
        kind="balance_credit",
        percent=Decimal("10"),
        description="物流磕碰，按商品金额 10% 补偿",
    )
    bodies = [i["body"] for i in api(people.team_lead).get("/notifications").json()["items"]]
    assert any("399.90" in body and case.number in body for body in bodies)


def test_the_notification_centre_lists_counts_and_marks_read(order, people, api):
    case = make_case(order, people.agent)
    case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.other_agent)
    agent = api(people.other_agent, "en")
    answer = agent.get("/notifications").json()
    assert answer["unread"] == 1
    assert answer["items"][0]["title"] == f"New assignment: {case.number}"
    assert answer["items"][0]["case"] == case.number and answer["items"][0]["source"] == "notification"
    customer = api(people.customer_user).get("/notifications").json()
    assert customer["unread"] == 1 and customer["items"][0]["topic"] == "request_received"
    # Nobody reads anybody else's.
    assert api(people.other_customer_user).get("/notifications").json() == {"unread": 0, "items": []}
    assert agent.post("/notifications/read", {"ids": [answer["items"][0]["id"]]}).json() == {
        "marked": 1,
        "unread": 0,
    }
    assert api(people.customer_user).post("/notifications/read", {}).json() == {"marked": 1, "unread": 0}


def test_the_notification_pages_for_staff_and_for_customers(order, people):
    case = make_case(order, people.agent)
    case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.other_agent)
    staff = Client()
    staff.force_login(people.other_agent)
    page = staff.get("/notifications/").content.decode()
    assert f"新分派：{case.number}" in page and f"/console/cases/{case.number}/" in page
    assert '<span class="count"' in staff.get("/notifications/badge").content.decode()
    assert staff.post("/notifications/", {}).status_code == 302
    assert '<span class="count"' not in staff.get("/notifications/badge").content.decode()
    customer = Client()
    customer.force_login(people.customer_user)
    page = customer.get("/notifications/").content.decode()
    assert f"已收到您的售后申请 {case.number}" in page and f"/portal/cases/{case.number}/" in page
    assert Client().get("/notifications/").status_code == 302


@pytest.mark.parametrize("channels", [("in_app",), ()])
def test_channels_can_be_turned_off(order, people, settings, channels):
    settings.NOTIFY_CUSTOMER_CHANNELS = channels
    make_case(order, people.agent)
    assert Notification.objects.filter(customer=people.customer).exists() == ("in_app" in channels)
    assert not OutboxMessage.objects.filter(channel="sms").exists()


def test_console_and_portal_pages_poll_the_badge(order, people):
    staff = Client()
    staff.force_login(people.agent)
    assert 'hx-get="/notifications/badge"' in staff.get("/console/").content.decode()
    customer = Client()
    customer.force_login(people.customer_user)
    assert 'hx-get="/notifications/badge"' in customer.get("/portal/").content.decode()


def test_sms_and_mail_speak_the_customers_language(order, people):
    people.customer.language = "en"
    people.customer.save(update_fields=["language"])
    case = make_case(order, people.agent)
    sms = OutboxMessage.objects.get(channel="sms", case=case)
    assert sms.body.startswith("Your after-sales request has been received") and case.number in sms.body
