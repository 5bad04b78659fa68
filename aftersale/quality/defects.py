"""Batch-defect detection: a spike of quality cases in one batch of a SKU, against the SKU's baseline.

The test (docs/metrics.md, "Batch-defect detection"): for SKU s and batch b, k = the quality cases
created in the rolling window (W days up to now) with a line of s from batch b. The SKU's baseline
is its quality cases of any batch in the B days before the window, scaled to the window:
μ = n_baseline × W / B. The batch's expected count is λ = max(μ × share_b, λ_min), share_b being
the batch's share of the SKU's units sold since the baseline began. Under "nothing is wrong with
the batch" k ~ Poisson(λ); the one-sided p-value P(X ≥ k) is computed exactly. A batch with
k ≥ min_cases and p < alpha is a spike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import OPEN_STATUSES
from aftersale.cases.models import Case, CaseLine
from aftersale.cases.services import event_record
from aftersale.catalog.models import OrderLine
from aftersale.common.models import User
from aftersale.common.roles import Department, Role
from aftersale.fulfilment.services.workorders import work_order_create
from aftersale.sla.models import Alert
from aftersale.sla.targets import QUALITY_CATEGORIES

from .models import BatchDefect

ALERT_BATCH_DEFECT = "batch_defect"


@dataclass(frozen=True)
class DefectTest:
    window_days: int = 14
    baseline_days: int = 56
    alpha: float = 0.001
    min_cases: int = 3
    min_expected: float = 0.5
    work_order_days: int = 3


@dataclass(frozen=True)
class Spike:
    sku: str
    batch_no: str
    observed: int
    expected: float
    p_value: float
    case_ids: tuple[int, ...]


def poisson_upper_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam), exactly (terms e^−λ λ^i / i! in log space).

    Above the mean the tail itself is summed (no cancellation for tiny p-values); below it,
    1 − P(X < k)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0

    def term(i: int) -> float:
        return math.exp(-lam + i * math.log(lam) - math.lgamma(i + 1))

    if k > lam:
        tail, i = 0.0, k
        while True:
            t = term(i)
            tail += t
            if t <= tail * 1e-17 or i > k + 10_000:
                return min(1.0, tail)
            i += 1
    return max(0.0, 1.0 - sum(term(i) for i in range(k)))


def _quality_lines(start: datetime, end: datetime):
    return CaseLine.objects.filter(
        case__category__code__in=QUALITY_CATEGORIES,
        case__created_at__gte=start,
        case__created_at__lt=end,
    )


def find_spikes(*, now: datetime | None = None, test: DefectTest = DefectTest()) -> list[Spike]:
    now = now or timezone.now()
    window_start = now - timedelta(days=test.window_days)
    baseline_start = window_start - timedelta(days=test.baseline_days)
    candidates = (
        _quality_lines(window_start, now)
        .exclude(order_line__batch_no="")
        .values("order_line__product__sku", "order_line__batch_no")
        .annotate(k=Count("case", distinct=True))
        .filter(k__gte=test.min_cases)
    )
    spikes: list[Spike] = []
    for row in candidates:
        sku, batch, k = row["order_line__product__sku"], row["order_line__batch_no"], row["k"]
        n_baseline = (
            _quality_lines(baseline_start, window_start)
            .filter(order_line__product__sku=sku)
            .aggregate(n=Count("case", distinct=True))["n"]
        )
        mu = n_baseline * test.window_days / test.baseline_days
        sold = OrderLine.objects.filter(product__sku=sku, order__paid_at__gte=baseline_start)
        units = sold.aggregate(u=Sum("quantity"))["u"] or 0
        batch_units = sold.filter(batch_no=batch).aggregate(u=Sum("quantity"))["u"] or 0
        share = batch_units / units if units else 1.0
        expected = max(mu * share, test.min_expected)
        p_value = poisson_upper_tail(k, expected)
        if p_value < test.alpha:
            case_ids = tuple(
                _quality_lines(window_start, now)
                .filter(order_line__product__sku=sku, order_line__batch_no=batch)
                .values_list("case_id", flat=True)
                .distinct()
                .order_by("case_id")
            )
            spikes.append(Spike(sku, batch, k, round(expected, 4), p_value, case_ids))
    return sorted(spikes, key=lambda s: s.p_value)


def batch_defects_scan(*, now: datetime | None = None, test: DefectTest = DefectTest()) -> list[BatchDefect]:
    """Find spikes; each new one opens a QC work order, links its cases and alerts QC and the directors.

    A batch already reported within the window is not reported again."""
    now = now or timezone.now()
    window_start = now - timedelta(days=test.window_days)
    found = []
    for spike in find_spikes(now=now, test=test):
        if BatchDefect.objects.filter(
            sku=spike.sku, batch_no=spike.batch_no, created_at__gte=window_start
        ).exists():
            continue
        found.append(_report(spike, now=now, window_start=window_start, test=test))
    return found


def _director() -> User | None:
    return User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("id").first()


def _report(spike: Spike, *, now: datetime, window_start: datetime, test: DefectTest) -> BatchDefect:
    cases = list(Case.objects.filter(pk__in=spike.case_ids).order_by("-created_at", "-id"))
    with translation.override(settings.LANGUAGE_CODE):
        summary = _(
            "批次质量异常：SKU %(sku)s 批次 %(batch)s 近 %(days)s 天有 %(k)s 张质量问题单，"
            "按基线预期 %(expected).1f 张（泊松检验 p=%(p).2g）。请排查该批次。"
        ) % {
            "sku": spike.sku,
            "batch": spike.batch_no,
            "days": test.window_days,
            "k": spike.observed,
            "expected": spike.expected,
            "p": spike.p_value,
        }
    with transaction.atomic():
        defect = BatchDefect.objects.create(
            sku=spike.sku,
            batch_no=spike.batch_no,
            window_start=window_start,
            window_end=now,
            observed=spike.observed,
            expected=spike.expected,
            p_value=spike.p_value,
        )
        defect.cases.set(cases)
        director = _director()
        open_case = next((c for c in cases if c.status in OPEN_STATUSES), None)
        if director is not None and open_case is not None:
            # The work order hangs off the newest open case of the batch, issued on the director's behalf.
            defect.work_order = work_order_create(
                case=open_case,
                actor=director,
                department=Department.QC,
                action=summary
                + " "
                + _("相关售后单：%(numbers)s") % {"numbers": ", ".join(c.number for c in cases)},
                deadline=now + timedelta(days=test.work_order_days),
            )
            defect.save(update_fields=["work_order"])
        for case in cases:
            event_record(
                case=case,
                kind="quality.batch_defect",
                actor=None,
                is_public=False,
                payload={
                    "batch_defect_id": defect.pk,
                    "sku": spike.sku,
                    "batch_no": spike.batch_no,
                    "work_order": defect.work_order.number if defect.work_order else "",
                },
            )
        recipients = User.objects.filter(is_active=True).filter(
            Q(role=Role.DEPARTMENT, department=Department.QC) | Q(role=Role.DIRECTOR)
        )
        Alert.objects.bulk_create(
            [
                Alert(recipient=user, case=cases[0], kind=ALERT_BATCH_DEFECT, message=summary[:500])
                for user in recipients
            ]
        )
    return defect
