"""Work-order endpoints: issue one on a case, the department queues, start, complete, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.errors import DomainError
from aftersale.common.models import User
from aftersale.common.permissions import require_role
from aftersale.common.roles import STAFF_ROLES, Department
from aftersale.common.schemas import InSchema
from aftersale.common.validation import AwareDatetime

from ..models import WorkOrder, WorkOrderStatus
from ..services import workorders as services

router = Router(tags=["work orders"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
Number = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
Version = Annotated[int, Field(ge=1, le=2_147_483_647)]


class WorkOrderIn(InSchema):
    department: Department
    action: str = Field(min_length=1, max_length=2000)
    deadline: AwareDatetime
    responsible_id: int | None = Field(default=None, ge=1, le=2**62)


class StartIn(InSchema):
    version: Version


class CompleteIn(InSchema):
    version: Version
    result: str = Field(min_length=1, max_length=2000)
    advance_case: bool = False


class CancelIn(InSchema):
    version: Version
    reason: str = Field(min_length=1, max_length=2000)


class QueueQuery(Schema):
    department: Department | None = None
    status: WorkOrderStatus | None = None
    limit: int = Field(default=50, ge=1, le=200)


class PersonOut(Schema):
    id: int
    name: str


class WorkOrderOut(Schema):
    number: str
    case: str
    department: str
    department_label: str
    action: str
    responsible: PersonOut | None
    deadline: datetime
    overdue: bool
    status: str
    status_label: str
    result: str
    created_by: str
    created_at: datetime
    completed_at: datetime | None
    version: int


def _out(work_order: WorkOrder) -> WorkOrderOut:
    responsible = work_order.responsible
    return WorkOrderOut(
        number=work_order.number,
        case=work_order.case.number,
        department=work_order.department,
        department_label=str(Department(work_order.department).label),
        action=work_order.action,
        responsible=PersonOut(id=responsible.pk, name=str(responsible)) if responsible else None,
        deadline=work_order.deadline,
        overdue=work_order.status in services.ACTIVE and work_order.deadline < timezone.now(),
        status=work_order.status,
        status_label=str(WorkOrderStatus(work_order.status).label),
        result=work_order.result,
        created_by=str(work_order.created_by),
        created_at=work_order.created_at,
        completed_at=work_order.completed_at,
        version=work_order.version,
    )


def _get(request, number: str) -> WorkOrder:
    return services.work_order_get(user=request.auth, number=number)


@router.post(
    "/cases/{number}/work-orders",
    response={201: WorkOrderOut},
    summary="Issue a work order to a department (routes the case there)",
)
def create(request, number: CaseNumber, payload: WorkOrderIn):
    case = case_get(user=request.auth, number=number)
    responsible = None
    if payload.responsible_id is not None:
        responsible = User.objects.filter(pk=payload.responsible_id).first()
        if responsible is None:
            raise DomainError("responsible_id", _("用户不存在"))
    work_order = services.work_order_create(
        case=case,
        actor=request.auth,
        department=payload.department,
        action=payload.action,
        deadline=payload.deadline,
        responsible=responsible,
    )
    return Reply(201, _out(work_order))


@router.get("/cases/{number}/work-orders", response=list[WorkOrderOut], summary="The case's work orders")
def of_case(request, number: CaseNumber):
    require_role(request.auth, STAFF_ROLES, action=_("查看执行单"))
    case = case_get(user=request.auth, number=number)
    work_orders = case.work_orders.select_related("case", "responsible", "created_by").order_by("id")
    return [_out(w) for w in work_orders]


@router.get(
    "/work-orders",
    response=list[WorkOrderOut],
    summary="A department's queue, nearest deadline first (members see their own department's)",
)
def queue(request, query: Query[QueueQuery]):
    work_orders = services.work_order_queue(
        user=request.auth, department=query.department, status=query.status, limit=query.limit
    )
    return [_out(w) for w in work_orders]


@router.get("/work-orders/{number}", response=WorkOrderOut, summary="One work order")
def detail(request, number: Number):
    return _out(_get(request, number))


@router.post("/work-orders/{number}/start", response=WorkOrderOut, summary="Take the work order up")
def start(request, number: Number, payload: StartIn):
    work_order = services.work_order_start(
        work_order=_get(request, number), actor=request.auth, version=payload.version
    )
    return _out(work_order)


@router.post(
    "/work-orders/{number}/complete",
    response=WorkOrderOut,
    summary="Record the result; advance_case moves the case on",
)
def complete(request, number: Number, payload: CompleteIn):
    work_order = services.work_order_complete(
        work_order=_get(request, number),
        actor=request.auth,
        result=payload.result,
        advance_case=payload.advance_case,
        version=payload.version,
    )
    return _out(work_order)


@router.post("/work-orders/{number}/cancel", response=WorkOrderOut, summary="Call the work order off")
def cancel(request, number: Number, payload: CancelIn):
    work_order = services.work_order_cancel(
        work_order=_get(request, number), actor=request.auth, version=payload.version, reason=payload.reason
    )
    return _out(work_order)
