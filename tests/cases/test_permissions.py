"""Who may do what on a case: a persona × action matrix through the API.

The case belongs to `customer`, is assigned to team 一组 and routed to the warehouse. A persona who
may not see it gets 404 (its existence is not disclosed); one who sees it but whose role may not
act gets 403.
"""

from __future__ import annotations

import pytest

from aftersale.cases.models import Case, CaseEvent
from aftersale.common.models import Team
from tests.conftest import make_case
from tests.helpers import png_bytes

pytestmark = pytest.mark.django_db

PERSONAS = [
    "customer_user",
    "other_customer_user",
    "agent",
    "other_agent",
    "team_lead",
    "director",
    "optimizer",
    "warehouse",
    "qc",
    "expert",
    "admin",
]


def _expect(**codes):
    """Expected status per persona; personas not named get `default`."""
    default = codes.pop("default")
    return [pytest.param(p, codes.get(p, default), id=p) for p in PERSONAS]


NOT_SEEN = {"other_customer_user": 404, "other_agent": 404, "qc": 404}


@pytest.fixture
def routed_case(order, people):
    case = make_case(order, people.agent)
    Case.objects.filter(pk=case.pk).update(team=people.team, department="warehouse")
    case.refresh_from_db()
    return case


def _case_response(api, user, case, action):
    client = api(user)
    path = f"/cases/{case.number}"
    if action == "view":
        return client.get(path)
    if action == "events":
        return client.get(f"{path}/events")
    if action == "messages":
        return client.get(f"{path}/messages")
    if action == "evidence_list":
        return client.get(f"{path}/evidence")
    if action == "transition":
        return client.post(f"{path}/transitions", {"action": "start_review", "version": case.version})
    if action == "cancel":
        return client.post(
            f"{path}/transitions", {"action": "cancel", "version": case.version, "reason": "不要了"}
        )
    if action == "update":
        return client.patch(path, {"version": case.version, "priority": "P0"})
    if action == "public_message":
        return client.post(f"{path}/messages", {"body": "您好，请问进展如何？"})
    if action == "internal_note":
        return client.post(f"{path}/messages", {"body": "仓库已收到退货", "internal": True})
    if action == "evidence":
        return client.upload(f"{path}/evidence", {"kind": "item_photo", "file": _png_file()})
    if action == "claim":
        return client.post(f"{path}/assign", {"version": case.version, "assignee_id": user.pk})
    raise AssertionError(action)


def _png_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")


MATRIX = {
    "view": _expect(default=200, **NOT_SEEN),
    "events": _expect(default=200, **NOT_SEEN),
    "messages": _expect(default=200, **NOT_SEEN),
    "evidence_list": _expect(default=200, **NOT_SEEN),
    "transition": _expect(default=200, customer_user=403, optimizer=403, warehouse=403, **NOT_SEEN),
    "cancel": _expect(default=200, optimizer=403, warehouse=403, **NOT_SEEN),
    "update": _expect(default=200, customer_user=403, optimizer=403, warehouse=403, **NOT_SEEN),
    "public_message": _expect(default=201, optimizer=403, warehouse=400, **NOT_SEEN),
    "internal_note": _expect(default=201, customer_user=400, optimizer=403, **NOT_SEEN),
    "evidence": _expect(default=201, optimizer=403, **NOT_SEEN),
    # Roles that may never assign are refused before the case is looked up (403 whether they see it).
    "claim": _expect(
        default=200,
        customer_user=403,
        optimizer=403,
        warehouse=403,
        admin=400,
        **{**NOT_SEEN, "other_customer_user": 403, "qc": 403},
    ),
}


@pytest.mark.parametrize(
    ("action", "who", "status"),
    [
        pytest.param(action, *p.values, id=f"{action}-{p.id}")
        for action, params in MATRIX.items()
        for p in params
    ],
)
def test_matrix(api, people, routed_case, action, who, status):
    user = getattr(people, who)
    before = (
        Case.objects.values("status", "priority", "version", "assignee").get(),
        CaseEvent.objects.count(),
    )

    response = _case_response(api, user, routed_case, action)

    assert response.status_code == status, response.content
    if status == 404:
        assert response.json() == {
            "errors": [
                {"field": "number", "message": f"售后单不存在：{routed_case.number}", "code": "invalid"}
            ]
        }
    if status >= 400:
        assert response.json()["errors"][0]["field"]
        after = (
            Case.objects.values("status", "priority", "version", "assignee").get(),
            CaseEvent.objects.count(),
        )
        assert after == before, "a refused request changed something"
    elif action in ("transition", "cancel", "update", "public_message", "internal_note", "evidence", "claim"):
        assert CaseEvent.objects.count() == before[1] + 1
        assert CaseEvent.objects.latest("id").actor == user


def test_a_nonexistent_case_and_a_hidden_case_answer_alike(api, people, routed_case):
    client = api(people.other_customer_user)
    hidden = client.get(f"/cases/{routed_case.number}")
    missing = client.get("/cases/AS20000101000001")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["errors"][0]["code"] == missing.json()["errors"][0]["code"]


def test_list_shows_each_persona_only_what_it_may_see(api, people, order):
    teamless = make_case(order, people.agent)
    ours = make_case(order, people.agent)
    theirs = make_case(order, people.agent)
    routed_qc = make_case(order, people.agent)
    # Set every routing field: the routing rules may have sent new cases to a department already.
    Case.objects.filter(pk=teamless.pk).update(team=None, department="")
    Case.objects.filter(pk=ours.pk).update(team=people.team, department="warehouse")
    Case.objects.filter(pk=theirs.pk).update(team=people.other_team, department="")
    Case.objects.filter(pk=routed_qc.pk).update(team=people.other_team, department="qc")

    def seen(who):
        response = api(getattr(people, who)).get("/cases")
        assert response.status_code == 200
        return {item["number"] for item in response.json()["items"]}

    everything = {teamless.number, ours.number, theirs.number, routed_qc.number}
    assert seen("customer_user") == everything
    assert seen("other_customer_user") == set()
    assert seen("agent") == {teamless.number, ours.number}
    assert seen("other_agent") == {teamless.number, theirs.number, routed_qc.number}
    assert seen("team_lead") == {teamless.number, ours.number}
    for who in ("director", "optimizer", "expert", "admin"):
        assert seen(who) == everything
    assert seen("warehouse") == {ours.number}
    assert seen("qc") == {routed_qc.number}


def test_a_team_lead_sees_the_cases_of_the_team_they_lead(api, people, order):
    case = make_case(order, people.agent)
    Case.objects.filter(pk=case.pk).update(team=people.other_team)
    lead = people.team_lead
    assert api(lead).get(f"/cases/{case.number}").status_code == 404
    Team.objects.filter(pk=people.other_team.pk).update(lead=lead)
    assert api(lead).get(f"/cases/{case.number}").status_code == 200
    assert case.number in {i["number"] for i in api(lead).get("/cases").json()["items"]}


def test_an_agent_sees_a_case_assigned_to_them_in_another_team(api, people, order):
    case = make_case(order, people.agent)
    Case.objects.filter(pk=case.pk).update(team=people.other_team, assignee=people.agent)
    assert api(people.agent).get(f"/cases/{case.number}").status_code == 200


def test_an_agent_may_only_claim_an_unassigned_case_for_themselves(api, people, routed_case):
    client = api(people.agent)
    give_away = client.post(
        f"/cases/{routed_case.number}/assign", {"version": 1, "assignee_id": people.team_lead.pk}
    )
    assert give_away.status_code == 403
    assert give_away.json()["errors"][0]["field"] == "assignee"
    claimed = client.post(
        f"/cases/{routed_case.number}/assign", {"version": 1, "assignee_id": people.agent.pk}
    )
    assert claimed.status_code == 200
    assert claimed.json()["assignee"] == {"id": people.agent.pk, "name": "agent"}
    assert claimed.json()["team"] == {"id": people.team.pk, "name": "一组"}
    taken = api(people.agent).post(
        f"/cases/{routed_case.number}/assign", {"version": 2, "assignee_id": people.agent.pk}
    )
    assert taken.status_code == 200
    Case.objects.filter(pk=routed_case.pk).update(assignee=people.team_lead)
    steal = client.post(f"/cases/{routed_case.number}/assign", {"version": 3, "assignee_id": people.agent.pk})
    assert steal.status_code == 403


@pytest.mark.parametrize("who", ["customer_user", "warehouse", "optimizer"])
def test_only_handling_roles_can_be_assigned(api, people, routed_case, who):
    response = api(people.team_lead).post(
        f"/cases/{routed_case.number}/assign", {"version": 1, "assignee_id": getattr(people, who).pk}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "assignee", "message": "该用户不能处理售后单", "code": "invalid"}
    ]


def test_assigning_to_an_unknown_user_or_team_names_the_field(api, people, routed_case):
    client = api(people.team_lead)
    unknown_user = client.post(f"/cases/{routed_case.number}/assign", {"version": 1, "assignee_id": 999999})
    assert unknown_user.status_code == 400
    assert unknown_user.json()["errors"][0] == {
        "field": "assignee_id",
        "message": "用户不存在",
        "code": "invalid",
    }
    unknown_team = client.post(f"/cases/{routed_case.number}/assign", {"version": 1, "team_id": 999999})
    assert unknown_team.status_code == 400
    assert unknown_team.json()["errors"][0]["field"] == "team_id"


def test_customers_never_see_internal_notes_or_their_events(api, people, routed_case):
    api(people.agent).post(
        f"/cases/{routed_case.number}/messages", {"body": "疑似职业打假", "internal": True}
    )
    api(people.agent).post(f"/cases/{routed_case.number}/messages", {"body": "您好，已收到"})
    staff_view = api(people.agent).get(f"/cases/{routed_case.number}/messages").json()
    customer_view = api(people.customer_user).get(f"/cases/{routed_case.number}/messages").json()
    assert [m["body"] for m in staff_view] == ["疑似职业打假", "您好，已收到"]
    assert [m["body"] for m in customer_view] == ["您好，已收到"]
    staff_events = api(people.agent).get(f"/cases/{routed_case.number}/events").json()
    customer_events = api(people.customer_user).get(f"/cases/{routed_case.number}/events").json()
    messages = [e for e in staff_events if e["kind"] == "message.added"]
    assert [e["payload"]["internal"] for e in messages] == [True, False]
    assert {e["id"] for e in customer_events} < {e["id"] for e in staff_events}
    assert [e["id"] for e in customer_events if e["kind"] == "message.added"] == [messages[1]["id"]]
    # Internal events (the internal note, the system's own changes) are for staff only.
    assert all(not e["payload"].get("internal") for e in customer_events)
    assert all(e["kind"] != "case.updated" for e in customer_events)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("customer_user", 403),
        ("agent", 403),
        ("optimizer", 403),
        ("warehouse", 403),
        ("team_lead", 200),
        ("director", 200),
        ("admin", 200),
    ],
)
def test_who_may_import_orders(api, people, who, status):
    response = api(getattr(people, who)).put("/orders", {"orders": []})
    assert response.status_code == status
    if status == 403:
        assert response.json()["errors"] == [
            {"field": "role", "message": "您的角色无权执行此操作：导入订单", "code": "forbidden"}
        ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("customer_user", 403),
        ("other_customer_user", 403),
        ("agent", 200),
        ("optimizer", 200),
        ("warehouse", 200),
        ("director", 200),
    ],
)
def test_who_may_read_orders(api, people, order, who, status):
    assert api(getattr(people, who)).get(f"/orders/{order.order_no}").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("customer_user", 403), ("optimizer", 403), ("warehouse", 403), ("agent", 200), ("expert", 200)],
)
def test_who_may_run_an_identity_check(api, people, order, who, status):
    response = api(getattr(people, who)).post(
        "/identity/verify", {"order_no": order.order_no, "phone": "13812345678"}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("optimizer", 403), ("warehouse", 403), ("agent", 201), ("customer_user", 201)],
)
def test_who_may_take_in_a_case(api, people, order, who, status):
    response = api(getattr(people, who)).post(
        "/cases",
        {
            "order_no": order.order_no,
            "phone": "13812345678",
            "case_type": "after_sales",
            "category": "quality_fault",
            "resolution": "return_refund",
            "description": "屏幕有坏点",
            "lines": [{"line_no": 1, "quantity": 1}],
        },
    )
    assert response.status_code == status, response.content
    assert Case.objects.count() == (1 if status == 201 else 0)


def test_another_customer_cannot_open_a_case_on_someone_elses_order(api, people, order):
    response = api(people.other_customer_user).post(
        "/cases",
        {
            "order_no": order.order_no,
            "phone": "13812345678",
            "case_type": "after_sales",
            "category": "quality_fault",
            "resolution": "return_refund",
            "description": "不是我的订单",
            "lines": [{"line_no": 1, "quantity": 1}],
        },
    )
    # The same answer as for an order that does not exist: nothing tells the order is there.
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "order_no", "message": "订单号不存在", "code": "not_found"}
    ]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic YWRtaW46YWRtaW4="])
def test_no_valid_credentials_means_401(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/cases", **extra)
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {"field": "authorization", "message": "需要登录或有效的 API 令牌", "code": "unauthenticated"}
        ]
    }


def test_a_deactivated_users_token_stops_working(api, people):
    client = api(people.agent)
    people.agent.is_active = False
    people.agent.save()
    assert client.get("/me").status_code == 401
