"""Refund endpoints: request and list a case's refunds, confirm an offline refund, reconcile a day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import can_view, case_get
from aftersale.common.errors import DomainError, FieldError, NotFound
from aftersale.common.permissions import require_role, role_of
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import STAFF_ROLES, Role
from aftersale.common.schemas import InSchema

from ..models import Refund, RefundMethod
from ..services.refunds import (
    RECONCILE_ROLES,
    REFUND_ROLES,
    refund_complete_offline,
    refund_reconciliation,
    refund_request,
)

router = Router(tags=["refunds"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
Amount = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Deduction = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
RefundId = Annotated[int, Field(ge=1, le=2**62)]


class RefundLineIn(InSchema):
    line_no: int = Field(ge=1, le=10_000)
    amount: Amount


class RefundIn(InSchema):
    lines: list[RefundLineIn] | None = Field(default=None, min_length=1, max_length=100)
    amount: Amount | None = None
    idempotency_key: str = Field(
        min_length=1,
        max_length=64,
        description="Letters, digits, _ and -; sending the same key again answers the same refund",
    )
    method: RefundMethod = RefundMethod.ORIGINAL
    reference: str = Field(default="", max_length=100)
    speedy: bool = False
    deduct_freight: bool = False
    gift_deduction: Deduction = Decimal("0.00")


class CompleteIn(InSchema):
    reference: str = Field(min_length=1, max_length=100)


class RefundLineOut(Schema):
    line_no: int
    amount: Decimal


class RefundOut(Schema):
    id: int
    case: str
    order_no: str
    lines: list[RefundLineOut]
    amount: Decimal
    freight_deduction: Decimal
    gift_deduction: Decimal
    method: str
    gateway: str
    status: str
    speedy: bool
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    gateway_ref: str
    reference: str
    idempotency_key: str
    created_at: datetime
    sent_at: datetime | None
    succeeded_at: datetime | None


class RowOut(Schema):
    channel: str
    status: str
    count: int
    amount: Decimal


class StuckOut(Schema):
    id: int
    case: str
    channel: str
    status: str
    amount: Decimal
    attempts: int
    due_at: datetime | None
    last_error: str
    reasons: list[str]


class ReconciliationOut(Schema):
    day: date
    created: list[RowOut]
    settled: list[RowOut]
    stuck: list[StuckOut]


def _refund_out(refund: Refund, *, viewer) -> RefundOut:
    staff = role_of(viewer) in STAFF_ROLES
    return RefundOut(
        id=refund.pk,
        case=refund.case.number,
        order_no=refund.order.order_no,
        lines=[
            RefundLineOut(line_no=line.order_line.line_no, amount=line.amount) for line in refund.lines.all()
        ],
        amount=refund.amount,
        freight_deduction=refund.freight_deduction,
        gift_deduction=refund.gift_deduction,
        method=refund.method,
        gateway=refund.gateway,
        status=refund.status,
        speedy=refund.speedy,
        attempts=refund.attempts,
        next_attempt_at=refund.next_attempt_at,
        last_error=refund.last_error if staff else "",
        gateway_ref=refund.gateway_ref,
        reference=refund.reference,
        idempotency_key=refund.idempotency_key,
        created_at=refund.created_at,
        sent_at=refund.sent_at,
        succeeded_at=refund.succeeded_at,
    )


def _refunds():
    return Refund.objects.select_related("case", "order").prefetch_related("lines__order_line")


@router.post(
    "/cases/{number}/refunds",
    response={201: RefundOut},
    summary="Refund the case's order lines or an amount (idempotent per key)",
    auth=role_auth(REFUND_ROLES, action=gettext_lazy("退款")),
)
def refund_create(request, number: CaseNumber, payload: RefundIn):
    case = case_get(user=request.auth, number=number)
    lines = None
    if payload.lines is not None:
        by_no = {line.line_no: line for line in case.order.lines.all()} if case.order_id else {}
        missing = [
            FieldError(f"lines.{i}.line_no", _("订单中没有此行号"))
            for i, item in enumerate(payload.lines)
            if item.line_no not in by_no
        ]
        if missing:
            raise DomainError.many(missing)
        lines = [(by_no[item.line_no], item.amount) for item in payload.lines]
    refund = refund_request(
        case=case,
        actor=request.auth,
        lines=lines,
        amount=payload.amount,
        idempotency_key=payload.idempotency_key,
        method=payload.method,
        speedy=payload.speedy,
        reference=payload.reference,
        deduct_freight=payload.deduct_freight,
        gift_deduction=payload.gift_deduction,
    )
    # Sent inline when no broker is configured: answer what is known now.
    return Reply(201, _refund_out(_refunds().get(pk=refund.pk), viewer=request.auth))


@router.get("/cases/{number}/refunds", response=list[RefundOut], summary="The case's refunds, oldest first")
def refund_list(request, number: CaseNumber):
    require_role(request.auth, STAFF_ROLES | {Role.CUSTOMER}, action=_("查看退款"))
    case = case_get(user=request.auth, number=number)
    return [
        _refund_out(refund, viewer=request.auth) for refund in _refunds().filter(case=case).order_by("id")
    ]


@router.post(
    "/refunds/{refund_id}/complete",
    response=RefundOut,
    summary="Confirm a store-credit or bank-transfer refund was paid",
    auth=role_auth(REFUND_ROLES, action=gettext_lazy("确认线下退款")),
)
def refund_complete(request, refund_id: RefundId, payload: CompleteIn):
    refund = _refunds().filter(pk=refund_id).first()
    if refund is None or not can_view(request.auth, refund.case):  # existence is not disclosed
        raise NotFound("refund_id", _("退款不存在：%(id)s") % {"id": refund_id})
    refund = refund_complete_offline(refund=refund, actor=request.auth, reference=payload.reference)
    return _refund_out(_refunds().get(pk=refund.pk), viewer=request.auth)


@router.get(
    "/refunds/reconciliation",
    response=ReconciliationOut,
    summary="A day's refunds by channel and status, what was paid, and every stuck refund",
)
def reconciliation(request, day: date):
    require_role(request.auth, RECONCILE_ROLES, action=_("查看退款对账"))
    report = refund_reconciliation(day)
    return ReconciliationOut(
        day=report.day,
        created=[RowOut(**vars(row)) for row in report.created],
        settled=[RowOut(**vars(row)) for row in report.settled],
        stuck=[
            StuckOut(
                id=s.refund.pk,
                case=s.refund.case.number,
                channel=s.refund.gateway or s.refund.method,
                status=s.refund.status,
                amount=s.refund.amount,
                attempts=s.refund.attempts,
                due_at=s.due_at,
                last_error=s.refund.last_error,
                reasons=s.reasons,
            )
            for s in report.stuck
        ],
    )
