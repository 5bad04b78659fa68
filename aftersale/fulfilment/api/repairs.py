"""Repair endpoints: the repair order through the repair centre, and the spare-parts stock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from aftersale.cases.selectors import case_get
from aftersale.common.schemas import InSchema
from aftersale.sla.models import Clock, ClockKind

from ..models import RepairOrder, SparePart
from ..services import repairs as services

router = Router(tags=["repairs"])
CaseNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]
RepairId = Annotated[int, Field(ge=1, le=2**62)]
PartCode = Annotated[str, Field(min_length=1, max_length=40)]


class ReservedPartOut(Schema):
    code: str
    name: str
    quantity: int
    consumed: bool


class RepairOut(Schema):
    id: int
    case: str
    line_no: int
    serial_no: str
    centre: str
    status: str
    diagnosis: str
    received_at: datetime | None
    due_at: datetime | None
    statutory_due_at: datetime | None
    parts_wait_days: int
    completed_at: datetime | None
    return_carrier: str
    return_tracking_no: str
    exchange_entitled_at: datetime | None
    parts: list[ReservedPartOut]


class RepairCreateIn(InSchema):
    line_no: int = Field(ge=1, le=10_000)
    centre: str = Field(min_length=1, max_length=80)
    serial_no: str = Field(default="", max_length=64, description="Default: the order line's serial no.")


class DiagnoseIn(InSchema):
    diagnosis: str = Field(min_length=1, max_length=5000)
    repairable: bool = True


class PartNeedIn(InSchema):
    code: PartCode
    quantity: int = Field(ge=1, le=1000)


class PartsIn(InSchema):
    parts: list[PartNeedIn] = Field(min_length=1, max_length=50)


class ReturnIn(InSchema):
    carrier: str = Field(min_length=1, max_length=40)
    tracking_no: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    freight: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class SparePartOut(Schema):
    code: str
    name: str
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    low_stock: bool
    unit_cost: Decimal


class RestockIn(InSchema):
    quantity: int = Field(ge=1, le=100_000)


def repair_out(repair: RepairOrder) -> RepairOut:
    due = dict(
        Clock.objects.filter(
            case_id=repair.case_id, kind=ClockKind.REPAIR, ref__startswith=f"repair:{repair.pk}"
        ).values_list("ref", "due_at")
    )
    return RepairOut(
        id=repair.pk,
        case=repair.case.number,
        line_no=repair.order_line.line_no,
        serial_no=repair.serial_no,
        centre=repair.centre,
        status=repair.status,
        diagnosis=repair.diagnosis,
        received_at=repair.received_at,
        due_at=due.get(f"repair:{repair.pk}"),
        statutory_due_at=due.get(f"repair:{repair.pk}:limit"),
        parts_wait_days=repair.parts_wait_days,
        completed_at=repair.completed_at,
        return_carrier=repair.return_carrier,
        return_tracking_no=repair.return_tracking_no,
        exchange_entitled_at=repair.exchange_entitled_at,
        parts=[
            ReservedPartOut(code=r.part.code, name=r.part.name, quantity=r.quantity, consumed=r.consumed)
            for r in repair.parts.select_related("part").filter(released=False).order_by("id")
        ],
    )


def spare_part_out(part: SparePart) -> SparePartOut:
    available = part.on_hand - part.reserved
    return SparePartOut(
        code=part.code,
        name=part.name,
        on_hand=part.on_hand,
        reserved=part.reserved,
        available=available,
        low_stock_threshold=part.low_stock_threshold,
        low_stock=available < part.low_stock_threshold,
        unit_cost=part.unit_cost,
    )


def _repair(request, repair_id: int) -> RepairOrder:
    return services.repair_get(user=request.auth, repair_id=repair_id)


@router.post("/cases/{number}/repairs", response={201: RepairOut}, summary="Open a repair order")
def create_repair(request, number: CaseNumber, payload: RepairCreateIn):
    case = case_get(user=request.auth, number=number)
    repair = services.repair_create(
        case=case,
        actor=request.auth,
        line_no=payload.line_no,
        centre=payload.centre,
        serial_no=payload.serial_no,
    )
    return Reply(201, repair_out(_repair(request, repair.pk)))


@router.get("/cases/{number}/repairs", response=list[RepairOut], summary="The case's repair orders")
def list_repairs(request, number: CaseNumber):
    case = case_get(user=request.auth, number=number)
    return [repair_out(r) for r in case.repairs.select_related("case", "order_line").order_by("id")]


@router.get("/repairs/{repair_id}", response=RepairOut, summary="One repair order")
def get_repair(request, repair_id: RepairId):
    return repair_out(_repair(request, repair_id))


@router.post("/repairs/{repair_id}/receive", response=RepairOut, summary="The item reached the repair centre")
def receive_repair(request, repair_id: RepairId):
    services.repair_receive(repair=_repair(request, repair_id), actor=request.auth)
    return repair_out(_repair(request, repair_id))


@router.post("/repairs/{repair_id}/diagnose", response=RepairOut, summary="Record the diagnosis")
def diagnose_repair(request, repair_id: RepairId, payload: DiagnoseIn):
    services.repair_diagnose(
        repair=_repair(request, repair_id),
        actor=request.auth,
        diagnosis=payload.diagnosis,
        repairable=payload.repairable,
    )
    return repair_out(_repair(request, repair_id))


@router.post(
    "/repairs/{repair_id}/parts",
    response=RepairOut,
    summary="Reserve spare parts (when one is short the repair waits for parts; ask again once they arrive)",
)
def reserve_parts(request, repair_id: RepairId, payload: PartsIn):
    needs = [services.PartNeed(code=p.code, quantity=p.quantity) for p in payload.parts]
    services.repair_use_parts(repair=_repair(request, repair_id), actor=request.auth, parts=needs)
    return repair_out(_repair(request, repair_id))


@router.post("/repairs/{repair_id}/complete", response=RepairOut, summary="The repair is done")
def complete_repair(request, repair_id: RepairId):
    services.repair_complete(repair=_repair(request, repair_id), actor=request.auth)
    return repair_out(_repair(request, repair_id))


@router.post("/repairs/{repair_id}/return", response=RepairOut, summary="Send the repaired item back")
def return_repair(request, repair_id: RepairId, payload: ReturnIn):
    services.repair_return(
        repair=_repair(request, repair_id),
        actor=request.auth,
        carrier=payload.carrier,
        tracking_no=payload.tracking_no,
        freight=payload.freight,
    )
    return repair_out(_repair(request, repair_id))


@router.get("/spare-parts", response=list[SparePartOut], summary="Spare-parts stock, with the low-stock flag")
def list_spare_parts(request, low_stock: bool | None = None):
    parts = [spare_part_out(p) for p in services.spare_parts_list(user=request.auth)]
    return [p for p in parts if low_stock is None or p.low_stock == low_stock]


@router.post(
    "/spare-parts/{code}/restock", response=SparePartOut, summary="Spare parts arrived at the warehouse"
)
def restock_spare_part(request, code: PartCode, payload: RestockIn):
    return spare_part_out(
        services.spare_part_restock(code=code, actor=request.auth, quantity=payload.quantity)
    )
