"""Inspection of returned goods: the playbook's intact-goods checklist, photos, and a decision.

accept → refund what was paid (or reserve the replacement of an exchange); partial → refund less
the deduction (an accessory missing, a gift not returned); reject → the goods go back to the
customer and the case ends with the reason. The inspection meets the clock receipt started, and
the refund's success resolves the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Action
from aftersale.cases.models import Case, CaseEvent, Evidence, Resolution
from aftersale.cases.services import event_record
from aftersale.catalog.models import OrderLine
from aftersale.common.errors import Conflict, DomainError, FieldError
from aftersale.common.money import CENT, to_money
from aftersale.policy.services import playbook_active
from aftersale.sla.clocks import clocks_meet
from aftersale.sla.models import ClockKind

from ..models import Disposition, Inspection, RefundStatus, ReturnAuthorization, ReturnStatus, ShipmentStatus
from .casework import WAREHOUSE, case_advance, lock_case, require_handler_or_department, validated_waybill
from .exchanges import replacements_reserve
from .refunds import line_paid_amounts, refund_request

OPEN_RETURN = (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED)


def inspection_clock_ref(rma: ReturnAuthorization) -> str:
    return f"rma:{rma.number}"


@dataclass
class InspectionIn:
    checklist: dict[str, bool]
    disposition: str
    reason: str = ""
    deduction: Decimal = Decimal("0.00")  # e.g. a missing accessory or damage, taken off the goods
    missing_gifts: list[str] = field(default_factory=list)  # names in the order's gift list
    photo_ids: list[int] = field(default_factory=list)  # evidence already on the case
    outcome: str | None = None  # "refund" or "exchange"; default: what the case asked for
    deduct_freight: bool = False  # a partial return broke the free-shipping threshold (RULES.md §2)
    back_carrier: str = ""  # rejected goods: how they go back to the customer
    back_tracking_no: str = ""


@dataclass(frozen=True)
class _Verdict:
    disposition: str
    outcome: str
    goods_deduction: Decimal
    gift_deduction: Decimal
    failed: list[str]
    photos: list[Evidence]
    back_waybill: tuple[str, str] | None

    @property
    def deduction(self) -> Decimal:
        return self.goods_deduction + self.gift_deduction


def checklist_for(rma: ReturnAuthorization) -> list[str]:
    """The playbook's intact-goods checklist for the categories of the returned products."""
    per_category = playbook_active().playbook.returns.no_reason.intact_checklist
    items: list[str] = []
    for line in rma.lines.select_related("order_line__product"):
        items += [i for i in per_category.get(line.order_line.product.category, []) if i not in items]
    return items


def return_inspect(*, rma: ReturnAuthorization, actor, inspection: InspectionIn) -> Inspection:
    """Record the inspection (warehouse members and staff) and act on it."""
    require_handler_or_department(actor, rma.case, action=_("退货验收"), departments=WAREHOUSE)
    if rma.status != ReturnStatus.RECEIVED:
        if rma.status in (ReturnStatus.INSPECTED, ReturnStatus.RETURNED_TO_CUSTOMER):
            raise Conflict("rma", _("该退货已验收"), code="already_inspected")
        raise DomainError("rma", _("退货尚未签收，不能验收"), code="not_received")
    verdict = _judge(rma, inspection)
    with transaction.atomic():
        rejected = verdict.disposition == Disposition.REJECT
        new_status = ReturnStatus.RETURNED_TO_CUSTOMER if rejected else ReturnStatus.INSPECTED
        _mark_inspected(rma, new_status)
        record = Inspection.objects.create(
            rma=rma,
            inspector=actor,
            checklist=inspection.checklist,
            disposition=verdict.disposition,
            deduction=verdict.deduction,
            reason=inspection.reason.strip(),
        )
        record.photos.set(verdict.photos)
        case = lock_case(rma.case)
        clocks_meet(case=case, kinds=[ClockKind.INSPECTION], ref=inspection_clock_ref(rma))
        event_record(
            case=case,
            kind="return.inspected",
            actor=actor,
            payload={
                "rma": rma.number,
                "disposition": verdict.disposition,
                "outcome": verdict.outcome,
                "deduction": str(verdict.deduction),
                "failed": verdict.failed,
                "reason": record.reason,
                "photos": [p.pk for p in verdict.photos],
            },
        )
        if rejected:
            _send_back(case, rma, actor, record.reason, verdict.back_waybill)
        elif verdict.outcome == "exchange":
            if not case.exchange_shipments.exclude(status=ShipmentStatus.CANCELLED).exists():
                replacements_reserve(case=case, actor=actor)
        elif case.refunds.filter(speedy=True).exclude(status=RefundStatus.FAILED).exists():
            _resolve_if_settled(case)  # refunded before the goods came back (极速退款)
        else:
            _refund_returned_goods(case, rma, verdict, deduct_freight=inspection.deduct_freight)
    return record


def _judge(rma: ReturnAuthorization, inspection: InspectionIn) -> _Verdict:
    """Validate the inspection as a whole; every problem is reported at once."""
    errors: list[FieldError] = []
    disposition = inspection.disposition
    if disposition not in Disposition.values:
        raise DomainError("disposition", _("必须是以下之一：%(c)s") % {"c": ", ".join(Disposition.values)})
    items = checklist_for(rma)
    answered = inspection.checklist
    errors += [FieldError(f"checklist.{i}", _("请逐项检查")) for i in items if i not in answered]
    errors += [FieldError(f"checklist.{k}", _("不是该商品的检查项")) for k in answered if k not in items]
    failed = [i for i in items if answered.get(i) is False]
    fault = rma.case.category.code in playbook_active().playbook.quality.fault_categories
    if disposition == Disposition.ACCEPT and failed and not fault:
        errors.append(
            FieldError(
                "disposition",
                _("未通过的检查项：%(items)s；请选择部分通过或不通过") % {"items": "、".join(failed)},
            )
        )
    reason = (inspection.reason or "").strip()
    if disposition != Disposition.ACCEPT and not reason:
        errors.append(FieldError("reason", _("部分通过或不通过须填写说明")))
    if len(reason) > 2000:
        errors.append(FieldError("reason", _("长度不能超过 %(n)s") % {"n": 2000}))
    outcome = _outcome(rma.case, disposition, inspection.outcome, errors)
    goods_deduction, gift_deduction = _deductions(rma, disposition, inspection, errors)
    photos = list(Evidence.objects.filter(case=rma.case, pk__in=inspection.photo_ids))
    if len(photos) != len(set(inspection.photo_ids)):
        errors.append(FieldError("photo_ids", _("照片须是该售后单已上传的凭证")))
    if disposition != Disposition.ACCEPT and not photos:
        errors.append(FieldError("photo_ids", _("部分通过或不通过须附验收照片")))
    back_waybill = None
    if disposition == Disposition.REJECT and (inspection.back_carrier or inspection.back_tracking_no):
        try:
            back_waybill = validated_waybill(inspection.back_carrier, inspection.back_tracking_no)
        except DomainError as exc:
            errors += [FieldError(f"back_{e.field}", e.message) for e in exc.errors]
    if errors:
        raise DomainError.many(errors)
    return _Verdict(disposition, outcome, goods_deduction, gift_deduction, failed, photos, back_waybill)


def _outcome(case: Case, disposition: str, asked: str | None, errors: list[FieldError]) -> str:
    if disposition == Disposition.REJECT:
        return "none"
    default = "exchange" if case.resolution == Resolution.EXCHANGE else "refund"
    outcome = asked or ("refund" if disposition == Disposition.PARTIAL else default)
    if outcome not in ("refund", "exchange"):
        errors.append(FieldError("outcome", _("必须是以下之一：%(c)s") % {"c": "refund, exchange"}))
    elif outcome == "exchange" and disposition == Disposition.PARTIAL:
        errors.append(FieldError("outcome", _("部分通过只能退款（扣减后）")))
    return outcome


def _deductions(
    rma: ReturnAuthorization, disposition: str, inspection: InspectionIn, errors: list[FieldError]
) -> tuple[Decimal, Decimal]:
    """What comes off the refund: the explicit deduction from the goods, and the declared value of
    each gift that did not come back."""
    try:
        goods = to_money(inspection.deduction or 0)
    except ValueError:
        errors.append(FieldError("deduction", _("不是有效的金额")))
        return Decimal("0.00"), Decimal("0.00")
    declared = {str(g.get("name")): g.get("value") for g in (rma.case.order.gifts if rma.case.order else [])}
    gifts = Decimal("0.00")
    for index, name in enumerate(inspection.missing_gifts):
        if name not in declared:
            errors.append(
                FieldError(f"missing_gifts.{index}", _("订单中没有该赠品：%(name)s") % {"name": name})
            )
        else:
            gifts += to_money(declared[name] or 0)
    if inspection.missing_gifts and not playbook_active().playbook.returns.no_reason.deduct_unreturned_gifts:
        errors.append(FieldError("missing_gifts", _("售后政策不允许扣减未退回赠品的价款")))
    total = goods + gifts
    if disposition != Disposition.PARTIAL:
        if total != 0:
            errors.append(FieldError("deduction", _("只有部分通过才能扣减")))
    elif goods < 0:
        errors.append(FieldError("deduction", _("金额不能为负数")))
    elif total <= 0:
        errors.append(FieldError("deduction", _("部分通过须有扣减金额或未退回的赠品")))
    elif total >= (value := sum(_paid_for(rma).values(), Decimal("0.00"))):
        errors.append(FieldError("deduction", _("扣减金额须小于退货商品实付金额 %(v)s") % {"v": value}))
    return goods, gifts


def _paid_for(rma: ReturnAuthorization) -> dict[OrderLine, Decimal]:
    """What the customer paid for each returned line, in proportion to the quantity returned."""
    assert rma.case.order is not None
    paid = line_paid_amounts(rma.case.order)
    lines = rma.lines.select_related("order_line").order_by("order_line__line_no")
    return {
        line.order_line: (paid[line.order_line_id] * line.quantity / line.order_line.quantity).quantize(CENT)
        for line in lines
    }


def _refund_returned_goods(
    case: Case, rma: ReturnAuthorization, verdict: _Verdict, *, deduct_freight: bool
) -> None:
    """Refund what was paid for the returned lines, less the deductions: one that concerns the
    goods is taken off the lines; unreturned gifts go as the refund's gift deduction. The system
    asks (the inspector need not be allowed to refund), keyed by the RMA so it pays once."""
    left = verdict.goods_deduction
    lines = []
    for order_line, value in _paid_for(rma).items():
        taken = min(left, value)
        left -= taken
        if value - taken > 0:
            lines.append((order_line, value - taken))
    refund_request(
        case=case,
        actor=None,
        lines=lines,
        idempotency_key=f"rma-{rma.number}",
        deduct_freight=deduct_freight,
        gift_deduction=verdict.gift_deduction,
    )


def _send_back(
    case: Case, rma: ReturnAuthorization, actor, reason: str, waybill: tuple[str, str] | None
) -> None:
    """Rejected goods go back to the customer, and the request ends with the reason."""
    payload = {"rma": rma.number, "reason": reason}
    if waybill is not None:
        payload.update(carrier=waybill[0], tracking_no=waybill[1])
    event_record(case=case, kind="return.returned_to_customer", actor=actor, payload=payload)
    case_advance(
        case, Action.RESOLVE, reason=_("退货验收未通过，商品已退回：%(reason)s") % {"reason": reason}
    )


def _mark_inspected(rma: ReturnAuthorization, status: str) -> None:
    """Only one of two inspectors saving at once gets through."""
    marked = ReturnAuthorization.objects.filter(pk=rma.pk, version=rma.version, status=ReturnStatus.RECEIVED)
    if marked.update(status=status, version=F("version") + 1) != 1:
        raise Conflict("rma", _("该退货已验收"), code="already_inspected")
    rma.status, rma.version = status, rma.version + 1


def on_refund_succeeded(event: CaseEvent) -> None:
    """The money for inspected goods is back: the case may be done."""
    if event.case.returns.filter(status=ReturnStatus.INSPECTED).exists():
        _resolve_if_settled(event.case)


def _resolve_if_settled(case: Case) -> None:
    """Resolve the case once no return, refund or replacement of it is still under way."""
    if (
        case.returns.filter(status__in=OPEN_RETURN).exists()
        or case.refunds.filter(status__in=[RefundStatus.PENDING, RefundStatus.SENT]).exists()
        or case.exchange_shipments.filter(
            status__in=[ShipmentStatus.RESERVED, ShipmentStatus.SHIPPED]
        ).exists()
    ):
        return
    case_advance(lock_case(case), Action.RESOLVE, reason=_("退货已验收，退款已到账"))
