"""The free-text parser: at least 15 phrasings per field in each language, unreadable fragments,
statutory minimums."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersale.policy.schema import Playbook
from aftersale.sop.parser import fragments, parse

BASE = {
    "business_type": "Consumer electronics",
    "return_policy": "30 days unused",
    "team_structure": "Tier 1: 10 agents",
    "common_issues": "Defective products",
    "service_standards": "First response 2 hours",
}


def _parse(**fields):
    return parse({**BASE, **fields})


# (text, expected facts) — windows in days.
WINDOWS_EN = [
    ("30 days unused", {"no_reason_days": 30}),
    ("Returns accepted within 30 days of delivery", {"no_reason_days": 30}),
    ("30-day return policy", {"no_reason_days": 30}),
    ("Unopened items may be returned within fourteen days", {"no_reason_days": 14}),
    ("Money-back guarantee for 60 days", {"no_reason_days": 60}),
    ("No-questions-asked returns for 2 weeks", {"no_reason_days": 14}),
    ("Customers can return items within one month", {"no_reason_days": 30}),
    ("14 days defective exchange", {"exchange_days": 14}),
    ("Defective items can be exchanged within 20 days", {"exchange_days": 20}),
    ("Replacement for faulty goods within 30 days", {"exchange_days": 30}),
    ("Defective products may be returned for a refund within 10 days", {"quality_return_days": 10}),
    ("Repairs completed within 15 days", {"repair_days": 15}),
    ("Size exchanges accepted within 10 days", {"any_reason_exchange_days": 10}),
    ("Refund within 7 days for unused goods", {"no_reason_days": 7}),
    ("Return window: 45 days", {"no_reason_days": 45}),
    ("Buyers have 21 days to send it back", {"no_reason_days": 21}),
]
WINDOWS_ZH = [
    ("七天无理由退货", {"no_reason_days": 7}),
    ("15天无理由退换", {"no_reason_days": 15}),
    ("签收后30天内可退货", {"no_reason_days": 30}),
    ("支持十五天无理由退货", {"no_reason_days": 15}),
    ("退货期限：20天", {"no_reason_days": 20}),
    ("一个月内无理由退货", {"no_reason_days": 30}),
    ("两周内未使用可退", {"no_reason_days": 14}),
    ("15天换货", {"exchange_days": 15}),
    ("质量问题30天内包换", {"exchange_days": 30}),
    ("二十天内质量问题可换新", {"exchange_days": 20}),
    ("质量问题10天内退货", {"quality_return_days": 10}),
    ("性能故障七日内可退款", {"quality_return_days": 7}),
    ("维修不超过20天", {"repair_days": 20}),
    ("尺码不合适10天内可换", {"any_reason_exchange_days": 10}),
    ("收货之日起14日内无理由退货", {"no_reason_days": 14}),
    ("60天退款保证", {"no_reason_days": 60}),
]


@pytest.mark.parametrize(
    ("text", "expected"), WINDOWS_EN + WINDOWS_ZH, ids=[t for t, _ in WINDOWS_EN + WINDOWS_ZH]
)
def test_windows(text, expected):
    result = _parse(return_policy=text)
    for name, value in expected.items():
        assert getattr(result.facts, name) == value, (text, result.facts)
    assert not [w for w in result.warnings if w["code"] == "unreadable"], result.warnings


TIMES_EN = [
    ("First response 2 hours", {"first_response_minutes": 120}),
    ("Respond within 30 minutes", {"first_response_minutes": 30}),
    ("Reply to every message in 15 mins", {"first_response_minutes": 15}),
    ("Acknowledge within 1 hour", {"first_response_minutes": 60}),
    ("2-hour response", {"first_response_minutes": 120}),
    ("Response time <2hrs", {"first_response_minutes": 120}),
    ("We answer within half an hour", {"first_response_minutes": 30}),
    ("resolution 24 hours", {"resolution_hours": 24}),
    ("Resolve within 48h", {"resolution_hours": 48}),
    ("Cases closed within 3 days", {"resolution_hours": 72}),
    ("Respond within 2h and resolve within 24h", {"first_response_minutes": 120, "resolution_hours": 24}),
    ("Turnaround time of 1 business day", {"resolution_hours": 24}),
    ("Investigation complete within 4 hours", {"plan_hours": 4}),
    ("CSAT above 85%", {"csat_percent": Decimal(85)}),
    ("First contact resolution >70%", {"fcr_percent": Decimal(70)}),
    ("SLA attainment 95%", {"attainment_percent": Decimal(95)}),
]
TIMES_ZH = [
    ("首次响应30分钟", {"first_response_minutes": 30}),
    ("30分钟内响应", {"first_response_minutes": 30}),
    ("首响不超过5分钟", {"first_response_minutes": 5}),
    ("客服需在两小时内回复", {"first_response_minutes": 120}),
    ("半小时内回复客户", {"first_response_minutes": 30}),
    ("受理时限1小时", {"first_response_minutes": 60}),
    ("24小时内解决", {"resolution_hours": 24}),
    ("处理时效48小时", {"resolution_hours": 48}),
    ("3个工作日内结案", {"resolution_hours": 72}),
    ("2小时响应 24小时解决", {"first_response_minutes": 120, "resolution_hours": 24}),
    ("一般问题当天办结", {"resolution_hours": 24}),
    ("4小时内给出处理方案", {"plan_hours": 4}),
    ("满意度不低于90%", {"csat_percent": Decimal(90)}),
    ("一次解决率75%", {"fcr_percent": Decimal(75)}),
    ("按时完成率达到百分之九十五", {"attainment_percent": Decimal(95)}),
    ("回复时间一个半小时以内", {"first_response_minutes": 90}),
]


@pytest.mark.parametrize(("text", "expected"), TIMES_EN + TIMES_ZH, ids=[t for t, _ in TIMES_EN + TIMES_ZH])
def test_service_standards(text, expected):
    result = _parse(service_standards=text)
    for name, value in expected.items():
        assert getattr(result.facts, name) == value, (text, result.facts)
    assert not [w for w in result.warnings if w["code"] == "unreadable"], result.warnings


# (text, [(level, role, count), ...])
TIERS_EN = [
    ("Tier 1: 10 agents", [(1, "agent", 10)]),
    ("Tier 2: 3 specialists", [(2, "specialist", 3)]),
    ("Manager", [(3, "manager", 1)]),
    (
        "Tier 1: 10 agents, Tier 2: 3 specialists, Manager",
        [(1, "agent", 10), (2, "specialist", 3), (3, "manager", 1)],
    ),
    ("12 frontline reps", [(1, "agent", 12)]),
    ("Level 1 support (8 people)", [(1, "agent", 8)]),
    ("L2: 4 engineers", [(2, "specialist", 4)]),
    ("2 team leads", [(2, "team_lead", 2)]),
    ("One supervisor", [(2, "team_lead", 1)]),
    ("a customer service director", [(3, "manager", 1)]),
    ("Five agents on chat", [(1, "agent", 5)]),
    ("Second line: 2 senior specialists", [(2, "specialist", 2)]),
    ("Head of support", [(3, "manager", 1)]),
    ("20 customer service representatives", [(1, "agent", 20)]),
    ("Tier 1 x 6 agents", [(1, "agent", 6)]),
    ("3 technicians for repairs", [(2, "specialist", 3)]),
]
TIERS_ZH = [
    ("客服专员10人", [(1, "agent", 10)]),
    ("组长2人", [(2, "team_lead", 2)]),
    ("总监1人", [(3, "manager", 1)]),
    ("客服专员10人，组长2人，总监1人", [(1, "agent", 10), (2, "team_lead", 2), (3, "manager", 1)]),
    ("一线客服8名", [(1, "agent", 8)]),
    ("二线专家3名", [(2, "specialist", 3)]),
    ("售后经理一名", [(3, "manager", 1)]),
    ("10名客服", [(1, "agent", 10)]),
    ("主管两人", [(2, "team_lead", 2)]),
    ("坐席十二个", [(1, "agent", 12)]),
    ("技术支持工程师4位", [(2, "specialist", 4)]),
    ("售后负责人", [(3, "manager", 1)]),
    ("三线：总监", [(3, "manager", 1)]),
    ("一线：6位客服专员", [(1, "agent", 6)]),
    ("资深客服3人", [(2, "specialist", 3)]),
    ("班长1名", [(2, "team_lead", 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TIERS_EN + TIERS_ZH, ids=[t for t, _ in TIERS_EN + TIERS_ZH])
def test_team_structure(text, expected):
    result = _parse(team_structure=text)
    got = [(t.level, t.role, t.count) for t in result.facts.tiers]
    assert got == expected, text
    assert not result.warnings, result.warnings
    Playbook.model_validate(result.draft)


ISSUES_EN = [
    ("Defective products", ["quality_fault"]),
    ("wrong items", ["missing_or_wrong_item"]),
    ("buyer's remorse", ["no_reason_return"]),
    (
        "Defective products, wrong items, buyer's remorse",
        ["quality_fault", "missing_or_wrong_item", "no_reason_return"],
    ),
    ("Items damaged in transit", ["transit_damage"]),
    ("Late delivery and lost packages", ["logistics_delay", "logistics_delay"]),
    ("Missing parts", ["missing_or_wrong_item"]),
    ("Product not as described", ["not_as_described"]),
    ("Device stopped working after a week", ["quality_fault"]),
    ("Customers changed their mind", ["no_reason_return"]),
    ("Questions about setup", ["product_usage"]),
    ("Invoice requests", ["invoice"]),
    ("Complaints about rude staff", ["service_attitude"]),
    ("Counterfeit claims", ["counterfeit"]),
    ("Wrong item / doesn't fit", ["missing_or_wrong_item", "no_reason_return"]),
    ("Arrived damaged; DOA units", ["transit_damage", "quality_fault"]),
]
ISSUES_ZH = [
    ("质量问题", ["quality_fault"]),
    ("错发漏发", ["missing_or_wrong_item"]),
    ("物流慢", ["logistics_delay"]),
    ("质量问题、错发、物流损坏", ["quality_fault", "missing_or_wrong_item", "transit_damage"]),
    ("商品破损", ["transit_damage"]),
    ("少发配件", ["missing_or_wrong_item"]),
    ("与描述不符", ["not_as_described"]),
    ("开不了机", ["quality_fault"]),
    ("买家不想要了", ["no_reason_return"]),
    ("尺码不合适", ["no_reason_return"]),
    ("安装使用咨询", ["product_usage"]),
    ("开发票", ["invoice"]),
    ("服务态度差", ["service_attitude"]),
    ("怀疑买到假货", ["counterfeit"]),
    ("快递延误和丢件", ["logistics_delay", "logistics_delay"]),
    ("色差，有瑕疵", ["not_as_described", "quality_fault"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), ISSUES_EN + ISSUES_ZH, ids=[t for t, _ in ISSUES_EN + ISSUES_ZH]
)
def test_common_issues(text, expected):
    result = _parse(common_issues=text)
    assert [i.category for i in result.facts.issues] == expected, text
    assert not result.warnings, result.warnings


# (text, [(target, trigger, amount or hours)], agent credit limit)
ESCALATIONS_EN = [
    ("Tier 2: >$500 value", [("tier_2", "amount", Decimal(500))], None),
    ("Manager: legal threat", [("manager", "legal", None)], None),
    (
        "Manager: legal threat, repeat complaint",
        [("manager", "legal", None), ("manager", "repeat", None)],
        None,
    ),
    ("Orders over 1000 yuan go to the manager", [("manager", "amount", Decimal(1000))], None),
    ("Escalate to a supervisor when the refund exceeds ¥300", [("tier_2", "amount", Decimal(300))], None),
    ("Lawyer mentioned → director", [("manager", "legal", None)], None),
    ("Media attention: escalate to management", [("manager", "media", None)], None),
    ("Threats to contact 12315 go to the expert group", [("expert", "regulator", None)], None),
    ("Any safety hazard or injury: manager", [("manager", "safety", None)], None),
    ("Unresolved after 48 hours: team lead", [("tier_2", "overdue", 48)], None),
    ("Fraud suspicion → manager", [("manager", "fraud", None)], None),
    ("VIP customers go straight to tier 2", [("tier_2", "vip", None)], None),
    ("Agents may offer up to $50 credit without approval", [], Decimal(50)),
    ("Repeat complaints: escalate to the manager", [("manager", "repeat", None)], None),
    ("Social media posts → director", [("manager", "media", None)], None),
    ("Claims above 2,000 RMB: manager", [("manager", "amount", Decimal(2000))], None),
]
ESCALATIONS_ZH = [
    ("超过500元转组长", [("tier_2", "amount", Decimal(500))], None),
    ("涉及律师转总监", [("manager", "legal", None)], None),
    ("涉及媒体", [("expert", "media", None)], None),
    ("金额1000元以上由经理处理", [("manager", "amount", Decimal(1000))], None),
    ("客户威胁起诉：升级至总监", [("manager", "legal", None)], None),
    ("提到12315或消协的转专家组", [("expert", "regulator", None)], None),
    ("重复投诉转主管", [("tier_2", "repeat", None)], None),
    ("超过48小时未解决升级到组长", [("tier_2", "overdue", 48)], None),
    ("涉及人身安全的立即上报总监", [("manager", "safety", None)], None),
    ("疑似欺诈转经理", [("manager", "fraud", None)], None),
    ("大客户投诉交由二线处理", [("tier_2", "vip", None)], None),
    ("客服可直接补偿30元以内", [], Decimal(30)),
    ("经理：赔付金额高于两千元", [("manager", "amount", Decimal(2000))], None),
    ("微博曝光风险由总监负责", [("manager", "media", None)], None),
    ("补偿不超过50元无需审批", [], Decimal(50)),
    ("组长：单笔退款大于300块", [("tier_2", "amount", Decimal(300))], None),
]


@pytest.mark.parametrize(
    ("text", "expected", "credit"),
    ESCALATIONS_EN + ESCALATIONS_ZH,
    ids=[t for t, *_ in ESCALATIONS_EN + ESCALATIONS_ZH],
)
def test_escalation_matrix(text, expected, credit):
    result = _parse(escalation_matrix=text)
    got = [
        (r.target, r.trigger, r.amount if r.trigger == "amount" else r.hours)
        for r in result.facts.escalations
    ]
    assert got == expected, text
    assert result.facts.agent_credit_limit == credit
    assert not [w for w in result.warnings if w["code"] == "unreadable"], result.warnings


def test_each_field_has_fifteen_phrasings_in_each_language():
    for table in (WINDOWS_EN, WINDOWS_ZH, TIMES_EN, TIMES_ZH, TIERS_EN, TIERS_ZH):
        assert len(table) >= 15
    for table in (ISSUES_EN, ISSUES_ZH, ESCALATIONS_EN, ESCALATIONS_ZH):
        assert len(table) >= 15


@pytest.mark.parametrize(
    ("field", "text", "fragment"),
    [
        ("return_policy", "30 days unused, the weather is nice", "the weather is nice"),
        ("return_policy", "七天无理由退货，天气很好", "天气很好"),
        ("service_standards", "First response 2 hours, be friendly always", "be friendly always"),
        ("service_standards", "首次响应30分钟；热情周到", "热情周到"),
        ("team_structure", "Tier 1: 10 agents, plus the coffee machine", "plus the coffee machine"),
        ("escalation_matrix", "Manager: legal threat; blue sky thinking", "blue sky thinking"),
        ("escalation_matrix", "涉及律师转总监；随机应变", "随机应变"),
    ],
)
def test_unreadable_fragments_are_reported_with_their_text(field, text, fragment):
    result = _parse(**{field: text})
    unreadable = [w for w in result.warnings if w["code"] == "unreadable"]
    assert [(w["field"], w["fragment"]) for w in unreadable] == [(field, fragment)]
    assert fragment in unreadable[0]["message"]


def test_an_unmapped_issue_is_kept_and_reported():
    result = _parse(common_issues="Defective products, alien abduction")
    assert [i.text for i in result.facts.issues] == ["Defective products", "alien abduction"]
    assert [(w["code"], w["fragment"]) for w in result.warnings] == [("unmapped_issue", "alien abduction")]


def test_statutory_minimums_are_applied_and_each_raise_stated():
    result = _parse(
        return_policy="3 days unused, 14 days defective exchange, defective returns within 5 days"
    )
    draft = Playbook.model_validate(result.draft)
    assert draft.returns.no_reason.window_days == 7
    assert draft.quality.exchange_days == 15
    assert draft.quality.return_days == 7
    raises = [w for w in result.warnings if w["code"] == "statutory_raise"]
    assert sorted(w["fragment"] for w in raises) == [
        "14 days defective exchange",
        "3 days unused",
        "defective returns within 5 days",
    ]
    assert any("15" in w["message"] and "14" in w["message"] for w in raises)


def test_no_returns_is_raised_to_the_statutory_seven_days():
    result = _parse(return_policy="不退不换")
    assert result.draft["returns"]["no_reason"]["window_days"] == 7
    assert [w["code"] for w in result.warnings] == ["statutory_raise"]


def test_an_exclusion_stated_as_a_policy_keeps_the_statutory_window():
    result = _parse(return_policy="生鲜商品不支持七天无理由退货，收货24小时内发现质量问题可退款")
    assert result.draft["returns"]["no_reason"]["window_days"] == 7
    assert result.draft["quality"]["return_days"] == 7  # 1 day raised to the statutory 7
    assert [w["code"] for w in result.warnings] == ["statutory_kept", "statutory_raise"]


def test_several_first_response_targets_keep_the_strictest():
    result = _parse(service_standards="Reply to emails within 24 hours; live chat within 2 minutes")
    assert result.facts.first_response_minutes == 2
    assert [w["code"] for w in result.warnings] == ["several_targets"]


def test_a_team_in_one_sentence_and_the_owner_as_manager():
    result = _parse(
        team_structure="5 support agents and 1 team lead; the owner handles escalations",
        escalation_matrix="Chargebacks and legal threats go to the owner",
    )
    assert [(t.role, t.count) for t in result.facts.tiers] == [("agent", 5), ("team_lead", 1), ("manager", 1)]
    assert [(r.target, r.trigger) for r in result.facts.escalations] == [("manager", "legal")]
    assert result.warnings == []


def test_repair_limit_above_the_statutory_maximum_is_lowered():
    result = _parse(return_policy="Repairs completed within 45 days")
    assert result.draft["quality"]["repair_limit_days"] == 30
    assert [w["code"] for w in result.warnings] == ["statutory_raise"]


def test_the_draft_carries_what_was_read():
    result = parse(
        {
            "business_type": "Consumer electronics, 30-day return policy",
            "return_policy": "30 days unused, 14 days defective exchange",
            "team_structure": "Tier 1: 10 agents, Tier 2: 3 specialists, Manager",
            "common_issues": "Defective products, wrong items, buyer's remorse",
            "service_standards": "First response 2 hours, resolution 24 hours",
            "escalation_matrix": (
                "Tier 2: >$500 value, Manager: legal threat, Agents may offer up to $50 credit"
            ),
        }
    )
    draft = Playbook.model_validate(result.draft)
    assert draft.name == "Consumer electronics"
    assert draft.returns.no_reason.window_days == 30
    assert draft.quality.exchange_days == 15
    assert draft.service_levels.first_response_minutes == 120
    assert draft.service_levels.ordinary_close_hours == 24
    assert draft.escalation.chain == ["agent", "team_lead", "operations_manager"]
    assert [t.name for t in draft.teams] == ["Tier 1: 10 agents", "Tier 2: 3 specialists", "Manager"]
    assert draft.compensation.approval_limits.agent == Decimal(50)
    assert {"起诉", "律师"} <= set(draft.lexicon.words)
    assert {w["code"] for w in result.warnings} == {"statutory_raise", "currency", "not_enforced"}


def test_fragments_keep_decimals_and_split_lists():
    assert fragments("CSAT 4.5, FCR 70%. Reply fast") == ["CSAT 4.5", "FCR 70%", "Reply fast"]
    assert fragments("质量问题、错发和物流慢", lists=True) == ["质量问题", "错发", "物流慢"]
