"""Shopify order webhooks (topics orders/create and orders/updated), as Shopify sends them.

Authenticity: `X-Shopify-Hmac-Sha256` is Base64(HMAC-SHA256(shared secret, raw body)).
Replay: `X-Shopify-Triggered-At` (ISO 8601) must fall within the window. Event id:
`X-Shopify-Event-Id` (the same on every redelivery), else `X-Shopify-Webhook-Id`.
The order becomes order `SHOPIFY-<order id>` of the own store, its shop domain as the store."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from aftersale.catalog.models import Channel, PaymentMethod
from aftersale.catalog.services import orders_upsert
from aftersale.common.errors import DomainError

from .base import Headers, InboundCall, Refused, check_fresh, import_errors, json_object, validated

TOPICS = ("orders/create", "orders/updated")
_GATEWAYS = {
    "alipay": PaymentMethod.ALIPAY,
    "wechat": PaymentMethod.WECHAT,
    "wechat_pay": PaymentMethod.WECHAT,
    "cash": PaymentMethod.CASH,
    "shopify_payments": PaymentMethod.CARD,
}


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ShopifyCustomer(_Loose):
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class ShopifyAddress(_Loose):
    name: str | None = None
    phone: str | None = None


class ShopifyMoney(_Loose):
    amount: Decimal


class ShopifyMoneySet(_Loose):
    shop_money: ShopifyMoney


class ShopifyLine(_Loose):
    id: int
    variant_id: int | None = None
    sku: str | None = None
    title: str = Field(min_length=1)
    quantity: int = Field(ge=1)
    price: Decimal = Field(ge=0)


class ShopifyOrder(_Loose):
    id: int
    name: str = ""
    phone: str | None = None
    processed_at: datetime | None = None
    financial_status: str | None = None
    gateway: str | None = None
    total_price: Decimal = Field(ge=0)
    total_discounts: Decimal = Decimal("0.00")
    total_shipping_price_set: ShopifyMoneySet | None = None
    customer: ShopifyCustomer | None = None
    shipping_address: ShopifyAddress | None = None
    line_items: list[ShopifyLine] = Field(min_length=1)


def verify(secret: str, headers: Headers, body: bytes, now: datetime) -> None:
    given = headers.get("X-Shopify-Hmac-Sha256").strip()
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    if not given or not hmac.compare_digest(given, expected):
        raise Refused("X-Shopify-Hmac-Sha256", _("签名无效"), code="bad_signature")
    triggered = headers.get("X-Shopify-Triggered-At").strip()
    try:
        moment = datetime.fromisoformat(triggered.replace("Z", "+00:00"))
    except ValueError:
        raise Refused("X-Shopify-Triggered-At", _("缺少或无效的时间戳"), code="bad_timestamp") from None
    if moment.tzinfo is None:
        raise Refused("X-Shopify-Triggered-At", _("缺少或无效的时间戳"), code="bad_timestamp")
    check_fresh(moment, now, "X-Shopify-Triggered-At")


def parse(source, headers: Headers, body: bytes, now: datetime) -> InboundCall:
    verify(source.secret, headers, body, now)
    topic = headers.get("X-Shopify-Topic").strip()
    if topic not in TOPICS:
        raise DomainError(
            "X-Shopify-Topic", _("不支持的主题：%(t)s") % {"t": topic or "-"}, code="unsupported"
        )
    event_id = (headers.get("X-Shopify-Event-Id") or headers.get("X-Shopify-Webhook-Id")).strip()
    if not event_id:
        raise DomainError("X-Shopify-Event-Id", _("缺少事件编号"), code="required")
    order = validated(ShopifyOrder, json_object(body))
    upsert = _order_in(order, headers.get("X-Shopify-Shop-Domain").strip())
    return InboundCall(event_id, topic, lambda src: _store(src, upsert))


def _phone(*candidates: str | None) -> str:
    for value in candidates:
        digits = re.sub(r"[\s()]", "", value or "")
        if digits.startswith("+86"):
            digits = digits[3:]
        if digits:
            return digits
    raise DomainError(
        "customer.phone", _("订单没有联系电话（customer.phone 或 shipping_address.phone）"), code="required"
    )


def _order_in(order: ShopifyOrder, shop: str) -> dict:
    customer = order.customer or ShopifyCustomer()
    address = order.shipping_address or ShopifyAddress()
    name = " ".join(p for p in (customer.last_name, customer.first_name) if p) or address.name or order.name
    shipping = (
        order.total_shipping_price_set.shop_money.amount if order.total_shipping_price_set else Decimal(0)
    )
    paid = order.financial_status in ("paid", "partially_refunded", "refunded")
    return {
        "order_no": f"SHOPIFY-{order.id}",
        "channel": Channel.OWN_STORE,
        "store": shop[:120],
        "customer": {
            "name": (name or "Shopify")[:80],
            "phone": _phone(customer.phone, address.phone, order.phone),
        },
        "paid_at": order.processed_at if paid else None,
        "payment_method": _GATEWAYS.get((order.gateway or "").lower(), PaymentMethod.OTHER),
        "discount_amount": order.total_discounts,
        "shipping_fee": shipping,
        "paid_amount": order.total_price,
        "lines": [
            {
                "line_no": index,
                "sku": (line.sku or f"shopify-variant-{line.variant_id or line.id}")[:64],
                "product_name": line.title[:200],
                "quantity": line.quantity,
                "unit_price": line.price,
            }
            for index, line in enumerate(order.line_items, start=1)
        ],
    }


def _store(source, order: dict) -> dict:
    report = orders_upsert(orders=[order], actor=source.acts_as)
    import_errors(report, "")
    return {"order_no": order["order_no"], "created": report.created, "updated": report.updated}
