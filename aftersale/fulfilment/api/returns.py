"""Return (RMA) endpoints: authorise, ship back or book a pickup, scan in at the warehouse, inspect."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.schemas import InSchema
from aftersale.common.validation import AwareDatetime

from ..models import Disposition, ReturnAuthorization, ReturnStatus
from ..services import inspections
from ..services import returns as services

router = Router(tags=["returns"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
RmaNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
Carrier = Annotated[str, Field(min_length=1, max_length=40)]
TrackingNo = Annotated[str, Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class RmaLineOut(Schema):
    line_no: int
    sku: str
    product_name: str
    quantity: int


class InspectionOut(Schema):
    disposition: str
    checklist: dict[str, bool]
    deduction: Decimal
    reason: str
    photo_ids: list[int]
    inspected_at: datetime


class RmaOut(Schema):
    number: str
    case: str
    status: str
    status_label: str
    freight_payer: str
    address: str
    contact: str
    phone: str
    carrier: str
    tracking_no: str
    pickup_ref: str
    lines: list[RmaLineOut]
    checklist_items: list[str]
    inspection: InspectionOut | None
    created_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None


class TrackingIn(InSchema):
    carrier: Carrier
    tracking_no: TrackingNo


class PickupIn(InSchema):
    address: str = Field(min_length=5, max_length=300, description="Where the courier collects the parcel")
    window_start: AwareDatetime
    window_end: AwareDatetime
    contact: str = Field(default="", max_length=80, description="Default: the customer's name")
    phone: str = Field(default="", max_length=30, description="Default: the customer's phone")


class ScanIn(InSchema):
    code: str = Field(
        min_length=1, max_length=64, description="The RMA number or the parcel's waybill number"
    )


class InspectionIn(InSchema):
    checklist: dict[Annotated[str, Field(max_length=100)], bool] = Field(
        default_factory=dict, description="Every item of `checklist_items`: passed (true) or not (false)"
    )
    disposition: Disposition
    reason: str = Field(default="", max_length=2000)
    deduction: Amount = Field(
        default=Decimal("0.00"), description="Taken off the goods (e.g. a missing accessory)"
    )
    missing_gifts: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    photo_ids: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(default_factory=list, max_length=50)
    outcome: Literal["refund", "exchange"] | None = None
    deduct_freight: bool = False
    back_carrier: str = Field(default="", max_length=40)
    back_tracking_no: str = Field(default="", max_length=64)


def rma_out(rma: ReturnAuthorization) -> RmaOut:
    lines = rma.lines.select_related("order_line__product").order_by("order_line__line_no")
    inspection = getattr(rma, "inspection", None)
    return RmaOut(
        number=rma.number,
        case=rma.case.number,
        status=rma.status,
        status_label=str(ReturnStatus(rma.status).label),
        freight_payer=rma.freight_payer,
        address=rma.address,
        contact=rma.contact,
        phone=rma.phone,
        carrier=rma.carrier,
        tracking_no=rma.tracking_no,
        pickup_ref=rma.pickup_ref,
        lines=[
            RmaLineOut(
                line_no=line.order_line.line_no,
                sku=line.order_line.product.sku,
                product_name=line.order_line.product.name,
                quantity=line.quantity,
            )
            for line in lines
        ],
        checklist_items=inspections.checklist_for(rma),
        inspection=InspectionOut(
            disposition=inspection.disposition,
            checklist=inspection.checklist,
            deduction=inspection.deduction,
            reason=inspection.reason,
            photo_ids=sorted(p.pk for p in inspection.photos.all()),
            inspected_at=inspection.inspected_at,
        )
        if inspection is not None
        else None,
        created_at=rma.created_at,
        shipped_at=rma.shipped_at,
        received_at=rma.received_at,
    )


def _rma(request, number: str) -> ReturnAuthorization:
    return services.return_get(user=request.auth, number=number)


@router.post(
    "/cases/{number}/returns", response={201: RmaOut}, summary="Authorise the return of an approved case"
)
def authorize_return(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    return Reply(201, rma_out(services.return_authorize(case=case, actor=request.auth)))


@router.get("/cases/{number}/returns", response=list[RmaOut], summary="The case's return authorisations")
def list_returns(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    return [rma_out(rma) for rma in case.returns.select_related("case").order_by("id")]


# Before "/returns/{rma}", which would otherwise take "receive" for an RMA number.
@router.post("/returns/receive", response=RmaOut, summary="Scan in a returned parcel at the warehouse")
def receive_return(request, payload: ScanIn):
    return rma_out(services.return_receive(code=payload.code, actor=request.auth))


@router.get("/returns/{rma}", response=RmaOut, summary="One return authorisation")
def get_return(request, rma: RmaNumber):
    return rma_out(_rma(request, rma))


@router.post(
    "/returns/{rma}/tracking", response=RmaOut, summary="Record the carrier and waybill of the parcel"
)
def record_tracking(request, rma: RmaNumber, payload: TrackingIn):
    updated = services.return_record_tracking(
        rma=_rma(request, rma), actor=request.auth, carrier=payload.carrier, tracking_no=payload.tracking_no
    )
    return rma_out(updated)


@router.post("/returns/{rma}/pickup", response=RmaOut, summary="Book a pickup (上门取件) with the carrier")
def book_pickup(request, rma: RmaNumber, payload: PickupIn):
    pickup = services.PickupIn(
        address=payload.address,
        window_start=payload.window_start,
        window_end=payload.window_end,
        contact=payload.contact,
        phone=payload.phone,
    )
    return rma_out(services.return_book_pickup(rma=_rma(request, rma), actor=request.auth, pickup=pickup))


@router.post("/returns/{rma}/inspection", response=RmaOut, summary="Inspect the returned goods and decide")
def inspect_return(request, rma: RmaNumber, payload: InspectionIn):
    found = _rma(request, rma)
    inspections.return_inspect(
        rma=found,
        actor=request.auth,
        inspection=inspections.InspectionIn(
            checklist=payload.checklist,
            disposition=payload.disposition,
            reason=payload.reason,
            deduction=payload.deduction,
            missing_gifts=payload.missing_gifts,
            photo_ids=payload.photo_ids,
            outcome=payload.outcome,
            deduct_freight=payload.deduct_freight,
            back_carrier=payload.back_carrier,
            back_tracking_no=payload.back_tracking_no,
        ),
    )
    return rma_out(_rma(request, rma))
