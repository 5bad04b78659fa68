"""Case events are append-only: every action adds one, and the database refuses to change them."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from aftersale.cases.evidence import evidence_add
from aftersale.cases.models import Case, CaseEvent, EventKind
from aftersale.cases.services import case_assign, case_transition, case_update, message_add
from aftersale.common.errors import DomainError
from tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


def _refused_by_the_database(operation):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        operation()


def _trail(case):
    return list(
        case.events.order_by("id").values_list("id", "kind", "actor", "from_status", "to_status", "payload")
    )


def test_every_action_appends_one_event_with_actor_and_payload(case, people):
    routed_to = case.department  # the routing rules may already have sent the case somewhere
    case_assign(case=case, actor=people.team_lead, version=1, assignee=people.agent)
    case_update(case=case, actor=people.agent, version=2, priority="P1", department="warehouse")
    message_add(case=case, actor=people.agent, body="请提供照片")
    evidence_add(
        case=case, actor=people.customer_user, kind="item_photo", data=png_bytes(), original_name="a.png"
    )
    case_transition(case=case, actor=people.agent, action="start_review", version=3)

    # What people did (the system's own reactions, e.g. routing, have no actor).
    events = list(case.events.exclude(actor=None).order_by("id"))
    assert [e.kind for e in events] == [
        EventKind.CREATED,
        EventKind.ASSIGNED,
        EventKind.UPDATED,
        EventKind.MESSAGE_ADDED,
        EventKind.EVIDENCE_ADDED,
        EventKind.TRANSITIONED,
    ]
    assert [e.actor for e in events] == [
        people.agent,
        people.team_lead,
        people.agent,
        people.agent,
        people.customer_user,
        people.agent,
    ]
    assert [e.actor_role for e in events] == ["agent", "team_lead", "agent", "agent", "customer", "agent"]
    assert all(e.created_at is not None for e in events)
    assert events[0].to_status == "new" and events[0].payload["category"] == "quality_fault"
    assert events[1].payload == {
        "assignee_id": people.agent.pk,
        "assignee": "agent",
        "team_id": people.team.pk,
    }
    assert events[2].payload == {
        "changes": {"priority": ["P2", "P1"], "department": [routed_to, "warehouse"]},
        "description_changed": False,
    }
    assert events[2].is_public is False
    assert events[4].payload["kind"] == "item_photo" and events[4].payload["content_type"] == "image/png"
    assert (events[5].from_status, events[5].to_status) == ("new", "under_review")


def test_refused_actions_append_nothing(case, people):
    before = _trail(case)
    for attempt in (
        lambda: case_transition(case=case, actor=people.agent, action="approve", version=1),
        lambda: case_transition(case=case, actor=people.optimizer, action="start_review", version=1),
        lambda: case_update(case=case, actor=people.agent, version=9, priority="P0"),
        lambda: message_add(case=case, actor=people.agent, body="   "),
    ):
        with pytest.raises(DomainError):
            attempt()
    assert _trail(case) == before


def test_queryset_update_is_refused(case):
    before = _trail(case)
    _refused_by_the_database(lambda: CaseEvent.objects.filter(case=case).update(payload={"forged": True}))
    assert _trail(case) == before


def test_queryset_delete_is_refused(case):
    before = _trail(case)
    _refused_by_the_database(lambda: CaseEvent.objects.filter(case=case).delete())
    _refused_by_the_database(lambda: CaseEvent.objects.filter(pk=before[-1][0]).delete())
    assert _trail(case) == before


def test_raw_sql_update_and_delete_are_refused(case):
    before = _trail(case)
    table = connection.ops.quote_name(CaseEvent._meta.db_table)

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    _refused_by_the_database(lambda: execute(f"UPDATE {table} SET kind = 'x'"))
    _refused_by_the_database(lambda: execute(f"DELETE FROM {table}"))
    assert _trail(case) == before


def test_the_model_refuses_too(case):
    event = CaseEvent.objects.get(case=case, kind=EventKind.CREATED)
    event.payload = {"forged": True}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).payload != {"forged": True}


def test_a_case_with_events_cannot_be_deleted(case):
    with pytest.raises(ProtectedError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()


def test_inserting_new_events_is_still_allowed(case, people):
    before = case.events.count()
    CaseEvent.objects.create(case=case, kind=EventKind.UPDATED, actor=people.admin, payload={"note": "ok"})
    assert case.events.count() == before + 1


@pytest.mark.postgres
def test_only_a_declared_erasure_may_rewrite_a_payload_and_nothing_may_delete(case):
    event = case.events.first()

    def declare_erasure(on: bool = True):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL aftersale.erasure = '{'on' if on else 'off'}'")

    _refused_by_the_database(lambda: CaseEvent.objects.filter(pk=event.pk).update(payload={}))
    with transaction.atomic():
        declare_erasure()
        CaseEvent.objects.filter(pk=event.pk).update(payload={"note": "[已匿名]"})
    assert CaseEvent.objects.get(pk=event.pk).payload == {"note": "[已匿名]"}

    def delete_while_erasing():
        declare_erasure()
        CaseEvent.objects.filter(pk=event.pk).delete()

    _refused_by_the_database(delete_while_erasing)

    def update_after_erasure():
        declare_erasure(on=False)
        CaseEvent.objects.filter(pk=event.pk).update(payload={})

    _refused_by_the_database(update_after_erasure)
