"""The text of every notification, per topic: a title and a body, in Chinese with English in the
app's catalogue. Rendered in the reader's language (in-app: when shown; e-mail and SMS: when
written to the outbox, in the default language)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Template:
    title: Promise
    body: Promise
    audience: str  # "customer" or "staff"


TEMPLATES: dict[str, Template] = {
    # customers
    "request_received": Template(
        _("已收到您的售后申请 %(number)s"),
        _("您的售后申请已受理，单号 %(number)s。我们会尽快处理，可凭单号查询进度。"),
        "customer",
    ),
    "need_material": Template(
        _("售后单 %(number)s 需要补充材料"),
        _("售后单 %(number)s 需要您补充材料：%(reason)s。请在售后服务页面回复或上传凭证。"),
        "customer",
    ),
    "approved": Template(
        _("售后单 %(number)s 已审核通过"),
        _("您的售后单 %(number)s 已审核通过，我们将尽快为您办理。"),
        "customer",
    ),
    "approved_return": Template(
        _("售后单 %(number)s 已同意退货"),
        _(
            "您的售后单 %(number)s 已同意退货（退货单号 %(rma)s）。请将商品寄回：%(address)s，"
            "收件人 %(contact)s，电话 %(phone)s。"
        ),
        "customer",
    ),
    "refund_sent": Template(
        _("售后单 %(number)s 已退款"),
        _("售后单 %(number)s 的退款 ¥%(amount)s 已发出，到账时间以支付渠道为准。"),
        "customer",
    ),
    "resolved": Template(
        _("售后单 %(number)s 已处理完成"),
        _("您的售后单 %(number)s 已处理完成：%(outcome)s。欢迎对本次服务进行评价。"),
        "customer",
    ),
    "survey": Template(
        _("请评价售后单 %(number)s 的服务"),
        _("您的售后单 %(number)s 已处理完成，请花一分钟为本次服务打分，帮助我们改进。"),
        "customer",
    ),
    # staff
    "assigned": Template(
        _("新分派：%(number)s"),
        _("售后单 %(number)s 已分派给您，请及时处理。"),
        "staff",
    ),
}


class _Defaults(dict):
    """Missing context keys render as empty text rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def render(topic: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """(title, body) of a topic in `language` (the active language if None)."""
    template = TEMPLATES[topic]
    values = _Defaults(context)
    if language is None:
        return str(template.title) % values, str(template.body) % values
    with translation.override(language):
        return str(template.title) % values, str(template.body) % values
