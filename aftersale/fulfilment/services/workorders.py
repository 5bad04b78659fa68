"""Department work orders (执行单): what a department must do for a case, who, by when, and the result.

Issuing one routes the case to the department, so its members see the case, and starts a clock to
the deadline; an overdue work order escalates up the department's chain (its responsible person,
the department's members, then the director) through the sweeper.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import OPEN_STATUSES, Action, Status
from aftersale.cases.models import Case, CaseEvent, EventKind, Message
from aftersale.cases.services import case_system_update, case_transition, event_record, require_case_access
from aftersale.common import events
from aftersale.common.errors import Conflict, DomainError, FieldError, NotFound
from aftersale.common.models import User
from aftersale.common.numbering import next_number
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import HANDLING_ROLES, STAFF_ROLES, Department, Role
from aftersale.policy.services import playbook_active
from aftersale.sla.clocks import clocks_meet, clocks_start, clocks_stop
from aftersale.sla.models import ClockKind, ClockUnit
from aftersale.sla.recipients import ClockOwner, register_owner_lookup
from aftersale.sla.targets import ClockSpec

from ..models import WorkOrder, WorkOrderStatus

W = WorkOrderStatus
ACTIVE = frozenset({W.OPEN, W.IN_PROGRESS})
MAX_LEAD_TIME = timedelta(days=365)
# Where completing a work order takes the case, when asked to: from the case's status, the next move.
NEXT_MOVE = {
    Status.APPROVED: Action.START_FULFILMENT,
    Status.UNDER_REVIEW: Action.RESOLVE,
    Status.IN_FULFILMENT: Action.RESOLVE,
}


def work_order_ref(work_order: WorkOrder) -> str:
    return f"work_order:{work_order.pk}"


def work_order_create(
    *,
    case: Case,
    actor: User,
    department: str,
    action: str,
    deadline: datetime,
    responsible: User | None = None,
) -> WorkOrder:
    """Issue a work order to a department and route the case there."""
    require_case_access(actor, case, action=_("下发执行单"), roles=HANDLING_ROLES)
    if case.status not in OPEN_STATUSES:
        raise DomainError(
            "status",
            _("售后单当前状态为“%(status)s”，不能下发执行单") % {"status": Status(case.status).label},
            code="invalid_status",
        )
    now = timezone.now()
    action = _validate_new(
        department=department, action=action, deadline=deadline, responsible=responsible, now=now
    )
    number = next_number("WO")  # outside the transaction, as for cases: a rollback leaves a gap
    with transaction.atomic():
        work_order = WorkOrder.objects.create(
            number=number,
            case=case,
            department=department,
            action=action,
            responsible=responsible,
            deadline=deadline,
            created_by=actor,
        )
        minutes = max(1, math.ceil((deadline - now).total_seconds() / 60))
        clocks_start(
            case=case,
            playbook=playbook_active(),
            now=now,
            specs=[
                ClockSpec(ClockKind.WORK_ORDER, minutes, ClockUnit.MINUTES, ref=work_order_ref(work_order))
            ],
        )
        _record(
            work_order,
            "work_order.created",
            actor,
            action=action,
            deadline=deadline.isoformat(),
            responsible=str(responsible) if responsible else "",
        )
        case_system_update(case=case, reason=work_order_ref(work_order), department=department)
    return work_order


def _validate_new(
    *, department: str, action: str, deadline: datetime, responsible: User | None, now: datetime
) -> str:
    errors = []
    if department not in Department.values:
        errors.append(
            FieldError("department", _("必须是以下之一：%(c)s") % {"c": ", ".join(Department.values)})
        )
    try:
        action = _required_text(action, "action")
    except DomainError as error:
        errors.extend(error.errors)
    if timezone.is_naive(deadline) or deadline <= now:
        errors.append(FieldError("deadline", _("截止时间须晚于当前时间")))
    elif deadline - now > MAX_LEAD_TIME:
        errors.append(FieldError("deadline", _("截止时间不能超过一年")))
    if responsible is not None and not (
        responsible.is_active
        and role_of(responsible) == Role.DEPARTMENT
        and responsible.department == department
    ):
        errors.append(FieldError("responsible_id", _("负责人须是该部门的在职成员")))
    if errors:
        raise DomainError.many(errors)
    return action


def work_order_start(*, work_order: WorkOrder, actor: User, version: int) -> WorkOrder:
    """The department takes it up; a member who starts an unowned work order becomes responsible."""
    _require_worker(actor, work_order, action=_("处理执行单"))
    changes: dict[str, object] = {"status": W.IN_PROGRESS}
    if work_order.responsible_id is None and _is_member(actor, work_order):
        changes["responsible"] = actor
    with transaction.atomic():
        _advance(work_order, version=version, sources={W.OPEN}, verb=_("开始处理"), **changes)
        _record(work_order, "work_order.started", actor)
    return work_order


def work_order_complete(
    *, work_order: WorkOrder, actor: User, result: str, advance_case: bool, version: int | None = None
) -> WorkOrder:
    """Record the result on the case (internal note and event); with `advance_case`, move the case
    on — start fulfilment if approved, else resolve it with the result as the outcome."""
    _require_worker(actor, work_order, action=_("完成执行单"))
    result = _required_text(result, "result")
    now = timezone.now()
    with transaction.atomic():
        _advance(
            work_order,
            version=work_order.version if version is None else version,
            sources=ACTIVE,
            verb=_("完成"),
            status=W.DONE,
            result=result,
            completed_at=now,
        )
        clocks_meet(
            case=work_order.case, kinds=[ClockKind.WORK_ORDER], ref=work_order_ref(work_order), now=now
        )
        _note_result(work_order, actor)
        _record(work_order, "work_order.completed", actor, result=result)
        if advance_case:
            _advance_case(work_order.case, reason=result)
    return work_order


def _note_result(work_order: WorkOrder, actor: User) -> None:
    """The result as an internal note on the case. Written here rather than through message_add:
    the department's right is to its work order, and the case may since have been routed on."""
    case = work_order.case
    body = _("执行单 %(number)s（%(department)s）已完成：%(result)s") % {
        "number": work_order.number,
        "department": Department(work_order.department).label,
        "result": work_order.result,
    }
    message = Message.objects.create(
        case=case, author=actor, author_role=role_of(actor), body=body, is_internal=True, channel=case.channel
    )
    event_record(
        case=case,
        kind=EventKind.MESSAGE_ADDED,
        actor=actor,
        is_public=False,
        payload={"message_id": message.pk, "internal": True, "channel": case.channel},
    )


def _advance_case(case: Case, *, reason: str) -> None:
    """Move the case on behalf of the department, whose members may not move cases themselves."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    action = NEXT_MOVE.get(case.status)
    if action is None:
        raise DomainError(
            "advance_case",
            _("售后单当前状态为“%(status)s”，无法随执行单推进") % {"status": Status(case.status).label},
            code="invalid_status",
        )
    case_transition(case=case, actor=None, action=action, version=case.version, reason=reason)


def work_order_cancel(*, work_order: WorkOrder, actor: User, version: int, reason: str) -> WorkOrder:
    require_case_access(actor, work_order.case, action=_("取消执行单"), roles=HANDLING_ROLES)
    reason = _required_text(reason, "reason")
    with transaction.atomic():
        _cancel(work_order, actor=actor, version=version, reason=reason)
    return work_order


def _cancel(work_order: WorkOrder, *, actor: User | None, version: int, reason: str) -> None:
    _advance(
        work_order,
        version=version,
        sources=ACTIVE,
        verb=_("取消"),
        status=W.CANCELLED,
        result=reason,
        completed_at=timezone.now(),
    )
    clocks_stop(case=work_order.case, ref=work_order_ref(work_order))
    _record(work_order, "work_order.cancelled", actor, reason=reason)


# ---- shared ---------------------------------------------------------------------------------


def _required_text(value: str | None, field: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(field, _("此字段为必填项"))
    if len(value) > max_length:
        raise DomainError(field, _("长度不能超过 %(n)s") % {"n": max_length})
    return value


def _is_member(user: User, work_order: WorkOrder) -> bool:
    return role_of(user) == Role.DEPARTMENT and user.department == work_order.department


def _require_worker(actor: User, work_order: WorkOrder, *, action: str) -> None:
    """Members of the work order's department, or handlers who may see the case."""
    if not _is_member(actor, work_order):
        require_case_access(actor, work_order.case, action=action, roles=HANDLING_ROLES)


def _advance(
    work_order: WorkOrder, *, version: int, sources: set[str] | frozenset[str], verb: str, **changes
) -> None:
    """Move the work order on, only if nobody moved it since `version` was read."""
    stale = Conflict("version", _("执行单已被他人修改，请刷新后重试"), code="stale")
    if version != work_order.version:
        raise stale
    if work_order.status not in sources:
        raise DomainError(
            "status",
            _("执行单当前状态为“%(status)s”，不能%(verb)s")
            % {"status": W(work_order.status).label, "verb": verb},
            code="invalid_status",
        )
    updated = WorkOrder.objects.filter(pk=work_order.pk, version=version, status=work_order.status).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise stale
    for name, value in changes.items():
        setattr(work_order, name, value)
    work_order.version = version + 1


def _record(work_order: WorkOrder, kind: str, actor: User | None, **extra) -> CaseEvent:
    payload = {
        "work_order": work_order.number,
        "department": work_order.department,
        **{k: v for k, v in extra.items() if v not in (None, "")},
    }
    return event_record(case=work_order.case, kind=kind, actor=actor, is_public=False, payload=payload)


# ---- reads ----------------------------------------------------------------------------------


def work_orders_visible(user: User) -> QuerySet[WorkOrder]:
    """Department members see their own department's work orders; other staff see all."""
    require_role(user, STAFF_ROLES, action=_("查看执行单"))
    work_orders = WorkOrder.objects.select_related("case", "responsible", "created_by")
    if role_of(user) == Role.DEPARTMENT:
        return work_orders.filter(department=user.department) if user.department else work_orders.none()
    return work_orders


def work_order_queue(
    *, user: User, department: str | None = None, status: str | None = None, limit: int = 50
) -> list[WorkOrder]:
    """A department's queue, the nearest deadline first."""
    work_orders = work_orders_visible(user)
    if department:
        work_orders = work_orders.filter(department=department)
    if status:
        work_orders = work_orders.filter(status=status)
    return list(work_orders.order_by("deadline", "id")[:limit])


def work_order_get(*, user: User, number: str) -> WorkOrder:
    work_order = work_orders_visible(user).filter(number=number).first()
    if work_order is None:
        raise NotFound("number", _("执行单不存在：%(number)s") % {"number": number})
    return work_order


def work_order_owners(ids: list[int]) -> dict[int, ClockOwner]:
    """Who answers for each work order, for the sweeper's escalation chain."""
    rows = WorkOrder.objects.filter(pk__in=ids).values_list("pk", "number", "department", "responsible_id")
    return {
        pk: ClockOwner(name=number, department=department, responsible_id=responsible_id)
        for pk, number, department, responsible_id in rows
    }


# ---- event handlers -------------------------------------------------------------------------


def on_case_transitioned(event: CaseEvent) -> None:
    """A cancelled case calls off its work orders still open."""
    if event.to_status != Status.CANCELLED:
        return
    for work_order in event.case.work_orders.filter(status__in=ACTIVE).select_related("case"):
        _cancel(work_order, actor=None, version=work_order.version, reason=_("售后单已取消"))


def register() -> None:
    events.on(EventKind.TRANSITIONED)(on_case_transitioned)
    register_owner_lookup(ClockKind.WORK_ORDER, work_order_owners)
