"""The monthly report (XLSX and PDF, zh-hans or en): volumes, KPIs against targets, top categories
and SKUs and their change, cost, QA results, batch defects and suggestions drawn from the data."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import CaseChannel, CaseLine, CaseType, Resolution
from aftersale.common.errors import DomainError
from aftersale.fulfilment.models import CostEntry, CostKind
from aftersale.sla.targets import QUALITY_CATEGORIES

from .exports import to_xlsx
from .kpis import KpiFilter, cohort, kpis, orders_for
from .labels import KPI_LABELS, TARGETS, display
from .mining import summarize
from .models import BatchDefect, QaSample
from .rollup import compute_rollup, rollup_ready
from .sampling import qa_scores

REPORT_KPIS = (
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
)
BATCH_SHARE = 0.3  # a batch behind this share of a month's quality cases is worth a suggestion
LANGUAGES = ("zh-hans", "en")


def month_period(month: date) -> KpiFilter:
    first = month.replace(day=1)
    return KpiFilter(start=first, end=(first + timedelta(days=32)).replace(day=1))


def _previous(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def _change(now: float | int | Decimal | None, before: float | int | Decimal | None) -> float | None:
    if now is None or before in (None, 0):
        return None
    return round((float(now) - float(before)) / float(before) * 100, 1)


@dataclass
class Report:
    month: date
    language: str
    kpis: list[dict] = field(default_factory=list)
    by_type: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    skus: list[dict] = field(default_factory=list)
    cost: list[dict] = field(default_factory=list)
    qa: dict | None = None
    defects: list[dict] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def _counts(cases, key: str) -> dict[str, int]:
    return {row[key]: row["n"] for row in cases.values(key).annotate(n=Count("id")).order_by()}


def report_build(*, month: date, language: str = "zh-hans") -> Report:
    if language not in LANGUAGES:
        raise DomainError("language", _("必须是以下之一：%(c)s") % {"c": ", ".join(LANGUAGES)})
    month = month.replace(day=1)
    f, f_prev = month_period(month), month_period(_previous(month))
    with translation.override(language):
        report = Report(month=month, language=language)
        if rollup_ready():  # the same figures, without reading the event log again
            current, previous = compute_rollup(f)[None], compute_rollup(f_prev)[None]
        else:
            current, previous = kpis(f), kpis(f_prev)
        for name in REPORT_KPIS:
            target = TARGETS.get(name)
            value = current[name]
            report.kpis.append(
                {
                    "name": name,
                    "label": str(KPI_LABELS[name]),
                    "value": value,
                    "shown": display(name, value),
                    "previous": display(name, previous[name]),
                    "target": display(name, target) if target is not None else "",
                    "met": None if target is None or value is None else value >= target,
                }
            )
        cases, cases_prev = cohort(f), cohort(f_prev)
        for key, choices, out in (
            ("case_type", CaseType, report.by_type),
            ("channel", CaseChannel, report.by_channel),
        ):
            now_counts, before = _counts(cases, key), _counts(cases_prev, key)
            for value, label in choices.choices:
                if now_counts.get(value) or before.get(value):
                    out.append(
                        {
                            "label": str(label),
                            "n": now_counts.get(value, 0),
                            "previous": before.get(value, 0),
                            "change": _change(now_counts.get(value, 0), before.get(value)),
                        }
                    )
        report.categories = _top_categories(cases, cases_prev, language)
        report.skus = _top_skus(cases, cases_prev)
        report.cost = _cost(cases, cases_prev)
        sample = QaSample.objects.filter(month=month).first()
        if sample is not None:
            report.qa = qa_scores(sample)
        report.defects = [
            {
                "sku": d.sku,
                "batch_no": d.batch_no,
                "observed": d.observed,
                "expected": d.expected,
                "p": d.p_value,
                "work_order": d.work_order.number if d.work_order else "",
            }
            for d in BatchDefect.objects.filter(created_at__gte=f.bounds()[0], created_at__lt=f.bounds()[1])
            .select_related("work_order")
            .order_by("p_value")
        ]
        report.suggestions = _suggestions(report, f, cases)
    return report


def _top_categories(cases, cases_prev, language: str) -> list[dict]:
    before = {
        row["category__code"]: row["n"]
        for row in cases_prev.values("category__code").annotate(n=Count("id")).order_by()
    }
    rows = (
        cases.values("category__code", "category__name", "category__name_en")
        .annotate(n=Count("id"))
        .order_by("-n", "category__code")[:10]
    )
    return [
        {
            "code": row["category__code"],
            "label": row["category__name_en"]
            if language == "en" and row["category__name_en"]
            else row["category__name"],
            "n": row["n"],
            "previous": before.get(row["category__code"], 0),
            "change": _change(row["n"], before.get(row["category__code"])),
        }
        for row in rows
    ]


def _top_skus(cases, cases_prev) -> list[dict]:
    def per_sku(qs):
        return (
            CaseLine.objects.filter(case__in=qs)
            .values("order_line__product__sku", "order_line__product__name")
            .annotate(n=Count("case", distinct=True))
            .order_by("-n", "order_line__product__sku")
        )

    before = {row["order_line__product__sku"]: row["n"] for row in per_sku(cases_prev)}
    return [
        {
            "sku": row["order_line__product__sku"],
            "name": row["order_line__product__name"],
            "n": row["n"],
            "previous": before.get(row["order_line__product__sku"], 0),
            "change": _change(row["n"], before.get(row["order_line__product__sku"])),
        }
        for row in per_sku(cases)[:10]
    ]


def _cost(cases, cases_prev) -> list[dict]:
    def by_kind(qs):
        return {
            row["kind"]: row["total"]
            for row in CostEntry.objects.filter(case__in=qs)
            .values("kind")
            .annotate(total=Sum("amount"))
            .order_by()
        }

    now, before = by_kind(cases), by_kind(cases_prev)
    rows = [
        {
            "label": str(label),
            "amount": Decimal(now.get(kind) or 0).quantize(Decimal("0.01")),
            "previous": Decimal(before.get(kind) or 0).quantize(Decimal("0.01")),
            "change": _change(now.get(kind), before.get(kind)),
        }
        for kind, label in CostKind.choices
        if now.get(kind) or before.get(kind)
    ]
    return rows


def _suggestions(report: Report, f: KpiFilter, cases) -> list[str]:
    """Plain sentences, each backed by a number in the report."""
    out: list[str] = []
    quality = CaseLine.objects.filter(case__in=cases.filter(category__code__in=QUALITY_CATEGORIES))
    total_quality = quality.values("case").distinct().count()
    if total_quality:
        for row in (
            quality.exclude(order_line__batch_no="")
            .values("order_line__product__sku", "order_line__batch_no")
            .annotate(n=Count("case", distinct=True))
            .order_by("-n")[:3]
        ):
            share = row["n"] / total_quality
            if share >= BATCH_SHARE and row["n"] >= 3:
                out.append(
                    _(
                        "SKU %(sku)s 的批次 %(batch)s 造成了 %(pct).0f%% 的质量问题单（%(n)s / %(total)s），"
                        "建议品控排查该批次。"
                    )
                    % {
                        "sku": row["order_line__product__sku"],
                        "batch": row["order_line__batch_no"],
                        "pct": share * 100,
                        "n": row["n"],
                        "total": total_quality,
                    }
                )
    kpi = {row["name"]: row for row in report.kpis}
    if kpi["sla_attainment"]["met"] is False:
        process = summarize(f)
        slowest = process.bottlenecks[0] if process.bottlenecks else None
        out.append(
            _(
                "24 小时结案达成率为 %(value)s，低于目标 %(target)s；"
                "耗时最多的环节是“%(state)s”（平均 %(hours)s 小时）。"
            )
            % {
                "value": kpi["sla_attainment"]["shown"],
                "target": kpi["sla_attainment"]["target"],
                "state": slowest["label"] if slowest else "—",
                "hours": slowest["mean_hours"] if slowest else "—",
            }
        )
    if kpi["csat"]["met"] is False:
        out.append(
            _("满意度为 %(value)s，低于目标 %(target)s；请组长跟进低分回访。")
            % {"value": kpi["csat"]["shown"], "target": kpi["csat"]["target"]}
        )
    for row in report.categories:
        if row["change"] is not None and row["change"] >= 50 and row["n"] >= 5:
            out.append(
                _("“%(label)s”类售后单较上月增加 %(change).0f%%（%(prev)s → %(n)s）。")
                % {"label": row["label"], "change": row["change"], "prev": row["previous"], "n": row["n"]}
            )
    rate = kpi["second_resolution_rate"]["value"]
    if rate is not None and rate > 0.1:
        out.append(
            _("二次解决率为 %(value)s：十张已解决的售后单中超过一张被重新打开，建议复盘首次处理方案。")
            % {"value": kpi["second_resolution_rate"]["shown"]}
        )
    if not out:
        out.append(_("本月各项指标均达到目标，未发现需要特别处理的问题。"))
    return out


def report_xlsx(report: Report) -> bytes:
    with translation.override(report.language):
        summary = [[_("指标"), _("本月"), _("上月"), _("目标"), _("是否达标")]]
        for row in report.kpis:
            value = row["value"]
            summary.append(
                [
                    row["label"],
                    float(value) if isinstance(value, Decimal) else value,
                    row["previous"],
                    row["target"],
                    "" if row["met"] is None else (_("达标") if row["met"] else _("未达标")),
                ]
            )
        change = _("环比变化（%）")
        sheets = {
            _("类型与渠道"): [[_("维度"), _("本月"), _("上月"), change]]
            + [[r["label"], r["n"], r["previous"], r["change"]] for r in report.by_type + report.by_channel],
            _("问题分类"): [[_("问题分类"), _("本月"), _("上月"), change]]
            + [[r["label"], r["n"], r["previous"], r["change"]] for r in report.categories],
            "SKU": [["SKU", _("商品"), _("本月"), _("上月"), change]]
            + [[r["sku"], r["name"], r["n"], r["previous"], r["change"]] for r in report.skus],
            _("成本"): [[_("类别"), _("本月（元）"), _("上月（元）"), change]]
            + [[r["label"], r["amount"], r["previous"], r["change"]] for r in report.cost],
            _("质检"): [[_("客服"), _("抽样"), _("已评"), _("平均分")]]
            + [
                [r["agent"], r["sampled"], r["reviewed"], r["score"]]
                for r in (report.qa or {}).get("agents", [])
            ],
            _("建议"): [[_("改进建议")]] + [[s] for s in report.suggestions],
        }
        title = _("月度报告 %(month)s") % {"month": report.month.strftime("%Y-%m")}
        return to_xlsx(summary, title=title, sheets=sheets)


def report_html(report: Report) -> str:
    with translation.override(report.language):
        return render_to_string("quality/report.html", {"report": report})


def report_pdf(report: Report) -> bytes:
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise DomainError(
            "format", _("此服务器未安装 PDF 组件（WeasyPrint 及其系统库），请选择 XLSX")
        ) from None
    return HTML(string=report_html(report)).write_pdf()


def public_statistics(*, months: int = 12, today: date | None = None) -> list[dict]:
    """Return rate and complaints per 10,000 orders (docs/metrics.md) for each of the last full
    months, newest first: the figures a business may publish."""
    month = _previous(today or timezone.localdate())
    rows = []
    for _i in range(months):
        f = month_period(month)
        cases = cohort(f)
        orders = orders_for(f)
        n_orders = orders.count() if orders is not None else 0
        returned = (
            cases.filter(resolution=Resolution.RETURN_REFUND)
            .exclude(status__in=[Status.CANCELLED, Status.REJECTED])
            .values("order")
            .distinct()
            .count()
        )
        complaints = cases.filter(case_type=CaseType.COMPLAINT).count()
        rows.append(
            {
                "month": month,
                "orders": n_orders,
                "return_rate": round(returned / n_orders, 4) if n_orders else None,
                "complaints_per_10k_orders": round(complaints * 10_000 / n_orders, 2) if n_orders else None,
            }
        )
        month = _previous(month)
    return rows
