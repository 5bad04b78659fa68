"""Satisfaction surveys: made on resolution, answered once by the customer, reminded once; a low
score opens a follow-up whose "not fixed" outcome re-opens the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import CaseEvent
from aftersale.cases.services import case_transition
from aftersale.common.errors import Conflict, DomainError, PermissionDenied
from aftersale.quality.models import FollowUp, FollowUpStatus, Survey
from aftersale.quality.rules import FOLLOW_UP_WITHIN, REMIND_AFTER
from aftersale.quality.surveys import follow_up_record, survey_answer, survey_for_token, surveys_remind
from aftersale.sla.models import Alert


def resolve(case, actor):
    if case.status == Status.NEW:
        case_transition(case=case, actor=actor, action="start_review", version=case.version)
    return case_transition(case=case, actor=actor, action="resolve", version=case.version, reason="已退款")


@pytest.fixture
def resolved(case, people):
    case.team = people.team
    case.save(update_fields=["team"])
    return resolve(case, people.agent)


def test_resolving_a_case_opens_its_survey_once(case, people):
    assert not Survey.objects.filter(case=case).exists()
    resolve(case, people.agent)
    survey = Survey.objects.get(case=case)
    assert survey.score is None and survey.answered_at is None and len(survey.token) >= 30
    assert survey_for_token(survey.token) == survey
    case_transition(case=case, actor=people.agent, action="reopen", version=case.version, reason="客户反馈")
    case_transition(case=case, actor=people.agent, action="resolve", version=case.version, reason="再次处理")
    assert Survey.objects.filter(case=case).count() == 1


def test_the_customer_answers_once(resolved, people):
    survey = survey_answer(case=resolved, score=5, comment=" 很满意 ", actor=people.customer_user)
    assert (survey.score, survey.comment) == (5, "很满意")
    assert survey.answered_at is not None
    assert CaseEvent.objects.filter(case=resolved, kind="survey.answered", payload__score=5).exists()
    assert not FollowUp.objects.exists()

    with pytest.raises(Conflict) as again:
        survey_answer(case=resolved, score=1, comment="", actor=people.customer_user)
    assert (again.value.errors[0].field, again.value.errors[0].code) == ("score", "already_answered")
    survey.refresh_from_db()
    assert survey.score == 5


@pytest.mark.parametrize("who", ["other_customer_user", "agent", "director"])
def test_only_the_cases_customer_may_answer(resolved, people, who):
    with pytest.raises(PermissionDenied) as refused:
        survey_answer(case=resolved, score=4, comment="", actor=getattr(people, who))
    assert refused.value.errors[0].field == "case"
    assert Survey.objects.get(case=resolved).answered_at is None


def test_an_unresolved_case_cannot_be_rated(case, people):
    with pytest.raises(DomainError) as refused:
        survey_answer(case=case, score=4, comment="", actor=people.customer_user)
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == ("case", "invalid_status")
    assert not Survey.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "x", None, True, 2.5])
def test_a_score_outside_1_to_5_is_refused(resolved, people, score):
    with pytest.raises(DomainError) as refused:
        survey_answer(case=resolved, score=score, comment="", actor=people.customer_user)
    assert [e.field for e in refused.value.errors] == ["score"]
    assert str(refused.value.errors[0].message) == "评分须为 1 到 5 的整数"


def test_a_long_comment_is_refused_with_the_score_error_too(resolved, people):
    with pytest.raises(DomainError) as refused:
        survey_answer(case=resolved, score=9, comment="差" * 1001, actor=people.customer_user)
    assert [e.field for e in refused.value.errors] == ["score", "comment"]


def test_a_low_score_opens_a_follow_up_for_the_team_lead(resolved, people):
    before = timezone.now()
    survey_answer(case=resolved, score=2, comment="还是有异响", actor=people.customer_user)
    follow_up = FollowUp.objects.get(case=resolved)
    assert follow_up.assignee == people.team_lead and follow_up.status == FollowUpStatus.OPEN
    assert before + FOLLOW_UP_WITHIN <= follow_up.deadline <= timezone.now() + FOLLOW_UP_WITHIN
    alert = Alert.objects.get(recipient=people.team_lead, kind="follow_up")
    assert resolved.number in alert.message and "2 分" in alert.message


def test_a_score_of_3_opens_no_follow_up(resolved, people):
    survey_answer(case=resolved, score=3, comment="", actor=people.customer_user)
    assert not FollowUp.objects.exists()


def test_not_fixed_re_opens_the_case(resolved, people):
    survey_answer(case=resolved, score=1, comment="没修好", actor=people.customer_user)
    follow_up = FollowUp.objects.get(case=resolved)

    with pytest.raises(DomainError) as refused:
        follow_up_record(follow_up=follow_up, outcome="not_fixed", note="", actor=people.team_lead)
    assert refused.value.errors[0].field == "note"
    with pytest.raises(PermissionDenied):
        follow_up_record(follow_up=follow_up, outcome="fixed", note="", actor=people.agent)

    follow_up_record(follow_up=follow_up, outcome="not_fixed", note="客户说仍有异响", actor=people.team_lead)
    resolved.refresh_from_db()
    assert resolved.status == Status.UNDER_REVIEW
    reopen = CaseEvent.objects.filter(case=resolved, payload__action="reopen").get()
    assert reopen.actor == people.team_lead and "客户说仍有异响" in reopen.payload["reason"]
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome, follow_up.completed_by) == (
        "done",
        "not_fixed",
        people.team_lead,
    )

    with pytest.raises(Conflict):
        follow_up_record(follow_up=follow_up, outcome="fixed", note="", actor=people.team_lead)


def test_fixed_leaves_the_case_resolved(resolved, people):
    survey_answer(case=resolved, score=2, comment="", actor=people.customer_user)
    follow_up_record(
        follow_up=FollowUp.objects.get(case=resolved), outcome="fixed", note="", actor=people.director
    )
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_an_unknown_outcome_is_refused(resolved, people):
    survey_answer(case=resolved, score=2, comment="", actor=people.customer_user)
    follow_up = FollowUp.objects.get(case=resolved)
    with pytest.raises(DomainError) as refused:
        follow_up_record(follow_up=follow_up, outcome="maybe", note="", actor=people.team_lead)
    assert refused.value.errors[0].field == "outcome"
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


def test_an_unanswered_survey_is_reminded_once(resolved, people):
    sent = Survey.objects.get(case=resolved).sent_at
    assert surveys_remind(now=sent + REMIND_AFTER - timedelta(minutes=1)) == 0
    assert surveys_remind(now=sent + REMIND_AFTER) == 1
    assert surveys_remind(now=sent + REMIND_AFTER * 3) == 0
    assert CaseEvent.objects.filter(case=resolved, kind="survey.reminded").count() == 1


def test_an_answered_survey_is_not_reminded(resolved, people):
    survey_answer(case=resolved, score=4, comment="", actor=people.customer_user)
    with time_machine.travel(timezone.now() + REMIND_AFTER * 2):
        assert surveys_remind() == 0


def test_the_api_takes_the_answer_and_explains_errors(resolved, people, api):
    customer = api(people.customer_user)
    bad = customer.post(f"/cases/{resolved.number}/survey", {"score": 7})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "score"
    answered = customer.post(f"/cases/{resolved.number}/survey", {"score": 2, "comment": "慢"})
    assert answered.status_code == 201, answered.json()
    assert answered.json()["score"] == 2
    again = api(people.customer_user, language="en").post(f"/cases/{resolved.number}/survey", {"score": 3})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_answered"
    other = api(people.other_customer_user).post(f"/cases/{resolved.number}/survey", {"score": 3})
    assert other.status_code == 404

    lead = api(people.team_lead)
    queue = lead.get("/follow-ups").json()
    assert [f["case"] for f in queue] == [resolved.number]
    assert api(people.other_agent).get("/follow-ups").status_code == 403
    done = lead.post(f"/follow-ups/{queue[0]['id']}/complete", {"outcome": "not_fixed", "note": "仍慢"})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "done"
    assert lead.get(f"/cases/{resolved.number}").json()["status"] == "under_review"
