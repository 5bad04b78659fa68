"""Eligibility endpoints: what a customer is entitled to, and why, for a case or at intake."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from aftersale.catalog.models import OrderLine
from aftersale.common.errors import NotFound
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import HANDLING_ROLES, Role
from aftersale.policy.engine import Eligibility
from aftersale.policy.services import playbook_active

from . import selectors
from .eligibility import case_eligibility, eligibility_for_line
from .models import CaseType

router = Router(tags=["eligibility"])


class EntitlementOut(Schema):
    resolution: str
    eligible: bool
    rule: str
    reasons: list[str]
    dates: dict[str, Any]
    missing_evidence: list[str]
    freight_payer: str | None
    deadline: datetime | None
    approval: str | None
    amount: Decimal | None
    speedy_refund: bool


class LineEligibilityOut(Schema):
    line_no: int
    sku: str
    product_name: str
    eligible: list[str]
    missing_evidence: list[str]
    entitlements: list[EntitlementOut]


class EligibilityOut(Schema):
    at: datetime
    playbook_version: int
    lines: list[LineEligibilityOut]


class IntakeQuery(Schema):
    line_no: int = Field(ge=1, le=10_000)
    case_type: CaseType = CaseType.AFTER_SALES
    category: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_\-]+$")


def _line_out(line: OrderLine, result: Eligibility) -> LineEligibilityOut:
    return LineEligibilityOut(
        line_no=line.line_no,
        sku=line.product.sku,
        product_name=line.product.name,
        eligible=result.eligible(),
        missing_evidence=result.missing_evidence,
        entitlements=[
            EntitlementOut(
                resolution=e.resolution,
                eligible=e.eligible,
                rule=e.rule,
                reasons=[r.render() for r in e.reasons],
                dates={k: v.isoformat() if isinstance(v, datetime) else v for k, v in e.dates.items()},
                missing_evidence=e.missing_evidence,
                freight_payer=e.freight_payer,
                deadline=e.deadline,
                approval=e.approval,
                amount=e.amount,
                speedy_refund=e.speedy_refund,
            )
            for e in result.entitlements.values()
        ],
    )


@router.get(
    "/cases/{number}/eligibility", response=EligibilityOut, summary="What the case's customer is entitled to"
)
def case_entitlements(request, number: Annotated[str, Field(max_length=32, pattern=r"^[A-Za-z0-9]+$")]):
    case = selectors.case_get(user=request.auth, number=number)
    results = case_eligibility(case)
    at = results[0][1].at if results else datetime.now().astimezone()
    return EligibilityOut(
        at=at, playbook_version=playbook_active().version, lines=[_line_out(line, r) for line, r in results]
    )


@router.get(
    "/orders/{order_no}/eligibility",
    response=EligibilityOut,
    summary="At intake: what the buyer of an order line may ask for",
)
def intake_entitlements(
    request,
    order_no: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")],
    query: Query[IntakeQuery],
):
    user = request.auth
    require_role(user, HANDLING_ROLES | {Role.CUSTOMER}, action=_("查询售后资格"))
    line = (
        OrderLine.objects.select_related("product", "order__customer")
        .filter(order__order_no=order_no, line_no=query.line_no)
        .first()
    )
    own = role_of(user) != Role.CUSTOMER or (line is not None and line.order.customer.user_id == user.pk)
    if line is None or not own:
        raise NotFound("order_no", _("订单号不存在"))
    result = eligibility_for_line(line, case_type=query.case_type, category=query.category)
    return EligibilityOut(
        at=result.at, playbook_version=playbook_active().version, lines=[_line_out(line, result)]
    )
