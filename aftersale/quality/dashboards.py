"""What each role's dashboard shows, and the cases behind a number (drill-down)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseLine, CaseType, Resolution
from aftersale.common.errors import DomainError, PermissionDenied
from aftersale.common.models import Team, User
from aftersale.common.permissions import role_of
from aftersale.common.roles import Role

from .kpis import GRANULARITIES, KPI_NAMES, KpiFilter, _annotated, cohort
from .rules import SATISFIED_SCORES, SLA_CLOSE_WITHIN

ALL_ROLES = frozenset({Role.DIRECTOR, Role.OPTIMIZER, Role.EXPERT, Role.ADMIN})
MAX_DAYS = 400
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class Scope:
    """Whose numbers a viewer sees: an agent their own, a team lead their team, a director all."""

    role: str
    agent_id: int | None
    team_ids: tuple[int, ...]
    sees_all: bool
    sees_cost: bool


def scope_for(user: User) -> Scope:
    role = role_of(user)
    if role in ALL_ROLES:
        return Scope(role, None, (), True, True)
    if role == Role.TEAM_LEAD:
        teams = tuple(Team.objects.filter(lead=user).values_list("id", flat=True)) or (
            (user.team_id,) if user.team_id else ()
        )
        return Scope(role, None, teams, False, False)
    if role == Role.AGENT:
        return Scope(role, user.pk, (), False, False)
    raise PermissionDenied("role", _("您的角色无权查看质量看板"), code="forbidden")


def _int(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(field, _("须为整数")) from None
    if not 1 <= number <= 2**62:
        raise DomainError(field, _("须为整数"))
    return number


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError(field, _("日期格式须为 YYYY-MM-DD")) from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise DomainError(field, _("日期须在 %(a)s 与 %(b)s 之间") % {"a": MIN_DATE, "b": MAX_DATE})
    return day


def filter_from(params, scope: Scope, *, today: date | None = None) -> tuple[KpiFilter, str]:
    """The KPI filter a request asks for, narrowed to what the viewer may see; and the granularity."""
    today = today or timezone.localdate()
    end = _date(params.get("end"), "end") or today + timedelta(days=1)
    start = _date(params.get("start"), "start") or end - timedelta(days=30)
    if start >= end:
        raise DomainError("start", _("开始日期须早于结束日期"))
    if (end - start).days > MAX_DAYS:
        raise DomainError("start", _("时间范围不能超过 %(n)s 天") % {"n": MAX_DAYS})
    granularity = params.get("granularity") or "day"
    if granularity not in GRANULARITIES:
        raise DomainError("granularity", _("必须是以下之一：%(c)s") % {"c": ", ".join(GRANULARITIES)})
    agent_id = _int(params.get("agent"), "agent")
    team_id = _int(params.get("team"), "team")
    if not scope.sees_all:
        if scope.agent_id is not None:
            agent_id = scope.agent_id
            team_id = None
        elif team_id not in scope.team_ids:
            team_id = scope.team_ids[0] if scope.team_ids else -1
        if agent_id is not None and scope.agent_id is None:
            member = User.objects.filter(pk=agent_id, team_id=team_id).exists()
            agent_id = agent_id if member else -1
    return (
        KpiFilter(
            start=start,
            end=end,
            channel=(params.get("channel") or "")[:20],
            category=(params.get("category") or "")[:40],
            sku=(params.get("sku") or "")[:64],
            agent_id=agent_id,
            team_id=team_id,
        ),
        granularity,
    )


# The cases behind each number: for a rate, the cases it counts against the target (a shortfall
# is what people open the list for), for a count or a mean, the cases it is over.
DRILL_LABELS = {
    "cases": _("全部售后单"),
    "first_response_minutes": _("有首次响应的售后单"),
    "resolution_hours": _("已解决的售后单"),
    "closure_rate": _("未结案的售后单"),
    "first_contact_resolution": _("未能一次解决的售后单"),
    "second_resolution_rate": _("二次解决的售后单"),
    "escalation_rate": _("升级过的售后单"),
    "sla_attainment": _("24 小时内未结案的售后单"),
    "csat": _("评分低于 4 分的售后单"),
    "complaints_per_10k_orders": _("投诉单"),
    "return_rate": _("退货退款的售后单"),
    "total_cost": _("有售后成本的售后单"),
    "cost_per_order": _("有售后成本的售后单"),
    "orders": _("全部售后单"),
}


def cases_behind(f: KpiFilter, kpi: str) -> QuerySet[Case]:
    if kpi not in KPI_NAMES:
        raise DomainError("kpi", _("必须是以下之一：%(c)s") % {"c": ", ".join(KPI_NAMES)})
    cases = _annotated(cohort(f))
    now = timezone.now()
    conditions = {
        "cases": Q(),
        "orders": Q(),
        "first_response_minutes": Q(first_response_at__isnull=False),
        "resolution_hours": Q(resolved_at__isnull=False),
        "closure_rate": ~Q(status__in=[Status.CLOSED, Status.CANCELLED]),
        "first_contact_resolution": Q(resolve_count__gte=1) & (Q(asked_customer=True) | Q(reopened=True)),
        "second_resolution_rate": Q(resolve_count__gte=2),
        "escalation_rate": Q(escalated=True),
        "sla_attainment": ~Q(status=Status.CANCELLED)
        & (
            Q(first_done_at__isnull=True, created_at__lte=now - SLA_CLOSE_WITHIN)
            | Q(first_done_at__gt=F("created_at") + SLA_CLOSE_WITHIN)
        ),
        "csat": Q(survey__answered_at__isnull=False) & ~Q(survey__score__in=SATISFIED_SCORES),
        "complaints_per_10k_orders": Q(case_type=CaseType.COMPLAINT),
        "return_rate": Q(resolution=Resolution.RETURN_REFUND)
        & ~Q(status__in=[Status.CANCELLED, Status.REJECTED]),
        "total_cost": Q(cost_entries__isnull=False),
        "cost_per_order": Q(cost_entries__isnull=False),
    }
    return (
        cases.filter(conditions[kpi])
        .select_related("category", "assignee", "team")
        .distinct()
        .order_by("-created_at", "-id")
    )


def top_categories(f: KpiFilter, limit: int = 8) -> list[dict]:
    return list(
        cohort(f)
        .values("category__code", "category__name", "category__name_en")
        .annotate(n=Count("id"))
        .order_by("-n", "category__code")[:limit]
    )


def top_skus(f: KpiFilter, limit: int = 8) -> list[dict]:
    rows = (
        CaseLine.objects.filter(case__in=cohort(f))
        .values("order_line__product__sku", "order_line__product__name")
        .annotate(n=Count("case_id", distinct=True))
        .order_by("-n", "order_line__product__sku")[:limit]
    )
    return [
        {
            "lines__order_line__product__sku": row["order_line__product__sku"],
            "lines__order_line__product__name": row["order_line__product__name"],
            "n": row["n"],
        }
        for row in rows
    ]
