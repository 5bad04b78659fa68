"""What the SOP texts are written from: a playbook, plus what the free text said that the playbook
has no place for (head counts, issue wording, escalation triggers, CSAT/FCR targets). Labels and
number formats in the active language."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aftersale.common.roles import Department
from aftersale.policy.conditions import Condition, Test
from aftersale.policy.reasons import EVIDENCE_LABELS
from aftersale.policy.schema import Playbook

from .parser import EscalationRule, Facts, Issue, Tier

DEFAULT_CSAT = Decimal("85")
DEFAULT_FCR = Decimal("70")

CATEGORY_LABELS = {
    "quality_fault": gettext_lazy("质量问题"),
    "missing_or_wrong_item": gettext_lazy("少发错发"),
    "transit_damage": gettext_lazy("物流损坏"),
    "not_as_described": gettext_lazy("描述不符"),
    "no_reason_return": gettext_lazy("无理由退货"),
    "logistics_delay": gettext_lazy("物流延误"),
    "logistics_query": gettext_lazy("物流查询"),
    "product_usage": gettext_lazy("产品用法"),
    "invoice": gettext_lazy("发票开具"),
    "policy_question": gettext_lazy("政策咨询"),
    "service_attitude": gettext_lazy("服务态度"),
    "false_advertising": gettext_lazy("虚假宣传"),
    "counterfeit": gettext_lazy("假货投诉"),
    "professional_claimant": gettext_lazy("职业打假"),
}
CHAIN_LABELS = {
    "agent": gettext_lazy("客服专员"),
    "team_lead": gettext_lazy("客服组长"),
    "operations_manager": gettext_lazy("售后总监（运营经理）"),
    "director": gettext_lazy("售后总监"),
}
TARGET_LABELS = {
    "tier_2": gettext_lazy("二线（组长 / 专家）"),
    "manager": gettext_lazy("经理 / 售后总监"),
    "expert": gettext_lazy("资深专家组"),
}
TIER_ROLE_LABELS = {
    "agent": gettext_lazy("一线客服专员"),
    "specialist": gettext_lazy("二线专家"),
    "team_lead": gettext_lazy("客服组长"),
    "manager": gettext_lazy("经理 / 售后总监"),
}
TRIGGER_LABELS = {
    "legal": gettext_lazy("客户提出法律威胁（律师、起诉）"),
    "media": gettext_lazy("客户威胁曝光或媒体介入"),
    "regulator": gettext_lazy("客户提到 12315、消协或监管部门"),
    "repeat": gettext_lazy("同一问题重复投诉"),
    "safety": gettext_lazy("涉及人身安全（受伤、起火等）"),
    "fraud": gettext_lazy("涉及假货或欺诈"),
    "vip": gettext_lazy("重要客户（VIP）"),
}
BUSINESS_LABELS = {
    "electronics": gettext_lazy("数码电子"),
    "appliance": gettext_lazy("家用电器"),
    "clothing": gettext_lazy("服装鞋包"),
    "food": gettext_lazy("食品"),
    "cosmetics": gettext_lazy("美妆个护"),
    "toys": gettext_lazy("玩具母婴"),
    "home": gettext_lazy("家居家纺"),
}
# The shipped default playbook's own words, so an English handbook of it is English throughout.
DATA_LABELS = {
    "默认售后政策": gettext_lazy("默认售后政策"),
    "一次性密封包装未拆封": gettext_lazy("一次性密封包装未拆封"),
    "在保质期内": gettext_lazy("在保质期内"),
    "未使用": gettext_lazy("未使用"),
    "无私自拆修或改装": gettext_lazy("无私自拆修或改装"),
    "3C 标志、标签与序列号完好": gettext_lazy("3C 标志、标签与序列号完好"),
    "无无法恢复的外观磨损": gettext_lazy("无无法恢复的外观磨损"),
    "未激活或已清除个人数据": gettext_lazy("未激活或已清除个人数据"),
    "配件齐全": gettext_lazy("配件齐全"),
    "标签与序列号完好": gettext_lazy("标签与序列号完好"),
    "吊牌未剪未拆": gettext_lazy("吊牌未剪未拆"),
    "无污渍": gettext_lazy("无污渍"),
    "无破损": gettext_lazy("无破损"),
    "吊牌与包装完好": gettext_lazy("吊牌与包装完好"),
    "小家电赠品": gettext_lazy("小家电赠品"),
    "一组": gettext_lazy("一组"),
    "二组": gettext_lazy("二组"),
    "技术故障转运维": gettext_lazy("技术故障转运维"),
    "质量问题转品控": gettext_lazy("质量问题转品控"),
    "少发错发转仓储": gettext_lazy("少发错发转仓储"),
    "描述不符转商家": gettext_lazy("描述不符转商家"),
}
FIELD_LABELS = {
    "customer.tier": gettext_lazy("会员等级"),
    "customer.is_vip": gettext_lazy("VIP 客户"),
    "customer.abuse_count": gettext_lazy("恶意售后记录次数"),
    "order.channel": gettext_lazy("下单渠道"),
    "order.paid_amount": gettext_lazy("订单实付金额"),
    "order.shipped": gettext_lazy("已发货"),
    "order.signed": gettext_lazy("已签收"),
    "line.amount": gettext_lazy("商品金额"),
    "product.category": gettext_lazy("商品品类"),
    "case.type": gettext_lazy("工单类型"),
    "case.category": gettext_lazy("问题分类"),
}
OPERATOR_LABELS = {
    "eq": "=",
    "ne": "≠",
    "in": gettext_lazy("属于"),
    "not_in": gettext_lazy("不属于"),
    "lt": "<",
    "lte": "≤",
    "gt": ">",
    "gte": "≥",
}


def label(value: str) -> str:
    """A data word in the active language when it is one of the defaults, else as written."""
    known = DATA_LABELS.get(value) or CATEGORY_LABELS.get(value)
    return str(known) if known else value


def pair(label: Any, value: Any) -> str:
    """“label：value” with the active language's punctuation."""
    return _("%(label)s：%(value)s") % {"label": label, "value": value}


def aside(text: Any, note: Any) -> str:
    """“text（note）” with the active language's punctuation."""
    return _("%(text)s（%(note)s）") % {"text": text, "note": note}


def join(items: list[Any]) -> str:
    return _("、").join(str(i) for i in items)


def number(value: Decimal | float | int) -> str:
    value = Decimal(str(value))
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value.normalize():f}"


def money(value: Decimal | float | int) -> str:
    return _("%(amount)s 元") % {"amount": number(value)}


def percent(value: Decimal | float | int) -> str:
    return f"{number(value)}%"


def days(n: int) -> str:
    return ngettext("%(n)s 天", "%(n)s 天", n) % {"n": n}


def working_days(n: int) -> str:
    return ngettext("%(n)s 个工作日", "%(n)s 个工作日", n) % {"n": n}


def hours(n: int | float) -> str:
    value = number(n)
    return ngettext("%(n)s 小时", "%(n)s 小时", 1 if value == "1" else 2) % {"n": value}


def minutes(n: int | float) -> str:
    if n >= 60 and n % 30 == 0:
        return hours(Decimal(n) / 60)
    return ngettext("%(n)s 分钟", "%(n)s 分钟", int(n)) % {"n": number(n)}


def condition_text(condition: Condition | Test) -> str:
    if isinstance(condition, Test):
        value = condition.value
        if isinstance(value, list):
            value = join([label(str(v)) for v in value])
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        else:
            value = label(str(value))
        return f"{FIELD_LABELS.get(condition.field, condition.field)} {OPERATOR_LABELS[condition.op]} {value}"
    parts = []
    if condition.all:
        parts.append(_("，且").join(condition_text(c) for c in condition.all))
    if condition.any:
        parts.append(
            _("（满足其一：%(any)s）") % {"any": _("；").join(condition_text(c) for c in condition.any)}
        )
    if condition.not_ is not None:
        parts.append(_("不满足：%(c)s") % {"c": condition_text(condition.not_)})
    return _("，且").join(parts) or _("无条件")


def department(code: str) -> str:
    try:
        return str(Department(code).label)
    except ValueError:
        return code


def evidence(kinds: list[str]) -> str:
    return join([EVIDENCE_LABELS.get(k, k) for k in kinds])


@dataclass
class Context:
    """A playbook and the extras of the request it came from (derived from the playbook if none)."""

    playbook: Playbook
    business: str
    business_kind: str = ""
    tiers: list[Tier] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    escalations: list[EscalationRule] = field(default_factory=list)
    csat: Decimal = DEFAULT_CSAT
    fcr: Decimal = DEFAULT_FCR
    version: int | None = None

    def target(self, target: str) -> str:
        """An escalation target, with the tier of this team that fills it."""
        name = str(TARGET_LABELS.get(target, target))
        level = {"tier_2": 2, "manager": 3}.get(target)
        tier = next((t for t in self.tiers if t.level == level), None)
        if tier is None and target == "manager":
            tier = next((t for t in self.tiers if t.role == "manager"), None)
        return aside(name, tier.title) if tier and tier.count is not None else name

    @property
    def issue_categories(self) -> list[str]:
        seen: list[str] = []
        for issue in self.issues:
            if issue.category and issue.category not in seen:
                seen.append(issue.category)
        return seen


def default_escalations() -> list[EscalationRule]:
    """Used when the request names no escalation triggers: consistent with the lexicon's routing."""
    return [
        EscalationRule("tier_2", "repeat"),
        EscalationRule("tier_2", "vip"),
        EscalationRule("manager", "safety"),
        EscalationRule("manager", "fraud"),
        EscalationRule("expert", "legal"),
        EscalationRule("expert", "media"),
        EscalationRule("expert", "regulator"),
    ]


def context_from_facts(playbook: Playbook, facts: Facts) -> Context:
    return Context(
        playbook=playbook,
        business=facts.business or playbook.name,
        business_kind=facts.business_kind,
        tiers=sorted(facts.tiers, key=lambda t: t.level) or _tiers_of(playbook),
        issues=facts.issues or _issues_of(playbook),
        escalations=facts.escalations or default_escalations(),
        csat=facts.csat_percent or DEFAULT_CSAT,
        fcr=facts.fcr_percent or DEFAULT_FCR,
    )


def context_from_playbook(playbook: Playbook, *, version: int | None = None) -> Context:
    return Context(
        playbook=playbook,
        business=label(playbook.name),
        tiers=_tiers_of(playbook),
        issues=_issues_of(playbook),
        escalations=default_escalations(),
        version=version,
    )


def _tiers_of(playbook: Playbook) -> list[Tier]:
    roles = {"agent": "agent", "team_lead": "team_lead"}
    return [
        Tier(level, roles.get(rung, "manager"), str(CHAIN_LABELS.get(rung, rung)), None)
        for level, rung in enumerate(playbook.escalation.chain, start=1)
    ]


def _issues_of(playbook: Playbook) -> list[Issue]:
    categories = [*playbook.quality.fault_categories]
    categories += [s.category for s in playbook.compensation.scenarios if s.category not in categories]
    categories.append("no_reason_return")
    return [Issue(str(CATEGORY_LABELS.get(c, c)), c) for c in categories]
