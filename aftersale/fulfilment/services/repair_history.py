"""The repair history of a serial no., and what it changes in the customer's entitlements:
finished repairs count towards the repeated-fault rule, days in repair extend the warranty, and
a repair past the statutory days from drop-off makes an exchange due (三包, RULES.md §3)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from aftersale.cases.eligibility import eligibility_for_line
from aftersale.cases.models import Case
from aftersale.catalog.models import OrderLine
from aftersale.policy.engine import Eligibility, Entitlement
from aftersale.policy.reasons import Reason

from ..models import RepairOrder, RepairStatus

# A repair still not done this many days after drop-off entitles the customer to an exchange.
EXCHANGE_AFTER_DAYS = 90


@dataclass(frozen=True)
class RepairHistory:
    completed: int  # finished repairs of the serial no. (outside the case being judged)
    days_in_repair: int  # added to the warranty
    overdue_drop_off: datetime | None  # of a repair that overran the statutory days: an exchange is due


def repair_history(
    line: OrderLine, *, excluding_case: int | None = None, at: datetime | None = None
) -> RepairHistory:
    """The repair orders of the line's serial no. (of the line itself when it has none)."""
    at = at or timezone.now()
    same = {"serial_no": line.serial_no} if line.serial_no else {"order_line": line}
    repairs = RepairOrder.objects.filter(**same)
    rows = list(repairs.values("case_id", "status", "received_at", "completed_at", "exchange_entitled_at"))
    completed = sum(1 for r in rows if r["completed_at"] is not None and r["case_id"] != excluding_case)
    days = sum(days_between(r["received_at"], r["completed_at"] or at) for r in rows if r["received_at"])
    return RepairHistory(completed, days, _overdue_drop_off(rows, at))


def _overdue_drop_off(rows: list[dict], at: datetime) -> datetime | None:
    """A repair flagged overdue, or still open past the limit (the hourly flagging may lag)."""
    limit = timedelta(days=EXCHANGE_AFTER_DAYS)
    overdue = [
        r["received_at"]
        for r in rows
        if r["received_at"]
        and (
            r["exchange_entitled_at"] is not None
            or (
                r["completed_at"] is None
                and r["status"] != RepairStatus.UNREPAIRABLE
                and r["received_at"] + limit <= at
            )
        )
    ]
    return min(overdue, default=None)


def days_between(start: datetime, end: datetime) -> int:
    """Whole days, a part-day counting as one."""
    return max(0, math.ceil((end - start).total_seconds() / 86400))


def line_eligibility(
    line: OrderLine,
    *,
    case_type: str,
    category: str,
    evidence_kinds: frozenset[str] = frozenset(),
    case_id: int | None = None,
    at: datetime | None = None,
) -> Eligibility:
    """The engine's judgement of a line, fed with the repair history of its serial no.: repairs
    count towards the repeated-fault rule, days in repair extend the warranty, and a repair past
    the statutory days from drop-off makes an exchange due."""
    at = at or timezone.now()
    history = repair_history(line, excluding_case=case_id, at=at)
    result = eligibility_for_line(
        line,
        case_type=case_type,
        category=category,
        evidence_kinds=evidence_kinds,
        case_id=case_id,
        at=at,
        repair_count=history.completed,
        days_in_repair=history.days_in_repair,
    )
    if history.overdue_drop_off is not None and not result.entitlements["exchange"].eligible:
        received = history.overdue_drop_off
        result.entitlements["exchange"] = Entitlement(
            "exchange",
            True,
            "repair_overdue",
            [
                Reason(
                    "repair_overdue_exchange",
                    {"days": EXCHANGE_AFTER_DAYS, "received_at": received.astimezone(result.at.tzinfo)},
                ),
                Reason("seller_pays_freight"),
            ],
            freight_payer="seller",
        )
    return result


def case_entitlements(case: Case, *, at: datetime | None = None) -> list[tuple[OrderLine, Eligibility]]:
    """`line_eligibility` for each line of the case."""
    evidence = frozenset(case.evidence.values_list("kind", flat=True))
    lines = OrderLine.objects.filter(case_lines__case=case).select_related("product", "order__customer")
    return [
        (
            line,
            line_eligibility(
                line,
                case_type=case.case_type,
                category=case.category.code,
                evidence_kinds=evidence,
                case_id=case.pk,
                at=at,
            ),
        )
        for line in lines.order_by("line_no")
    ]
