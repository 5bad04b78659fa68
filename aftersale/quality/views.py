"""Quality pages in the console: the role dashboards, the cases behind a number, exports.

Views stay thin: they read through kpis/dashboards and render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersale.cases.models import CaseCategory, CaseChannel
from aftersale.common.errors import DomainError, FieldError, PermissionDenied
from aftersale.common.models import Team, User
from aftersale.common.permissions import role_of
from aftersale.common.roles import Role

from .dashboards import (
    DRILL_LABELS,
    MAX_DATE,
    MIN_DATE,
    Scope,
    cases_behind,
    filter_from,
    scope_for,
    top_categories,
    top_skus,
)
from .exports import kpi_table, to_csv, to_xlsx
from .kpis import KpiFilter, compute
from .labels import KPI_LABELS, TARGETS, display
from .mining import compare, summarize
from .models import FollowUp, FollowUpStatus, QaReview, QaSample
from .reports import public_statistics, report_build, report_html, report_pdf, report_xlsx
from .rollup import compute_rollup, rollup_ready, top_categories_rollup, top_skus_rollup
from .sampling import (
    CHECKLIST,
    DEFAULT_RATE,
    QA_ROLES,
    REVIEWER_KEYS,
    qa_review_complete,
    qa_sample_draw,
    qa_scores,
)

CARD_KPIS = (
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
)
COST_KPIS = ("total_cost", "cost_per_order")
FILTER_KEYS = ("start", "end", "granularity", "channel", "category", "sku", "agent", "team")


def quality_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in agents, team leads and the all-seeing roles; bad filters answer 400 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        try:
            scope = scope_for(request.user)
            return view(request, scope, *args, **kwargs)
        except DomainError as error:
            return render(request, "quality/error.html", {"errors": error.errors}, status=error.status)

    return wrapped


def _query(f: KpiFilter, granularity: str, **more) -> str:
    values = {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "granularity": granularity,
        "channel": f.channel,
        "category": f.category,
        "sku": f.sku,
        "agent": f.agent_id or "",
        "team": f.team_id or "",
        **more,
    }
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _next_bucket(day: date, granularity: str) -> date:
    if granularity == "day":
        return day + timedelta(days=1)
    if granularity == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _choices(scope: Scope) -> dict:
    language = get_language() or "zh-hans"
    choices = {
        "channels": CaseChannel.choices,
        "categories": [(c.code, c.label(language)) for c in CaseCategory.objects.filter(is_active=True)],
    }
    if scope.sees_all:
        choices["teams"] = list(Team.objects.order_by("name").values_list("id", "name"))
        choices["agents"] = [
            (u.pk, str(u))
            for u in User.objects.filter(role__in=[Role.AGENT, Role.TEAM_LEAD], is_active=True).order_by("id")
        ]
    elif scope.agent_id is None:
        choices["teams"] = list(Team.objects.filter(pk__in=scope.team_ids).values_list("id", "name"))
        choices["agents"] = [
            (u.pk, str(u))
            for u in User.objects.filter(team_id__in=scope.team_ids, is_active=True).order_by("id")
        ]
    return choices


@require_GET
@quality_view
def dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    f, granularity = filter_from(request.GET, scope)
    rolled = not f.sku and rollup_ready()
    unfiltered = not (f.channel or f.category or f.team_id or f.agent_id)
    if rolled:
        figures = compute_rollup(f, granularity, with_total=True)  # one read for the period and its buckets
        whole = figures[None]
    else:
        figures, whole = compute(f, granularity), compute(f)[None]
    buckets = [(key, values) for key, values in figures.items() if key is not None]
    names = CARD_KPIS + (COST_KPIS if scope.sees_cost else ())
    cards = [
        {
            "name": name,
            "label": KPI_LABELS[name],
            "value": display(name, whole[name]),
            "target": display(name, TARGETS[name]) if name in TARGETS else "",
            "below_target": name in TARGETS and whole[name] is not None and whole[name] < TARGETS[name],
            "drill": reverse("quality:drill") + "?" + _query(f, granularity, kpi=name),
        }
        for name in names
    ]
    chart = {
        "labels": [key.isoformat() for key, _values in buckets],
        "drill": [
            reverse("quality:drill")
            + "?"
            + _query(f.with_period(key, min(_next_bucket(key, granularity), f.end)), granularity, kpi="cases")
            for key, _values in buckets
        ],
        "series": {
            name: [None if values[name] is None else float(values[name]) for _k, values in buckets]
            for name in ("cases", "csat", "sla_attainment", "first_response_minutes")
        },
        "names": {name: str(KPI_LABELS[name]) for name in KPI_NAMES_SHOWN},
        "cost": [float(values["total_cost"]) for _k, values in buckets] if scope.sees_cost else None,
        "categories": [
            {
                "name": row["category__name_en"]
                if (get_language() or "").startswith("en") and row["category__name_en"]
                else row["category__name"],
                "value": row["n"],
            }
            for row in (top_categories_rollup(f) if rolled else top_categories(f))
        ],
    }
    follow_ups = []
    if scope.role != Role.AGENT:
        follow_ups = FollowUp.objects.filter(status=FollowUpStatus.OPEN).select_related(
            "case", "survey", "assignee"
        )
        if not scope.sees_all:
            follow_ups = follow_ups.filter(assignee=request.user)
        follow_ups = list(follow_ups.order_by("deadline")[:10])
    return render(
        request,
        "quality/dashboard.html",
        {
            "scope": scope,
            "f": f,
            "granularity": granularity,
            "cards": cards,
            "chart": chart,
            "skus": top_skus_rollup(f) if rolled and unfiltered else top_skus(f),
            "follow_ups": follow_ups,
            "choices": _choices(scope),
            "export_query": _query(f, granularity),
            "title": {
                Role.AGENT: _("我的服务指标"),
                Role.TEAM_LEAD: _("本组服务指标"),
            }.get(scope.role, _("全局服务指标与成本")),
        },
    )


KPI_NAMES_SHOWN = ("cases", "csat", "sla_attainment", "first_response_minutes", "total_cost")


@require_GET
@quality_view
def drill(request: HttpRequest, scope: Scope) -> HttpResponse:
    f, granularity = filter_from(request.GET, scope)
    kpi = request.GET.get("kpi") or "cases"
    if kpi in COST_KPIS and not scope.sees_cost:
        kpi = "cases"
    cases = cases_behind(f, kpi)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/drill.html",
        {
            "f": f,
            "kpi": kpi,
            "label": DRILL_LABELS[kpi],
            "kpi_label": KPI_LABELS[kpi],
            "page": page,
            "back": reverse("quality:dashboard") + "?" + _query(f, granularity),
            "query": _query(f, granularity, kpi=kpi),
        },
    )


@require_GET
@quality_view
def export(request: HttpRequest, scope: Scope, fmt: str) -> HttpResponse:
    f, granularity = filter_from(request.GET, scope)
    rows = kpi_table(f, granularity if request.GET.get("split", "1") == "1" else None)
    if not scope.sees_cost:
        drop = {str(KPI_LABELS[name]) for name in COST_KPIS}
        keep = [i for i, name in enumerate(rows[0]) if name not in drop]
        rows = [[row[i] for i in keep] for row in rows]
    name = f"kpi-{f.start.isoformat()}-{f.end.isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
@quality_view
def monthly_report(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The monthly report as XLSX or PDF, in Chinese or English (directors and the optimizer)."""
    if not scope.sees_all:
        raise_forbidden()
    month = _month_param(request.GET.get("month"))
    fmt = request.GET.get("format") or "xlsx"
    language = request.GET.get("lang") or "zh-hans"
    if fmt not in ("xlsx", "pdf", "html"):
        raise DomainError("format", _("必须是以下之一：%(c)s") % {"c": "xlsx, pdf, html"})
    report = report_build(month=month, language=language)
    name = f"aftersale-report-{month:%Y-%m}-{language}.{fmt}"
    if fmt == "html":
        response = HttpResponse(report_html(report))
        # A self-contained document (the PDF's source): its own <style>, no script, nothing loaded.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        )
        return response
    if fmt == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def raise_forbidden() -> None:
    raise PermissionDenied("role", _("您的角色无权查看月度报告"), code="forbidden")


def _month_param(value: str | None) -> date:
    if not value:
        return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        month = date.fromisoformat(f"{value}-01")
    except ValueError:
        raise DomainError("month", _("月份格式须为 YYYY-MM")) from None
    if not MIN_DATE <= month <= MAX_DATE:
        raise DomainError("month", _("日期须在 %(a)s 与 %(b)s 之间") % {"a": MIN_DATE, "b": MAX_DATE})
    return month


@require_GET
def public_statistics_page(request: HttpRequest) -> HttpResponse:
    """Return rate and complaint rate for anyone to read (cached for an hour)."""
    key = f"quality:public-stats:{timezone.localdate():%Y-%m}"
    rows = cache.get(key)
    if rows is None:
        rows = public_statistics()
        cache.set(key, rows, 3600)
    shown = [
        {
            **row,
            "return_rate": display("return_rate", row["return_rate"]),
            "complaints": display("complaints_per_10k_orders", row["complaints_per_10k_orders"]),
        }
        for row in rows
    ]
    return render(request, "quality/public_stats.html", {"rows": shown})


@require_GET
@quality_view
def process(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The process as the event log shows it, and a before/after comparison (the optimizer's page)."""
    if not scope.sees_all:
        raise PermissionDenied("role", _("您的角色无权查看流程分析"), code="forbidden")
    f, _granularity = filter_from(request.GET, scope)
    before = None
    if request.GET.get("before_start") or request.GET.get("before_end"):
        b, _g = filter_from(
            {"start": request.GET.get("before_start"), "end": request.GET.get("before_end")}, scope
        )
        before = compare(b, f)
    return render(
        request,
        "quality/process.html",
        {"f": f, "summary": summarize(f), "comparison": before, "xes": f"start={f.start}&end={f.end}"},
    )


@quality_view
def qa(request: HttpRequest, scope: Scope) -> HttpResponse:
    """QA: draw the month's sample, complete the scorecards' reviewer items, read the scores."""
    if role_of(request.user) not in QA_ROLES:
        raise PermissionDenied("role", _("您的角色无权进行质检"), code="forbidden")
    month = _month_param(request.GET.get("month") or request.POST.get("month"))
    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "draw":
                rate = float(request.POST.get("rate") or DEFAULT_RATE)
                seed = request.POST.get("seed")
                qa_sample_draw(month=month, actor=request.user, rate=rate, seed=int(seed) if seed else None)
            else:
                review = QaReview.objects.filter(pk=_int_param(request.POST.get("review"))).first()
                if review is None:
                    raise DomainError("review", _("质检记录不存在"))
                answers = {
                    key: request.POST.get(key) == "yes" for key in REVIEWER_KEYS if request.POST.get(key)
                }
                qa_review_complete(review=review, answers=answers, actor=request.user)
            return redirect(f"{reverse('quality:qa')}?month={month:%Y-%m}")
        except ValueError:
            errors = [FieldError("rate", _("须为数字"))]
        except DomainError as error:
            errors = error.errors
    sample = QaSample.objects.filter(month=month).first()
    reviews = []
    if sample is not None:
        for review in sample.reviews.select_related("case", "agent", "team").order_by("agent_id", "case_id"):
            items = [
                {
                    "key": item.key,
                    "label": item.label,
                    "question": item.question,
                    **review.items.get(item.key, {}),
                }
                for item in CHECKLIST
            ]
            reviews.append({"review": review, "items": items})
    return render(
        request,
        "quality/qa.html",
        {
            "month": month,
            "sample": sample,
            "reviews": reviews,
            "scores": qa_scores(sample) if sample else None,
            "errors": errors,
            "default_rate": DEFAULT_RATE,
        },
        status=400 if errors else 200,
    )


def _int_param(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
