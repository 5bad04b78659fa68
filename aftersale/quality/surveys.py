"""Satisfaction surveys and follow-ups (回访): every write here is a service."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Action, Status
from aftersale.cases.models import Case
from aftersale.cases.services import case_transition, event_record
from aftersale.common.errors import Conflict, DomainError, FieldError, NotFound, PermissionDenied
from aftersale.common.models import User
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import Role
from aftersale.sla.models import Alert

from .models import FollowUp, FollowUpOutcome, FollowUpStatus, Survey
from .rules import FOLLOW_UP_WITHIN, LOW_SCORE, REMIND_AFTER

ANSWERABLE = frozenset({Status.RESOLVED, Status.CLOSED})
COMMENT_MAX = 1000
NOTE_MAX = 2000
FOLLOW_UP_ROLES = frozenset({Role.TEAM_LEAD, Role.DIRECTOR, Role.ADMIN})
ALERT_FOLLOW_UP = "follow_up"


def survey_open(*, case: Case, now: datetime | None = None) -> Survey:
    """The case's survey, made when it is first resolved (a later resolution keeps the first one)."""
    survey, _created = Survey.objects.get_or_create(case=case, defaults={"sent_at": now or timezone.now()})
    return survey


def survey_for_token(token: str) -> Survey:
    """The survey a portal link points at; 404 for an unknown token."""
    survey = Survey.objects.select_related("case", "case__customer").filter(token=token or "").first()
    if survey is None:
        raise NotFound("token", _("满意度调查链接无效"))
    return survey


def _validate_answer(score, comment) -> str:
    errors: list[FieldError] = []
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score.strip())
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors.append(FieldError("score", _("评分须为 1 到 5 的整数")))
    comment = (comment or "").strip()
    if "\x00" in comment:
        errors.append(FieldError("comment", _("包含不允许的控制字符")))
    elif len(comment) > COMMENT_MAX:
        errors.append(FieldError("comment", _("长度不能超过 %(n)s") % {"n": COMMENT_MAX}))
    if errors:
        raise DomainError.many(errors)
    return comment


def survey_answer(*, case: Case, score: int, comment: str, actor: User) -> Survey:
    """The customer of the case rates its handling (1–5, optional comment), once.

    A low score opens a follow-up for the team lead.
    """
    if role_of(actor) != Role.CUSTOMER or case.customer.user_id != actor.pk:
        raise PermissionDenied("case", _("只有该售后单的客户可以评价"), code="forbidden")
    if case.status not in ANSWERABLE:
        raise DomainError(
            "case",
            _("售后单当前状态为“%(status)s”，解决后才能评价") % {"status": Status(case.status).label},
            code="invalid_status",
        )
    comment = _validate_answer(score, comment)
    score = int(score)
    now = timezone.now()
    with transaction.atomic():
        survey = survey_open(case=case, now=now)
        answered = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
            score=score, comment=comment, answered_at=now
        )
        if answered != 1:
            raise Conflict("score", _("该售后单已评价过，不能重复评价"), code="already_answered")
        survey.refresh_from_db()
        event_record(case=case, kind="survey.answered", actor=actor, payload={"score": score}, is_public=True)
        if score <= LOW_SCORE:
            follow_up_open(survey=survey, now=now)
    return survey


def _follow_up_assignee(case: Case) -> User | None:
    """The lead of the case's team (or of its assignee's team), else a director."""
    for team in (case.team, getattr(case.assignee, "team", None)):
        if team is not None and team.lead_id and team.lead.is_active:
            return team.lead
    return User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("id").first()


def follow_up_open(*, survey: Survey, now: datetime | None = None) -> FollowUp:
    """Open the follow-up a low score calls for (system action) and alert its assignee."""
    now = now or timezone.now()
    case = survey.case
    assignee = _follow_up_assignee(case)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case, survey=survey, assignee=assignee, deadline=now + FOLLOW_UP_WITHIN
        )
        event_record(
            case=case,
            kind="follow_up.opened",
            actor=None,
            is_public=False,
            payload={
                "follow_up_id": follow_up.pk,
                "score": survey.score,
                "assignee": str(assignee) if assignee else "",
                "deadline": follow_up.deadline.isoformat(),
            },
        )
        if assignee is not None:
            with translation.override(settings.LANGUAGE_CODE):  # staff alerts: the site's language
                message = _("%(number)s 满意度评分 %(score)s 分，请在 %(deadline)s 前回访") % {
                    "number": case.number,
                    "score": survey.score,
                    "deadline": timezone.localtime(follow_up.deadline).strftime("%Y-%m-%d %H:%M"),
                }
            Alert.objects.create(recipient=assignee, case=case, kind=ALERT_FOLLOW_UP, message=message)
    return follow_up


def follow_up_record(*, follow_up: FollowUp, outcome: str, note: str, actor: User) -> FollowUp:
    """Record a follow-up's outcome; "not fixed" re-opens the case through the lifecycle."""
    require_role(actor, FOLLOW_UP_ROLES, action=_("记录回访结果"))
    if role_of(actor) == Role.TEAM_LEAD and follow_up.assignee_id != actor.pk:
        raise PermissionDenied("follow_up", _("只能记录分配给自己的回访"), code="forbidden")
    errors: list[FieldError] = []
    if outcome not in FollowUpOutcome.values:
        errors.append(
            FieldError("outcome", _("必须是以下之一：%(c)s") % {"c": ", ".join(FollowUpOutcome.values)})
        )
    note = (note or "").strip()
    if "\x00" in note:
        errors.append(FieldError("note", _("包含不允许的控制字符")))
    elif len(note) > NOTE_MAX:
        errors.append(FieldError("note", _("长度不能超过 %(n)s") % {"n": NOTE_MAX}))
    elif outcome == FollowUpOutcome.NOT_FIXED and not note:
        errors.append(FieldError("note", _("问题未解决时须填写回访记录")))
    if errors:
        raise DomainError.many(errors)
    case = Case.objects.select_related("customer", "team", "assignee").get(pk=follow_up.case_id)
    if outcome == FollowUpOutcome.NOT_FIXED and case.status not in ANSWERABLE:
        raise DomainError(
            "outcome",
            _("售后单当前状态为“%(status)s”，不能重新打开") % {"status": Status(case.status).label},
            code="invalid_status",
        )
    now = timezone.now()
    with transaction.atomic():
        done = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
            status=FollowUpStatus.DONE, outcome=outcome, note=note, completed_by=actor, completed_at=now
        )
        if done != 1:
            raise Conflict("follow_up", _("该回访已记录结果"), code="already_done")
        event_record(
            case=case,
            kind="follow_up.completed",
            actor=actor,
            is_public=False,
            payload={"follow_up_id": follow_up.pk, "outcome": outcome},
        )
        if outcome == FollowUpOutcome.NOT_FIXED:
            case_transition(
                case=case,
                actor=actor,
                action=Action.REOPEN,
                version=case.version,
                reason=_("回访：问题未解决。%(note)s") % {"note": note},
            )
    follow_up.refresh_from_db()
    return follow_up


def surveys_remind(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remind each unanswered survey once, REMIND_AFTER after it was sent. Returns how many."""
    now = now or timezone.now()
    due = Q(answered_at__isnull=True, reminded_at__isnull=True, sent_at__lte=now - REMIND_AFTER)
    reminded = 0
    ids = list(
        Survey.objects.filter(due, case__status__in=ANSWERABLE)
        .order_by("sent_at")
        .values_list("id", flat=True)[:batch]
    )
    for survey_id in ids:
        with transaction.atomic():
            # Claimed with a conditional update, so two schedulers never remind the same survey twice.
            if Survey.objects.filter(due, pk=survey_id).update(reminded_at=now) != 1:
                continue
            survey = Survey.objects.select_related("case").get(pk=survey_id)
            event_record(case=survey.case, kind="survey.reminded", actor=None, is_public=True, payload={})
            reminded += 1
    return reminded
