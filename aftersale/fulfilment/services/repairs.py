"""Repairs: an order per item sent to a repair centre, its clocks, and the spare parts it uses
(reserved from stock, warehouse members alerted when free stock runs low). repair_history.py
reads what finished repairs change in the customer's entitlements.

Two clocks run from drop-off: the playbook's service level (3 working days by default) and the
statutory limit (30 days). Both stand still while the repair waits for spare parts, so the days
spent waiting extend the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Action
from aftersale.cases.models import Case, Resolution
from aftersale.cases.selectors import can_view
from aftersale.cases.services import event_record
from aftersale.common.errors import Conflict, DomainError, FieldError, NotFound
from aftersale.common.models import User
from aftersale.common.permissions import require_role
from aftersale.common.roles import HANDLING_ROLES, STAFF_ROLES, Department, Role
from aftersale.policy.services import playbook_active
from aftersale.sla.clocks import clocks_meet, clocks_pause, clocks_resume, clocks_start
from aftersale.sla.models import Alert, ClockKind, ClockUnit
from aftersale.sla.targets import ClockSpec

from ..models import CostKind, PartReservation, RepairOrder, RepairStatus, SparePart
from .casework import (
    WAREHOUSE,
    case_advance,
    case_into_fulfilment,
    is_department_member,
    lock_case,
    optional_amount,
    require_active,
    require_handler,
    require_handler_or_department,
    validated_waybill,
)
from .ledger import cost_record
from .repair_history import EXCHANGE_AFTER_DAYS, days_between

REPAIR_DEPARTMENTS = frozenset({Department.QC, Department.WAREHOUSE})
LOW_STOCK_ALERT = "low_stock"
FINISHED = (RepairStatus.RETURNED, RepairStatus.UNREPAIRABLE)


# ---- the repair order -------------------------------------------------------------------------


def repair_create(*, case: Case, actor, line_no: int, centre: str, serial_no: str = "") -> RepairOrder:
    """Open a repair order for one line of an approved repair case."""
    require_handler(actor, case, action=_("创建维修单"))
    centre, serial_no = (centre or "").strip(), (serial_no or "").strip()
    with transaction.atomic():
        case = lock_case(case)
        require_active(case)
        if case.resolution != Resolution.REPAIR:
            raise DomainError("resolution", _("该售后单的诉求不是维修"), code="not_repair")
        line = case.lines.select_related("order_line").filter(order_line__line_no=line_no).first()
        errors = []
        if line is None:
            errors.append(FieldError("line_no", _("售后单中没有此行号")))
        if not 1 <= len(centre) <= 80:
            errors.append(FieldError("centre", _("请填写维修中心（不超过 80 个字符）")))
        serial_no = serial_no or (line.order_line.serial_no if line else "")
        if not 1 <= len(serial_no) <= 64:
            errors.append(FieldError("serial_no", _("请填写商品序列号（不超过 64 个字符）")))
        if errors:
            raise DomainError.many(errors)
        assert line is not None
        if (
            RepairOrder.objects.filter(case=case, order_line=line.order_line)
            .exclude(status__in=FINISHED)
            .exists()
        ):
            raise Conflict("line_no", _("该商品已有进行中的维修单"), code="exists")
        repair = RepairOrder.objects.create(
            case=case, order_line=line.order_line, serial_no=serial_no, centre=centre
        )
        event_record(
            case=case,
            kind="repair.created",
            actor=actor,
            payload={"repair": repair.pk, "centre": centre, "serial_no": serial_no},
        )
        case_into_fulfilment(case)
    return repair


def repair_receive(*, repair: RepairOrder, actor) -> RepairOrder:
    """The item reached the repair centre (drop-off): the repair clocks start."""
    _require_repairer(actor, repair, action=_("维修收件"))
    playbook = playbook_active()
    now = timezone.now()
    with transaction.atomic():
        repair = _locked(repair, RepairStatus.AWAITING_ITEM)
        repair.status, repair.received_at = RepairStatus.DIAGNOSING, now
        repair.save(update_fields=["status", "received_at"])
        levels, quality = playbook.playbook.service_levels, playbook.playbook.quality
        clocks_start(
            case=repair.case,
            playbook=playbook,
            now=now,
            specs=[
                ClockSpec(
                    ClockKind.REPAIR, levels.repair_working_days, ClockUnit.WORKING_DAYS, ref=_ref(repair)
                ),
                ClockSpec(
                    ClockKind.REPAIR,
                    quality.repair_limit_days * 24 * 60,
                    ClockUnit.MINUTES,
                    ref=_limit_ref(repair),
                ),
            ],
        )
        event_record(
            case=repair.case,
            kind="repair.received",
            actor=actor,
            payload={"repair": repair.pk, "limit_days": quality.repair_limit_days},
        )
    return repair


def repair_diagnose(*, repair: RepairOrder, actor, diagnosis: str, repairable: bool = True) -> RepairOrder:
    _require_repairer(actor, repair, action=_("维修检测"))
    diagnosis = (diagnosis or "").strip()
    if not 1 <= len(diagnosis) <= 5000:
        raise DomainError("diagnosis", _("请填写检测结论（不超过 5000 个字符）"))
    with transaction.atomic():
        repair = _locked(repair, RepairStatus.DIAGNOSING)
        repair.diagnosis = diagnosis
        repair.status = RepairStatus.REPAIRING if repairable else RepairStatus.UNREPAIRABLE
        repair.save(update_fields=["diagnosis", "status"])
        if not repairable:
            _meet_clocks(repair)
        event_record(
            case=repair.case,
            kind="repair.diagnosed",
            actor=actor,
            payload={"repair": repair.pk, "diagnosis": diagnosis, "repairable": repairable},
        )
    return repair


def repair_complete(*, repair: RepairOrder, actor) -> RepairOrder:
    """Repaired: the reserved parts are used up and booked at unit cost; the clocks are met."""
    _require_repairer(actor, repair, action=_("维修完成"))
    with transaction.atomic():
        repair = _locked(repair, RepairStatus.REPAIRING)
        repair.status, repair.completed_at = RepairStatus.REPAIRED, timezone.now()
        repair.save(update_fields=["status", "completed_at"])
        _consume_parts(repair)
        _meet_clocks(repair)
        event_record(case=repair.case, kind="repair.completed", actor=actor, payload={"repair": repair.pk})
    return repair


def repair_return(
    *, repair: RepairOrder, actor, carrier: str, tracking_no: str, freight: Decimal | None = None
) -> RepairOrder:
    """The repaired item goes back to the customer. With every repair of the case back (an
    unrepairable item waits for staff to offer an exchange or refund), the case is resolved."""
    _require_repairer(actor, repair, action=_("维修寄回"))
    carrier, tracking_no = validated_waybill(carrier, tracking_no)
    freight = optional_amount("freight", freight)
    with transaction.atomic():
        repair = _locked(repair, RepairStatus.REPAIRED)
        repair.status, repair.return_carrier, repair.return_tracking_no = (
            RepairStatus.RETURNED,
            carrier,
            tracking_no,
        )
        repair.save(update_fields=["status", "return_carrier", "return_tracking_no"])
        if freight:
            cost_record(
                case=repair.case,
                kind=CostKind.FREIGHT,
                amount=freight,
                source=f"repair_freight:{repair.pk}",
                note=f"{carrier} {tracking_no}",
            )
        case = lock_case(repair.case)
        event_record(
            case=case,
            kind="repair.returned",
            actor=actor,
            payload={"repair": repair.pk, "carrier": carrier, "tracking_no": tracking_no},
        )
        if not case.repairs.exclude(status=RepairStatus.RETURNED).exists():
            case_advance(case, Action.RESOLVE, reason=_("维修完成，商品已寄回"))
    return repair


def repairs_flag_overdue(*, now: datetime | None = None) -> int:
    """Repairs past the statutory days from drop-off: tell the customer an exchange is due (once)."""
    now = now or timezone.now()
    due = (
        RepairOrder.objects.filter(
            exchange_entitled_at__isnull=True,
            completed_at__isnull=True,
            received_at__lte=now - timedelta(days=EXCHANGE_AFTER_DAYS),
        )
        .exclude(status=RepairStatus.UNREPAIRABLE)
        .select_related("case")
    )
    flagged = 0
    for repair in due:
        with transaction.atomic():
            if not RepairOrder.objects.filter(pk=repair.pk, exchange_entitled_at__isnull=True).update(
                exchange_entitled_at=now
            ):
                continue
            event_record(
                case=repair.case,
                kind="repair.exchange_entitled",
                actor=None,
                payload={
                    "repair": repair.pk,
                    "days": EXCHANGE_AFTER_DAYS,
                    "received_at": repair.received_at.isoformat(),
                },
            )
            flagged += 1
    return flagged


def _require_repairer(actor, repair: RepairOrder, *, action: str) -> None:
    require_handler_or_department(actor, repair.case, action=action, departments=REPAIR_DEPARTMENTS)


def _locked(repair: RepairOrder, *statuses: str) -> RepairOrder:
    """The repair row, locked, if it is in one of `statuses` (else 409: someone moved it on)."""
    locked = RepairOrder.objects.select_for_update().select_related("case").get(pk=repair.pk)
    if locked.status not in statuses:
        raise Conflict(
            "status",
            _("维修单当前状态为“%(s)s”，不能执行此操作") % {"s": locked.get_status_display()},
            code="invalid_status",
        )
    return locked


def _ref(repair: RepairOrder) -> str:
    return f"repair:{repair.pk}"


def _limit_ref(repair: RepairOrder) -> str:
    return f"repair:{repair.pk}:limit"


def _meet_clocks(repair: RepairOrder) -> None:
    for ref in (_ref(repair), _limit_ref(repair)):
        clocks_meet(case=repair.case, kinds=[ClockKind.REPAIR], ref=ref)


# ---- spare parts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartNeed:
    code: str
    quantity: int


def repair_use_parts(*, repair: RepairOrder, actor, parts: list[PartNeed]) -> RepairOrder:
    """Reserve the parts a repair needs, all or none. When one is short, the repair waits for parts
    (its clocks stand still); asking again once stock has arrived ends the wait."""
    _require_repairer(actor, repair, action=_("领用配件"))
    _validate_needs(parts)
    now = timezone.now()
    with transaction.atomic():
        repair = _locked(repair, RepairStatus.REPAIRING, RepairStatus.WAITING_PARTS)
        stock = {
            p.code: p
            for p in SparePart.objects.select_for_update()
            .filter(code__in=[n.code for n in parts])
            .order_by("code")
        }
        unknown = [
            FieldError(f"parts.{i}.code", _("没有此配件")) for i, n in enumerate(parts) if n.code not in stock
        ]
        if unknown:
            raise DomainError.many(unknown)
        short = [n for n in parts if stock[n.code].on_hand - stock[n.code].reserved < n.quantity]
        if short:
            _wait_for_parts(repair, actor, short, now)
        else:
            _reserve(repair, actor, parts, stock)
            if repair.status == RepairStatus.WAITING_PARTS:
                _end_parts_wait(repair, actor, now)
    return repair


def _validate_needs(parts: list[PartNeed]) -> None:
    errors = []
    if not parts:
        errors.append(FieldError("parts", _("请至少填写一种配件")))
    codes = [n.code for n in parts]
    for index, need in enumerate(parts):
        if codes.index(need.code) != index:
            errors.append(FieldError(f"parts.{index}.code", _("配件重复")))
        if not 1 <= need.quantity <= 1000:
            errors.append(FieldError(f"parts.{index}.quantity", _("数量须在 1 到 %(n)s 之间") % {"n": 1000}))
    if errors:
        raise DomainError.many(errors)


def _reserve(repair: RepairOrder, actor, parts: list[PartNeed], stock: dict[str, SparePart]) -> None:
    crossed = []
    for need in parts:
        part = stock[need.code]
        before = part.on_hand - part.reserved
        SparePart.objects.filter(pk=part.pk).update(reserved=F("reserved") + need.quantity)
        part.reserved += need.quantity
        if before >= part.low_stock_threshold > before - need.quantity:
            crossed.append(part)
    PartReservation.objects.bulk_create(
        PartReservation(repair=repair, part=stock[n.code], quantity=n.quantity) for n in parts
    )
    event_record(
        case=repair.case,
        kind="repair.parts_reserved",
        actor=actor,
        is_public=False,
        payload={"repair": repair.pk, "parts": [{"code": n.code, "quantity": n.quantity} for n in parts]},
    )
    if crossed:
        _alert_low_stock(repair.case, crossed)


def _alert_low_stock(case: Case, parts: list[SparePart]) -> None:
    """Warehouse members hear when a part's free stock falls below its threshold."""
    recipients = User.objects.filter(role=Role.DEPARTMENT, department=Department.WAREHOUSE, is_active=True)
    Alert.objects.bulk_create(
        Alert(
            recipient=user,
            case=case,
            kind=LOW_STOCK_ALERT,
            message=_("配件 %(code)s %(name)s 库存不足：可用 %(free)s，低于预警值 %(threshold)s")
            % {
                "code": part.code,
                "name": part.name,
                "free": part.on_hand - part.reserved,
                "threshold": part.low_stock_threshold,
            },
        )
        for part in parts
        for user in recipients
    )


def _wait_for_parts(repair: RepairOrder, actor, short: list[PartNeed], now: datetime) -> None:
    if repair.status == RepairStatus.REPAIRING:
        repair.status, repair.parts_wait_started_at = RepairStatus.WAITING_PARTS, now
        repair.save(update_fields=["status", "parts_wait_started_at"])
        clocks_pause(
            case=repair.case, playbook=playbook_active(), now=now, refs=[_ref(repair), _limit_ref(repair)]
        )
    event_record(
        case=repair.case,
        kind="repair.waiting_parts",
        actor=actor,
        payload={
            "repair": repair.pk,
            "parts": [{"code": n.code, "quantity": n.quantity} for n in short],
        },
    )


def _end_parts_wait(repair: RepairOrder, actor, now: datetime) -> None:
    assert repair.parts_wait_started_at is not None
    days = days_between(repair.parts_wait_started_at, now)
    repair.status, repair.parts_wait_started_at = RepairStatus.REPAIRING, None
    repair.parts_wait_days += days
    repair.save(update_fields=["status", "parts_wait_started_at", "parts_wait_days"])
    clocks_resume(
        case=repair.case, playbook=playbook_active(), now=now, refs=[_ref(repair), _limit_ref(repair)]
    )
    event_record(
        case=repair.case,
        kind="repair.parts_arrived",
        actor=actor,
        payload={"repair": repair.pk, "waited_days": days, "total_waited_days": repair.parts_wait_days},
    )


def _consume_parts(repair: RepairOrder) -> None:
    reservations = list(
        repair.parts.select_related("part").filter(consumed=False, released=False).order_by("part__code")
    )
    for reservation in reservations:
        SparePart.objects.filter(pk=reservation.part_id).update(
            on_hand=F("on_hand") - reservation.quantity, reserved=F("reserved") - reservation.quantity
        )
        cost_record(
            case=repair.case,
            kind=CostKind.PARTS,
            source=f"part_reservation:{reservation.pk}",
            amount=reservation.part.unit_cost * reservation.quantity,
            note=reservation.part.code,
        )
    PartReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(consumed=True)


def spare_part_restock(*, code: str, actor, quantity: int) -> SparePart:
    """Parts arrived at the warehouse (warehouse members and staff)."""
    if not is_department_member(actor, WAREHOUSE):
        require_role(actor, HANDLING_ROLES, action=_("配件入库"))
    if not 1 <= quantity <= 100_000:
        raise DomainError("quantity", _("数量须在 1 到 %(n)s 之间") % {"n": 100_000})
    with transaction.atomic():
        if not SparePart.objects.filter(code=code).update(on_hand=F("on_hand") + quantity):
            raise NotFound("code", _("没有此配件"))
        return SparePart.objects.get(code=code)


def spare_parts_list(*, user) -> list[SparePart]:
    require_role(user, STAFF_ROLES, action=_("查看配件库存"))
    return list(SparePart.objects.order_by("code"))


# ---- reads ------------------------------------------------------------------------------------


def repair_get(*, user, repair_id: int) -> RepairOrder:
    repair = RepairOrder.objects.select_related("case__customer", "order_line").filter(pk=repair_id).first()
    if repair is None or not (can_view(user, repair.case) or is_department_member(user, REPAIR_DEPARTMENTS)):
        raise NotFound("id", _("维修单不存在"))
    return repair
