"""Logging a phone or walk-in request in the console: identity checked, channel recorded."""

from __future__ import annotations

import pytest

from aftersale.cases.models import Case

pytestmark = pytest.mark.django_db


def _form(order, **changes) -> dict:
    return {
        "channel": "offline",
        "order_no": order.order_no,
        "phone": "13812345678",
        "case_type": "after_sales",
        "category": "quality_fault",
        "resolution": "exchange",
        "priority": "",
        "lines": "1×1",
        "description": "到店反映：开机黑屏",
        **changes,
    }


def test_an_agent_logs_a_walk_in_request_and_lands_on_the_new_case(as_user, people, order):
    client = as_user(people.agent)
    page = client.get("/console/intake/")
    assert page.status_code == 200 and "登记来电" in page.content.decode()

    response = client.post("/console/intake/", _form(order))

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.number}/"
    assert (case.channel, case.resolution, case.identity_status) == ("offline", "exchange", "verified")
    assert [(line.order_line.line_no, line.quantity) for line in case.lines.all()] == [(1, 1)]


def test_a_phone_inquiry_needs_no_lines(as_user, people, order):
    client = as_user(people.agent)
    response = client.post(
        "/console/intake/",
        _form(
            order,
            channel="phone",
            case_type="inquiry",
            category="product_usage",
            resolution="information",
            lines="",
        ),
    )
    assert response.status_code == 302
    assert Case.objects.get().channel == "phone"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"phone": "13900000000"}, "手机号"),
        ({"lines": "第一行"}, "无法识别“第一行”"),
        ({"lines": "9"}, "订单中没有此行号"),
        ({"channel": "fax"}, "来源"),
    ],
)
def test_bad_input_is_shown_with_the_reason_and_nothing_is_stored(as_user, people, order, changes, says):
    response = as_user(people.agent).post("/console/intake/", _form(order, **changes))
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Case.objects.exists()


def test_customers_cannot_use_it(as_user, people, order):
    assert as_user(people.customer_user).post("/console/intake/", _form(order)).status_code == 403
    assert not Case.objects.exists()
