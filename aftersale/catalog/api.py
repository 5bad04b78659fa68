from __future__ import annotations

import io
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from aftersale.common.errors import DomainError, NotFound
from aftersale.common.masking import mask_name, mask_phone
from aftersale.common.permissions import require_role, role_of
from aftersale.common.role_auth import role_auth
from aftersale.common.roles import PERSONAL_DATA_ROLES, STAFF_ROLES

from .models import Order
from .schemas import OrderIn
from .services import IMPORT_ROLES, orders_import_csv, orders_upsert

router = Router(tags=["orders"])
OrderNoPath = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
MAX_IMPORT_BYTES = 200 * 1024 * 1024


class RowErrorOut(Schema):
    line: int
    field: str
    message: str


class ImportReportOut(Schema):
    created: int
    updated: int
    lines: int
    errors: list[RowErrorOut]
    ignored_columns: list[str]


class OrderBatchIn(Schema):
    orders: list[dict[str, Any]]


class OrderLineOut(Schema):
    line_no: int
    sku: str
    product_name: str
    category: str
    quantity: int
    unit_price: Decimal
    batch_no: str
    serial_no: str
    no_return_confirmed: bool


class OrderOut(Schema):
    order_no: str
    channel: str
    store: str
    customer_name: str
    customer_phone: str
    customer_tier: str
    paid_at: datetime | None
    shipped_at: datetime | None
    signed_at: datetime | None
    payment_method: str
    goods_amount: Decimal
    discount_amount: Decimal
    shipping_fee: Decimal
    paid_amount: Decimal
    gifts: list[dict[str, Any]]
    lines: list[OrderLineOut]


@router.post(
    "/orders/import",
    response=ImportReportOut,
    summary="Import orders from a CSV file",
    auth=role_auth(IMPORT_ROLES, action=gettext_lazy("导入订单")),
)
def import_orders_csv(request, file: File[UploadedFile]):
    if file.size > MAX_IMPORT_BYTES:
        raise DomainError("file", _("文件过大：上限 %(mb)s MB") % {"mb": MAX_IMPORT_BYTES // 2**20})
    try:
        text = io.TextIOWrapper(file.file, encoding="utf-8-sig", newline="")
        return asdict(orders_import_csv(stream=text, actor=request.auth))
    except UnicodeDecodeError:
        raise DomainError("file", _("文件不是 UTF-8 编码的 CSV")) from None


@router.put(
    "/orders",
    response=ImportReportOut,
    summary="Create or update orders (idempotent on order_no)",
    auth=role_auth(IMPORT_ROLES, action=gettext_lazy("导入订单")),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["orders"],
                        "properties": {
                            "orders": {
                                "type": "array",
                                "maxItems": 5000,
                                "items": OrderIn.model_json_schema(),
                            }
                        },
                    }
                }
            }
        }
    },
)
def upsert_orders(request, payload: OrderBatchIn):
    if len(payload.orders) > 5000:
        raise DomainError("orders", _("每次最多 %(n)s 个订单") % {"n": 5000})
    return asdict(orders_upsert(orders=payload.orders, actor=request.auth))


@router.get("/orders/{order_no}", response=OrderOut, summary="One order with its lines")
def get_order(request, order_no: OrderNoPath):
    require_role(request.auth, STAFF_ROLES, action=_("查看订单"))
    order = Order.objects.select_related("customer").filter(order_no=order_no).first()
    if order is None:
        raise NotFound("order_no", _("订单号不存在"))
    reveal = role_of(request.auth) in PERSONAL_DATA_ROLES
    customer = order.customer
    lines = order.lines.select_related("product").order_by("line_no")
    return OrderOut(
        order_no=order.order_no,
        channel=order.channel,
        store=order.store,
        customer_name=customer.name if reveal else mask_name(customer.name),
        customer_phone=customer.phone if reveal else mask_phone(customer.phone),
        customer_tier=customer.tier,
        paid_at=order.paid_at,
        shipped_at=order.shipped_at,
        signed_at=order.signed_at,
        payment_method=order.payment_method,
        goods_amount=order.goods_amount,
        discount_amount=order.discount_amount,
        shipping_fee=order.shipping_fee,
        paid_amount=order.paid_amount,
        gifts=order.gifts,
        lines=[
            OrderLineOut(
                line_no=line.line_no,
                sku=line.product.sku,
                product_name=line.product.name,
                category=line.product.category,
                quantity=line.quantity,
                unit_price=line.unit_price,
                batch_no=line.batch_no,
                serial_no=line.serial_no,
                no_return_confirmed=line.no_return_confirmed,
            )
            for line in lines
        ],
    )
