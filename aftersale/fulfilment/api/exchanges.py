"""Exchange endpoints: reserve the replacement, ship it, confirm its delivery."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.schemas import InSchema

from ..models import ExchangeShipment
from ..services import exchanges as services

router = Router(tags=["exchanges"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
ShipmentId = Annotated[int, Field(ge=1, le=2**62)]


class ShipmentOut(Schema):
    id: int
    case: str
    line_no: int
    sku: str
    product_name: str
    quantity: int
    status: str
    carrier: str
    tracking_no: str
    created_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None


class ShippedIn(InSchema):
    carrier: str = Field(min_length=1, max_length=40)
    tracking_no: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    freight: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


def shipment_out(shipment: ExchangeShipment) -> ShipmentOut:
    return ShipmentOut(
        id=shipment.pk,
        case=shipment.case.number,
        line_no=shipment.order_line.line_no,
        sku=shipment.product.sku,
        product_name=shipment.product.name,
        quantity=shipment.quantity,
        status=shipment.status,
        carrier=shipment.carrier,
        tracking_no=shipment.tracking_no,
        created_at=shipment.created_at,
        shipped_at=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
    )


@router.post(
    "/cases/{number}/exchange",
    response={201: list[ShipmentOut]},
    summary="Reserve the replacement (out of stock: 400 out_of_stock, offering a refund)",
)
def create_exchange(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    shipments = services.exchange_create(case=case, actor=request.auth)
    return Reply(201, [shipment_out(s) for s in shipments])


@router.get(
    "/cases/{number}/exchanges", response=list[ShipmentOut], summary="The case's replacement shipments"
)
def list_exchanges(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    shipments = case.exchange_shipments.select_related("case", "order_line", "product").order_by("id")
    return [shipment_out(s) for s in shipments]


@router.post(
    "/exchanges/{shipment_id}/shipped", response=ShipmentOut, summary="The replacement left the warehouse"
)
def ship_exchange(request, shipment_id: ShipmentId, payload: ShippedIn):
    shipment = services.shipment_get(user=request.auth, shipment_id=shipment_id)
    services.exchange_ship(
        shipment=shipment,
        actor=request.auth,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        freight=payload.freight,
    )
    return shipment_out(shipment)


@router.post("/exchanges/{shipment_id}/delivered", response=ShipmentOut, summary="The customer signed for it")
def deliver_exchange(request, shipment_id: ShipmentId):
    shipment = services.shipment_get(user=request.auth, shipment_id=shipment_id)
    services.exchange_deliver(shipment=shipment, actor=request.auth)
    return shipment_out(shipment)
