# ruff: noqa: E501  (prose in Chinese source strings)
"""A quiz generated from a playbook. Every answer is computed by the eligibility engine on the
question's own facts, so when the rules change the key changes with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.policy.engine import CaseFacts, CompiledPlaybook, Eligibility, LineFacts, evaluate
from aftersale.policy.reasons import ROLE_LABELS, Reason

from .context import label, money

YES = gettext_lazy("可以")
NO = gettext_lazy("不可以")


@dataclass(frozen=True)
class Scenario:
    """One question's facts: days are counted back from the quiz's reference time."""

    key: str
    question: object  # a lazy string with %(...)s placeholders
    resolution: str
    ask: str = "eligible"  # eligible | amount | approval | freight | speedy
    category: str = ""
    signed_days_ago: int | None = 3
    paid_days_ago: int | None = None
    unit_price: Decimal = Decimal("199.00")
    custom_made: bool = False
    perishable: bool = False
    completed_repairs: int = 0
    customer_tier: str = "regular"
    requested: Decimal | None = None
    shipped: bool = True
    params: dict[str, object] = field(default_factory=dict)


SCENARIOS = [
    Scenario(
        "no_reason_9_days",
        gettext_lazy("客户 9 天前签收，商品未拆封，不说明理由要求退货。可以退货吗？"),
        "return_refund",
        signed_days_ago=9,
    ),
    Scenario(
        "no_reason_5_days",
        gettext_lazy("客户 5 天前签收，商品完好，不说明理由要求退货。可以退货吗？"),
        "return_refund",
        signed_days_ago=5,
    ),
    Scenario(
        "no_reason_freight",
        gettext_lazy("客户 5 天前签收，办理无理由退货。退回运费由谁承担？"),
        "return_refund",
        ask="freight",
        signed_days_ago=5,
    ),
    Scenario(
        "no_reason_20_days",
        gettext_lazy("客户 20 天前签收，商品完好，不说明理由要求退货。可以退货吗？"),
        "return_refund",
        signed_days_ago=20,
    ),
    Scenario(
        "quality_return_10_days",
        gettext_lazy("客户 10 天前签收，商品出现质量问题，要求退货。可以退货吗？"),
        "return_refund",
        category="quality_fault",
        signed_days_ago=10,
    ),
    Scenario(
        "quality_exchange_12_days",
        gettext_lazy("客户 12 天前签收，商品出现质量问题，要求换货。可以换货吗？"),
        "exchange",
        category="quality_fault",
        signed_days_ago=12,
    ),
    Scenario(
        "quality_exchange_20_days",
        gettext_lazy("客户 20 天前签收，商品出现质量问题，要求换货。可以换货吗？"),
        "exchange",
        category="quality_fault",
        signed_days_ago=20,
    ),
    Scenario(
        "repair_in_warranty",
        gettext_lazy("商品 5 个月前购买（保修 12 个月），出现质量问题。可以免费维修吗？"),
        "repair",
        category="quality_fault",
        signed_days_ago=148,
        paid_days_ago=150,
    ),
    Scenario(
        "repair_out_of_warranty",
        gettext_lazy("商品 13 个月前购买（保修 12 个月），出现质量问题。可以免费维修吗？"),
        "repair",
        category="quality_fault",
        signed_days_ago=393,
        paid_days_ago=395,
    ),
    Scenario(
        "repeated_fault",
        gettext_lazy("同一序列号已维修 2 次，3 个月后再次出现同一故障，客户要求退货。可以退货吗？"),
        "return_refund",
        category="quality_fault",
        signed_days_ago=88,
        paid_days_ago=90,
        completed_repairs=2,
    ),
    Scenario(
        "custom_made",
        gettext_lazy("定作商品签收 2 天，客户不说明理由要求退货。可以退货吗？"),
        "return_refund",
        signed_days_ago=2,
        custom_made=True,
    ),
    Scenario(
        "perishable",
        gettext_lazy("生鲜商品签收 1 天，客户不说明理由要求退货。可以退货吗？"),
        "return_refund",
        signed_days_ago=1,
        perishable=True,
    ),
    Scenario(
        "unshipped_refund",
        gettext_lazy("订单尚未发货，客户申请仅退款。可以直接退款吗？"),
        "refund_only",
        signed_days_ago=None,
        shipped=False,
    ),
    Scenario(
        "size_exchange",
        gettext_lazy("客户 5 天前签收，尺码不合适，商品无质量问题，要求换货。可以换货吗？"),
        "exchange",
        signed_days_ago=5,
    ),
    Scenario(
        "transit_damage_amount",
        gettext_lazy("一件 %(price)s的商品运输中破损，按补偿标准应补偿多少？"),
        "compensation",
        ask="amount",
        category="transit_damage",
        unit_price=Decimal("300.00"),
    ),
    Scenario(
        "missing_item_approval",
        gettext_lazy("少发错发，客户要求补偿 %(asked)s。由谁审批？"),
        "compensation",
        ask="approval",
        category="missing_or_wrong_item",
        requested=Decimal("120.00"),
    ),
    Scenario(
        "large_approval",
        gettext_lazy("质量问题，客户要求补偿 %(asked)s。由谁审批？"),
        "compensation",
        ask="approval",
        category="quality_fault",
        requested=Decimal("800.00"),
    ),
    Scenario(
        "speedy_gold",
        gettext_lazy(
            "金卡会员 3 天前签收一件 %(price)s的商品，无恶意售后记录，办理无理由退货。能否先退款后退货（极速退款）？"
        ),
        "return_refund",
        ask="speedy",
        customer_tier="gold",
        unit_price=Decimal("800.00"),
    ),
    Scenario(
        "speedy_regular",
        gettext_lazy(
            "普通会员 3 天前签收一件 %(price)s的商品，办理无理由退货。能否先退款后退货（极速退款）？"
        ),
        "return_refund",
        ask="speedy",
        unit_price=Decimal("800.00"),
    ),
]


@dataclass
class Question:
    key: str
    text: str
    answer: str
    explanation: str
    choices: list[str]


def _facts(scenario: Scenario, at: datetime) -> tuple[LineFacts, CaseFacts]:
    def ago(days: int | None) -> datetime | None:
        if days is None:
            return None
        return datetime.combine((at - timedelta(days=days)).date(), time(10, 0), tzinfo=at.tzinfo)

    signed = ago(scenario.signed_days_ago)
    paid = ago(scenario.paid_days_ago) or (signed - timedelta(days=2) if signed else ago(1))
    line = LineFacts(
        category="electronics",
        is_custom_made=scenario.custom_made,
        is_perishable=scenario.perishable,
        unit_price=scenario.unit_price,
        order_paid_amount=scenario.unit_price,
        paid_at=paid,
        shipped_at=(paid + timedelta(hours=6)) if scenario.shipped and paid else None,
        signed_at=signed,
        customer_tier=scenario.customer_tier,
    )
    case = CaseFacts(
        category=scenario.category,
        completed_repairs=scenario.completed_repairs,
        requested_compensation=scenario.requested,
    )
    return line, case


def _answer(scenario: Scenario, result: Eligibility) -> tuple[str, list[str]]:
    entitlement = result.entitlements[scenario.resolution]
    roles = [str(ROLE_LABELS[r]) for r in ("agent", "team_lead", "director")]
    if scenario.ask == "amount":
        return (money(entitlement.amount) if entitlement.amount is not None else str(NO)), []
    if scenario.ask == "approval":
        return str(ROLE_LABELS[entitlement.approval or "agent"]), roles
    if scenario.ask == "freight":
        payers = [_("买家"), _("商家")]
        return (payers[0] if entitlement.freight_payer == "buyer" else payers[1]), payers
    if scenario.ask == "speedy":
        ok = entitlement.eligible and entitlement.speedy_refund
        return str(YES if ok else NO), [str(YES), str(NO)]
    return str(YES if entitlement.eligible else NO), [str(YES), str(NO)]


def explain(reasons: list[Reason]) -> str:
    """The engine's reasons in the active language, its data words (a gift's name) included."""
    localized = [
        Reason(r.code, {k: label(v) if isinstance(v, str) else v for k, v in r.params.items()})
        for r in reasons
    ]
    return _("；").join(r.render() for r in localized)


def quiz(compiled: CompiledPlaybook, *, at: datetime) -> list[Question]:
    """The questions with their key, in the active language. `at` is the reference time."""
    at = at.astimezone(compiled.tz)
    questions = []
    for scenario in SCENARIOS:
        line, case = _facts(scenario, at)
        result = evaluate(compiled, line, case, at=at)
        answer, choices = _answer(scenario, result)
        entitlement = result.entitlements[scenario.resolution]
        params = {"price": money(scenario.unit_price), "asked": money(scenario.requested or 0)}
        questions.append(
            Question(
                key=scenario.key,
                text=str(scenario.question) % params
                if "%(" in str(scenario.question)
                else str(scenario.question),
                answer=answer,
                explanation=explain(entitlement.reasons),
                choices=choices,
            )
        )
    return questions
