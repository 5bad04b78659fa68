"""QA sampling: each month a seeded, stratified random sample of closed cases per agent, scored on
the execution checklist of seed 001 (section 6). Items the data decides are filled in when the
sample is drawn and marked `source: data`; the reviewer answers the rest."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseEvent, EventKind, Evidence, EvidenceKind, IdentityStatus
from aftersale.common.errors import Conflict, DomainError, FieldError, PermissionDenied
from aftersale.common.models import User
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import HANDLING_ROLES, Role

from .kpis import local_zone
from .models import QaReview, QaSample

QA_ROLES = frozenset({Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN})
DEFAULT_RATE = 0.05
FIRST_CONTACT_WITHIN = timedelta(minutes=30)
REQUIRED_EVIDENCE = (EvidenceKind.ITEM_PHOTO, EvidenceKind.BOX_PHOTO, EvidenceKind.WAYBILL_PHOTO)


@dataclass(frozen=True)
class Item:
    key: str
    label: object
    question: object
    from_data: bool


CHECKLIST = (
    Item("identity", gettext_lazy("身份确认"), gettext_lazy("订单号与购买人信息是否匹配？"), True),
    Item("evidence", gettext_lazy("证据合规"), gettext_lazy("是否包含实物图、外箱图、面单图？"), True),
    Item("wording", gettext_lazy("沟通话术"), gettext_lazy("沟通全程是否使用品牌官方礼貌语？"), False),
    Item(
        "first_contact", gettext_lazy("时效记录"), gettext_lazy("工单创建后是否在 30 分钟内首次联系？"), True
    ),
    Item("plan_accepted", gettext_lazy("方案达成"), gettext_lazy("客户是否明确表达接受处理方案？"), False),
    Item("closed_with_cause", gettext_lazy("闭环归档"), gettext_lazy("结案后是否记录原因分析？"), True),
)
ITEM_KEYS = tuple(item.key for item in CHECKLIST)
REVIEWER_KEYS = tuple(item.key for item in CHECKLIST if not item.from_data)


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = local_zone()
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time.min, tzinfo=zone), datetime.combine(following, time.min, tzinfo=zone)


def stratified_sample(
    case_ids_by_agent: dict[int, list[int]], *, rate: float, seed: int
) -> dict[int, list[int]]:
    """From each agent's cases, ceil(rate × n) (at least one) drawn at random; the same seed and
    data give the same sample."""
    rng = random.Random(seed)
    chosen: dict[int, list[int]] = {}
    for agent_id in sorted(case_ids_by_agent):
        ids = sorted(case_ids_by_agent[agent_id])
        size = min(len(ids), max(1, math.ceil(rate * len(ids))))
        chosen[agent_id] = sorted(rng.sample(ids, size))
    return chosen


def data_items(case: Case) -> dict[str, dict]:
    """The checklist items the case data decides."""
    kinds = set(Evidence.objects.filter(case=case).values_list("kind", flat=True))
    first_contact = (
        CaseEvent.objects.filter(
            case=case,
            is_public=True,
            actor_role__in=[str(r) for r in HANDLING_ROLES],
            kind__in=[EventKind.MESSAGE_ADDED, EventKind.TRANSITIONED],
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {
        "identity": {"value": case.identity_status == IdentityStatus.VERIFIED, "source": "data"},
        "evidence": {"value": all(kind in kinds for kind in REQUIRED_EVIDENCE), "source": "data"},
        "first_contact": {
            "value": first_contact is not None and first_contact - case.created_at <= FIRST_CONTACT_WITHIN,
            "source": "data",
        },
        "closed_with_cause": {
            "value": case.status == Status.CLOSED and bool(case.outcome_note.strip()),
            "source": "data",
        },
    }


def qa_sample_draw(
    *, month: date, actor: User, rate: float = DEFAULT_RATE, seed: int | None = None
) -> QaSample:
    """Draw the month's sample: closed cases (closed in that month) of every agent."""
    require_role(actor, QA_ROLES, action=_("质检抽样"))
    errors = []
    if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 < rate <= 1:
        errors.append(FieldError("rate", _("抽样比例须大于 0 且不超过 1")))
    if not isinstance(month, date):
        errors.append(FieldError("month", _("日期格式须为 YYYY-MM-DD")))
    elif month.replace(day=1) > timezone.localdate().replace(day=1):
        errors.append(FieldError("month", _("不能为将来的月份抽样")))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**62):
        errors.append(FieldError("seed", _("须为整数")))
    if errors:
        raise DomainError.many(errors)
    month = month.replace(day=1)
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    start, end = _month_bounds(month)
    by_agent: dict[int, list[int]] = defaultdict(list)
    for case_id, agent_id in Case.objects.filter(
        status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end, assignee__isnull=False
    ).values_list("id", "assignee_id"):
        by_agent[agent_id].append(case_id)
    chosen = stratified_sample(by_agent, rate=float(rate), seed=seed)
    try:
        with transaction.atomic():
            sample = QaSample.objects.create(month=month, rate=float(rate), seed=seed, created_by=actor)
            cases = Case.objects.in_bulk([i for ids in chosen.values() for i in ids])
            for agent_id, ids in chosen.items():
                for case_id in ids:
                    case = cases[case_id]
                    QaReview.objects.create(
                        sample=sample,
                        case=case,
                        agent_id=agent_id,
                        team_id=case.team_id,
                        items={
                            **data_items(case),
                            **{k: {"value": None, "source": "reviewer"} for k in REVIEWER_KEYS},
                        },
                    )
    except IntegrityError:
        raise Conflict("month", _("该月已抽样"), code="exists") from None
    return sample


def qa_review_complete(*, review: QaReview, answers: dict, actor: User) -> QaReview:
    """The reviewer answers the items the data cannot decide; the score is the share of "yes"."""
    require_role(actor, QA_ROLES, action=_("质检评分"))
    if role_of(actor) == Role.TEAM_LEAD and review.agent_id == actor.pk:
        raise PermissionDenied("review", _("不能为自己处理的售后单评分"), code="forbidden")
    errors = []
    for key in answers:
        if key not in ITEM_KEYS:
            errors.append(FieldError(f"answers.{key}", _("未知的检查项")))
        elif key not in REVIEWER_KEYS:
            errors.append(FieldError(f"answers.{key}", _("该项由系统数据判定，不能修改")))
    for key in REVIEWER_KEYS:
        if not isinstance(answers.get(key), bool):
            errors.append(FieldError(f"answers.{key}", _("请回答是或否")))
    if errors:
        raise DomainError.many(errors)
    items = dict(review.items)
    for key in REVIEWER_KEYS:
        items[key] = {"value": answers[key], "source": "reviewer"}
    score = round(100 * sum(1 for key in ITEM_KEYS if items[key]["value"]) / len(ITEM_KEYS), 1)
    now = timezone.now()
    with transaction.atomic():
        done = QaReview.objects.filter(pk=review.pk, reviewed_at__isnull=True).update(
            items=items, score=score, reviewer=actor, reviewed_at=now
        )
        if done != 1:
            raise Conflict("review", _("该质检已评分"), code="already_reviewed")
    review.refresh_from_db()
    return review


def qa_scores(sample: QaSample) -> dict[str, list[dict]]:
    """Mean QA score per agent and per team over the reviewed cases of a sample."""
    reviews = sample.reviews.all()
    reviewed = Q(reviewed_at__isnull=False)
    by_agent = [
        {
            "agent_id": row["agent_id"],
            "agent": row["agent__display_name"] or row["agent__username"],
            "sampled": row["n"],
            "reviewed": row["done"],
            "score": round(row["score"], 1) if row["score"] is not None else None,
        }
        for row in reviews.values("agent_id", "agent__display_name", "agent__username")
        .annotate(n=Count("id"), done=Count("id", filter=reviewed), score=Avg("score", filter=reviewed))
        .order_by("agent_id")
    ]
    by_team = [
        {
            "team_id": row["team_id"],
            "team": row["team__name"] or "—",
            "sampled": row["n"],
            "reviewed": row["done"],
            "score": round(row["score"], 1) if row["score"] is not None else None,
        }
        for row in reviews.values("team_id", "team__name")
        .annotate(n=Count("id"), done=Count("id", filter=reviewed), score=Avg("score", filter=reviewed))
        .order_by("team_id")
    ]
    return {"agents": by_agent, "teams": by_team}
