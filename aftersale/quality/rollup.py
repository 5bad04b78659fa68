"""The daily roll-up: KPI counters per day of creation and channel, category, team and assignee.

The dashboards read it instead of the event log, so they stay fast on millions of cases. It is
maintained incrementally: `rollup_refresh` (every minute) looks at the case events recorded since
its last run, recomputes the days on which the cases they belong to were created (and the last
two days, whose 24-hour attainment still moves with the clock), and replaces those days' rows.
A SKU filter, the drill-down lists and the exports read the live data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DateTimeField, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDay
from django.utils import timezone

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, CaseCategory, CaseEvent, CaseLine, CaseType, EventKind, Resolution
from aftersale.catalog.models import Channel as OrderChannel
from aftersale.catalog.models import Order
from aftersale.common.money import CENT
from aftersale.common.roles import HANDLING_ROLES
from aftersale.fulfilment.models import CostEntry

from .kpis import RATE_PLACES, KpiFilter, local_zone
from .models import DailyOrderStat, DailySkuStat, DailyStat, RollupState, Survey
from .rules import SATISFIED_SCORES, SLA_CLOSE_WITHIN

DIMS = ("channel", "category_id", "team_id", "assignee_id")
COUNTERS = (
    "n", "active", "closed", "complaints", "resolved_once", "resolved_twice", "fcr", "escalated", "sla_due",
    "sla_met", "first_response_n", "first_response_seconds", "resolution_n", "resolution_seconds",
    "returned_orders", "answered", "satisfied", "cost",
)  # fmt: skip
CHUNK_DAYS = 31


def _day(value: datetime) -> date:
    return timezone.localtime(value, local_zone()).date()


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = local_zone()
    return datetime.combine(first, time.min, tzinfo=zone), datetime.combine(
        last + timedelta(days=1), time.min, tzinfo=zone
    )


def _key(row: dict) -> tuple:
    day = row["d"]
    if isinstance(day, datetime):
        day = _day(day) if timezone.is_aware(day) else day.date()
    return (day, row["channel"], row["category_id"], row["team_id"] or 0, row["assignee_id"] or 0)


def _cells(first: date, last: date, now: datetime) -> dict[tuple, dict]:
    """The counters of the cases created from `first` to `last` (inclusive), per cell.

    One grouped pass over the period's events gives each case's facts (the same facts
    `kpis._annotated` reads with subqueries); the counting is done here."""
    start, end = _bounds(first, last)
    in_period = {"case__created_at__gte": start, "case__created_at__lt": end}
    transitioned = Q(kind=EventKind.TRANSITIONED)
    facts = {
        row["case_id"]: row
        for row in CaseEvent.objects.filter(**in_period)
        .values("case_id")
        .annotate(
            first_response_at=Min(
                "created_at",
                filter=Q(
                    is_public=True,
                    actor_role__in=[str(r) for r in HANDLING_ROLES],
                    kind__in=[EventKind.MESSAGE_ADDED, EventKind.TRANSITIONED],
                ),
            ),
            first_done_at=Min(
                "created_at", filter=transitioned & Q(to_status__in=[Status.RESOLVED, Status.CLOSED])
            ),
            resolve_count=Count("id", filter=transitioned & Q(to_status=Status.RESOLVED)),
            asked=Count("id", filter=transitioned & Q(to_status=Status.WAITING_CUSTOMER)),
            reopened=Count(
                "id",
                filter=transitioned
                & Q(
                    from_status__in=[Status.RESOLVED, Status.CLOSED, Status.REJECTED],
                    to_status=Status.UNDER_REVIEW,
                ),
            ),
            escalated=Count("id", filter=Q(kind="case.escalated")),
        )
        .order_by()
    }
    surveys = {
        case_id: score
        for case_id, score in Survey.objects.filter(answered_at__isnull=False, **in_period).values_list(
            "case_id", "score"
        )
    }
    costs = {
        row["case_id"]: row["total"]
        for row in CostEntry.objects.filter(**in_period)
        .values("case_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    cells: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    returned: dict[tuple, set] = defaultdict(set)
    none: dict = {}
    for (case_id, created, channel, category_id, team_id, assignee_id, status, case_type, resolution,
         resolved_at, order_id) in Case.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "id", "created_at", "channel", "category_id", "team_id", "assignee_id", "status", "case_type",
        "resolution", "resolved_at", "order_id",
    ):  # fmt: skip
        key = (_day(created), channel, category_id, team_id or 0, assignee_id or 0)
        cell = cells[key]
        fact = facts.get(case_id, none)
        resolves = fact.get("resolve_count", 0)
        first_done = fact.get("first_done_at")
        first_response = fact.get("first_response_at")
        cancelled = status == Status.CANCELLED
        cell["n"] += 1
        cell["active"] += not cancelled
        cell["closed"] += status == Status.CLOSED
        cell["complaints"] += case_type == CaseType.COMPLAINT
        cell["resolved_once"] += resolves >= 1
        cell["resolved_twice"] += resolves >= 2
        cell["fcr"] += resolves >= 1 and not fact.get("asked") and not fact.get("reopened")
        cell["escalated"] += bool(fact.get("escalated"))
        if not cancelled and (first_done is not None or created <= now - SLA_CLOSE_WITHIN):
            cell["sla_due"] += 1
            cell["sla_met"] += first_done is not None and first_done <= created + SLA_CLOSE_WITHIN
        if first_response is not None:
            cell["first_response_n"] += 1
            cell["first_response_seconds"] += (first_response - created).total_seconds()
        if resolved_at is not None:
            cell["resolution_n"] += 1
            cell["resolution_seconds"] += (resolved_at - created).total_seconds()
        if resolution == Resolution.RETURN_REFUND and status not in (Status.CANCELLED, Status.REJECTED):
            returned[key].add(order_id)
        if case_id in surveys:
            cell["answered"] += 1
            cell["satisfied"] += surveys[case_id] in SATISFIED_SCORES
        if case_id in costs:
            cell["cost"] += Decimal(costs[case_id] or 0)
    for key, orders in returned.items():
        cells[key]["returned_orders"] = len(orders)
    for cell in cells.values():
        cell["cost"] = Decimal(cell["cost"]).quantize(CENT)
    return cells


def rollup_days(days: set[date], *, now: datetime | None = None) -> int:
    """Recompute the rows of these days; returns the number of rows written."""
    now = now or timezone.now()
    written = 0
    ordered = sorted(days)
    while ordered:
        first = ordered[0]
        chunk = [d for d in ordered if d < first + timedelta(days=CHUNK_DAYS)]
        ordered = ordered[len(chunk) :]
        cells = _cells(first, chunk[-1], now)
        wanted = set(chunk)
        rows = [
            DailyStat(
                day=key[0],
                channel=key[1],
                category_id=key[2],
                team_id=key[3],
                assignee_id=key[4],
                **{k: values.get(k, 0) for k in COUNTERS},
            )  # fmt: skip
            for key, values in cells.items()
            if key[0] in wanted
        ]
        start, end = _bounds(chunk[0], chunk[-1])
        skus = [
            DailySkuStat(day=_day(row["d"]), product_id=row["order_line__product_id"], n=row["n"])
            for row in CaseLine.objects.filter(case__created_at__gte=start, case__created_at__lt=end)
            .annotate(d=TruncDay("case__created_at", tzinfo=local_zone(), output_field=DateTimeField()))
            .values("d", "order_line__product_id")
            .annotate(n=Count("case_id", distinct=True))
            .order_by()
        ]
        paid = Coalesce("paid_at", "created_at")
        order_rows = [
            DailyOrderStat(day=_day(row["d"]), channel=row["channel"], n=row["k"])
            for row in Order.objects.annotate(paid=paid)
            .filter(paid__gte=start, paid__lt=end)
            .annotate(d=TruncDay("paid", tzinfo=local_zone(), output_field=DateTimeField()))
            .values("d", "channel")
            .annotate(k=Count("id"))
            .order_by()
        ]
        with transaction.atomic():
            DailyOrderStat.objects.filter(day__in=chunk).delete()
            DailyOrderStat.objects.bulk_create([r for r in order_rows if r.day in wanted], batch_size=2000)
            DailyStat.objects.filter(day__in=chunk).delete()
            DailyStat.objects.bulk_create(rows, batch_size=2000)
            DailySkuStat.objects.filter(day__in=chunk).delete()
            DailySkuStat.objects.bulk_create([r for r in skus if r.day in wanted], batch_size=2000)
        written += len(rows)
    return written


def rollup_refresh(*, now: datetime | None = None, full: bool = False) -> int:
    """Bring the roll-up up to date with the events recorded since the last run."""
    now = now or timezone.now()
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
        last_seen = 0 if full else state.last_event_id
        newest = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
        if full or state.refreshed_at is None:
            span = Case.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
            paid = Order.objects.annotate(paid=Coalesce("paid_at", "created_at")).aggregate(
                first=Min("paid"), last=Max("paid")
            )
            ends = [v for v in (span["first"], span["last"], paid["first"], paid["last"]) if v is not None]
            days: set[date] = set()
            if ends:
                day, last = _day(min(ends)), _day(max(ends))
                while day <= last:
                    days.add(day)
                    day += timedelta(days=1)
        else:
            days = {
                _day(created)
                for created in CaseEvent.objects.filter(id__gt=last_seen, id__lte=newest)
                .values_list("case__created_at", flat=True)
                .distinct()
            }
            days |= {
                _day(created)
                for created in CostEntry.objects.filter(created_at__gt=state.refreshed_at)
                .values_list("case__created_at", flat=True)
                .distinct()
            }
            days |= {
                _day(value)
                for value in Order.objects.filter(updated_at__gt=state.refreshed_at)
                .annotate(paid=Coalesce("paid_at", "created_at"))
                .values_list("paid", flat=True)
                .distinct()
            }
            today = _day(now)
            days |= {today, today - timedelta(days=1)}
        written = rollup_days(days, now=now)
        state.last_event_id = newest
        state.refreshed_at = now
        state.save()
    return written


def rollup_ready() -> bool:
    return RollupState.objects.filter(pk=1, refreshed_at__isnull=False).exists()


def _bucket(day: date, granularity: str | None) -> date | None:
    if granularity is None:
        return None
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _stats(f: KpiFilter):
    stats = DailyStat.objects.filter(day__gte=f.start, day__lt=f.end)
    if f.channel:
        stats = stats.filter(channel=f.channel)
    if f.category:
        stats = stats.filter(category_id__in=CaseCategory.objects.filter(code=f.category).values("id"))
    if f.agent_id is not None:
        stats = stats.filter(assignee_id=f.agent_id)
    if f.team_id is not None:
        stats = stats.filter(team_id=f.team_id)
    return stats


def top_categories_rollup(f: KpiFilter, limit: int = 8) -> list[dict]:
    counts = list(
        _stats(f)
        .values("category_id")
        .annotate(n=Sum("n"))
        .filter(n__gt=0)
        .order_by("-n", "category_id")[:limit]
    )
    names = CaseCategory.objects.in_bulk([row["category_id"] for row in counts])
    return [
        {
            "category__code": names[row["category_id"]].code,
            "category__name": names[row["category_id"]].name,
            "category__name_en": names[row["category_id"]].name_en,
            "n": row["n"],
        }
        for row in counts
        if row["category_id"] in names
    ]


def top_skus_rollup(f: KpiFilter, limit: int = 8) -> list[dict]:
    """Only for an unfiltered period (the SKU table has no other dimension)."""
    from aftersale.catalog.models import Product

    counts = list(
        DailySkuStat.objects.filter(day__gte=f.start, day__lt=f.end)
        .values("product_id")
        .annotate(n=Sum("n"))
        .order_by("-n", "product_id")[:limit]
    )
    products = Product.objects.in_bulk([row["product_id"] for row in counts])
    return [
        {
            "lines__order_line__product__sku": products[row["product_id"]].sku,
            "lines__order_line__product__name": products[row["product_id"]].name,
            "n": row["n"],
        }
        for row in counts
        if row["product_id"] in products
    ]


def compute_rollup(
    f: KpiFilter, granularity: str | None = None, *, with_total: bool = False
) -> dict[date | None, dict[str, object]]:
    """The same figures as `kpis.compute`, read from the roll-up (no SKU filter). With
    `with_total`, the whole period (key None) comes with the buckets, from the same read."""
    stats = _stats(f)
    sums: dict[date | None, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    if granularity is None or with_total:
        sums[None]  # an empty period still has its row
    for row in stats.values("day").annotate(**{k: Sum(k) for k in COUNTERS}).order_by():
        keys = {_bucket(row["day"], granularity)} | ({None} if with_total else set())
        for key in keys:
            target = sums[key]
            for k in COUNTERS:
                target[k] += row[k] or 0
    orders: dict[date | None, int] | None = None
    if not f.channel or f.channel in OrderChannel.values:
        orders = defaultdict(int)
        order_stats = DailyOrderStat.objects.filter(day__gte=f.start, day__lt=f.end)
        if f.channel:
            order_stats = order_stats.filter(channel=f.channel)
        for row in order_stats.values("day").annotate(k=Sum("n")).order_by():
            orders[_bucket(row["day"], granularity)] += row["k"]
            if with_total and granularity is not None:
                orders[None] += row["k"]
        for key in orders:
            sums[key]  # a bucket with orders and no cases still shows
    out: dict[date | None, dict[str, object]] = {}
    for key, s in sums.items():
        n_orders = orders.get(key, 0) if orders is not None else None
        total = Decimal(s["cost"] or 0).quantize(CENT)
        out[key] = {
            "cases": s["n"],
            "first_response_minutes": round(s["first_response_seconds"] / 60 / s["first_response_n"], 1)
            if s["first_response_n"]
            else None,
            "resolution_hours": round(s["resolution_seconds"] / 3600 / s["resolution_n"], 2)
            if s["resolution_n"]
            else None,
            "closure_rate": _rate(s["closed"], s["active"]),
            "first_contact_resolution": _rate(s["fcr"], s["resolved_once"]),
            "second_resolution_rate": _rate(s["resolved_twice"], s["resolved_once"]),
            "escalation_rate": _rate(s["escalated"], s["n"]),
            "sla_attainment": _rate(s["sla_met"], s["sla_due"]),
            "csat": _rate(s["satisfied"], s["answered"]),
            "orders": n_orders,
            "total_cost": total,
            "cost_per_order": (total / n_orders).quantize(CENT) if n_orders else None,
            "complaints_per_10k_orders": round(s["complaints"] * 10_000 / n_orders, 2) if n_orders else None,
            "return_rate": _rate(s["returned_orders"], n_orders) if n_orders else None,
        }
    return dict(sorted(out.items(), key=lambda item: (item[0] is not None, item[0] or date.min)))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_PLACES) if whole else None
