"""Compensation endpoints: offers on a case, the approvals inbox, approval and the customer's answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import can_view, case_get
from aftersale.common.errors import NotFound
from aftersale.common.permissions import role_of
from aftersale.common.roles import Role
from aftersale.common.schemas import InSchema

from ..models import CompensationOffer, OfferKind, OfferStatus
from ..services import compensation as services

router = Router(tags=["compensation"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
OfferId = Annotated[int, Field(ge=1, le=2**62)]
Version = Annotated[int, Field(ge=1, le=2_147_483_647)]
Amount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]


class OfferIn(InSchema):
    kind: OfferKind
    amount: Amount | None = Field(
        default=None, description="Leave out (with percent) to use the playbook's matrix"
    )
    percent: Percent | None = Field(default=None, description="Percent of the case's line amount")
    description: str = Field(default="", max_length=300)


class DecisionIn(InSchema):
    version: Version
    note: str = Field(default="", max_length=300)


class AcceptIn(InSchema):
    version: Version


class DeclineIn(InSchema):
    version: Version
    reason: str = Field(default="", max_length=300)


class WithdrawIn(InSchema):
    version: Version
    reason: str = Field(min_length=1, max_length=300)


class PayIn(InSchema):
    payout_ref: str = Field(min_length=1, max_length=100)


class OfferOut(Schema):
    id: int
    case: str
    kind: str
    kind_label: str
    amount: Decimal
    description: str
    status: str
    status_label: str
    approver_role: str
    offered_by: str
    decided_by: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None
    answered_at: datetime | None
    paid_at: datetime | None
    payout_ref: str
    version: int


class ApprovalOut(Schema):
    id: int
    version: int
    case: str
    case_status: str
    category: str
    category_label: str
    customer_tier: str
    customer_is_vip: bool
    kind: str
    amount: Decimal
    reason: str
    approver_role: str
    offered_by: str
    created_at: datetime


def _offer_out(user, offer: CompensationOffer) -> OfferOut:
    # Who decided and why stays among staff.
    internal = role_of(user) != Role.CUSTOMER
    return OfferOut(
        id=offer.pk,
        case=offer.case.number,
        kind=offer.kind,
        kind_label=str(OfferKind(offer.kind).label),
        amount=offer.amount,
        description=offer.description,
        status=offer.status,
        status_label=str(OfferStatus(offer.status).label),
        approver_role=offer.approver_role if internal else "",
        offered_by=str(offer.offered_by),
        decided_by=str(offer.decided_by) if internal and offer.decided_by else "",
        decision_note=offer.decision_note if internal else "",
        created_at=offer.created_at,
        decided_at=offer.decided_at,
        answered_at=offer.answered_at,
        paid_at=offer.paid_at,
        payout_ref=offer.payout_ref,
        version=offer.version,
    )


def _approval_out(offer: CompensationOffer, language: str) -> ApprovalOut:
    case = offer.case
    return ApprovalOut(
        id=offer.pk,
        version=offer.version,
        case=case.number,
        case_status=case.status,
        category=case.category.code,
        category_label=case.category.label(language),
        customer_tier=case.customer.tier,
        customer_is_vip=case.customer.is_vip,
        kind=offer.kind,
        amount=offer.amount,
        reason=offer.description,
        approver_role=offer.approver_role,
        offered_by=str(offer.offered_by),
        created_at=offer.created_at,
    )


def _get(request, offer_id: int) -> CompensationOffer:
    """The offer if the caller may see its case (and, for a customer, the offer itself)."""
    offer = (
        CompensationOffer.objects.select_related("case__customer", "case__team", "offered_by", "decided_by")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or not can_view(request.auth, offer.case):
        raise NotFound("offer_id", _("补偿不存在"))
    services.require_customer_may_see(request.auth, offer)
    return offer


@router.post("/cases/{number}/compensation", response={201: OfferOut}, summary="Offer a compensation")
def propose(request, number: CaseNumber, payload: OfferIn):
    case = case_get(user=request.auth, number=number)
    offer = services.compensation_propose(
        case=case,
        actor=request.auth,
        kind=payload.kind,
        amount=payload.amount,
        percent=payload.percent,
        description=payload.description,
    )
    return Reply(201, _offer_out(request.auth, offer))


@router.get("/cases/{number}/compensation", response=list[OfferOut], summary="The case's compensation offers")
def list_offers(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    return [_offer_out(request.auth, o) for o in services.offers_of_case(user=request.auth, case=case)]


@router.get(
    "/approvals", response=list[ApprovalOut], summary="Compensation offers waiting for the caller's approval"
)
def approvals(request):
    language = translation.get_language() or ""
    return [_approval_out(o, language) for o in services.approvals_for(user=request.auth)]


@router.post(
    "/compensation/{offer_id}/approve", response=OfferOut, summary="Approve: the offer goes to the customer"
)
def approve(request, offer_id: OfferId, payload: DecisionIn):
    offer = services.compensation_approve(
        offer=_get(request, offer_id), actor=request.auth, version=payload.version, note=payload.note
    )
    return _offer_out(request.auth, offer)


@router.post("/compensation/{offer_id}/reject", response=OfferOut, summary="Reject (a note is required)")
def reject(request, offer_id: OfferId, payload: DecisionIn):
    offer = services.compensation_reject(
        offer=_get(request, offer_id), actor=request.auth, version=payload.version, note=payload.note
    )
    return _offer_out(request.auth, offer)


@router.post(
    "/compensation/{offer_id}/accept",
    response=OfferOut,
    summary="The customer accepts (staff: record an acceptance given by phone)",
)
def accept(request, offer_id: OfferId, payload: AcceptIn):
    offer = services.compensation_accept(
        offer=_get(request, offer_id), actor=request.auth, version=payload.version
    )
    return _offer_out(request.auth, offer)


@router.post("/compensation/{offer_id}/decline", response=OfferOut, summary="The customer declines")
def decline(request, offer_id: OfferId, payload: DeclineIn):
    offer = services.compensation_decline(
        offer=_get(request, offer_id), actor=request.auth, version=payload.version, reason=payload.reason
    )
    return _offer_out(request.auth, offer)


@router.post(
    "/compensation/{offer_id}/withdraw", response=OfferOut, summary="Withdraw before the customer accepts"
)
def withdraw(request, offer_id: OfferId, payload: WithdrawIn):
    offer = services.compensation_withdraw(
        offer=_get(request, offer_id), actor=request.auth, version=payload.version, reason=payload.reason
    )
    return _offer_out(request.auth, offer)


@router.post(
    "/compensation/{offer_id}/pay", response=OfferOut, summary="Record the payout of an accepted offer"
)
def pay(request, offer_id: OfferId, payload: PayIn):
    offer = services.compensation_pay(
        offer=_get(request, offer_id), actor=request.auth, payout_ref=payload.payout_ref
    )
    return _offer_out(request.auth, offer)
