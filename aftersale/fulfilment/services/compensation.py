"""Compensation (补偿) and its approvals.

An offer within the offerer's own limit goes to the customer at once; above it, it waits for the
lowest role whose limit covers it, and nobody approves their own offer. Until it is approved the
customer never sees it, and staff may not quote its amount to them (seed 001: 严禁私自承诺无法达成的
赔付). An offer that needs the director makes the case an exception case. Once the customer
accepts, the payout runs against a clock and is booked in the cost ledger when paid.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import OPEN_STATUSES, Status
from aftersale.cases.models import Case, CaseEvent, EventKind, Message
from aftersale.cases.services import event_record, require_case_access
from aftersale.common import events
from aftersale.common.errors import Conflict, DomainError, NotFound, PermissionDenied
from aftersale.common.models import User
from aftersale.common.money import CENT
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import HANDLING_ROLES, Role
from aftersale.policy.engine import CompiledPlaybook, approver_for, may_approve
from aftersale.policy.schema import Playbook
from aftersale.policy.services import playbook_active
from aftersale.sla.clocks import clocks_meet, clocks_start
from aftersale.sla.models import Alert, AlertKind, ClockKind, ClockUnit
from aftersale.sla.recipients import Directory
from aftersale.sla.risk import case_mark_exception
from aftersale.sla.targets import ClockSpec

from ..models import CompensationOffer, CostKind, OfferKind, OfferStatus
from .ledger import cost_record

S = OfferStatus
APPROVER_ROLES = frozenset({Role.TEAM_LEAD, Role.DIRECTOR})
# What the customer may see: never an offer still waiting for approval, or one that was refused.
CUSTOMER_VISIBLE = frozenset({S.OFFERED, S.ACCEPTED, S.DECLINED, S.PAID})
UNANSWERED = frozenset({S.PENDING_APPROVAL, S.OFFERED})
MAX_AMOUNT = Decimal("999999999999.99")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def offer_ref(offer: CompensationOffer) -> str:
    return f"compensation:{offer.pk}"


# ---- proposing ------------------------------------------------------------------------------


def compensation_propose(
    *,
    case: Case,
    actor: User,
    kind: str,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    description: str = "",
) -> CompensationOffer:
    """Offer a compensation. Give `amount`, or `percent` of the case's line amount; with neither,
    the playbook's compensation matrix for the case's category decides."""
    require_case_access(actor, case, action=_("提出补偿"), roles=HANDLING_ROLES)
    if case.status not in OPEN_STATUSES:
        raise DomainError(
            "status",
            _("售后单当前状态为“%(status)s”，不能提出补偿") % {"status": Status(case.status).label},
            code="invalid_status",
        )
    if kind not in OfferKind.values:
        raise DomainError("kind", _("必须是以下之一：%(c)s") % {"c": ", ".join(OfferKind.values)})
    description = _text(description, "description", 300, required=kind == OfferKind.GIFT)
    compiled = playbook_active()
    amount, percent = _offer_amount(case, amount=amount, percent=percent, playbook=compiled)
    approver = _approver_needed(actor, amount, compiled.playbook)
    with transaction.atomic():
        offer = CompensationOffer.objects.create(
            case=case,
            kind=kind,
            amount=amount,
            description=description,
            offered_by=actor,
            status=S.PENDING_APPROVAL if approver else S.OFFERED,
            approver_role=approver,
        )
        if approver:
            _request_approval(offer, actor=actor, percent=percent, playbook=compiled)
        else:
            _record(offer, "compensation.offered", actor, public=True, percent=_str(percent))
    return offer


def _offer_amount(
    case: Case, *, amount: Decimal | None, percent: Decimal | None, playbook: CompiledPlaybook
) -> tuple[Decimal, Decimal | None]:
    if amount is not None and percent is not None:
        raise DomainError("percent", _("金额与比例只能填写一项"))
    if amount is None and percent is None:
        amount, percent = _matrix_amount(case, playbook)
    if percent is not None:
        if not Decimal("0") < percent <= Decimal("100"):
            raise DomainError("percent", _("必须大于 0 且不超过 100"))
        amount = (_line_amount(case) * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert amount is not None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise DomainError("amount", _("须为大于 0 的金额，最多两位小数"))
    return amount, percent


def _matrix_amount(case: Case, playbook: CompiledPlaybook) -> tuple[Decimal | None, Decimal | None]:
    """The matrix's amount for the case's category. A fixed credit is per case, not per line, so
    this reads the scenario itself rather than the per-line entitlements."""
    scenario = playbook.scenarios.get(case.category.code)
    if scenario is not None and scenario.kind == "percent_of_price":
        return None, scenario.percent
    if scenario is not None and scenario.amount is not None:
        return scenario.amount, None
    raise DomainError("amount", _("补偿方案未规定此分类的金额，请填写金额或比例"))


def _line_amount(case: Case) -> Decimal:
    lines = case.lines.select_related("order_line")
    total = sum((line.order_line.unit_price * line.quantity for line in lines), Decimal("0.00"))
    if not total:
        raise DomainError("percent", _("售后单未指明商品行，无法按比例计算"))
    return total


def _approver_needed(actor: User, amount: Decimal, playbook: Playbook) -> str:
    """The role that must approve, or "" when the offer is within the offerer's own limit
    (anything within the agent's limit is within every handler's)."""
    if may_approve(role_of(actor), amount, playbook) or approver_for(amount, playbook) == Role.AGENT:
        return ""
    approver = approver_for(amount, playbook)
    if not may_approve(approver, amount, playbook):
        raise DomainError(
            "amount",
            _("补偿金额超出最高审批额度 ¥%(limit)s")
            % {"limit": playbook.compensation.approval_limits.director},
            code="over_limit",
        )
    return approver


def _request_approval(
    offer: CompensationOffer, *, actor: User, percent: Decimal | None, playbook: CompiledPlaybook
) -> None:
    case = offer.case
    _record(
        offer,
        "compensation.requested",
        actor,
        public=False,
        percent=_str(percent),
        approver_role=offer.approver_role,
        description=offer.description,
    )
    directory = Directory()
    if offer.approver_role == Role.DIRECTOR:
        # Seed 001: a payout above the limit is one of the conditions that make an exception case.
        case_mark_exception(
            case=case, reason="compensation_over_limit", playbook=playbook, directory=directory
        )
        recipients = directory.role(Role.DIRECTOR)
    else:
        recipients = directory.leads(case)
    message = _("%(number)s 申请补偿 ¥%(amount)s（%(kind)s），待您审批") % {
        "number": case.number,
        "amount": offer.amount,
        "kind": OfferKind(offer.kind).label,
    }
    # An approval request is the seed's escalation of an over-limit payout to the superior.
    Alert.objects.bulk_create(
        Alert(recipient_id=user_id, case=case, kind=AlertKind.ESCALATED, message=message)
        for user_id in recipients
        if user_id != actor.pk
    )


# ---- approving ------------------------------------------------------------------------------


def compensation_approve(
    *, offer: CompensationOffer, actor: User, version: int, note: str = ""
) -> CompensationOffer:
    """An approver within whose limit the amount lies releases the offer to the customer."""
    _require_approver(actor, offer, action=_("审批补偿"))
    note = _text(note, "note", 300)
    with transaction.atomic():
        _advance(
            offer,
            version=version,
            sources={S.PENDING_APPROVAL},
            verb=_("审批"),
            status=S.OFFERED,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        _record(offer, "compensation.approved", actor, public=False, note=note)
        _record(offer, "compensation.offered", actor, public=True)
    return offer


def compensation_reject(
    *, offer: CompensationOffer, actor: User, version: int, note: str
) -> CompensationOffer:
    """Refused: the customer never hears of it."""
    _require_approver(actor, offer, action=_("驳回补偿"))
    note = _text(note, "note", 300, required=True)
    with transaction.atomic():
        _advance(
            offer,
            version=version,
            sources={S.PENDING_APPROVAL},
            verb=_("审批"),
            status=S.REJECTED,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        _record(offer, "compensation.rejected", actor, public=False, note=note)
    return offer


def _require_approver(actor: User, offer: CompensationOffer, *, action: str) -> None:
    if offer.offered_by_id == actor.pk:
        raise PermissionDenied("offer", _("不能审批自己提出的补偿"), code="self_approval")
    require_case_access(actor, offer.case, action=action, roles=APPROVER_ROLES)
    if not may_approve(role_of(actor), offer.amount, playbook_active().playbook):
        raise PermissionDenied(
            "amount", _("补偿金额 ¥%(amount)s 超出您的审批额度") % {"amount": offer.amount}, code="over_limit"
        )


# ---- the customer's answer ------------------------------------------------------------------


def compensation_accept(*, offer: CompensationOffer, actor: User, version: int) -> CompensationOffer:
    """The customer accepts (or staff record the acceptance the customer gave by phone); the
    payout clock starts."""
    via = _answering(actor, offer, action=_("接受补偿"))
    compiled = playbook_active()
    hours = compiled.playbook.service_levels.compensation_pay_hours
    now = timezone.now()
    with transaction.atomic():
        _advance(
            offer, version=version, sources={S.OFFERED}, verb=_("接受"), status=S.ACCEPTED, answered_at=now
        )
        clocks_start(
            case=offer.case,
            playbook=compiled,
            now=now,
            specs=[
                ClockSpec(ClockKind.COMPENSATION_PAYOUT, hours * 60, ClockUnit.MINUTES, ref=offer_ref(offer))
            ],
        )
        _record(offer, "compensation.accepted", actor, public=True, via=via)
    return offer


def compensation_decline(
    *, offer: CompensationOffer, actor: User, version: int, reason: str = ""
) -> CompensationOffer:
    via = _answering(actor, offer, action=_("拒绝补偿"))
    reason = _text(reason, "reason", 300)
    with transaction.atomic():
        _advance(
            offer,
            version=version,
            sources={S.OFFERED},
            verb=_("拒绝"),
            status=S.DECLINED,
            answered_at=timezone.now(),
        )
        _record(offer, "compensation.declined", actor, public=True, via=via, reason=reason)
    return offer


def _answering(actor: User, offer: CompensationOffer, *, action: str) -> str:
    """How the customer's answer came in: "portal" from the customer, "phone" when staff record it."""
    require_case_access(actor, offer.case, action=action, roles=HANDLING_ROLES | {Role.CUSTOMER})
    require_customer_may_see(actor, offer)
    return "portal" if role_of(actor) == Role.CUSTOMER else "phone"


def require_customer_may_see(user: User, offer: CompensationOffer) -> None:
    """To a customer an offer that was never released to them does not exist."""
    if role_of(user) == Role.CUSTOMER and offer.status not in CUSTOMER_VISIBLE:
        raise NotFound("offer_id", _("补偿不存在"))


# ---- withdrawing and paying -----------------------------------------------------------------


def compensation_withdraw(
    *, offer: CompensationOffer, actor: User, version: int, reason: str
) -> CompensationOffer:
    """Take an offer back before the customer has accepted it."""
    require_case_access(actor, offer.case, action=_("撤回补偿"), roles=HANDLING_ROLES)
    reason = _text(reason, "reason", 300, required=True)
    with transaction.atomic():
        _withdraw(offer, actor=actor, version=version, reason=reason)
    return offer


def _withdraw(offer: CompensationOffer, *, actor: User | None, version: int, reason: str) -> None:
    seen_by_customer = offer.status == S.OFFERED
    _advance(offer, version=version, sources=UNANSWERED, verb=_("撤回"), status=S.WITHDRAWN)
    _record(offer, "compensation.withdrawn", actor, public=seen_by_customer, reason=reason)


def compensation_pay(*, offer: CompensationOffer, actor: User, payout_ref: str) -> CompensationOffer:
    """Staff paid the accepted compensation (balance credit, coupon, cash; a gift's waybill no.):
    the payout clock is met and the cost booked."""
    require_case_access(actor, offer.case, action=_("发放补偿"), roles=HANDLING_ROLES)
    payout_ref = _text(payout_ref, "payout_ref", 100, required=True)
    now = timezone.now()
    with transaction.atomic():
        _advance(
            offer,
            version=offer.version,
            sources={S.ACCEPTED},
            verb=_("发放"),
            status=S.PAID,
            paid_at=now,
            payout_ref=payout_ref,
        )
        clocks_meet(case=offer.case, kinds=[ClockKind.COMPENSATION_PAYOUT], ref=offer_ref(offer), now=now)
        cost_record(
            case=offer.case,
            kind=CostKind.COMPENSATION,
            amount=offer.amount,
            source=offer_ref(offer),
            note=f"{OfferKind(offer.kind).label} {payout_ref}",
        )
        _record(offer, "compensation.paid", actor, public=True, payout_ref=payout_ref)
    return offer


# ---- shared ---------------------------------------------------------------------------------


def _advance(
    offer: CompensationOffer, *, version: int, sources: set[str] | frozenset[str], verb: str, **changes
) -> None:
    """Move the offer on, only if nobody moved it since `version` was read."""
    stale = Conflict("version", _("补偿已被他人处理，请刷新后重试"), code="stale")
    if version != offer.version:
        raise stale
    if offer.status not in sources:
        raise DomainError(
            "status",
            _("补偿当前状态为“%(status)s”，不能%(verb)s") % {"status": S(offer.status).label, "verb": verb},
            code="invalid_status",
        )
    updated = CompensationOffer.objects.filter(pk=offer.pk, version=version, status=offer.status).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise stale
    for name, value in changes.items():
        setattr(offer, name, value)
    offer.version = version + 1


def _record(offer: CompensationOffer, kind: str, actor: User | None, *, public: bool, **extra) -> CaseEvent:
    payload = {
        "offer_id": offer.pk,
        "kind": offer.kind,
        "amount": str(offer.amount),
        **{k: v for k, v in extra.items() if v not in (None, "")},
    }
    return event_record(case=offer.case, kind=kind, actor=actor, is_public=public, payload=payload)


def _text(value: str | None, field: str, max_length: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(field, _("此字段为必填项"))
    if len(value) > max_length:
        raise DomainError(field, _("长度不能超过 %(n)s") % {"n": max_length})
    return value


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ---- reads ----------------------------------------------------------------------------------


def offers_of_case(*, user: User, case: Case) -> QuerySet[CompensationOffer]:
    """The case's offers, oldest first; a customer sees only those released to them."""
    offers = case.compensation_offers.select_related("offered_by", "decided_by").order_by("id")
    if role_of(user) == Role.CUSTOMER:
        offers = offers.filter(status__in=CUSTOMER_VISIBLE)
    return offers


def approvals_for(*, user: User) -> QuerySet[CompensationOffer]:
    """Offers waiting for the user's approval: a team lead's for the cases of their teams (or of no
    team), a director's for those only a director may approve."""
    require_role(user, APPROVER_ROLES, action=_("查看待审批补偿"))
    offers = CompensationOffer.objects.filter(status=S.PENDING_APPROVAL).exclude(offered_by=user)
    if role_of(user) == Role.DIRECTOR:
        offers = offers.filter(approver_role=Role.DIRECTOR)
    else:
        team_ids = {user.team_id, *user.led_teams.values_list("id", flat=True)} - {None}
        offers = offers.filter(approver_role=Role.TEAM_LEAD).filter(
            Q(case__team__isnull=True) | Q(case__team_id__in=team_ids)
        )
    return offers.select_related("case__category", "case__customer", "offered_by").order_by(
        "created_at", "id"
    )


# ---- event handlers -------------------------------------------------------------------------


def on_message_added(event: CaseEvent) -> None:
    """Staff may not quote to the customer the amount of an offer still waiting for approval."""
    if event.payload.get("internal") or event.actor_role in ("", Role.CUSTOMER):
        return
    pending = set(
        CompensationOffer.objects.filter(case_id=event.case_id, status=S.PENDING_APPROVAL).values_list(
            "amount", flat=True
        )
    )
    if not pending:
        return
    body = Message.objects.values_list("body", flat=True).get(pk=event.payload["message_id"])
    quoted = pending & _amounts_in(body)
    if quoted:
        raise DomainError(
            "body",
            _("补偿 ¥%(amount)s 尚未审批，不能向客户承诺") % {"amount": min(quoted)},
            code="unapproved_promise",
        )


def _amounts_in(text: str) -> set[Decimal]:
    amounts = set()
    for number in _NUMBER.findall(text):
        try:
            amounts.add(Decimal(number.replace(",", "")))
        except InvalidOperation:
            continue
    return amounts


def on_case_transitioned(event: CaseEvent) -> None:
    """A cancelled case takes back the offers the customer has not accepted."""
    if event.to_status != Status.CANCELLED:
        return
    for offer in event.case.compensation_offers.filter(status__in=UNANSWERED).select_related("case"):
        _withdraw(offer, actor=None, version=offer.version, reason=_("售后单已取消"))


def register() -> None:
    events.on(EventKind.MESSAGE_ADDED)(on_message_added)
    events.on(EventKind.TRANSITIONED)(on_case_transitioned)
