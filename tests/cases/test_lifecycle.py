"""The transition table: every allowed move for every role it names, and a sample of refused ones."""

from __future__ import annotations

import pytest

from aftersale.cases.lifecycle import TRANSITIONS, Action, Status, actions_available
from aftersale.cases.models import Case, CaseEvent, EventKind
from aftersale.cases.services import case_transition, message_add
from aftersale.common.errors import DomainError, PermissionDenied
from aftersale.common.roles import Role
from tests.conftest import make_case
from tests.helpers import force_status, persona

pytestmark = pytest.mark.django_db

ALLOWED = [
    pytest.param(t.action, source, role, id=f"{t.action.value}-from-{source.value}-by-{role.value}")
    for t in TRANSITIONS
    for source in sorted(t.sources)
    for role in sorted(t.roles)
]
WRONG_STATUS = [
    pytest.param(t.action, status, id=f"{t.action.value}-from-{status.value}")
    for t in TRANSITIONS
    for status in Status
    if status not in t.sources
]
WRONG_ROLE = [
    pytest.param(t.action, role, id=f"{t.action.value}-by-{role.value}")
    for t in TRANSITIONS
    for role in (Role.OPTIMIZER, Role.DEPARTMENT, Role.CUSTOMER)
    if role not in t.roles
]
NEEDS_REASON = [t.action for t in TRANSITIONS if t.needs_reason]


def _routed_case(order, people) -> Case:
    """A case routed to the warehouse, so that every persona of PERSONA_FOR_ROLE can see it."""
    case = make_case(order, people.agent)
    Case.objects.filter(pk=case.pk).update(department="warehouse")
    case.refresh_from_db()
    return case


def test_the_table_covers_every_status():
    sources = {s for t in TRANSITIONS for s in t.sources}
    targets = {t.target for t in TRANSITIONS}
    # Every status but the terminal "cancelled" can be left, and every status but "new" reached.
    assert sources == set(Status) - {Status.CANCELLED}
    assert targets == set(Status) - {Status.NEW}
    assert {t.action for t in TRANSITIONS} == set(Action)


@pytest.mark.parametrize(("action", "source", "role"), ALLOWED)
def test_allowed_transition(action, source, role, order, people):
    case = force_status(_routed_case(order, people), source)
    actor = persona(people, role)
    transition = next(t for t in TRANSITIONS if t.action == action)
    version = case.version

    case_transition(case=case, actor=actor, action=action, version=version, reason="核实后处理")

    case.refresh_from_db()
    assert case.status == transition.target
    assert case.version == version + 1
    # Handlers may record follow-up events (e.g. return.authorized on approve); the transition is the
    # latest event of its kind.
    event = case.events.filter(kind=EventKind.TRANSITIONED).order_by("-id").first()
    assert (event.from_status, event.to_status) == (source, transition.target)
    assert event.actor == actor and event.actor_role == role
    assert event.payload == {"action": action.value, "reason": "核实后处理"}
    if transition.target == Status.RESOLVED:
        assert case.resolved_at is not None and case.outcome_note == "核实后处理"
    if transition.target == Status.CLOSED:
        assert case.closed_at is not None
    if action == Action.REOPEN:
        assert case.resolved_at is None and case.closed_at is None


@pytest.mark.parametrize(("action", "status"), WRONG_STATUS)
def test_transition_from_a_status_outside_the_table_is_refused(action, status, order, people):
    case = force_status(_routed_case(order, people), status)
    events = CaseEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        case_transition(case=case, actor=people.admin, action=action, version=case.version, reason="原因")

    error = refused.value.errors[0]
    assert (refused.value.status, error.field, error.code) == (400, "action", "invalid_transition")
    assert str(error.message) == (
        f"售后单当前状态为“{Status(status).label}”，不能执行“{Action(action).label}”"
    )
    case.refresh_from_db()
    assert case.status == status
    assert CaseEvent.objects.count() == events


@pytest.mark.parametrize(("action", "role"), WRONG_ROLE)
def test_transition_by_a_role_the_table_does_not_name_is_refused(action, role, order, people):
    transition = next(t for t in TRANSITIONS if t.action == action)
    source = sorted(transition.sources)[0]
    case = force_status(_routed_case(order, people), source)
    events = CaseEvent.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        case_transition(
            case=case, actor=persona(people, role), action=action, version=case.version, reason="原因"
        )

    assert refused.value.errors[0].field == "role"
    assert refused.value.errors[0].code == "forbidden"
    assert str(refused.value.errors[0].message) == f"您的角色无权执行此操作：{transition.action.label}"
    case.refresh_from_db()
    assert case.status == source
    assert CaseEvent.objects.count() == events


@pytest.mark.parametrize("action", NEEDS_REASON)
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_transition_that_needs_a_reason_is_refused_without_one(action, reason, order, people):
    transition = next(t for t in TRANSITIONS if t.action == action)
    case = force_status(make_case(order, people.agent), sorted(transition.sources)[0])

    with pytest.raises(DomainError) as refused:
        case_transition(case=case, actor=people.director, action=action, version=case.version, reason=reason)

    error = refused.value.errors[0]
    assert error.field == "reason"
    assert str(error.message) == f"执行“{transition.action.label}”须填写原因"
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (sorted(transition.sources)[0], case.version)


def test_a_stranger_to_the_case_is_refused_before_anything_else(order, people):
    case = make_case(order, people.agent)
    with pytest.raises(PermissionDenied) as refused:
        case_transition(case=case, actor=people.other_customer_user, action="cancel", version=1, reason="x")
    assert refused.value.errors[0].field == "number"
    assert Case.objects.get(pk=case.pk).status == Status.NEW


def test_unknown_action_is_refused(case, people):
    with pytest.raises(DomainError) as refused:
        case_transition(case=case, actor=people.admin, action="teleport", version=1)
    assert refused.value.errors[0].field == "action"
    assert str(refused.value.errors[0].message) == "未知的操作：teleport"


def test_overlong_reason_is_refused(case, people):
    with pytest.raises(DomainError) as refused:
        case_transition(case=case, actor=people.admin, action="cancel", version=1, reason="因" * 2001)
    assert refused.value.errors[0].field == "reason"
    assert Case.objects.get(pk=case.pk).status == Status.NEW


def test_a_customer_reply_moves_a_waiting_case_back_to_review(case, people):
    case_transition(case=case, actor=people.agent, action="start_review", version=1)
    case_transition(case=case, actor=people.agent, action="request_info", version=2, reason="请补充照片")

    message_add(case=case, actor=people.customer_user, body="照片已补充")

    case.refresh_from_db()
    assert case.status == Status.UNDER_REVIEW and case.version == 4
    last = case.events.order_by("-id")[:2]
    assert [e.kind for e in reversed(last)] == [EventKind.MESSAGE_ADDED, EventKind.TRANSITIONED]
    system_move = last[0]
    assert system_move.actor is None and system_move.actor_role == ""
    assert (system_move.from_status, system_move.to_status) == ("waiting_customer", "under_review")


def test_the_whole_road_through_the_api_leaves_one_event_per_step(api, people, case):
    steps = [
        (people.agent, "start_review", ""),
        (people.agent, "request_info", "请上传外箱照片"),
        (people.customer_user, "customer_replied", ""),
        (people.team_lead, "approve", ""),
        (people.agent, "start_fulfilment", ""),
        (people.agent, "resolve", "已退款 399 元"),
        (people.customer_user, "close", ""),
        (people.customer_user, "reopen", "退款未到账"),
    ]
    version = 1
    for actor, action, reason in steps:
        response = api(actor).post(
            f"/cases/{case.number}/transitions", {"action": action, "version": version, "reason": reason}
        )
        assert response.status_code == 200, (action, response.content)
        version = response.json()["version"]
    body = response.json()
    assert body["status"] == "under_review" and version == 9
    assert body["resolved_at"] is None and body["closed_at"] is None

    trail = [
        e
        for e in api(people.agent).get(f"/cases/{case.number}/events").json()
        if e["kind"] in ("case.created", "case.transitioned")
    ]
    assert [(e["from_status"], e["to_status"], e["payload"].get("action")) for e in trail] == [
        ("", "new", None),
        ("new", "under_review", "start_review"),
        ("under_review", "waiting_customer", "request_info"),
        ("waiting_customer", "under_review", "customer_replied"),
        ("under_review", "approved", "approve"),
        ("approved", "in_fulfilment", "start_fulfilment"),
        ("in_fulfilment", "resolved", "resolve"),
        ("resolved", "closed", "close"),
        ("closed", "under_review", "reopen"),
    ]
    assert [e["actor"] for e in trail][1:4] == ["agent", "agent", "cust"]


def test_refusals_through_the_api_speak(api, people, case):
    client = api(people.agent)
    wrong_status = client.post(f"/cases/{case.number}/transitions", {"action": "approve", "version": 1})
    assert wrong_status.status_code == 400
    assert wrong_status.json() == {
        "errors": [
            {
                "field": "action",
                "message": "售后单当前状态为“新建”，不能执行“审核通过”",
                "code": "invalid_transition",
            }
        ]
    }
    no_reason = client.post(f"/cases/{case.number}/transitions", {"action": "cancel", "version": 1})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == [
        {"field": "reason", "message": "执行“取消”须填写原因", "code": "invalid"}
    ]
    unknown = client.post(f"/cases/{case.number}/transitions", {"action": "teleport", "version": 1})
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["action"]
    wrong_role = api(people.optimizer).post(
        f"/cases/{case.number}/transitions", {"action": "start_review", "version": 1}
    )
    assert wrong_role.status_code == 403
    assert wrong_role.json()["errors"] == [
        {"field": "role", "message": "您的角色无权执行此操作：开始审核", "code": "forbidden"}
    ]
    assert Case.objects.get(pk=case.pk).status == "new"
    assert not case.events.filter(kind=EventKind.TRANSITIONED).exists()


CUSTOMER_ACTIONS = {
    Status.NEW: ["cancel"],
    Status.UNDER_REVIEW: ["cancel"],
    Status.WAITING_CUSTOMER: ["customer_replied", "cancel"],
    Status.APPROVED: ["cancel"],
    Status.REJECTED: ["close", "reopen"],
    Status.IN_FULFILMENT: [],
    Status.RESOLVED: ["close", "reopen"],
    Status.CLOSED: ["reopen"],
    Status.CANCELLED: [],
}


@pytest.mark.parametrize("status", list(Status))
def test_the_actions_offered_follow_the_table(status):
    assert actions_available(status, Role.CUSTOMER) == CUSTOMER_ACTIONS[status]
    # The optimizer only reads; department members work on routed cases but never move them.
    assert actions_available(status, Role.OPTIMIZER) == []
    assert actions_available(status, Role.DEPARTMENT) == []
    if status == Status.CANCELLED:
        assert actions_available(status, Role.ADMIN) == []


def test_the_case_shows_the_actions_its_viewer_may_take(api, people, case):
    assert api(people.customer_user).get(f"/cases/{case.number}").json()["actions"] == ["cancel"]
    assert api(people.agent).get(f"/cases/{case.number}").json()["actions"] == ["start_review", "cancel"]
    assert api(people.optimizer).get(f"/cases/{case.number}").json()["actions"] == []
