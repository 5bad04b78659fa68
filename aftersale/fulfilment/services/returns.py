"""Returns (RMA) and reverse logistics: authorise, ship back or book a pickup, receive.

An approved return or exchange gets its RMA at once (the `case.transitioned` handler below):
the customer sees the warehouse address in the case's public events. Receipt at the warehouse
starts the inspection clock; inspections.py takes it from there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Action
from aftersale.cases.models import Case, CaseEvent, EventKind, Resolution
from aftersale.cases.selectors import can_view
from aftersale.cases.services import event_record
from aftersale.common import events
from aftersale.common.errors import Conflict, DomainError, FieldError, NotFound
from aftersale.common.numbering import next_number
from aftersale.policy.services import playbook_active
from aftersale.sla.clocks import clocks_start
from aftersale.sla.models import ClockKind, ClockUnit
from aftersale.sla.targets import ClockSpec

from ..carriers import CarrierError, Party, PickupRequest, carrier_configured
from ..models import (
    CostKind,
    ReturnAuthorization,
    ReturnLine,
    ReturnStatus,
)
from .casework import (
    WAREHOUSE,
    case_into_fulfilment,
    case_to_warehouse,
    is_department_member,
    lock_case,
    require_active,
    require_handler,
    require_handler_or_customer,
    require_handler_or_department,
    validated_waybill,
)
from .inspections import OPEN_RETURN, inspection_clock_ref, on_refund_succeeded
from .ledger import cost_record
from .refunds import EVENT_SUCCEEDED as REFUND_SUCCEEDED
from .repair_history import case_entitlements

log = logging.getLogger(__name__)

RETURNABLE = frozenset({Resolution.RETURN_REFUND, Resolution.EXCHANGE})
MAX_PICKUP_WINDOW = timedelta(hours=12)
PICKUP_HORIZON = timedelta(days=7)


class CarrierUnavailable(DomainError):
    status = 502


# ---- authorise --------------------------------------------------------------------------------


def return_authorize(*, case: Case, actor) -> ReturnAuthorization:
    """Authorise the return of the case's lines (staff; `actor=None` is the system on approval)."""
    if actor is not None:
        require_handler(actor, case, action=_("创建退货授权"))
    with transaction.atomic():
        case = lock_case(case)
        require_active(case)
        if case.resolution not in RETURNABLE:
            raise DomainError("resolution", _("只有退货退款和换货需要寄回商品"), code="not_returnable")
        if case.returns.filter(status__in=OPEN_RETURN).exists():
            raise Conflict("case", _("该售后单已有未完成的退货授权"), code="exists")
        rma = ReturnAuthorization.objects.create(
            number=next_number("RMA"),
            case=case,
            freight_payer=_freight_payer(case),
            address=settings.RETURN_ADDRESS,
            contact=settings.RETURN_CONTACT,
            phone=settings.RETURN_PHONE,
        )
        lines = [
            ReturnLine(rma=rma, order_line=line.order_line, quantity=line.quantity)
            for line in case.lines.select_related("order_line")
        ]
        ReturnLine.objects.bulk_create(lines)
        event_record(
            case=case,
            kind="return.authorized",
            actor=actor,
            payload={
                "rma": rma.number,
                "address": rma.address,
                "contact": rma.contact,
                "phone": rma.phone,
                "freight_payer": rma.freight_payer,
                "lines": [{"line_no": line.order_line.line_no, "quantity": line.quantity} for line in lines],
            },
        )
    return rma


def _freight_payer(case: Case) -> str:
    """Who pays the return leg, from the eligibility judgement: the seller when any line's
    entitlement says so (quality faults); otherwise the playbook's no-reason payer."""
    payers = {result.entitlements[case.resolution].freight_payer for _line, result in case_entitlements(case)}
    if "seller" in payers:
        return "seller"
    if "buyer" in payers:
        return "buyer"
    playbook = playbook_active().playbook
    if case.category.code in playbook.quality.fault_categories:
        return playbook.quality.freight_payer
    return playbook.returns.no_reason.freight_payer


def on_case_transitioned(event: CaseEvent) -> None:
    """An approved return or exchange is authorised at once, so the customer can ship."""
    case = event.case
    if event.payload.get("action") != Action.APPROVE or case.resolution not in RETURNABLE:
        return
    if not case.lines.exists() or case.returns.filter(status__in=OPEN_RETURN).exists():
        return
    return_authorize(case=case, actor=None)


def register() -> None:
    events.on(EventKind.TRANSITIONED)(on_case_transitioned)
    events.on(REFUND_SUCCEEDED)(on_refund_succeeded)


# ---- ship back --------------------------------------------------------------------------------


def return_record_tracking(
    *, rma: ReturnAuthorization, actor, carrier: str, tracking_no: str
) -> ReturnAuthorization:
    """The customer (or an agent for them) shipped the goods back: record the waybill."""
    require_handler_or_customer(actor, rma.case, action=_("填写退货运单号"))
    carrier, tracking_no = validated_waybill(carrier, tracking_no)
    if rma.status not in (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT):
        raise DomainError("status", _("退货已签收，不能再修改运单号"), code="invalid_status")
    if rma.pickup_ref:
        raise DomainError("tracking_no", _("已预约上门取件，运单号由承运商提供"), code="pickup_booked")
    now = timezone.now()
    with transaction.atomic():
        _conditional_update(
            rma,
            status=ReturnStatus.IN_TRANSIT,
            carrier=carrier,
            tracking_no=tracking_no,
            shipped_at=rma.shipped_at or now,
        )
        case = lock_case(rma.case)
        event_record(
            case=case,
            kind="return.shipped",
            actor=actor,
            payload={"rma": rma.number, "carrier": carrier, "tracking_no": tracking_no},
        )
        case_into_fulfilment(case)
    return rma


@dataclass
class PickupIn:
    address: str
    window_start: datetime
    window_end: datetime
    contact: str = ""  # default: the customer's name and phone
    phone: str = ""


def return_book_pickup(*, rma: ReturnAuthorization, actor, pickup: PickupIn) -> ReturnAuthorization:
    """Book a pickup (上门取件) with the carrier; its waybill becomes the RMA's tracking number and
    its fee a cost of the case. The carrier call happens outside the transaction: it is keyed by
    the RMA number, so a retry after a failure books the same pickup, never a second one."""
    require_handler_or_customer(actor, rma.case, action=_("预约上门取件"))
    if rma.status != ReturnStatus.AUTHORIZED or rma.pickup_ref:
        raise DomainError("status", _("只能为待寄回且未预约取件的退货预约上门取件"), code="invalid_status")
    carrier = carrier_configured()
    if carrier is None:
        raise DomainError(
            "pickup", _("未配置上门取件服务，请自行寄回并填写运单号"), code="carrier_not_configured"
        )
    request = _pickup_request(rma, pickup)
    try:
        booking = carrier.book_pickup(request)
    except CarrierError as exc:
        if exc.refused:
            raise DomainError(
                "pickup",
                _("承运商拒绝了预约：%(reason)s") % {"reason": str(exc)[:200]},
                code="carrier_refused",
            ) from exc
        log.error("pickup for %s failed: %s (%s)", rma.number, exc, exc.code)
        raise CarrierUnavailable(
            "pickup", _("承运商暂时无法受理，请稍后重试"), code="carrier_unavailable"
        ) from exc
    with transaction.atomic():
        locked = ReturnAuthorization.objects.select_for_update().get(pk=rma.pk)
        if locked.pickup_ref:
            return locked
        _conditional_update(
            locked, carrier=booking.carrier, tracking_no=booking.waybill_no, pickup_ref=booking.pickup_no
        )
        if booking.fee > 0:
            cost_record(
                case=rma.case,
                kind=CostKind.PICKUP,
                amount=booking.fee,
                source=f"pickup:{rma.number}",
                note=f"{booking.carrier} {booking.pickup_no}",
            )
        case = lock_case(rma.case)
        event_record(
            case=case,
            kind="return.pickup_booked",
            actor=actor,
            payload={
                "rma": rma.number,
                "carrier": booking.carrier,
                "tracking_no": booking.waybill_no,
                "window_start": request.window_start.isoformat(),
                "window_end": request.window_end.isoformat(),
            },
        )
        case_into_fulfilment(case)
    return locked


def _pickup_request(rma: ReturnAuthorization, pickup: PickupIn) -> PickupRequest:
    now = timezone.now()
    errors = []
    address = (pickup.address or "").strip()
    if not 5 <= len(address) <= 300:
        errors.append(FieldError("address", _("请填写完整的取件地址（5 到 300 个字符）")))
    if not pickup.window_start < pickup.window_end <= pickup.window_start + MAX_PICKUP_WINDOW:
        errors.append(FieldError("window_end", _("取件时段须晚于开始时间且不超过 12 小时")))
    if not now - timedelta(minutes=5) <= pickup.window_start <= now + PICKUP_HORIZON:
        errors.append(FieldError("window_start", _("取件时间须在今后 7 天内")))
    if errors:
        raise DomainError.many(errors)
    customer = rma.case.customer
    lines = list(rma.lines.select_related("order_line__product"))
    return PickupRequest(
        order_no=rma.number,
        sender=Party(
            name=(pickup.contact or customer.name)[:80],
            phone=(pickup.phone or customer.phone)[:30],
            address=address,
        ),
        receiver=Party(name=rma.contact, phone=rma.phone, address=rma.address),
        window_start=pickup.window_start,
        window_end=pickup.window_end,
        description="、".join(line.order_line.product.name for line in lines)[:200],
        quantity=sum(line.quantity for line in lines),
        freight_payer=rma.freight_payer,
    )


# ---- receive ----------------------------------------------------------------------------------


def return_receive(*, code: str, actor) -> ReturnAuthorization:
    """The parcel arrived: scan its RMA number or waybill. Starts the inspection clock."""
    rma = _scanned(code)
    require_handler_or_department(actor, rma.case, action=_("退货签收"), departments=WAREHOUSE)
    if rma.status not in (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT):
        raise Conflict(
            "code",
            _("该退货已签收或已关闭（%(status)s）") % {"status": rma.get_status_display()},
            code="already_received",
        )
    playbook = playbook_active()
    now = timezone.now()
    with transaction.atomic():
        _conditional_update(rma, status=ReturnStatus.RECEIVED, received_at=now, received_by=actor)
        case = lock_case(rma.case)
        days = playbook.playbook.service_levels.inspection_days
        clocks_start(
            case=case,
            playbook=playbook,
            now=now,
            specs=[
                ClockSpec(
                    ClockKind.INSPECTION, days * 24 * 60, ClockUnit.MINUTES, ref=inspection_clock_ref(rma)
                )
            ],
        )
        event_record(
            case=case,
            kind="return.received",
            actor=actor,
            payload={"rma": rma.number, "tracking_no": rma.tracking_no, "inspection_days": days},
        )
        case_to_warehouse(case, reason="return_received")
        case_into_fulfilment(case)
    return rma


def _scanned(code: str) -> ReturnAuthorization:
    code = (code or "").strip()
    if not code:
        raise DomainError("code", _("此字段为必填项"))
    matches = list(
        ReturnAuthorization.objects.select_related("case__customer")
        .filter(Q(number=code) | Q(tracking_no=code))
        .exclude(status=ReturnStatus.CANCELLED)
        .order_by("-id")[:5]
    )
    waiting = [r for r in matches if r.status in (ReturnStatus.AUTHORIZED, ReturnStatus.IN_TRANSIT)]
    if len(waiting) > 1:
        raise Conflict("code", _("该运单号对应多个退货授权，请扫描退货单号"), code="ambiguous")
    if not matches:
        raise NotFound("code", _("未找到退货授权：%(code)s") % {"code": code})
    return (waiting or matches)[0]


# ---- reads and shared -------------------------------------------------------------------------


def return_get(*, user, number: str) -> ReturnAuthorization:
    """The RMA if the user may see its case (warehouse members see every RMA); 404 otherwise."""
    rma = (
        ReturnAuthorization.objects.select_related("case__customer", "case__category", "case__order")
        .filter(number=number)
        .first()
    )
    if rma is None or not (can_view(user, rma.case) or is_department_member(user, WAREHOUSE)):
        raise NotFound("rma", _("退货授权不存在：%(n)s") % {"n": number})
    return rma


def _conditional_update(rma: ReturnAuthorization, **changes) -> None:
    """Apply changes only if nobody changed the RMA since it was read (else 409)."""
    updated = ReturnAuthorization.objects.filter(pk=rma.pk, version=rma.version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise Conflict("rma", _("退货授权已被他人修改，请刷新后重试"), code="stale")
    for name, value in changes.items():
        setattr(rma, name, value)
    rma.version += 1
