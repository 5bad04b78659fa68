from datetime import timedelta

import pytest
from django.utils import timezone

from aftersale.cases.models import Case

pytestmark = pytest.mark.django_db


def request(order, **overrides):
    body = {
        "order_no": order.order_no,
        "case_type": "after_sales",
        "category": "no_reason_return",
        "resolution": "return_refund",
        "description": "不想要了",
        "lines": [{"line_no": 1, "quantity": 1}],
    }
    body.update(overrides)
    return body


def test_customer_is_refused_what_the_playbook_does_not_entitle_them_to(api, people, order):
    product = order.lines.get(line_no=1).product
    product.is_custom_made = True
    product.save()
    response = api(people.customer_user).post("/cases", request(order))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "resolution" and error["code"] == "not_entitled"
    assert error["message"] == "定作商品依法不适用七日无理由退货"
    assert Case.objects.count() == 0


def test_customer_gets_what_they_are_entitled_to(api, people, order):
    response = api(people.customer_user).post("/cases", request(order))
    assert response.status_code == 201, response.content


def test_window_closed_for_the_customer_but_staff_may_still_take_the_request(api, people, order):
    order.signed_at = timezone.now() - timedelta(days=30)
    order.save()
    refused = api(people.customer_user).post("/cases", request(order))
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "not_entitled"
    taken = api(people.agent).post("/cases", request(order, phone=people.customer.phone))
    assert taken.status_code == 201
