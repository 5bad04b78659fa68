"""Work orders over the API: issuing, department queues and who sees what, completion."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersale.fulfilment.models import WorkOrder
from tests.conftest import make_case
from tests.helpers import force_status

pytestmark = pytest.mark.django_db


def issue(api, user, case, department="warehouse", hours=4, **body):
    deadline = (timezone.now() + timedelta(hours=hours)).isoformat()
    return api(user).post(
        f"/cases/{case.number}/work-orders",
        {"department": department, "action": "核对实物库存", "deadline": deadline, **body},
    )


def test_an_agent_issues_one_and_the_department_sees_case_and_work_order(api, people, case):
    response = issue(api, people.agent, case, responsible_id=people.warehouse.pk)
    assert response.status_code == 201, response.json()
    work_order = response.json()
    assert work_order["department"] == "warehouse" and work_order["responsible"]["id"] == people.warehouse.pk
    assert work_order["status"] == "open" and not work_order["overdue"]
    warehouse = api(people.warehouse)
    assert warehouse.get(f"/cases/{case.number}").json()["department"] == "warehouse"
    assert [w["number"] for w in warehouse.get("/work-orders").json()] == [work_order["number"]]
    assert warehouse.get(f"/cases/{case.number}/work-orders").status_code == 200
    assert api(people.qc).get(f"/work-orders/{work_order['number']}").status_code == 404
    assert api(people.customer_user).get(f"/cases/{case.number}/work-orders").status_code == 403


def test_each_department_has_its_queue_and_staff_see_all(api, people, order):
    first, second = make_case(order, people.agent), make_case(order, people.agent)
    warehouse_order = issue(api, people.agent, first, hours=6).json()["number"]
    qc_order = issue(api, people.agent, second, department="qc", hours=2).json()["number"]

    assert [w["number"] for w in api(people.qc).get("/work-orders").json()] == [qc_order]
    assert api(people.qc).get("/work-orders", {"department": "warehouse"}).json() == []
    assert [w["number"] for w in api(people.agent).get("/work-orders").json()] == [qc_order, warehouse_order]
    assert [
        w["number"] for w in api(people.optimizer).get("/work-orders", {"department": "warehouse"}).json()
    ] == [warehouse_order]
    assert api(people.customer_user).get("/work-orders").status_code == 403


def test_the_queue_filters_by_status(api, people, case):
    number = issue(api, people.agent, case).json()["number"]
    warehouse = api(people.warehouse)
    started = warehouse.post(f"/work-orders/{number}/start", {"version": 1}).json()
    assert started["status"] == "in_progress" and started["responsible"]["id"] == people.warehouse.pk
    assert warehouse.get("/work-orders", {"status": "open"}).json() == []
    assert [w["number"] for w in warehouse.get("/work-orders", {"status": "in_progress"}).json()] == [number]


def test_completion_with_advance_resolves_the_case(api, people, case):
    number = issue(api, people.agent, case).json()["number"]
    force_status(case, "in_fulfilment")
    done = api(people.warehouse).post(
        f"/work-orders/{number}/complete", {"version": 1, "result": "已补发正确商品", "advance_case": True}
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    detail = api(people.agent).get(f"/cases/{case.number}").json()
    assert (detail["status"], detail["outcome_note"]) == ("resolved", "已补发正确商品")
    notes = api(people.agent).get(f"/cases/{case.number}/messages").json()
    assert notes[-1]["internal"] and "已补发正确商品" in notes[-1]["body"]
    assert all(
        not m["internal"] for m in api(people.customer_user).get(f"/cases/{case.number}/messages").json()
    )


def test_a_stale_version_and_a_bad_request_answer_clearly(api, people, case):
    number = issue(api, people.agent, case).json()["number"]
    assert api(people.warehouse).post(f"/work-orders/{number}/start", {"version": 7}).status_code == 409
    missing = api(people.agent).post(f"/cases/{case.number}/work-orders", {"department": "warehouse"})
    assert missing.status_code == 422
    unknown = issue(api, people.agent, case, responsible_id=10**9)
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "responsible_id"
    past = issue(api, people.agent, case, hours=-1)
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "deadline"
    assert (
        api(people.warehouse).post(f"/work-orders/{number}/cancel", {"version": 1, "reason": "x"}).status_code
        == 403
    )


def test_the_queue_costs_the_same_queries_for_one_work_order_or_many(api, people, order):
    client = api(people.agent)
    issue(api, people.agent, make_case(order, people.agent))
    client.get("/work-orders")  # warm the token cache
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/work-orders").json()) == 1
    for _ in range(4):
        issue(api, people.agent, make_case(order, people.agent), responsible_id=people.warehouse.pk)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/work-orders").json()) == 5
    assert len(five) == len(one)
    assert WorkOrder.objects.count() == 5
