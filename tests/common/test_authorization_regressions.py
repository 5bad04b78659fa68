"""Refusals the authorisation matrix found coming after validation or as a redirect: now 403/404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aftersale.fulfilment.services.workorders import work_order_create
from tests.fulfilment.goods import approved_case, rma_of


def test_a_role_that_may_not_place_holds_is_refused_before_its_body_is_read(api, people):
    response = api(people.customer_user).post("/privacy/holds", {})
    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["code"] == "forbidden"


def test_a_role_that_may_not_record_deletion_requests_is_refused_before_the_customer_is_asked_for(
    api, people
):
    for user in (people.optimizer, people.warehouse):
        response = api(user).post("/privacy/deletion-requests", {"channel": "phone"})
        assert response.status_code == 403, response.content


def test_staff_who_do_not_decide_get_403_from_the_hold_and_decision_forms(client, people):
    client.force_login(people.agent)
    for url in ("/console/privacy/holds/place/", "/console/privacy/requests/1/approve/"):
        response = client.post(url, {"reason": "诉讼", "phone": people.customer.phone, "version": 1})
        assert response.status_code == 403, url


def test_a_return_or_work_order_hidden_from_the_user_is_404_not_a_redirect(client, order, people):
    case = approved_case(order, people)
    work_order = work_order_create(
        case=case,
        actor=people.agent,
        department="warehouse",
        action="核对",
        deadline=timezone.now() + timedelta(days=1),
    )
    client.force_login(people.qc)
    assert (
        client.post(f"/console/returns/{rma_of(case).number}/inspect/", {"disposition": "accept"}).status_code
        == 404
    )
    assert client.post(f"/console/work-orders/{work_order.number}/start/", {"version": 1}).status_code == 404


def test_the_optimizer_reads_the_case_page_but_its_actions_are_403_whatever_the_form(client, case, people):
    client.force_login(people.optimizer)
    assert client.get(f"/console/cases/{case.number}/").status_code == 200
    for action in ("assign", "update", "evidence", "compensation", "reply"):
        response = client.post(f"/console/cases/{case.number}/{action}/", {})
        assert response.status_code == 403, action


def test_the_optimizer_cannot_take_in_a_case_receive_goods_or_file_a_reference(client, case, people):
    client.force_login(people.optimizer)
    assert client.get("/console/intake/").status_code == 403
    assert client.post("/console/intake/", {}).status_code == 403
    assert client.post("/console/returns/receive/", {"code": "RMA1"}).status_code == 403
    assert client.post(f"/console/cases/{case.number}/transition/", {}).status_code == 403
    assert client.post(f"/console/knowledge/cases/{case.number}/reference/", {}).status_code == 403


def _refused_with_an_empty_body(api, calls) -> None:
    """Each (user, method, path) with an empty body is a 403 about the role, not a 422 about the body."""
    for user, method, path in calls:
        response = getattr(api(user), method)(path, {})
        assert response.status_code == 403, (path, response.content)
        assert response.json()["errors"][0]["code"] == "forbidden"


def test_admin_only_writes_refuse_other_roles_whatever_the_body(api, people):
    _refused_with_an_empty_body(
        api,
        (
            (people.agent, "post", "/playbook/versions"),
            (people.team_lead, "post", "/playbook/versions/1/activate"),
            (people.agent, "post", "/sop/drafts/publish"),
            (people.expert, "post", "/webhooks/subscriptions"),
            (people.customer_user, "put", "/orders"),
            (people.agent, "post", "/orders/import"),
        ),
    )


def test_role_limited_writes_refuse_other_roles_before_reading_the_body(api, people):
    _refused_with_an_empty_body(
        api,
        (
            (people.agent, "post", "/knowledge/articles"),
            (people.agent, "patch", "/knowledge/articles/1"),
            (people.agent, "post", "/knowledge/scripts"),
            (people.agent, "patch", "/knowledge/scripts/1"),
            (people.optimizer, "post", "/cases/AS1/reference"),
            (people.agent, "post", "/follow-ups/1/complete"),
            (people.agent, "post", "/qa/samples"),
            (people.agent, "post", "/qa/reviews/1"),
            (people.expert, "post", "/cases/AS1/refunds"),
            (people.expert, "post", "/refunds/1/complete"),
            (people.customer_user, "post", "/cases/AS1/assign"),
            (people.customer_user, "post", "/identity/verify"),
        ),
    )
