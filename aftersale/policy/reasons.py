"""The words of every judgement, in zh-hans and en. A Reason is rendered when shown, so the
engine itself stays cheap and language-free."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "no_reason_open": _(
        "七日无理由退货：签收于 %(signed_at)s，期限至 %(window_end)s，今天是第 %(day)s 天（共 %(days)s 天）"
    ),
    "no_reason_sign_off_day": _(
        "七日无理由退货：签收于 %(signed_at)s，期限自次日零点起算，至 %(window_end)s"
    ),
    "no_reason_closed": _("七日无理由退货期已于 %(window_end)s 结束（签收于 %(signed_at)s）"),
    "not_received": _("商品尚未签收，签收后方可申请退货"),
    "excluded_custom_made": _("定作商品依法不适用七日无理由退货"),
    "excluded_perishable": _("鲜活易腐商品依法不适用七日无理由退货"),
    "excluded_digital": _("已拆封的音像制品、软件等数字化商品依法不适用七日无理由退货"),
    "excluded_periodical": _("已交付的报纸、期刊依法不适用七日无理由退货"),
    "excluded_confirmed": _("该商品属于下单时经您确认不宜退货的商品"),
    "buyer_pays_freight": _("退回运费由买家承担"),
    "seller_pays_freight": _("来回运费由商家承担"),
    "quality_return_open": _("质量问题退货：收货后 %(days)s 天内可退，期限至 %(window_end)s"),
    "quality_return_closed": _("质量问题退货期已于 %(window_end)s 结束，可申请换货或维修"),
    "quality_exchange_open": _("质量问题换货：收货后 %(days)s 天内可换，期限至 %(window_end)s"),
    "quality_exchange_closed": _("质量问题换货期已于 %(window_end)s 结束，可在保修期内维修"),
    "any_reason_exchange_open": _("无理由换货：签收后 %(days)s 天内可换，期限至 %(window_end)s"),
    "exchange_needs_fault": _("换货适用于质量问题"),
    "repair_in_warranty": _("保修期内免费维修，保修至 %(warranty_end)s；维修期限不超过 %(days)s 天"),
    "repair_out_of_warranty": _("保修期已于 %(warranty_end)s 结束"),
    "repair_no_warranty": _("该商品不提供保修"),
    "repair_needs_fault": _("维修适用于质量问题"),
    "repeated_fault": _("同一序列号已维修 %(repairs)s 次仍出现故障，可选择换货或全额退款"),
    "repair_overdue_exchange": _("送修已超过 %(days)s 天仍未修好，可要求换货（送修于 %(received_at)s）"),
    "refund_only_unshipped": _("订单尚未发货，可直接退款"),
    "refund_only_missing_item": _("少发、漏发商品可申请仅退款"),
    "refund_only_not_applicable": _("订单已发货，仅退款适用于少发漏发等情形；其他情况请申请退货退款"),
    "speedy_refund_ok": _("符合极速退款条件：退款将在退货寄回前先行发放"),
    "speedy_refund_no": _("不符合极速退款条件：退款将在商家收到退货并验收后发放"),
    "compensation_fixed": _("补偿方案：%(amount)s 元余额"),
    "compensation_percent": _("补偿方案：商品金额的 %(percent)s%%，即 %(amount)s 元余额"),
    "compensation_refund_plus_credit": _("补偿方案：退款并补偿 %(amount)s 元余额"),
    "compensation_gift": _("补偿方案：赠品 %(alternative)s"),
    "compensation_alternative": _("或：%(alternative)s"),
    "compensation_none": _("该问题类型没有补偿方案"),
    "approval_needed": _("%(amount)s 元需由%(role)s审批"),
    "evidence_missing": _("还需提供：%(kinds)s"),
}

# The separator between items of a list, and between sentences, in the active language.
LIST_SEPARATOR = _("、")
SENTENCE_SEPARATOR = _("；")

ROLE_LABELS = {"agent": _("客服专员"), "team_lead": _("客服组长"), "director": _("售后总监")}
EVIDENCE_LABELS = {
    "item_photo": _("实物照片"),
    "waybill_photo": _("面单照片"),
    "box_photo": _("外箱照片"),
    "video": _("视频"),
    "other": _("其他材料"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def render(self) -> str:
        """The sentence in the active language."""
        return str(MESSAGES[self.code]) % {k: _show(v) for k, v in self.params.items()}


def _show(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")  # already in the playbook's time zone
    if isinstance(value, str) and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])
    if isinstance(value, (list, tuple)):
        return str(LIST_SEPARATOR).join(str(EVIDENCE_LABELS.get(v, v)) for v in value)
    return str(value)
