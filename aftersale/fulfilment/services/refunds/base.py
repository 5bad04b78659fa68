"""What the refund modules share: who may act, the statuses still open, the refund clocks, and
what follows a refund that paid."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from aftersale.cases.models import Case
from aftersale.cases.services import event_record
from aftersale.common.roles import Role
from aftersale.sla.clocks import clocks_meet, clocks_start
from aftersale.sla.models import ClockKind, ClockUnit
from aftersale.sla.targets import ClockSpec

from ...models import CostKind, Refund, RefundMethod, RefundStatus
from ..ledger import cost_record

REFUND_ROLES = frozenset({Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.ADMIN})
RECONCILE_ROLES = frozenset({Role.TEAM_LEAD, Role.DIRECTOR, Role.ADMIN})
OFFLINE_METHODS = frozenset({RefundMethod.STORE_CREDIT, RefundMethod.BANK_TRANSFER})
OPEN_STATUSES = (RefundStatus.PENDING, RefundStatus.SENT)
STATUTORY_REFUND_HOURS = 7 * 24  # Consumer Rights Protection Law art. 25: refund within 7 days of receipt
MAX_ATTEMPTS = 8

EVENT_REQUESTED = "refund.requested"
EVENT_SUCCEEDED = "refund.succeeded"
EVENT_FAILED = "refund.failed"


def clock_ref(refund: Refund) -> str:
    return f"refund:{refund.pk}"


def start_clocks(case: Case, refund: Refund, *, started_at: datetime, playbook) -> None:
    """The platform's refund target and the statutory 7 days, both counted from receipt of the goods."""
    hours = playbook.playbook.service_levels.refund_after_receipt_hours
    ref = clock_ref(refund)
    clocks_start(
        case=case,
        playbook=playbook,
        now=started_at,
        specs=[
            ClockSpec(ClockKind.REFUND, hours * 60, ClockUnit.MINUTES, ref),
            ClockSpec(ClockKind.REFUND_STATUTORY, STATUTORY_REFUND_HOURS * 60, ClockUnit.MINUTES, ref),
        ],
    )


def paid_out(refund: Refund, *, actor, now: datetime) -> None:
    """What follows a refund that paid: its cost, its clocks (and those of failed refunds it
    replaces) met, and the customer's timeline."""
    cost_record(
        case=refund.case,
        kind=CostKind.REFUND,
        amount=refund.amount,
        source=clock_ref(refund),
        note=_("退款 %(method)s") % {"method": RefundMethod(refund.method).label},
    )
    failed = Refund.objects.filter(case=refund.case, status=RefundStatus.FAILED)
    for ref in [clock_ref(refund), *(clock_ref(r) for r in failed.only("pk"))]:
        clocks_meet(case=refund.case, kinds=[ClockKind.REFUND, ClockKind.REFUND_STATUTORY], ref=ref, now=now)
    event_record(
        case=refund.case,
        kind=EVENT_SUCCEEDED,
        actor=actor,
        payload={
            "refund_id": refund.pk,
            "amount": str(refund.amount),
            "method": refund.method,
            "reference": refund.reference or refund.gateway_ref,
        },
    )
