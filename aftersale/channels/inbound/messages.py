"""Social / IM messages (WeChat, Weibo, Douyin … through their own relay): one conversation per
customer and order, threaded into the customer's open case on that order, or a new case.

Body (generic signature headers): {"id", "user_id", "text", "media": [{"url", "type"}],
"order_no", "phone"}. The first message from an account must carry the order no. and the phone of
that order (the identity check); the account is then remembered (SocialIdentity) and later
messages need neither. Media stay where the platform keeps them: their links are added to the
message text for the agent to open."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from aftersale.cases.identity import IdentityClaim, identity_evaluate
from aftersale.cases.lifecycle import OPEN_STATUSES
from aftersale.cases.models import Case, CaseChannel, CaseType, Resolution
from aftersale.cases.services import message_add
from aftersale.catalog.models import Customer, Order
from aftersale.channels.models import SocialIdentity
from aftersale.common.errors import DomainError
from aftersale.common.models import User
from aftersale.common.roles import Role

from .base import Headers, InboundCall, json_object, validated, verify_generic
from .intake import case_from_platform

NEW_CASE_CATEGORY = "product_usage"  # an inquiry; the agent reclassifies it on review


class Media(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str = Field(min_length=1, max_length=1000, pattern=r"^https?://")
    type: str = Field(default="image", max_length=20)


class InboundMessage(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=120)
    user_id: str = Field(min_length=1, max_length=120)
    text: str = Field(default="", max_length=5000)
    media: list[Media] = Field(default_factory=list, max_length=20)
    order_no: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=20)


def parse(source, headers: Headers, body: bytes, now: datetime) -> InboundCall:
    verify_generic(source.secret, headers, body, now)
    message = validated(InboundMessage, json_object(body))
    if not message.text and not message.media:
        raise DomainError("text", _("消息内容和附件不能都为空"), code="required")
    return InboundCall(message.id, "message", lambda src: _thread(src, message))


def _customer(source, message: InboundMessage) -> Customer:
    known = (
        SocialIdentity.objects.select_related("customer")
        .filter(source=source, external_user_id=message.user_id)
        .first()
    )
    if known is not None:
        return known.customer
    if not (message.order_no and message.phone):
        raise DomainError("order_no", _("首次消息须提供订单号和下单手机号"), code="identity_required")
    result = identity_evaluate(IdentityClaim(order_no=message.order_no, phone=message.phone))
    if not result.passed or result.order is None:
        raise DomainError("phone", _("订单号与手机号不匹配"), code="identity_mismatch")
    SocialIdentity.objects.create(
        source=source, external_user_id=message.user_id, customer=result.order.customer
    )
    return result.order.customer


def _order(customer: Customer, message: InboundMessage) -> Order | None:
    if not message.order_no:
        return None
    order = Order.objects.filter(order_no=message.order_no, customer=customer).first()
    if order is None:
        raise DomainError("order_no", _("该订单不属于此客户"), code="not_found")
    return order


def _customer_user(customer: Customer) -> User:
    """The customer's account, so the message is theirs (made on first need, as the portal does)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.user is None:
        user = User(
            username=f"customer-{customer.pk}-{secrets.token_hex(3)}",
            role=Role.CUSTOMER,
            display_name=customer.name,
            is_staff=False,
        )
        user.set_unusable_password()
        user.save()
        customer.user = user
        customer.save(update_fields=["user"])
    return customer.user


def _text(message: InboundMessage) -> str:
    links = [f"[{m.type}] {m.url}" for m in message.media]
    return "\n".join([message.text, *links]).strip()


def _thread(source, message: InboundMessage) -> dict:
    with transaction.atomic():
        customer = _customer(source, message)
        order = _order(customer, message)
        open_cases = Case.objects.filter(customer=customer, status__in=OPEN_STATUSES).order_by("-id")
        case = (open_cases.filter(order=order) if order else open_cases).first()
        if case is not None:
            message_add(
                case=case, actor=_customer_user(customer), body=_text(message), channel=CaseChannel.SOCIAL
            )
            return {"case": case.number, "threaded": True}
        if order is None:
            raise DomainError("order_no", _("没有进行中的售后单：请提供订单号"), code="required")
        case = case_from_platform(
            source=source,
            order_no=order.order_no,
            phone=customer.phone,
            case_type=CaseType.INQUIRY,
            category=NEW_CASE_CATEGORY,
            resolution=Resolution.INFORMATION,
            description=_text(message),
            lines=[],
            channel=CaseChannel.SOCIAL,
        )
        return {"case": case.number, "threaded": False}
