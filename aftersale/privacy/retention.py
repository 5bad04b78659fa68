"""The retention sweep: anonymise what the playbook's retention period no longer lets us keep."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersale.cases.models import Case
from aftersale.catalog.models import Customer, Order
from aftersale.policy.services import playbook_active

from .models import Anonymisation, LegalHold
from .services import FINAL_STATUSES, case_anonymise, customer_anonymise

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class SweepReport:
    horizon: datetime
    cases: int = 0
    customers: int = 0


def retention_horizon(now: datetime | None = None) -> datetime:
    """The moment before which a closed case has been kept its full retention period."""
    now = now or timezone.now()
    years = playbook_active().playbook.retention.case_years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def expired_cases(horizon: datetime):
    held = LegalHold.objects.filter(released_at__isnull=True).filter(
        Q(case=OuterRef("pk")) | Q(customer=OuterRef("customer_id"))
    )
    done = Anonymisation.objects.filter(case=OuterRef("pk"))
    return (
        Case.objects.filter(status__in=FINAL_STATUSES)
        .alias(ended_at=Coalesce("closed_at", "updated_at"))
        .filter(ended_at__lt=horizon)
        .exclude(Exists(held))
        .exclude(Exists(done))
    )


def expired_customers(horizon: datetime):
    """Customers with nothing younger than the horizon: no recent order, and no case that is still
    kept (open, recent, or not yet anonymised — a held case keeps its customer too)."""
    recent_order = Order.objects.filter(customer=OuterRef("pk"), created_at__gte=horizon)
    kept_case = Case.objects.filter(customer=OuterRef("pk")).exclude(
        Exists(Anonymisation.objects.filter(case=OuterRef("pk")))
    )
    return (
        Customer.objects.filter(created_at__lt=horizon)
        .exclude(Exists(recent_order))
        .exclude(Exists(kept_case))
        .exclude(Exists(LegalHold.objects.filter(released_at__isnull=True, customer=OuterRef("pk"))))
        .exclude(Exists(Anonymisation.objects.filter(customer=OuterRef("pk"))))
    )


def retention_sweep(*, now: datetime | None = None, batch: int = BATCH) -> SweepReport:
    """Anonymise expired cases, then customers left with nothing to keep. Idempotent: each item is
    claimed by a conditional update and recorded once, so two runners never do the same one twice."""
    report = SweepReport(horizon=retention_horizon(now))
    last = 0
    while ids := list(
        expired_cases(report.horizon).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
    ):
        last = ids[-1]
        for case in Case.objects.filter(pk__in=ids).order_by("pk"):
            report.cases += case_anonymise(case=case, trigger="retention")
    last = 0
    while ids := list(
        expired_customers(report.horizon)
        .filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    ):
        last = ids[-1]
        for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
            report.customers += customer_anonymise(customer=customer, trigger="retention")
    log.info(
        "retention sweep: %s cases, %s customers anonymised (closed before %s)",
        report.cases,
        report.customers,
        report.horizon,
    )
    return report
