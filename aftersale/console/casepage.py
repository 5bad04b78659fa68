"""What the console's case page shows, read and shaped for the templates (masked per role)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from aftersale.cases.eligibility import case_eligibility
from aftersale.cases.lifecycle import Action, actions_available, transition_for
from aftersale.cases.models import Case, IdentityCheck, Resolution
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.permissions import role_of
from aftersale.common.roles import HANDLING_ROLES, PERSONAL_DATA_ROLES, Role
from aftersale.policy.reasons import EVIDENCE_LABELS
from aftersale.sla.models import CaseRisk, Clock, ClockKind, ClockState

from .queues import DUE_SOON, risk_flags
from .timeline import highlight_sensitive

IDENTITY_ITEMS = {
    "order_no": _("订单号"),
    "phone": _("手机号"),
    "channel": _("购买渠道"),
    "purchase_date": _("购买日期"),
    "tier": _("会员等级"),
}
# Roles that may write on the thread (the optimizer only reads).
WRITING_ROLES = HANDLING_ROLES | {Role.DEPARTMENT}


@dataclass
class ClockView:
    label: str
    state: str
    state_label: str
    due_at: datetime | None
    remaining_seconds: int | None
    level: str  # ok | warn | breach | paused | done

    @property
    def running(self) -> bool:
        return self.state == ClockState.RUNNING and self.due_at is not None


def clock_views(case: Case, *, now: datetime | None = None, for_customer: bool = False) -> list[ClockView]:
    now = now or timezone.now()
    clocks = case.clocks.order_by("id")
    if for_customer:
        clocks = clocks.filter(state=ClockState.RUNNING).exclude(kind=ClockKind.UNRESOLVED)
    return [_clock_view(clock, now) for clock in clocks]


def _clock_view(clock: Clock, now: datetime) -> ClockView:
    remaining = None
    if clock.state == ClockState.RUNNING and clock.due_at is not None:
        remaining = int((clock.due_at - now).total_seconds())
        level = (
            "breach"
            if remaining < 0 or clock.breached_at
            else "warn"
            if remaining < DUE_SOON.total_seconds()
            else "ok"
        )
    elif clock.state == ClockState.PAUSED:
        remaining, level = clock.remaining_seconds, "paused"
    else:
        level = "breach" if clock.breached_at else "done"
    return ClockView(
        label=str(ClockKind(clock.kind).label),
        state=clock.state,
        state_label=str(ClockState(clock.state).label),
        due_at=clock.due_at,
        remaining_seconds=remaining,
        level=level,
    )


@dataclass
class CustomerPanel:
    name: str
    phone: str
    tier: str
    is_vip: bool
    order_no: str
    order_channel: str
    store: str
    paid_at: datetime | None
    signed_at: datetime | None
    paid_amount: object
    lines: list[dict]
    identity: IdentityCheck | None
    identity_items: list[tuple[str, bool, str]]
    revealed: bool


def customer_panel(user, case: Case) -> CustomerPanel:
    reveal = role_of(user) in PERSONAL_DATA_ROLES
    customer, order = case.customer, case.order
    identity = case.identity_checks.order_by("-id").first()
    lines = [
        {
            "line_no": cl.order_line.line_no,
            "sku": cl.order_line.product.sku,
            "name": cl.order_line.product.name,
            "quantity": cl.quantity,
            "serial_no": cl.order_line.serial_no,
            "batch_no": cl.order_line.batch_no,
        }
        for cl in case.lines.select_related("order_line__product").order_by("order_line__line_no")
    ]
    return CustomerPanel(
        name=customer.name if reveal else mask_name(customer.name),
        phone=customer.phone if reveal else mask_phone(customer.phone),
        tier=customer.get_tier_display(),
        is_vip=customer.is_vip,
        order_no=order.order_no if order else "",
        order_channel=order.get_channel_display() if order else "",
        store=order.store if order else "",
        paid_at=order.paid_at if order else None,
        signed_at=order.signed_at if order else None,
        paid_amount=order.paid_amount if order else None,
        lines=lines,
        identity=identity,
        revealed=reveal,
        identity_items=[
            (str(IDENTITY_ITEMS.get(c["item"], c["item"])), bool(c["ok"]), str(c.get("reason", "")))
            for c in (identity.checks if identity else [])
        ],
    )


@dataclass
class EntitlementView:
    resolution: str
    label: str
    eligible: bool
    requested: bool
    reasons: list[str]
    missing_evidence: list[str]
    deadline: datetime | None


@dataclass
class LineEligibilityView:
    line_no: int
    product: str
    entitlements: list[EntitlementView] = field(default_factory=list)


def entitlement_views(eligibility, *, requested: str = "") -> list[EntitlementView]:
    return [
        EntitlementView(
            resolution=e.resolution,
            label=str(Resolution(e.resolution).label),
            eligible=e.eligible,
            requested=e.resolution == requested,
            reasons=[r.render() for r in e.reasons],
            missing_evidence=[str(EVIDENCE_LABELS.get(k, k)) for k in e.missing_evidence],
            deadline=e.deadline,
        )
        for e in eligibility.entitlements.values()
    ]


def eligibility_panel(case: Case) -> list[LineEligibilityView]:
    return [
        LineEligibilityView(
            line_no=line.line_no,
            product=line.product.name,
            entitlements=entitlement_views(result, requested=case.resolution),
        )
        for line, result in case_eligibility(case)
    ]


@dataclass
class RiskView:
    flags: list[str]
    sensitive_words: list[str]
    exception_reasons: list[str]
    description: SafeString


def risk_view(case: Case) -> RiskView:
    risk = CaseRisk.objects.filter(case=case).first()
    return RiskView(
        flags=risk_flags(risk),
        sensitive_words=risk.sensitive_words if risk else [],
        exception_reasons=risk.exception_reasons if risk else [],
        description=highlight_sensitive(case.description),
    )


@dataclass
class ActionView:
    action: str
    label: str
    needs_reason: bool


def action_views(user, case: Case) -> list[ActionView]:
    """Exactly what the transition table offers this role in this status."""
    views = []
    for action in actions_available(case.status, role_of(user)):
        transition = transition_for(action)
        assert transition is not None
        views.append(
            ActionView(
                action=action.value, label=str(Action(action).label), needs_reason=transition.needs_reason
            )
        )
    return views


def can_write(user) -> bool:
    return role_of(user) in WRITING_ROLES


def notes_only(user) -> bool:
    """Department members write internal notes only."""
    return role_of(user) == Role.DEPARTMENT
