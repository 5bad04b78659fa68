"""Quality endpoints: a case's satisfaction survey and the follow-up (回访) queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.errors import DomainError, NotFound
from aftersale.common.permissions import require_role, role_of
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import ALL_CASES_ROLES, Role
from aftersale.common.schemas import InSchema

from .dashboards import MAX_DATE, MAX_DAYS, MIN_DATE
from .kpis import KpiFilter
from .mining import compare, summarize, xes_export
from .models import FollowUp, FollowUpOutcome, FollowUpStatus, QaReview, QaSample, Survey
from .sampling import CHECKLIST, QA_ROLES, qa_review_complete, qa_sample_draw, qa_scores
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
    auth=role_auth(FOLLOW_UP_ROLES, action=gettext_lazy("记录回访结果")),
)
def follow_up_complete(request, follow_up_id: FollowUpId, payload: FollowUpIn):
    follow_up = _follow_ups_for(request.auth).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NotFound("follow_up", _("回访不存在"))
    follow_up = follow_up_record(
        follow_up=follow_up, outcome=payload.outcome, note=payload.note, actor=request.auth
    )
    return _follow_up_out(FollowUp.objects.select_related("case", "survey", "assignee").get(pk=follow_up.pk))


# ---- QA sampling --------------------------------------------------------------------------------

Month = Annotated[str, Field(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$")]


class QaSampleIn(InSchema):
    month: Month
    rate: float = Field(default=0.05, gt=0, le=1)
    seed: int | None = Field(default=None, ge=0, lt=2**62)


class QaItemOut(Schema):
    key: str
    label: str
    question: str
    value: bool | None
    source: str


class QaReviewOut(Schema):
    id: int
    case: str
    agent: str
    team: str
    items: list[QaItemOut]
    score: float | None
    reviewed_at: datetime | None


class QaSampleOut(Schema):
    month: str
    rate: float
    seed: int
    reviews: list[QaReviewOut]


class QaReviewIn(InSchema):
    answers: dict[str, bool]


class QaScoreOut(Schema):
    agents: list[dict]
    teams: list[dict]


def _review_out(review) -> QaReviewOut:
    return QaReviewOut(
        id=review.pk,
        case=review.case.number,
        agent=str(review.agent),
        team=review.team.name if review.team else "",
        items=[
            QaItemOut(
                key=item.key,
                label=str(item.label),
                question=str(item.question),
                value=review.items.get(item.key, {}).get("value"),
                source=review.items.get(item.key, {}).get("source", "reviewer"),
            )
            for item in CHECKLIST
        ],
        score=review.score,
        reviewed_at=review.reviewed_at,
    )


def _sample(request, month: str) -> QaSample:
    require_role(request.auth, QA_ROLES, action=_("查看质检"))
    sample = QaSample.objects.filter(month=date.fromisoformat(f"{month}-01")).first()
    if sample is None:
        raise NotFound("month", _("该月还没有抽样"))
    return sample


def _sample_out(sample: QaSample) -> QaSampleOut:
    reviews = sample.reviews.select_related("case", "agent", "team").order_by("agent_id", "case_id")
    return QaSampleOut(
        month=sample.month.strftime("%Y-%m"),
        rate=sample.rate,
        seed=sample.seed,
        reviews=[_review_out(r) for r in reviews],
    )


@router.post(
    "/qa/samples",
    response={201: QaSampleOut},
    summary="Draw a month's QA sample (stratified by agent)",
    auth=role_auth(QA_ROLES, action=gettext_lazy("质检抽样")),
)
def qa_sample_create(request, payload: QaSampleIn):
    sample = qa_sample_draw(
        month=date.fromisoformat(f"{payload.month}-01"),
        actor=request.auth,
        rate=payload.rate,
        seed=payload.seed,
    )
    return Reply(201, _sample_out(sample))


@router.get("/qa/samples/{month}", response=QaSampleOut, summary="A month's QA sample and its scorecards")
def qa_sample_detail(request, month: Month):
    return _sample_out(_sample(request, month))


@router.get("/qa/samples/{month}/scores", response=QaScoreOut, summary="QA score per agent and per team")
def qa_sample_scores(request, month: Month):
    return qa_scores(_sample(request, month))


@router.post(
    "/qa/reviews/{review_id}",
    response=QaReviewOut,
    summary="Complete a scorecard's reviewer items",
    auth=role_auth(QA_ROLES, action=gettext_lazy("质检评分")),
)
def qa_review_submit(request, review_id: FollowUpId, payload: QaReviewIn):
    review = QaReview.objects.select_related("case", "agent", "team").filter(pk=review_id).first()
    if review is None:
        raise NotFound("review", _("质检记录不存在"))
    review = qa_review_complete(review=review, answers=payload.answers, actor=request.auth)
    return _review_out(QaReview.objects.select_related("case", "agent", "team").get(pk=review.pk))


# ---- process mining ----------------------------------------------------------------------------

MINING_ROLES = frozenset({Role.OPTIMIZER, Role.DIRECTOR, Role.EXPERT, Role.ADMIN})


class PeriodQuery(Schema):
    start: date
    end: date


class CompareQuery(Schema):
    before_start: date
    before_end: date
    after_start: date
    after_end: date


def _period(start: date, end: date, field: str = "start") -> KpiFilter:
    for value, name in ((start, field), (end, field.replace("start", "end"))):
        if not MIN_DATE <= value <= MAX_DATE:
            raise DomainError(name, _("日期须在 %(a)s 与 %(b)s 之间") % {"a": MIN_DATE, "b": MAX_DATE})
    if start >= end:
        raise DomainError(field, _("开始日期须早于结束日期"))
    if (end - start).days > MAX_DAYS:
        raise DomainError(field, _("时间范围不能超过 %(n)s 天") % {"n": MAX_DAYS})
    return KpiFilter(start=start, end=end)


@router.get(
    "/process/event-log.xes", summary="The case events of a period as an XES event log", response={200: None}
)
def process_event_log(request, query: Query[PeriodQuery]):
    require_role(request.auth, MINING_ROLES, action=_("导出事件日志"))
    f = _period(query.start, query.end)
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in xes_export(f)), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="events-{f.start}-{f.end}.xes"'
    return response


@router.get("/process/summary", response=dict, summary="Time in states, bottlenecks, rework, common paths")
def process_summary(request, query: Query[PeriodQuery]):
    require_role(request.auth, MINING_ROLES, action=_("查看流程分析"))
    return summarize(_period(query.start, query.end)).as_dict()


@router.get("/process/compare", response=dict, summary="Two periods before/after, with process shortened %")
def process_compare(request, query: Query[CompareQuery]):
    require_role(request.auth, MINING_ROLES, action=_("查看流程分析"))
    return compare(
        _period(query.before_start, query.before_end, "before_start"),
        _period(query.after_start, query.after_end, "after_start"),
    )
