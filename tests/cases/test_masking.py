"""Personal data (phone, name) is shown in full only to roles that need it; lists always mask the phone."""

from __future__ import annotations

import pytest

from aftersale.cases.models import Case, IdentityCheck
from aftersale.common.masking import mask_address, mask_name, mask_phone
from aftersale.common.roles import PERSONAL_DATA_ROLES, Role
from tests.conftest import make_case
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from tests.helpers import persona

pytestmark = pytest.mark.django_db

FULL = {"name": "张小明", "phone": "13812345678"}
MASKED = {"name": "张**", "phone": "138****5678"}


@pytest.fixture
def routed_case(order, people):
    case = make_case(order, people.agent)
    Case.objects.filter(pk=case.pk).update(department="warehouse")
    return case


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CUSTOMER])
def test_case_detail_reveals_personal_data_only_to_roles_that_need_it(api, people, routed_case, role):
    customer = api(persona(people, role)).get(f"/cases/{routed_case.number}").json()["customer"]
    expected = FULL if role in PERSONAL_DATA_ROLES else MASKED
    assert {"name": customer["name"], "phone": customer["phone"]} == expected


def test_the_optimizer_and_department_members_do_not_need_personal_data():
    assert Role.OPTIMIZER not in PERSONAL_DATA_ROLES
    assert Role.DEPARTMENT not in PERSONAL_DATA_ROLES


def test_customers_see_their_own_data_in_full(api, people, routed_case):
    customer = api(people.customer_user).get(f"/cases/{routed_case.number}").json()["customer"]
    assert {"name": customer["name"], "phone": customer["phone"]} == FULL


@pytest.mark.parametrize("role", list(Role))
def test_lists_always_mask_the_phone(api, people, routed_case, role):
    items = api(persona(people, role)).get("/cases").json()["items"]
    assert len(items) == 1
    assert items[0]["customer_phone"] == "138****5678"
    if role in PERSONAL_DATA_ROLES:
        assert items[0]["customer_name"] == "张小明"
    else:
        assert items[0]["customer_name"] == "张**"


@pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN])
def test_order_detail_reveals_the_buyer_to_roles_that_need_it(api, people, order, role):
    body = api(persona(people, role)).get(f"/orders/{order.order_no}").json()
    assert (body["customer_name"], body["customer_phone"]) == ("张小明", "13812345678")


@pytest.mark.parametrize("role", [Role.OPTIMIZER, Role.DEPARTMENT])
def test_order_detail_masks_the_buyer_for_other_staff(api, people, order, role):
    body = api(persona(people, role)).get(f"/orders/{order.order_no}").json()
    assert (body["customer_name"], body["customer_phone"]) == ("张**", "138****5678")


def test_events_and_identity_records_hold_no_full_phone(api, people, order):
    response = api(people.agent).post(
        "/cases",
        {
            "order_no": order.order_no,
            "phone": "138-1234-5678",
            "case_type": "after_sales",
            "category": "quality_fault",
            "resolution": "return_refund",
            "description": "屏幕有坏点",
            "lines": [{"line_no": 1, "quantity": 1}],
        },
    )
    assert response.status_code == 201
    number = response.json()["number"]
    events = api(people.director).get(f"/cases/{number}/events").content.decode()
    assert "13812345678" not in events
    check = IdentityCheck.objects.get()
    assert check.phone_masked == "138****5678"


def test_a_short_phone_is_not_disclosed_in_the_identity_record(people):
    buyer = CustomerFactory(name="王五", phone="54321")
    short = OrderLineFactory(order=OrderFactory(customer=buyer), line_no=1).order
    case = make_case(short, people.agent)
    check = case.identity_checks.get()
    assert check.passed
    assert "54321" not in check.phone_masked
    assert check.phone_masked == mask_phone("54321")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86****5678"),
        (" 13812345678 ", "138****5678"),
        ("021-5555", "021****5555"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(("name", "masked"), [("张小明", "张**"), ("李", "李*"), ("John", "J***"), ("", "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_address_keeps_only_the_start():
    assert mask_address("上海市浦东新区世纪大道100号") == "上海市浦东****"
    assert mask_address("") == ""
