"""Service-level endpoints: a case's clocks and risk, red tickets, and the caller's alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.errors import NotFound
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import STAFF_ROLES, Role
from aftersale.common.schemas import InSchema
from aftersale.policy.services import playbook_active

from .lexicon import highlight, lexicon_for
from .models import Alert, ClockKind
from .risk import case_set_red_ticket, risk_state

router = Router(tags=["service levels"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]


class ClockOut(Schema):
    kind: str
    label: str
    state: str
    started_at: datetime
    due_at: datetime | None
    remaining_seconds: int | None
    breached: bool
    met_at: datetime | None
    escalation_level: int


class RiskOut(Schema):
    is_exception: bool
    exception_reasons: list[str]
    is_red_ticket: bool
    is_sensitive: bool
    sensitive_words: list[str]
    description_highlighted: str
    auto_rejection_frozen: bool
    escalation_level: int


class RedTicketIn(InSchema):
    on: bool = True


class AlertOut(Schema):
    id: int
    case: str
    kind: str
    message: str
    created_at: datetime
    read: bool


class AlertQuery(Schema):
    unread: bool = False
    limit: int = Field(default=50, ge=1, le=200)


@router.get(
    "/cases/{number}/clocks", response=list[ClockOut], summary="Service-level clocks and their due times"
)
def case_clocks(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    now = timezone.now()
    clocks = case.clocks.order_by("id")
    if role_of(request.auth) == Role.CUSTOMER:
        clocks = clocks.exclude(kind=ClockKind.UNRESOLVED)
    return [
        ClockOut(
            kind=c.kind,
            label=str(ClockKind(c.kind).label),
            state=c.state,
            started_at=c.started_at,
            due_at=c.due_at,
            breached=c.breached,
            met_at=c.met_at,
            escalation_level=c.escalation_level,
            remaining_seconds=(
                c.remaining_seconds
                if c.state == "paused"
                else int((c.due_at - now).total_seconds())
                if c.due_at and c.state == "running"
                else None
            ),
        )
        for c in clocks
    ]


@router.get(
    "/cases/{number}/risk", response=RiskOut, summary="Exception, red-ticket and sensitive-word state"
)
def case_risk(request, number: CaseNumber):
    require_role(request.auth, STAFF_ROLES, action=_("查看工单风险"))
    case = case_get(user=request.auth, number=number)
    risk = risk_state(case)
    words = playbook_active().playbook.lexicon.words
    matches = lexicon_for(tuple(words)).scan(case.description)
    return RiskOut(
        is_exception=risk.is_exception,
        exception_reasons=risk.exception_reasons,
        is_red_ticket=risk.is_red_ticket,
        is_sensitive=risk.is_sensitive,
        sensitive_words=risk.sensitive_words,
        description_highlighted=highlight(case.description, matches),
        auto_rejection_frozen=risk.auto_rejection_frozen,
        escalation_level=case.clocks.aggregate(level=Max("escalation_level"))["level"] or 0,
    )


@router.post(
    "/cases/{number}/red-ticket", response=RiskOut, summary="Put a case under supervision (红头工单)"
)
def red_ticket(request, number: CaseNumber, payload: RedTicketIn):
    case = case_get(user=request.auth, number=number)
    case_set_red_ticket(case=case, actor=request.auth, playbook=playbook_active(), on=payload.on)
    return case_risk(request, number)


@router.get("/alerts", response=list[AlertOut], summary="The caller's in-app alerts, newest first")
def my_alerts(request, query: Query[AlertQuery]):
    alerts = Alert.objects.filter(recipient=request.auth).select_related("case").order_by("-id")
    if query.unread:
        alerts = alerts.filter(read_at__isnull=True)
    return [
        AlertOut(
            id=a.id,
            case=a.case.number,
            kind=a.kind,
            message=a.message,
            created_at=a.created_at,
            read=a.read_at is not None,
        )
        for a in alerts[: query.limit]
    ]


@router.post("/alerts/{alert_id}/read", response=AlertOut, summary="Mark an alert read")
def read_alert(request, alert_id: Annotated[int, Field(ge=1, le=2**62)]):
    alert = Alert.objects.select_related("case").filter(pk=alert_id, recipient=request.auth).first()
    if alert is None:
        raise NotFound("alert_id", _("提醒不存在"))
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
    return AlertOut(
        id=alert.id,
        case=alert.case.number,
        kind=alert.kind,
        message=alert.message,
        created_at=alert.created_at,
        read=True,
    )
