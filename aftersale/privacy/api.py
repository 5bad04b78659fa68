"""Data-lifecycle endpoints: legal holds and customers' deletion requests."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field, model_validator

from aftersale.cases.selectors import case_get
from aftersale.common.errors import DomainError, PermissionDenied
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.permissions import role_of
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import Role
from aftersale.common.schemas import InSchema, RowId

from . import selectors, services
from .models import DeletionRequest, LegalHold, RequestChannel, RequestStatus

router = Router(tags=["privacy"])


class HoldIn(InSchema):
    case: str | None = Field(default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")
    customer: RowId | None = None
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_subject(self):
        if (self.case is None) == (self.customer is None):
            raise ValueError("give exactly one of case (number) or customer (id)")
        return self


class ReasonIn(InSchema):
    reason: str = Field(default="", max_length=500)


class HoldOut(Schema):
    id: int
    case: str | None
    customer: int | None
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None
    release_reason: str


class HoldQuery(Schema):
    active: bool = True


class RequestIn(InSchema):
    customer: RowId | None = Field(default=None, description="staff: required; a customer: omitted (oneself)")
    channel: RequestChannel
    note: str = Field(default="", max_length=2000)


class DecisionIn(InSchema):
    version: int = Field(ge=1)
    reason: str = Field(default="", max_length=500)


class RequestOut(Schema):
    id: int
    customer: int
    customer_name: str
    customer_phone: str
    channel: str
    status: str
    requested_at: datetime
    recorded_by: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str
    version: int


class RequestQuery(Schema):
    status: RequestStatus | None = None


def _hold_out(hold: LegalHold) -> dict:
    return {
        "id": hold.pk,
        "case": hold.case.number if hold.case_id else None,
        "customer": hold.customer_id,
        "reason": hold.reason,
        "placed_by": str(hold.placed_by),
        "placed_at": hold.placed_at,
        "released_by": str(hold.released_by) if hold.released_by_id else None,
        "released_at": hold.released_at,
        "release_reason": hold.release_reason,
    }


def _request_out(request: DeletionRequest, user) -> dict:
    customer = request.customer
    full = role_of(user) in services.DECIDER_ROLES  # who decides needs to know whom it is about
    return {
        "id": request.pk,
        "customer": customer.pk,
        "customer_name": customer.name if full else mask_name(customer.name),
        "customer_phone": customer.phone if full else mask_phone(customer.phone),
        "channel": request.channel,
        "status": request.status,
        "requested_at": request.requested_at,
        "recorded_by": str(request.recorded_by) if request.recorded_by_id else None,
        "decided_by": str(request.decided_by) if request.decided_by_id else None,
        "decided_at": request.decided_at,
        "decision_reason": request.decision_reason,
        "version": request.version,
    }


@router.get("/privacy/holds", response=list[HoldOut], summary="Legal holds (in force, or all)")
def list_holds(request, query: Query[HoldQuery]):
    return [_hold_out(h) for h in selectors.holds_list(user=request.auth, active=query.active)[:500]]


@router.post(
    "/privacy/holds",
    response={201: HoldOut},
    summary="Put a case or a customer on legal hold",
    auth=role_auth(services.DECIDER_ROLES, action=gettext_lazy("设置法律保留")),
)
def place_hold(request, payload: HoldIn):
    if payload.case is not None:
        subject = {"case": case_get(user=request.auth, number=payload.case)}
    else:
        subject = {"customer": selectors.customer_get(pk=payload.customer)}
    hold = services.legal_hold_place(actor=request.auth, reason=payload.reason, **subject)
    return Reply(201, _hold_out(hold))


@router.post(
    "/privacy/holds/{hold_id}/release",
    response=HoldOut,
    summary="Release a legal hold",
    auth=role_auth(services.DECIDER_ROLES, action=gettext_lazy("解除法律保留")),
)
def release_hold(request, hold_id: int, payload: ReasonIn):
    hold = selectors.hold_get(user=request.auth, pk=hold_id)
    return _hold_out(services.legal_hold_release(hold=hold, actor=request.auth, reason=payload.reason))


@router.get("/privacy/deletion-requests", response=list[RequestOut], summary="Customers' deletion requests")
def list_requests(request, query: Query[RequestQuery]):
    rows = selectors.requests_list(user=request.auth, status=query.status)[:500]
    return [_request_out(r, request.auth) for r in rows]


@router.post(
    "/privacy/deletion-requests",
    response={201: RequestOut},
    summary="Record a customer's request to delete their personal information (PIPL art. 47)",
    auth=role_auth(services.RECORDER_ROLES, action=gettext_lazy("登记删除请求")),
)
def record_request(request, payload: RequestIn):
    user = request.auth
    if role_of(user) == Role.CUSTOMER:
        customer = getattr(user, "customer", None)
        if customer is None or payload.customer not in (None, customer.pk):
            raise PermissionDenied("customer", _("只能为本人提出删除请求"), code="forbidden")
    elif payload.customer is None:
        raise DomainError("customer", _("请指定客户"), code="required")
    else:
        customer = selectors.customer_get(pk=payload.customer)
    created = services.deletion_request_record(
        customer=customer, channel=payload.channel, note=payload.note, actor=user
    )
    return Reply(201, _request_out(created, user))


@router.post(
    "/privacy/deletion-requests/{request_id}/approve",
    response=RequestOut,
    summary="Approve",
    auth=role_auth(services.DECIDER_ROLES, action=gettext_lazy("批准删除请求")),
)
def approve_request(request, request_id: int, payload: DecisionIn):
    deletion = selectors.request_get(user=request.auth, pk=request_id)
    decided = services.deletion_request_approve(request=deletion, actor=request.auth, version=payload.version)
    return _request_out(decided, request.auth)


@router.post(
    "/privacy/deletion-requests/{request_id}/reject",
    response=RequestOut,
    summary="Reject, with a reason",
    auth=role_auth(services.DECIDER_ROLES, action=gettext_lazy("拒绝删除请求")),
)
def reject_request(request, request_id: int, payload: DecisionIn):
    deletion = selectors.request_get(user=request.auth, pk=request_id)
    decided = services.deletion_request_reject(
        request=deletion, actor=request.auth, reason=payload.reason, version=payload.version
    )
    return _request_out(decided, request.auth)
