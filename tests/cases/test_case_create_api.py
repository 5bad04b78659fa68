import pytest

from aftersale.cases.models import Case, CaseEvent, EventKind

pytestmark = pytest.mark.django_db


def test_staff_creates_case_after_identity_check(api, people, order):
    response = api(people.agent).post(
        "/cases",
        {
            "order_no": order.order_no,
            "phone": "13812345678",
            "case_type": "after_sales",
            "category": "quality_fault",
            "resolution": "return_refund",
            "channel": "platform",
            "description": "屏幕有坏点",
            "lines": [{"line_no": 1, "quantity": 1}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("AS") and len(body["number"]) == 16
    assert body["status"] == "new"
    assert body["identity_status"] == "verified"
    assert body["lines"] == [
        {
            "line_no": 1,
            "sku": order.lines.get(line_no=1).product.sku,
            "product_name": order.lines.get(line_no=1).product.name,
            "quantity": 1,
        }
    ]
    case = Case.objects.get(number=body["number"])
    assert list(case.events.values_list("kind", flat=True))[0] == EventKind.CREATED
    assert case.identity_checks.get().passed


def test_wrong_phone_is_refused_with_reason_and_nothing_stored(api, people, order):
    response = api(people.agent).post(
        "/cases",
        {
            "order_no": order.order_no,
            "phone": "13800000000",
            "case_type": "after_sales",
            "category": "quality_fault",
            "resolution": "return_refund",
            "description": "坏了",
            "lines": [{"line_no": 1, "quantity": 1}],
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "phone", "message": "手机号与订单买家不一致", "code": "identity_mismatch"}
    ]
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_errors_speak_english_when_asked(api, people, order):
    response = api(people.agent, language="en").post("/cases", {"order_no": order.order_no})
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["case_type"] == "This field is required."
