import pytest

from aftersale.cases.services import message_add
from aftersale.sla.models import Alert, CaseRisk
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def test_sensitive_description_flags_raises_routes_and_alerts(order, people):
    case = make_case(order, people.agent, description="再不处理我就去12315投诉，还要找媒体曝 光你们")
    case.refresh_from_db()
    risk = CaseRisk.objects.get(case=case)
    assert risk.is_sensitive and risk.auto_rejection_frozen and risk.is_exception
    assert {"12315", "曝光", "媒体", "投诉"} <= set(risk.sensitive_words)
    assert case.priority == "P0"
    assert case.assignee_id == people.expert.id
    assert Alert.objects.filter(recipient=people.team_lead, kind="sensitive").exists()


def test_customer_message_with_an_evasion_is_caught(order, people):
    case = make_case(order, people.agent)
    message_add(case=case, actor=people.customer_user, body="我要起-诉你们！")
    assert CaseRisk.objects.get(case=case).sensitive_words == ["起诉"]


def test_ordinary_words_raise_no_alarm(order, people):
    case = make_case(
        order, people.agent, description="包装有点曝晒的痕迹，想问下怎么开发票，另外运费险怎么投保"
    )
    assert not CaseRisk.objects.filter(case=case, is_sensitive=True).exists()


@pytest.mark.parametrize(
    ("category", "department"),
    [
        ("quality_fault", "qc"),
        ("missing_or_wrong_item", "warehouse"),
        ("not_as_described", "merchant"),
        ("transit_damage", ""),
    ],
)
def test_routing_rules_send_cases_to_departments(order, people, category, department):
    case = make_case(order, people.agent, category_code=category)
    case.refresh_from_db()
    assert case.department == department


def test_product_usage_goes_to_ops(order, people):
    case = make_case(
        order,
        people.agent,
        case_type="inquiry",
        category_code="product_usage",
        resolution="information",
        lines=[],
    )
    case.refresh_from_db()
    assert case.department == "ops"


def test_quality_defect_routing_carries_the_batch_number(order, people):
    line = order.lines.get(line_no=1)
    line.batch_no = "B20261101"
    line.save()
    case = make_case(order, people.agent, category_code="quality_fault")
    routed = case.events.get(kind="case.routed")
    assert routed.payload["batch_nos"] == ["B20261101"] and routed.payload["department"] == "qc"
