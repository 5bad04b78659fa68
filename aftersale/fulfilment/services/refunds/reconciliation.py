"""The daily reconciliation: a day's refunds by channel and status, what was paid that day, and
every open refund that needs someone to look at it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.sla.models import Clock, ClockKind

from ...models import Refund, RefundStatus
from .base import MAX_ATTEMPTS, OPEN_STATUSES, clock_ref

RETRY_STALLED_AFTER = timedelta(minutes=10)


@dataclass
class ReconciliationRow:
    channel: str  # the gateway (payment method) for original refunds, else the offline method
    status: str
    count: int
    amount: Decimal


@dataclass
class StuckRefund:
    refund: Refund
    due_at: datetime | None
    reasons: list[str]


@dataclass
class Reconciliation:
    day: date
    created: list[ReconciliationRow]  # refunds requested that day, by channel and status
    settled: list[ReconciliationRow]  # refunds paid that day, by channel: what the statements show
    stuck: list[StuckRefund]  # open refunds of that day or before that need someone to look


def refund_reconciliation(day: date, *, now: datetime | None = None) -> Reconciliation:
    now = now or timezone.now()
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    end = start + timedelta(days=1)
    created = _rows(Refund.objects.filter(created_at__gte=start, created_at__lt=end), by_status=True)
    settled = _rows(Refund.objects.filter(succeeded_at__gte=start, succeeded_at__lt=end), by_status=False)
    return Reconciliation(day=day, created=created, settled=settled, stuck=_stuck(before=end, now=now))


def _rows(refunds, *, by_status: bool) -> list[ReconciliationRow]:
    fields = ["gateway", "method", "status"] if by_status else ["gateway", "method"]
    rows: dict[tuple[str, str], ReconciliationRow] = {}
    for row in refunds.values(*fields).annotate(count=Count("id"), total=Sum("amount")).order_by():
        channel = row["gateway"] or row["method"]
        status = row["status"] if by_status else RefundStatus.SUCCEEDED
        merged = rows.setdefault((channel, status), ReconciliationRow(channel, status, 0, Decimal("0.00")))
        merged.count += row["count"]
        merged.amount += row["total"]
    return sorted(rows.values(), key=lambda row: (row.channel, row.status))


def _stuck(*, before: datetime, now: datetime) -> list[StuckRefund]:
    open_refunds = list(
        Refund.objects.filter(status__in=OPEN_STATUSES, created_at__lt=before)
        .select_related("case", "order")
        .order_by("created_at")
    )
    due = dict(
        Clock.objects.filter(kind=ClockKind.REFUND, ref__in=[clock_ref(r) for r in open_refunds]).values_list(
            "ref", "due_at"
        )
    )
    stuck = []
    for refund in open_refunds:
        due_at = due.get(clock_ref(refund))
        reasons = []
        if due_at is not None and due_at < now:
            reasons.append(
                _("已超过退款时限 %(due)s") % {"due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")}
            )
        if refund.attempts >= MAX_ATTEMPTS:
            reasons.append(_("已尝试 %(n)s 次仍无结果") % {"n": refund.attempts})
        if refund.next_attempt_at is not None and refund.next_attempt_at < now - RETRY_STALLED_AFTER:
            reasons.append(_("重试逾期未执行，请检查定时任务"))
        if reasons:
            stuck.append(StuckRefund(refund=refund, due_at=due_at, reasons=reasons))
    return stuck
