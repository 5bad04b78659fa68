"""What a signed-in customer sees and does in the portal: their own cases, nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.cases.services import case_assign, message_add
from tests.factories import OrderFactory, OrderLineFactory
from tests.helpers import force_status, png_bytes

pytestmark = pytest.mark.django_db
EXTERNAL_ASSET = re.compile(r'(?:src|href|action)="(?:https?:)?//')


@pytest.fixture
def customer(client, people):
    client.force_login(people.customer_user)
    return client


def test_the_portal_needs_a_signed_in_customer(client, people, case):
    assert client.get("/portal/")["Location"] == "/portal/login/"
    client.force_login(people.agent)
    assert client.get(f"/portal/cases/{case.number}/")["Location"] == "/portal/login/"


def test_customers_see_their_own_cases_and_orders(customer, case, order):
    page = customer.get("/portal/").content.decode()
    assert case.number in page and order.order_no in page
    assert not EXTERNAL_ASSET.search(page)


def test_another_customer_sees_nothing(client, people, case, order):
    client.force_login(people.other_customer_user)
    page = client.get("/portal/").content.decode()
    assert case.number not in page and order.order_no not in page
    assert client.get(f"/portal/cases/{case.number}/").status_code == 404
    assert client.get(f"/portal/orders/{order.order_no}/request/").status_code == 404
    response = client.post(f"/portal/cases/{case.number}/messages/", {"body": "hi"})
    assert response.status_code == 404
    assert not case.messages.exists()


def test_progress_shows_public_rows_the_handler_and_the_due_time(customer, people, case):
    people.agent.display_name = "李娜"
    people.agent.save()
    case_assign(case=case, actor=people.team_lead, version=case.version, assignee=people.agent)
    message_add(case=case, actor=people.agent, body="已安排质检", internal=True)
    message_add(case=case, actor=people.agent, body="您好，我们已收到申请")
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "您好，我们已收到申请" in page
    assert "已安排质检" not in page
    assert "修改售后单" not in page and "内部" not in page
    assert "已由 李娜 负责处理" in page
    assert re.search(r"预计 \d\d-\d\d \d\d:\d\d 前", page)
    assert "13812345678" not in page and not EXTERNAL_ASSET.search(page)


def test_a_customer_message_reaches_the_thread_and_answers_a_request_for_information(customer, case):
    force_status(case, "waiting_customer")
    response = customer.post(f"/portal/cases/{case.number}/messages/", {"body": "补充：已拍照"})
    assert response.status_code == 302
    message = case.messages.get()
    assert not message.is_internal and message.channel == "portal"
    case.refresh_from_db()
    assert case.status == "under_review"


def test_evidence_upload_from_the_phone(customer, case):
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert 'accept="image/*,video/*" capture="environment"' in page
    upload = _file("photo.png", png_bytes(), "image/png")
    response = customer.post(f"/portal/cases/{case.number}/evidence/", {"kind": "item_photo", "file": upload})
    assert response.status_code == 302
    assert case.evidence.get().content_type == "image/png"


def test_a_wrong_file_type_is_refused_with_the_reason(customer, case):
    upload = _file("notes.txt", b"just some text", "text/plain")
    response = customer.post(f"/portal/cases/{case.number}/evidence/", {"kind": "item_photo", "file": upload})
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()
    assert not case.evidence.exists()


def test_a_file_too_large_is_refused_with_the_limit(customer, case, settings):
    settings.EVIDENCE_MAX_IMAGE_BYTES = 200
    settings.EVIDENCE_MAX_VIDEO_BYTES = 200
    upload = _file("big.png", png_bytes(padding=400), "image/png")
    response = customer.post(f"/portal/cases/{case.number}/evidence/", {"kind": "item_photo", "file": upload})
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_a_request_offers_only_what_the_customer_is_entitled_to(customer, people):
    order = OrderFactory(customer=people.customer, signed_at=timezone.now() - timedelta(days=20))
    OrderLineFactory(order=order, line_no=1)
    page = customer.get(
        f"/portal/orders/{order.order_no}/request/?line=1&category=no_reason_return"
    ).content.decode()
    options = dict(re.findall(r'value="(\w+)"( disabled)?', page[page.index('id="options"') :]))
    assert options["return_refund"] == " disabled"  # the seven days are over
    assert "七日无理由退货期已于" in page
    fault = customer.get(
        f"/portal/orders/{order.order_no}/request/options/?line=1&category=quality_fault",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert re.search(r'value="repair"(?! disabled)', fault)  # still under warranty
    # A choice still open survives the swap of the options; one no longer open is not kept.
    kept = customer.get(
        f"/portal/orders/{order.order_no}/request/options/?line=1&category=quality_fault&resolution=repair",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'value="repair" checked' in kept
    dropped = customer.get(
        f"/portal/orders/{order.order_no}/request/options/?line=1&category=no_reason_return&resolution=repair",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "checked" not in dropped


def test_submitting_a_request_creates_the_case(customer, people, order):
    response = customer.post(
        f"/portal/orders/{order.order_no}/request/",
        {
            "line": 1,
            "category": "quality_fault",
            "resolution": "exchange",
            "quantity": 1,
            "description": "屏幕有坏点",
        },
    )
    case = Case.objects.get(description="屏幕有坏点")
    assert response["Location"] == f"/portal/cases/{case.number}/"
    assert case.channel == "portal" and case.created_by == people.customer_user
    assert case.customer == people.customer


def test_a_request_for_something_not_entitled_is_refused_with_the_reason(customer, people):
    order = OrderFactory(customer=people.customer, signed_at=timezone.now() - timedelta(days=20))
    OrderLineFactory(order=order, line_no=1)
    response = customer.post(
        f"/portal/orders/{order.order_no}/request/",
        {
            "line": 1,
            "category": "no_reason_return",
            "resolution": "return_refund",
            "quantity": 1,
            "description": "不想要了",
        },
    )
    assert response.status_code == 400
    assert "七日无理由退货期已于" in response.content.decode()
    assert not Case.objects.filter(description="不想要了").exists()


def _file(name: str, data: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
