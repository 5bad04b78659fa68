"""What a case's customer is entitled to: the engine fed with the case and its history."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from aftersale.catalog.models import OrderLine
from aftersale.policy.engine import CaseFacts, Eligibility, evaluate
from aftersale.policy.facts import line_facts
from aftersale.policy.services import playbook_active

from .lifecycle import Status
from .models import Case, CaseLine, Resolution

ABUSE_LOOKBACK = timedelta(days=365)


def completed_repairs(serial_no: str, *, excluding_case: int | None = None) -> int:
    """Earlier repair cases of the same serial no. that were finished (resolved or closed)."""
    if not serial_no:
        return 0
    qs = CaseLine.objects.filter(
        order_line__serial_no=serial_no,
        case__resolution=Resolution.REPAIR,
        case__status__in=[Status.RESOLVED, Status.CLOSED],
    )
    if excluding_case is not None:
        qs = qs.exclude(case_id=excluding_case)
    return qs.values("case_id").distinct().count()


def abuse_count(customer_id: int, *, now: datetime) -> int:
    """Requests of this customer rejected in the last year: the playbook's abuse history."""
    return Case.objects.filter(
        customer_id=customer_id, status=Status.REJECTED, created_at__gte=now - ABUSE_LOOKBACK
    ).count()


def eligibility_for_line(
    line: OrderLine,
    *,
    case_type: str,
    category: str,
    evidence_kinds: frozenset[str] = frozenset(),
    requested_compensation: Decimal | None = None,
    case_id: int | None = None,
    at: datetime | None = None,
    repair_count: int | None = None,
    days_in_repair: int = 0,
) -> Eligibility:
    """`repair_count` and `days_in_repair` come from the repair history kept by fulfilment, which
    this app may not import; without them, finished repair cases of the serial no. are counted."""
    at = at or timezone.now()
    if repair_count is None:
        repair_count = completed_repairs(line.serial_no, excluding_case=case_id)
    facts = CaseFacts(
        case_type=case_type,
        category=category,
        evidence_kinds=evidence_kinds,
        completed_repairs=repair_count,
        abuse_count=abuse_count(line.order.customer_id, now=at),
        requested_compensation=requested_compensation,
    )
    line_as_facts = replace(line_facts(line), days_in_repair=days_in_repair)
    return evaluate(playbook_active(), line_as_facts, facts, at=at)


def case_eligibility(case: Case, *, at: datetime | None = None) -> list[tuple[OrderLine, Eligibility]]:
    """The judgement for each order line of the case."""
    evidence = frozenset(case.evidence.values_list("kind", flat=True))
    lines = (
        OrderLine.objects.filter(case_lines__case=case)
        .select_related("product", "order__customer")
        .order_by("line_no")
    )
    return [
        (
            line,
            eligibility_for_line(
                line,
                case_type=case.case_type,
                category=case.category.code,
                evidence_kinds=evidence,
                case_id=case.pk,
                at=at,
            ),
        )
        for line in lines
    ]
