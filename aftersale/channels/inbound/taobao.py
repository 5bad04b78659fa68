"""Taobao / Tmall refund messages (TMC topic `taobao_refund_RefundCreated`), relayed as JSON.

The message is the TMC envelope: {"id", "topic", "pub_time", "user_nick", "content"}, where
`content` is itself a JSON text: {"refund_id", "tid", "oid", "buyer_nick", "refund_fee",
"refund_phase", "bill_type", "modified", …}; a relay may add `has_good_return` and `reason` (from
taobao.refund.get). The relay signs the call with the generic X-Aftersale-* headers. The order
(`tid`, stored as its order no.) must have been imported; the refund becomes an after-sales case of
the platform channel: return and refund when goods go back, refund only otherwise."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from aftersale.cases.models import CaseChannel, CaseType, Resolution
from aftersale.catalog.models import OrderLine
from aftersale.common.errors import DomainError

from .base import Headers, InboundCall, json_object, validated, verify_generic
from .intake import LineRequest, case_from_platform

TOPICS = ("taobao_refund_RefundCreated",)
# Words of the buyer's stated reason → the problem category; the first match wins.
_REASONS = [
    (("破损", "压坏", "磕碰"), "transit_damage"),
    (("少件", "漏发", "错发", "发错"), "missing_or_wrong_item"),
    (("质量", "故障", "坏了", "不能用"), "quality_fault"),
    (("描述不符", "与描述", "色差", "尺码"), "not_as_described"),
    (("七天无理由", "不想要", "拍错", "多拍"), "no_reason_return"),
    (("未收到", "物流", "延迟"), "logistics_delay"),
]


class TmcMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | int
    topic: str
    content: str


class RefundCreated(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    refund_id: str = Field(min_length=1, max_length=40)
    tid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    oid: str = Field(default="", max_length=64)
    buyer_nick: str = Field(default="", max_length=80)
    refund_fee: Decimal = Field(ge=0)
    refund_phase: str = Field(default="aftersale", max_length=20)
    has_good_return: bool = False
    reason: str = Field(default="", max_length=500)


def category_for(reason: str, returning: bool) -> str:
    for words, category in _REASONS:
        if any(word in reason for word in words):
            return category
    return "no_reason_return" if returning else "not_as_described"


def parse(source, headers: Headers, body: bytes, now: datetime) -> InboundCall:
    verify_generic(source.secret, headers, body, now)
    message = validated(TmcMessage, json_object(body))
    if message.topic not in TOPICS:
        raise DomainError("topic", _("不支持的主题：%(t)s") % {"t": message.topic}, code="unsupported")
    try:
        content = json.loads(message.content)
    except ValueError:
        raise DomainError("content", _("不是有效的 JSON"), code="invalid_json") from None
    refund = validated(RefundCreated, content, "content.")
    return InboundCall(str(message.id), message.topic, lambda src: _refund_case(src, refund))


def _line(refund: RefundCreated) -> OrderLine:
    lines = list(OrderLine.objects.filter(order__order_no=refund.tid).order_by("line_no"))
    if len(lines) == 1:
        return lines[0]
    match = [line for line in lines if refund.oid.isdigit() and line.line_no == int(refund.oid)]
    if not match:
        raise DomainError("content.oid", _("订单中没有此子订单（oid 应为订单行号）"), code="unknown_line")
    return match[0]


def _refund_case(source, refund: RefundCreated) -> dict:
    from aftersale.catalog.models import Order

    if not Order.objects.filter(order_no=refund.tid).exists():
        raise DomainError("content.tid", _("未知的订单号：%(no)s") % {"no": refund.tid}, code="unknown_order")
    line = _line(refund)
    returning = refund.has_good_return
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the business's language
        description = _("淘宝退款 %(id)s（%(phase)s），申请金额 ¥%(fee)s。%(reason)s") % {
            "id": refund.refund_id,
            "phase": refund.refund_phase,
            "fee": refund.refund_fee,
            "reason": refund.reason,
        }
    case = case_from_platform(
        source=source,
        order_no=refund.tid,
        phone="",
        case_type=CaseType.AFTER_SALES,
        category=category_for(refund.reason, returning),
        resolution=Resolution.RETURN_REFUND if returning else Resolution.REFUND_ONLY,
        description=description.strip(),
        lines=[LineRequest(line.line_no, line.quantity)],
        channel=CaseChannel.PLATFORM,
        field_prefix="content.",
    )
    return {"case": case.number, "refund_id": refund.refund_id}
