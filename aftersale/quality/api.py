"""Quality endpoints: a case's satisfaction survey and the follow-up (回访) queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.errors import NotFound
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import ALL_CASES_ROLES
from aftersale.common.schemas import InSchema

from .models import FollowUp, FollowUpOutcome, FollowUpStatus, Survey
from .surveys import FOLLOW_UP_ROLES, follow_up_record, survey_answer

router = Router(tags=["quality"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
FollowUpId = Annotated[int, Field(ge=1, le=2**62)]


class SurveyIn(InSchema):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class SurveyOut(Schema):
    case: str
    token: str
    score: int | None
    comment: str
    sent_at: datetime
    reminded_at: datetime | None
    answered_at: datetime | None


class FollowUpOut(Schema):
    id: int
    case: str
    score: int | None
    comment: str
    assignee: str
    deadline: datetime
    overdue: bool
    status: str
    outcome: str
    note: str
    completed_at: datetime | None


class FollowUpIn(InSchema):
    outcome: FollowUpOutcome
    note: str = Field(default="", max_length=2000)


class FollowUpQuery(Schema):
    status: FollowUpStatus | None = FollowUpStatus.OPEN
    limit: int = Field(default=50, ge=1, le=200)


def _survey_out(survey: Survey) -> SurveyOut:
    return SurveyOut(
        case=survey.case.number,
        token=survey.token,
        score=survey.score,
        comment=survey.comment,
        sent_at=survey.sent_at,
        reminded_at=survey.reminded_at,
        answered_at=survey.answered_at,
    )


def _follow_up_out(follow_up: FollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=follow_up.pk,
        case=follow_up.case.number,
        score=follow_up.survey.score,
        comment=follow_up.survey.comment,
        assignee=str(follow_up.assignee) if follow_up.assignee else "",
        deadline=follow_up.deadline,
        overdue=follow_up.status == FollowUpStatus.OPEN and follow_up.deadline < timezone.now(),
        status=follow_up.status,
        outcome=follow_up.outcome,
        note=follow_up.note,
        completed_at=follow_up.completed_at,
    )


@router.get("/cases/{number}/survey", response=SurveyOut, summary="The case's satisfaction survey")
def survey_detail(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    survey = Survey.objects.filter(case=case).first()
    if survey is None:
        raise NotFound("survey", _("该售后单还没有满意度调查"))
    survey.case = case
    return _survey_out(survey)


@router.post(
    "/cases/{number}/survey",
    response={201: SurveyOut},
    summary="The customer rates the handling of a resolved case (1–5), once",
)
def survey_submit(request, number: CaseNumber, payload: SurveyIn):
    case = case_get(user=request.auth, number=number)
    survey = survey_answer(case=case, score=payload.score, comment=payload.comment, actor=request.auth)
    survey.case = case
    return Reply(201, _survey_out(survey))


def _follow_ups_for(user):
    require_role(user, FOLLOW_UP_ROLES, action=_("查看回访"))
    follow_ups = FollowUp.objects.select_related("case", "survey", "assignee")
    if role_of(user) not in ALL_CASES_ROLES:
        follow_ups = follow_ups.filter(assignee=user)
    return follow_ups


@router.get("/follow-ups", response=list[FollowUpOut], summary="Follow-ups: a lead's own, directors' all")
def follow_up_queue(request, query: Query[FollowUpQuery]):
    follow_ups = _follow_ups_for(request.auth)
    if query.status:
        follow_ups = follow_ups.filter(status=query.status)
    return [_follow_up_out(f) for f in follow_ups.order_by("deadline", "id")[: query.limit]]


@router.post(
    "/follow-ups/{follow_up_id}/complete",
    response=FollowUpOut,
    summary="Record a follow-up's outcome; not_fixed re-opens the case",
)
def follow_up_complete(request, follow_up_id: FollowUpId, payload: FollowUpIn):
    follow_up = _follow_ups_for(request.auth).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NotFound("follow_up", _("回访不存在"))
    follow_up = follow_up_record(
        follow_up=follow_up, outcome=payload.outcome, note=payload.note, actor=request.auth
    )
    return _follow_up_out(FollowUp.objects.select_related("case", "survey", "assignee").get(pk=follow_up.pk))
