"""The service KPIs, computed from the case data. docs/metrics.md states each formula.

Every case KPI is over the cohort C: the cases *created* in the period (local dates, Asia/Shanghai)
that match the filters. Order-based ratios divide by the orders *paid* in the period (filtered by
channel and SKU only: an order has no agent, team or category).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseEvent, CaseLine, CaseType, EventKind, Resolution
from aftersale.catalog.models import Channel as OrderChannel
from aftersale.catalog.models import Order
from aftersale.common.money import CENT
from aftersale.common.roles import HANDLING_ROLES
from aftersale.fulfilment.models import CostEntry

from .models import Survey
from .rules import SATISFIED_SCORES, SLA_CLOSE_WITHIN

GRANULARITIES = ("day", "week", "month")
KPI_NAMES = (
    "cases",
    "first_response_minutes",
    "resolution_hours",
    "closure_rate",
    "first_contact_resolution",
    "second_resolution_rate",
    "escalation_rate",
    "sla_attainment",
    "csat",
    "complaints_per_10k_orders",
    "return_rate",
    "total_cost",
    "cost_per_order",
    "orders",
)
RATE_PLACES = 4


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class KpiFilter:
    """The period [start, end) in local dates, and the optional filters."""

    start: date
    end: date
    channel: str = ""
    category: str = ""
    sku: str = ""
    agent_id: int | None = None
    team_id: int | None = None
    case_ids: tuple[int, ...] | None = field(default=None, compare=False)

    def bounds(self) -> tuple[datetime, datetime]:
        zone = local_zone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )

    def with_period(self, start: date, end: date) -> KpiFilter:
        return replace(self, start=start, end=end)


def cohort(f: KpiFilter) -> QuerySet[Case]:
    """C: the cases created in the period that match the filters."""
    start, end = f.bounds()
    cases = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    if f.channel:
        cases = cases.filter(channel=f.channel)
    if f.category:
        cases = cases.filter(category__code=f.category)
    if f.sku:
        cases = cases.filter(
            Exists(CaseLine.objects.filter(case=OuterRef("pk"), order_line__product__sku=f.sku))
        )
    if f.agent_id is not None:
        cases = cases.filter(assignee_id=f.agent_id)
    if f.team_id is not None:
        cases = cases.filter(team_id=f.team_id)
    return cases


def orders_for(f: KpiFilter) -> QuerySet[Order] | None:
    """The orders paid in the period (channel and SKU filters apply); None if the channel is not
    one orders have."""
    start, end = f.bounds()
    orders = Order.objects.annotate(paid=Coalesce("paid_at", "created_at")).filter(
        paid__gte=start, paid__lt=end
    )
    if f.channel:
        if f.channel not in OrderChannel.values:
            return None
        orders = orders.filter(channel=f.channel)
    if f.sku:
        orders = orders.filter(lines__product__sku=f.sku).distinct()
    return orders


def _bucket(granularity: str | None, field_name: str):
    if granularity is None:
        return None
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[granularity]
    return trunc(field_name, tzinfo=local_zone(), output_field=DateTimeField())


def _key(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value, local_zone()).date() if timezone.is_aware(value) else value.date()
    return value


def _events(**conditions) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=OuterRef("pk"), **conditions)


def _annotated(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with the facts its KPIs need, read from its event log."""
    staff_public = _events(
        is_public=True,
        actor_role__in=[str(r) for r in HANDLING_ROLES],
        kind__in=[EventKind.MESSAGE_ADDED, EventKind.TRANSITIONED],
    )
    done = _events(kind=EventKind.TRANSITIONED, to_status__in=[Status.RESOLVED, Status.CLOSED])
    resolves = (
        _events(kind=EventKind.TRANSITIONED, to_status=Status.RESOLVED)
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    return cases.annotate(
        first_response_at=Subquery(
            staff_public.order_by().values("case").annotate(t=Min("created_at")).values("t")
        ),
        first_done_at=Subquery(done.order_by().values("case").annotate(t=Min("created_at")).values("t")),
        resolve_count=Coalesce(Subquery(resolves), 0),
        asked_customer=Exists(_events(kind=EventKind.TRANSITIONED, to_status=Status.WAITING_CUSTOMER)),
        reopened=Exists(
            _events(
                kind=EventKind.TRANSITIONED,
                from_status__in=[Status.RESOLVED, Status.CLOSED, Status.REJECTED],
                to_status=Status.UNDER_REVIEW,
            )
        ),
        escalated=Exists(_events(kind="case.escalated")),
    )


def _minutes(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 60
    return float(value) / 60_000_000  # microseconds, as SQLite answers


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_PLACES) if whole else None


def compute(f: KpiFilter, granularity: str | None = None) -> dict[date | None, dict[str, object]]:
    """The KPIs of the cohort, for the whole period (key None) or per day/week/month bucket."""
    if granularity is not None and granularity not in GRANULARITIES:
        raise ValueError(granularity)
    cases = cohort(f)
    if f.case_ids is not None:
        cases = cases.filter(pk__in=f.case_ids)
    now = timezone.now()
    not_cancelled = ~Q(status=Status.CANCELLED)
    sla_due = not_cancelled & (Q(first_done_at__isnull=False) | Q(created_at__lte=now - SLA_CLOSE_WITHIN))
    stats = _grouped(
        _annotated(cases),
        granularity,
        "created_at",
        n=Count("id"),
        active=Count("id", filter=not_cancelled),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
        complaints=Count("id", filter=Q(case_type=CaseType.COMPLAINT)),
        resolved_once=Count("id", filter=Q(resolve_count__gte=1)),
        resolved_twice=Count("id", filter=Q(resolve_count__gte=2)),
        fcr=Count("id", filter=Q(resolve_count__gte=1, asked_customer=False, reopened=False)),
        escalated_n=Count("id", filter=Q(escalated=True)),
        sla_due_n=Count("id", filter=sla_due),
        sla_met=Count(
            "id",
            filter=sla_due
            & Q(first_done_at__isnull=False, first_done_at__lte=F("created_at") + SLA_CLOSE_WITHIN),
        ),
        first_response=Avg(
            ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField()),
            filter=Q(first_response_at__isnull=False),
        ),
        resolution=Avg(
            ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField()),
            filter=Q(resolved_at__isnull=False),
        ),
    )
    out: dict[date | None, dict[str, object]] = {}
    for row in stats:
        resolution_minutes = _minutes(row["resolution"])
        first_response = _minutes(row["first_response"])
        out[_key(row["b"])] = {
            "cases": row["n"],
            "first_response_minutes": round(first_response, 1) if first_response is not None else None,
            "resolution_hours": round(resolution_minutes / 60, 2) if resolution_minutes is not None else None,
            "closure_rate": _rate(row["closed"], row["active"]),
            "first_contact_resolution": _rate(row["fcr"], row["resolved_once"]),
            "second_resolution_rate": _rate(row["resolved_twice"], row["resolved_once"]),
            "escalation_rate": _rate(row["escalated_n"], row["n"]),
            "sla_attainment": _rate(row["sla_met"], row["sla_due_n"]),
            "_complaints": row["complaints"],
        }
    _add_csat(out, cases, granularity)
    _add_money_and_orders(out, f, cases, granularity)
    return dict(sorted(out.items(), key=lambda item: (item[0] is not None, item[0] or date.min)))


def _empty() -> dict[str, object]:
    return {
        "cases": 0,
        "first_response_minutes": None,
        "resolution_hours": None,
        "closure_rate": None,
        "first_contact_resolution": None,
        "second_resolution_rate": None,
        "escalation_rate": None,
        "sla_attainment": None,
        "_complaints": 0,
    }


def _grouped(queryset: QuerySet, granularity: str | None, field_name: str, **aggregates) -> list[dict]:
    """Aggregates over the whole queryset (one row, b=None) or per bucket of `field_name`."""
    bucket = _bucket(granularity, field_name)
    if bucket is None:
        return [{"b": None, **queryset.aggregate(**aggregates)}]
    return list(queryset.annotate(b=bucket).values("b").annotate(**aggregates).order_by())


def _add_csat(out: dict, cases: QuerySet[Case], granularity: str | None) -> None:
    surveys = Survey.objects.filter(case__in=cases, answered_at__isnull=False)
    for row in _grouped(
        surveys,
        granularity,
        "case__created_at",
        answered=Count("id"),
        satisfied=Count("id", filter=Q(score__in=SATISFIED_SCORES)),
    ):
        if not row["answered"]:
            continue
        out.setdefault(_key(row["b"]), _empty())["csat"] = _rate(row["satisfied"], row["answered"])
    for values in out.values():
        values.setdefault("csat", None)


def _add_money_and_orders(out: dict, f: KpiFilter, cases: QuerySet[Case], granularity: str | None) -> None:
    costs = {
        _key(row["b"]): Decimal(row["total"] or 0).quantize(CENT)
        for row in _grouped(
            CostEntry.objects.filter(case__in=cases), granularity, "case__created_at", total=Sum("amount")
        )
    }
    returned = {
        _key(row["b"]): row["n"]
        for row in _grouped(
            cases.filter(resolution=Resolution.RETURN_REFUND).exclude(
                status__in=[Status.CANCELLED, Status.REJECTED]
            ),
            granularity,
            "created_at",
            n=Count("order", distinct=True),
        )
    }
    orders_qs = orders_for(f)
    orders: dict[date | None, int] | None = None
    if orders_qs is not None:
        orders = {
            _key(row["b"]): row["n"]
            for row in _grouped(orders_qs, granularity, "paid", n=Count("id", distinct=True))
        }
    for key in set(costs) | (set(orders) if orders else set()):
        out.setdefault(key, _empty()).setdefault("csat", None)
    for key, values in out.items():
        total = costs.get(key, Decimal("0.00"))
        n_orders = orders.get(key, 0) if orders is not None else None
        complaints = values.pop("_complaints", 0)
        values["orders"] = n_orders
        values["total_cost"] = total
        values["cost_per_order"] = (total / n_orders).quantize(CENT) if n_orders else None
        values["complaints_per_10k_orders"] = round(complaints * 10_000 / n_orders, 2) if n_orders else None
        values["return_rate"] = _rate(returned.get(key, 0), n_orders) if n_orders else None


def kpis(f: KpiFilter) -> dict[str, object]:
    """The KPIs over the whole period."""
    return compute(f)[None]


def series(f: KpiFilter, granularity: str) -> list[tuple[date, dict[str, object]]]:
    """The KPIs per day, week or month bucket, oldest first."""
    return [(key, values) for key, values in compute(f, granularity).items() if key is not None]
