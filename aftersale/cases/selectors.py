"""Reads that need care: who may see which case, and the keyset-paginated list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from aftersale.common import process_cache
from aftersale.common.errors import DomainError, NotFound
from aftersale.common.permissions import role_of
from aftersale.common.roles import ALL_CASES_ROLES, Role

from .models import Case, CaseCategory, CaseEvent, Message

MAX_PAGE = 200
ACTIVE_CATEGORIES_KEY = "cases.active_categories"


def category_active(code: str) -> CaseCategory | None:
    """The active case category with this code (the table is kept per process: common.process_cache)."""
    categories = process_cache.remembered(
        ACTIVE_CATEGORIES_KEY, lambda: {c.code: c for c in CaseCategory.objects.filter(is_active=True)}
    )
    return categories.get(code)


def visibility_filter(user) -> Q:
    """The cases a user may see, as a filter (Q(pk__in=[]) when none)."""
    role = role_of(user)
    if role in ALL_CASES_ROLES:
        return Q()
    if role == Role.CUSTOMER:
        return Q(customer__user_id=user.pk)
    if role in (Role.AGENT, Role.TEAM_LEAD):
        team_ids = {user.team_id} if user.team_id else set()
        if role == Role.TEAM_LEAD:
            team_ids |= set(user.led_teams.values_list("id", flat=True))
        return Q(assignee_id=user.pk) | Q(team__isnull=True) | Q(team_id__in=team_ids)
    if role == Role.DEPARTMENT and user.department:
        return Q(department=user.department)
    return Q(pk__in=[])


def can_view(user, case: Case) -> bool:
    role = role_of(user)
    if role in ALL_CASES_ROLES:
        return True
    if role == Role.CUSTOMER:
        return case.customer.user_id == user.pk
    if role in (Role.AGENT, Role.TEAM_LEAD):
        if case.assignee_id == user.pk or case.team_id is None or case.team_id == user.team_id:
            return True
        return role == Role.TEAM_LEAD and user.led_teams.filter(pk=case.team_id).exists()
    if role == Role.DEPARTMENT:
        return bool(user.department) and case.department == user.department
    return False


def case_lines(case: Case) -> list:
    """The case's lines with their order lines and products, in the order they were claimed.
    Lines never change after intake, so they are read once per case instance (intake hands
    over the ones it has just written)."""
    loaded = getattr(case, "_lines_loaded", None)
    if loaded is None:
        loaded = list(case.lines.select_related("order_line__product").order_by("id"))
        case._lines_loaded = loaded
    return loaded


def case_get(*, user, number: str) -> Case:
    """The case by number if the user may see it; 404 otherwise (existence is not disclosed)."""
    case = (
        Case.objects.select_related("customer", "order", "category", "assignee", "team")
        .filter(number=number)
        .first()
    )
    if case is None or not can_view(user, case):
        raise NotFound("number", _("售后单不存在：%(number)s") % {"number": number})
    return case


@dataclass
class CaseFilters:
    status: str | None = None
    case_type: str | None = None
    priority: str | None = None
    assignee: int | None = None
    team: int | None = None
    channel: str | None = None
    department: str | None = None
    order_no: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


# What a list row shows, read as plain values: no model instances for the case and the four rows
# joined to it, which made up most of the CPU a page of 50 cost.
LIST_VALUES = (
    "id",
    "number",
    "status",
    "case_type",
    "resolution",
    "priority",
    "channel",
    "version",
    "created_at",
    "customer__name",
    "customer__phone",
    "order__order_no",
    "category__code",
    "assignee_id",
    "assignee__username",
    "assignee__display_name",
)


def case_list(*, user, filters: CaseFilters, after: int | None, limit: int) -> list[dict]:
    """Newest first, `limit` cases with id < `after` (keyset pagination: constant cost per page),
    as rows of LIST_VALUES."""
    if not 1 <= limit <= MAX_PAGE:
        raise DomainError("limit", _("必须在 1 到 %(max)s 之间") % {"max": MAX_PAGE})
    qs: QuerySet[Case] = Case.objects.filter(visibility_filter(user))
    exact = {
        "status": filters.status,
        "case_type": filters.case_type,
        "priority": filters.priority,
        "assignee_id": filters.assignee,
        "team_id": filters.team,
        "channel": filters.channel,
        "department": filters.department,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.order_no:
        qs = qs.filter(order__order_no=filters.order_no)
    if filters.created_from:
        qs = qs.filter(created_at__gte=filters.created_from)
    if filters.created_to:
        qs = qs.filter(created_at__lt=filters.created_to)
    if after is not None:
        qs = qs.filter(id__lt=after)
    return list(qs.order_by("-id").values(*LIST_VALUES)[:limit])


def case_events(*, user, case: Case) -> list[CaseEvent]:
    qs = case.events.select_related("actor").order_by("id")
    if role_of(user) == Role.CUSTOMER:
        qs = qs.filter(is_public=True)
    return list(qs)


def case_messages(*, user, case: Case) -> list[Message]:
    qs = case.messages.select_related("author").order_by("id")
    if role_of(user) == Role.CUSTOMER:
        qs = qs.filter(is_internal=False)
    return list(qs)
