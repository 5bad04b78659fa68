"""The generic format: {"id", "type", "data"} signed with the X-Aftersale-* headers.

Types: `order.created` / `order.updated` (data: an order as the order-upsert API takes it, with a
sign-off time when the logistics sign-off event comes in) and `after_sales.requested` (data: the
order no., the request and its lines)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from aftersale.cases.models import CaseChannel, CaseType, Resolution
from aftersale.catalog.services import orders_upsert
from aftersale.common.errors import DomainError

from .base import (
    Headers,
    InboundCall,
    generic_event_id,
    import_errors,
    json_object,
    validated,
    verify_generic,
)
from .intake import LineRequest, case_from_platform


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=120)
    type: Literal["order.created", "order.updated", "after_sales.requested"]
    data: dict[str, Any]


class LineIn(BaseModel):
    line_no: int = Field(ge=1)
    quantity: int = Field(ge=1)


class AfterSalesIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    order_no: str = Field(min_length=1, max_length=64)
    phone: str = Field(default="", max_length=20)
    case_type: CaseType = CaseType.AFTER_SALES
    category: str = Field(min_length=1, max_length=40)
    resolution: Resolution
    description: str = Field(min_length=1, max_length=5000)
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


def parse(source, headers: Headers, body: bytes, now: datetime) -> InboundCall:
    verify_generic(source.secret, headers, body, now)
    data = json_object(body)
    envelope = validated(Envelope, data)
    event_id = generic_event_id(headers, envelope.id)
    if envelope.type in ("order.created", "order.updated"):
        return InboundCall(event_id, envelope.type, lambda src: _upsert(src, envelope.data))
    request = validated(AfterSalesIn, envelope.data, "data.")
    return InboundCall(event_id, envelope.type, lambda src: _after_sales(src, request))


def _upsert(source, order: dict) -> dict:
    if source.store and not order.get("store"):
        order = {**order, "store": source.store}
    report = orders_upsert(orders=[order], actor=source.acts_as)
    import_errors(report, "data.")
    return {"order_no": order.get("order_no"), "created": report.created, "updated": report.updated}


def _after_sales(source, request: AfterSalesIn) -> dict:
    if not request.lines and request.resolution not in (Resolution.COMPENSATION, Resolution.INFORMATION):
        raise DomainError("data.lines", _("退货、换货、维修和退款须指明商品行"))
    case = case_from_platform(
        source=source,
        order_no=request.order_no,
        phone=request.phone,
        case_type=request.case_type,
        category=request.category,
        resolution=request.resolution,
        description=request.description,
        lines=[LineRequest(i.line_no, i.quantity) for i in request.lines],
        channel=CaseChannel.PLATFORM,
        field_prefix="data.",
    )
    return {"case": case.number}
