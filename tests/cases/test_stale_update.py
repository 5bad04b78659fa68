"""A write based on a stale version is refused with 409 and changes nothing."""

from __future__ import annotations

import pytest

from aftersale.cases.models import Case, CaseEvent
from aftersale.cases.services import case_assign, case_transition, case_update
from aftersale.common.errors import Conflict

pytestmark = pytest.mark.django_db

STALE = {"field": "version", "message": "售后单已被他人修改，请刷新后重试", "code": "stale"}


def _snapshot(case):
    return (
        Case.objects.values("status", "priority", "description", "assignee", "version").get(pk=case.pk),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/transitions", {"action": "cancel", "reason": "客户撤回"}),
        ("", {"priority": "P3"}),
        ("", {"description": "改写后的描述"}),
        ("/assign", {"assignee_id": None}),
    ],
    ids=["transition", "priority", "description", "assign"],
)
def test_a_second_writer_with_the_old_version_gets_409(api, people, case, path, payload):
    first = api(people.agent).post(
        f"/cases/{case.number}/transitions", {"action": "start_review", "version": 1}
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    before = _snapshot(case)

    send = api(people.team_lead).patch if path == "" else api(people.team_lead).post
    second = send(f"/cases/{case.number}{path}", {**payload, "version": 1})

    assert second.status_code == 409, second.content
    assert second.json() == {"errors": [STALE]}
    assert _snapshot(case) == before


def test_the_same_write_with_the_current_version_goes_through(api, people, case):
    api(people.agent).post(f"/cases/{case.number}/transitions", {"action": "start_review", "version": 1})
    response = api(people.team_lead).patch(f"/cases/{case.number}", {"version": 2, "priority": "P0"})
    assert response.status_code == 200
    assert (response.json()["priority"], response.json()["version"]) == ("P0", 3)


def test_a_stale_request_for_a_move_that_is_no_longer_possible_is_still_a_conflict(api, people, case):
    """The client's view is out of date: tell it to refresh rather than judging the old view."""
    api(people.agent).post(f"/cases/{case.number}/transitions", {"action": "start_review", "version": 1})
    api(people.agent).post(f"/cases/{case.number}/transitions", {"action": "approve", "version": 2})

    response = api(people.team_lead).post(
        f"/cases/{case.number}/transitions", {"action": "start_review", "version": 1}
    )

    assert response.status_code == 409
    assert response.json() == {"errors": [STALE]}


def test_a_version_from_the_future_is_a_conflict_too(api, people, case):
    response = api(people.agent).post(
        f"/cases/{case.number}/transitions", {"action": "start_review", "version": 7}
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).status == "new"


def test_two_copies_read_at_the_same_version_cannot_both_write(case, people):
    """The conditional update catches a writer whose in-memory copy looks current but is not."""
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)

    case_transition(case=theirs, actor=people.agent, action="start_review", version=1)
    with pytest.raises(Conflict) as refused:
        case_update(case=mine, actor=people.team_lead, version=1, priority="P0")

    assert refused.value.status == 409
    assert [e.as_dict() for e in refused.value.errors] == [STALE]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.priority, stored.version) == ("under_review", "P2", 2)
    with pytest.raises(Conflict):
        case_assign(case=mine, actor=people.team_lead, version=1, assignee=people.agent)
    with pytest.raises(Conflict):
        case_transition(case=mine, actor=people.team_lead, action="cancel", version=1, reason="撤回")
    assert not CaseEvent.objects.filter(case=case, actor=people.team_lead).exists()


def test_each_accepted_write_moves_the_version_on_by_one(case, people):
    case_update(case=case, actor=people.agent, version=1, priority="P1")
    case_assign(case=case, actor=people.team_lead, version=2, assignee=people.agent)
    case_transition(case=case, actor=people.agent, action="start_review", version=3)
    assert Case.objects.get(pk=case.pk).version == case.version == 4


def test_a_patch_that_changes_nothing_writes_nothing(api, people, case):
    response = api(people.agent).patch(f"/cases/{case.number}", {"version": 1, "priority": "P2"})
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert not CaseEvent.objects.filter(case=case, kind="case.updated", actor=people.agent).exists()
