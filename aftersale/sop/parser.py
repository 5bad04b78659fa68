"""Free text (zh-hans or en) → a playbook draft.

Each field is cut into fragments; every fragment is either read into a fact or reported in
`warnings` with its text. The draft starts from the shipped default playbook, takes what was read,
and is then held to the statutory minimums (each raise is reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from aftersale.policy import schema as statutory
from aftersale.policy.schema import Playbook
from aftersale.policy.services import DEFAULT_PLAYBOOK

from .quantities import Amount, Duration, amounts, counts, durations, percents

REQUIRED_FIELDS = ("business_type", "return_policy", "team_structure", "common_issues", "service_standards")
OPTIONAL_FIELDS = ("escalation_matrix",)
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
MAX_FIELD_CHARS = 4000


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.I)


# What a clause around a number of days is about.
WINDOW_WORDS = {
    "exchange": _words(r"exchang", r"replac", r"swap", r"换货", r"更换", r"换新", r"调换", r"包换", r"可换"),
    "repair": _words(r"repair", r"fix(?:ed|ing)?\b", r"维修", r"修理", r"包修", r"返修"),
    "return": _words(
        r"return",
        r"refund",
        r"money[-\s]back",
        r"send (?:it )?back",
        r"退货",
        r"退款",
        r"退换",
        r"包退",
        r"可退",
        r"退回",
        r"无理由",
        r"unused",
        r"unopened",
        r"no[-\s]questions",
        r"no[-\s]reason",
        r"change of mind",
        r"remorse",
    ),
}
QUALITY_WORDS = _words(
    r"defect",
    r"faulty",
    r"fault",
    r"broken",
    r"quality",
    r"malfunction",
    r"damaged",
    r"doa\b",
    r"dead on arrival",
    r"not working",
    r"质量",
    r"故障",
    r"瑕疵",
    r"损坏",
    r"性能",
    r"坏",
)
ANY_REASON_WORDS = _words(
    r"any reason",
    r"no[-\s]reason",
    r"size",
    r"colou?r",
    r"unused",
    r"unopened",
    r"change of mind",
    r"无理由",
    r"尺码",
    r"颜色",
    r"不合适",
    r"未使用",
)
TIME_WORDS = {
    "fcr": _words(
        r"first[-\s]contact",
        r"first[-\s]call",
        r"one[-\s]touch",
        r"\bfcr\b",
        r"一次解决",
        r"首次解决",
        r"一次性解决",
    ),
    "csat": _words(r"csat", r"satisf", r"满意", r"好评"),
    "attainment": _words(
        r"\bsla\b",
        r"on[-\s]time",
        r"attainment",
        r"达成率",
        r"及时率",
        r"按时",
        r"达标率",
    ),
    "plan": _words(r"investigat", r"diagnos", r"\bplan\b", r"proposal", r"调查", r"方案", r"核实", r"排查"),
    "first_response": _words(
        r"respon",
        r"repl",
        r"acknowledg",
        r"answer",
        r"pick(?:ed)? up",
        r"get back",
        r"contact",
        r"回复",
        r"响应",
        r"首响",
        r"回应",
        r"应答",
        r"接起",
        r"受理",
        r"答复",
        r"接待",
    ),
    "resolution": _words(
        r"resol",
        r"solv",
        r"clos",
        r"fix",
        r"settl",
        r"complet",
        r"finish",
        r"handl",
        r"turnaround",
        r"解决",
        r"结案",
        r"办结",
        r"处理",
        r"完结",
        r"闭环",
        r"关单",
        r"完成",
    ),
}
TIER_ROLES = [
    (
        "manager",
        _words(
            r"manager", r"director", r"head of", r"\bhead\b", r"\bvp\b", r"经理", r"总监", r"负责人", r"主任"
        ),
    ),
    ("team_lead", _words(r"team[-\s]?lead", r"supervisor", r"\blead", r"组长", r"主管", r"班长", r"队长")),
    (
        "specialist",
        _words(
            r"specialist",
            r"expert",
            r"senior",
            r"engineer",
            r"technician",
            r"tech support",
            r"二线",
            r"专家",
            r"技术支持",
            r"工程师",
            r"高级客服",
            r"资深",
        ),
    ),
    (
        "agent",
        _words(
            r"agent",
            r"\breps?\b",
            r"representative",
            r"associate",
            r"advisor",
            r"operator",
            r"staff",
            r"一线",
            r"客服",
            r"专员",
            r"坐席",
            r"接待",
        ),
    ),
]
TIER_LEVEL_RE = re.compile(
    r"(?:tier|level|line|\bl)\s*[-:]?\s*(?P<n>[1-4]|one|two|three|four)\b|(?P<cn>[一二三])线"
    r"|(?P<ord>first|second|third)[-\s](?:line|tier|level)",
    re.I,
)
_LEVEL_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "一": 1,
    "二": 2,
    "三": 3,
    "first": 1,
    "second": 2,
    "third": 3,
}
ROLE_LEVEL = {"agent": 1, "specialist": 2, "team_lead": 2, "manager": 3}
PEOPLE_RE = re.compile(
    r"people|persons?|staff|members?|agents?|reps?|specialists?|experts?|leads?|supervisors?|managers?|"
    r"engineers?|seats?|人|名|位|个",
    re.I,
)
ISSUE_CATEGORIES = [
    ("transit_damage", _words(
        r"damaged in (?:transit|shipping|delivery)", r"shipping damage", r"arriv\w* damaged", r"crushed",
        r"transit", r"broken (?:in|during) (?:shipping|delivery)", r"破损", r"压坏", r"运输", r"摔坏",
        r"物流损坏",
    )),
    ("missing_or_wrong_item", _words(
        r"wrong", r"missing", r"incorrect", r"shipping error", r"mis-?ship", r"short[-\s]ship", r"少发",
        r"漏发", r"错发", r"发错", r"缺件", r"少件", r"漏件",
    )),
    ("not_as_described", _words(
        r"not as described", r"different from", r"doesn'?t match", r"mismatch", r"misrepresent", r"描述不符",
        r"色差", r"图文不符", r"货不对板", r"与描述不", r"不一致",
    )),
    ("counterfeit", _words(r"fake", r"counterfeit", r"假货", r"假冒", r"仿冒")),
    ("quality_fault", _words(
        r"defect", r"faulty", r"fault", r"broken", r"malfunction", r"not working", r"doesn'?t work",
        r"stopped working", r"dead on arrival", r"\bdoa\b", r"quality", r"damaged", r"故障", r"质量", r"坏",
        r"不能用", r"无法使用", r"瑕疵", r"次品", r"失灵", r"死机", r"异响", r"开不了机",
    )),
    ("no_reason_return", _words(
        r"remorse", r"change of mind", r"changed (?:their|his|her|my) mind", r"don'?t (?:like|want)",
        r"unwanted", r"no longer need", r"no[-\s]reason", r"size", r"doesn'?t fit", r"不想要", r"不喜欢",
        r"无理由", r"拍错", r"尺码", r"不合适",
    )),
    ("logistics_delay", _words(
        r"late", r"delay", r"lost (?:parcel|package|shipment)", r"not (?:delivered|received)", r"slow",
        r"tracking", r"where is my", r"wismo", r"延迟", r"延误", r"慢", r"丢件", r"未收到", r"没收到",
        r"物流", r"快递",
    )),
    ("product_usage", _words(
        r"how to", r"set ?up", r"install", r"usage", r"instructions", r"使用方法", r"安装", r"怎么用",
        r"操作", r"使用问题",
    )),
    ("invoice", _words(r"invoice", r"receipt", r"发票", r"收据")),
    ("service_attitude", _words(r"rude", r"attitude", r"态度")),
    ("false_advertising", _words(r"false advertis", r"misleading", r"虚假宣传", r"夸大宣传")),
]  # fmt: skip
TRIGGERS = [
    ("legal", _words(
        r"legal", r"lawyer", r"attorney", r"lawsuit", r"\bsue\b", r"suing", r"court", r"litigat", r"律师",
        r"起诉", r"法院", r"诉讼", r"法律", r"告你",
    )),
    ("media", _words(
        r"media", r"press", r"journalist", r"reporter", r"viral", r"weibo", r"public(?:ity| exposure)",
        r"曝光", r"媒体", r"记者", r"微博", r"抖音", r"舆情", r"小红书",
    )),
    ("regulator", _words(
        r"12315", r"consumer (?:association|council|protection)", r"regulator", r"authorit", r"government",
        r"消协", r"市场监管", r"工商", r"监管",
    )),
    ("repeat", _words(
        r"repeat", r"second complaint", r"again", r"multiple complaints", r"more than once", r"recurr",
        r"重复", r"多次", r"再次", r"二次投诉", r"反复",
    )),
    ("safety", _words(
        r"safety", r"injur", r"\bfire\b", r"hazard", r"burn", r"explo", r"安全", r"受伤", r"起火", r"爆炸",
        r"人身",
    )),
    ("fraud", _words(r"fraud", r"fake", r"counterfeit", r"scam", r"欺诈", r"假货", r"诈骗")),
    ("vip", _words(r"\bvip\b", r"key account", r"enterprise customer", r"大客户", r"重要客户", r"会员")),
    ("overdue", _words(
        r"unresolved", r"not resolved", r"overdue", r"open (?:for|after|longer)", r"still open", r"beyond",
        r"超时", r"未解决", r"未处理", r"逾期", r"没解决",
    )),
]  # fmt: skip
TRIGGER_LEXICON = {
    "legal": ["起诉", "律师", "法院"],
    "media": ["曝光", "媒体", "记者"],
    "regulator": ["12315", "消协"],
    "fraud": ["假货", "欺诈"],
    "safety": ["起火", "爆炸", "受伤"],
}
OVER_RE = _words(
    r">",
    r"＞",
    r"over",
    r"above",
    r"exceed",
    r"more than",
    r"greater than",
    r"higher than",
    r"beyond",
    r"超过",
    r"高于",
    r"大于",
    r"以上",
    r"超出",
    r"逾",
)
LIMIT_RE = _words(
    r"up to",
    r"without approval",
    r"at their discretion",
    r"no approval",
    r"on the spot",
    r"以内",
    r"以下",
    r"不超过",
    r"无需审批",
    r"直接",
    r"自行",
    r"最多",
)
CREDIT_RE = _words(
    r"credit",
    r"compensat",
    r"goodwill",
    r"coupon",
    r"voucher",
    r"gesture",
    r"refund",
    r"补偿",
    r"赔付",
    r"赔偿",
    r"优惠券",
    r"代金券",
    r"红包",
    r"余额",
)
TARGETS = [
    ("expert", _words(r"expert group", r"senior expert", r"专家组")),
    ("manager", _words(
        r"manager", r"director", r"head", r"management", r"经理", r"总监", r"负责人", r"管理层",
    )),
    ("tier_2", _words(
        r"tier[-\s]?2", r"tier two", r"level[-\s]?2", r"\bl2\b", r"second[-\s](?:line|tier|level)",
        r"specialist", r"team[-\s]?lead", r"supervisor", r"二线", r"组长", r"主管", r"专家",
    )),
]  # fmt: skip
ESCALATE_WORDS = _words(r"escalat", r"升级", r"转交", r"上报", r"转给", r"交由")
FILLER_AFTER_NUMBER = re.compile(
    r"\s*(?:内|以内|之内|内完成|内给出|内必须|within)?\s*[-–]?\s*(?:to\s+)?", re.I
)
BUSINESS_KINDS = [
    ("electronics", _words(
        r"electronic", r"phone", r"laptop", r"computer", r"gadget", r"camera", r"headphone", r"数码", r"电子",
        r"手机", r"电脑", r"3c", r"耳机",
    )),
    ("appliance", _words(r"appliance", r"kitchen", r"家电", r"电器", r"厨电")),
    ("clothing", _words(
        r"cloth", r"apparel", r"fashion", r"shoe", r"garment", r"服装", r"服饰", r"鞋", r"衣",
    )),
    ("food", _words(r"food", r"snack", r"grocer", r"beverage", r"食品", r"零食", r"生鲜", r"饮料")),
    ("cosmetics", _words(r"cosmetic", r"beauty", r"skincare", r"makeup", r"化妆品", r"美妆", r"护肤")),
    ("toys", _words(r"\btoy", r"玩具", r"母婴")),
    ("home", _words(r"furniture", r"home", r"bedding", r"家居", r"家纺", r"家具")),
]  # fmt: skip


@dataclass
class Tier:
    level: int
    role: str
    title: str
    count: int | None


@dataclass
class EscalationRule:
    target: str
    trigger: str
    amount: Decimal | None = None
    hours: int | None = None
    text: str = ""


@dataclass
class Issue:
    text: str
    category: str | None


@dataclass
class Facts:
    """Everything read, including what the playbook schema has no place for (head counts, targets)."""

    business: str = ""
    business_kind: str = ""
    no_reason_days: int | None = None
    quality_return_days: int | None = None
    exchange_days: int | None = None
    any_reason_exchange_days: int | None = None
    repair_days: int | None = None
    first_response_minutes: int | None = None
    resolution_hours: int | None = None
    plan_hours: int | None = None
    csat_percent: Decimal | None = None
    fcr_percent: Decimal | None = None
    attainment_percent: Decimal | None = None
    agent_credit_limit: Decimal | None = None
    tiers: list[Tier] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    escalations: list[EscalationRule] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # fact → the fragment it was read from


@dataclass
class ParseResult:
    facts: Facts
    draft: dict[str, Any]
    warnings: list[dict[str, str]]


class _Reader:
    def __init__(self) -> None:
        self.facts = Facts()
        self.warnings: list[dict[str, str]] = []

    def warn(self, field_name: str, fragment: str, code: str, message: str) -> None:
        self.warnings.append({"field": field_name, "fragment": fragment, "code": code, "message": message})

    def unreadable(self, field_name: str, fragment: str) -> None:
        self.warn(field_name, fragment, "unreadable", _("无法识别，未采用：%(f)s") % {"f": fragment})


def fragments(text: str, *, lists: bool = False) -> list[str]:
    """Clauses of a free-text field. `lists` also cuts at 'and', 'or', '/', '和', '或'."""
    parts = re.split(r"[，；;。\n！!？?]+|,(?!\d{3}(?!\d))|(?<!\d)\.(?!\d)|\.\s+", text)
    if lists:
        parts = [p for part in parts for p in re.split(r"\s+(?:and|or|&)\s+|/|、|和|或|及|以及", part)]
    return [p.strip(" \t-–—•*·:：()（）") for p in parts if p and p.strip(" \t-–—•*·:：()（）")]


def _labelled_durations(fragment: str, vocab: dict[str, re.Pattern[str]]) -> list[tuple[str, Duration]]:
    """Each duration with the label of the words around it (see the module doc)."""
    found = durations(fragment)
    labelled: list[tuple[str, Duration]] = []
    claimed_until = 0
    for i, duration in enumerate(found):
        next_start = found[i + 1].start if i + 1 < len(found) else len(fragment)
        before = fragment[max(claimed_until, found[i - 1].end if i else 0) : duration.start]
        after = fragment[duration.end : next_start]
        lead = FILLER_AFTER_NUMBER.match(after)
        rest = after[lead.end() if lead else 0 :]
        adjacent = any(p.match(rest) for p in vocab.values()) or (
            bool(re.match(r"[\u4e00-\u9fff]", rest)) and any(p.search(rest[:8]) for p in vocab.values())
        )
        clause = before + " " + after if adjacent else before
        if adjacent:
            claimed_until = next_start
        label = _classify(clause, vocab) or (None if adjacent else _classify(after, vocab))
        if label:
            labelled.append((label, duration))
    return labelled


def _classify(clause: str, vocab: dict[str, re.Pattern[str]]) -> str | None:
    for label, pattern in vocab.items():
        if pattern.search(clause):
            return label
    return None


def _read_windows(reader: _Reader, field_name: str, fragment: str) -> bool:
    read = False
    facts = reader.facts
    for label, duration in _labelled_durations(fragment, WINDOW_WORDS):
        days = duration.days
        if re.search(r"no returns|不退不换|不支持退|不接受退|概不退", fragment, re.I):
            continue
        if label == "exchange":
            if ANY_REASON_WORDS.search(fragment) and not QUALITY_WORDS.search(fragment):
                name = "any_reason_exchange_days"
            else:
                name = "exchange_days"
        elif label == "repair":
            name = "repair_days"
        elif QUALITY_WORDS.search(fragment) and not re.search(r"无理由|no[-\s]reason|unused", fragment, re.I):
            name = "quality_return_days"
        else:
            name = "no_reason_days"
        setattr(facts, name, days)
        facts.sources[name] = fragment
        read = True
    spans = durations(fragment)
    if not read and field_name == "return_policy" and len(spans) == 1:
        # A bare period in the return policy ("30 days") is the return window.
        facts.no_reason_days = spans[0].days
        facts.sources["no_reason_days"] = fragment
        read = True
    if re.search(r"no returns|不退不换|不支持退|不接受退|概不退", fragment, re.I):
        facts.no_reason_days = 0
        facts.sources["no_reason_days"] = fragment
        read = True
    return read


def _read_times(reader: _Reader, fragment: str) -> bool:
    facts = reader.facts
    read = False
    label = _classify(fragment, {k: TIME_WORDS[k] for k in ("fcr", "csat", "attainment")})
    values = percents(fragment)
    if label and values:
        setattr(
            facts,
            {"fcr": "fcr_percent", "csat": "csat_percent", "attainment": "attainment_percent"}[label],
            values[0],
        )
        return True
    vocab = {k: TIME_WORDS[k] for k in ("plan", "first_response", "resolution")}
    for label, duration in _labelled_durations(fragment, vocab):
        if label == "first_response":
            facts.first_response_minutes = duration.minutes
        elif label == "plan":
            facts.plan_hours = duration.hours
        else:
            facts.resolution_hours = duration.hours
        read = True
    return read


def _read_tier(reader: _Reader, fragment: str) -> bool:
    role = next((name for name, pattern in TIER_ROLES if pattern.search(fragment)), None)
    level_match = TIER_LEVEL_RE.search(fragment)
    if role is None and level_match is None:
        return False
    level = None
    if level_match:
        word = (level_match.group("n") or level_match.group("cn") or level_match.group("ord")).lower()
        level = int(word) if word.isdigit() else _LEVEL_WORDS[word]
    if role is None:
        role = "agent" if level == 1 else "specialist"
    if role == "agent" and level and level >= 2:
        role = "specialist"
    numbers = [
        c for c in counts(fragment) if not (level_match and level_match.start() <= c[1] < level_match.end())
    ]
    count = None
    for value, start, end in numbers:
        near = fragment[end : end + 12] + " " + fragment[max(0, start - 12) : start]
        if PEOPLE_RE.search(near) or len(numbers) == 1:
            count = value
            break
    if count is None and not re.search(r"(?:s|团队|组|们|team|staff)\b", fragment.split(":")[-1], re.I):
        count = 1
    reader.facts.tiers.append(Tier(level or ROLE_LEVEL[role], role, fragment, count))
    return True


def _read_issue(reader: _Reader, fragment: str) -> None:
    category = next((code for code, pattern in ISSUE_CATEGORIES if pattern.search(fragment)), None)
    reader.facts.issues.append(Issue(fragment, category))
    if category is None:
        reader.warn(
            "common_issues",
            fragment,
            "unmapped_issue",
            _("未能归入已知问题分类，SOP 中按原文列出，无对应补偿规则：%(f)s") % {"f": fragment},
        )


def _read_escalation(
    reader: _Reader, field_name: str, fragment: str, target: str | None
) -> tuple[bool, str | None]:
    """Returns (read, the target in force after this fragment)."""
    facts = reader.facts
    m = re.match(r"^(?P<head>[^:：]{1,40})[:：]\s*(?P<tail>.*)$", fragment)
    head, tail = (m["head"], m["tail"]) if m else ("", fragment)
    named = _classify(head, dict(TARGETS)) if head else None
    named = named or _classify(tail if head else fragment, dict(TARGETS))
    if named:
        target = named
    body = fragment
    read = bool(named)
    credit_amounts = [a for a in amounts(body) if LIMIT_RE.search(body) and CREDIT_RE.search(body)]
    if credit_amounts and not OVER_RE.search(re.sub(r"不超过|以上|not (?:to )?exceed", "", body, flags=re.I)):
        facts.agent_credit_limit = credit_amounts[0].value
        _note_currency(reader, field_name, fragment, credit_amounts)
        return True, target
    found = [a for a in amounts(body)]
    if found and (OVER_RE.search(body) or named):
        facts.escalations.append(
            EscalationRule(target or "tier_2", "amount", amount=found[0].value, text=fragment)
        )
        _note_currency(reader, field_name, fragment, found)
        read = True
    for trigger, pattern in TRIGGERS:
        if not pattern.search(body):
            continue
        if trigger == "overdue":
            spans = durations(body)
            if not spans:
                continue
            facts.escalations.append(
                EscalationRule(target or "tier_2", trigger, hours=spans[0].hours, text=fragment)
            )
        else:
            facts.escalations.append(
                EscalationRule(
                    target or ("expert" if trigger in TRIGGER_LEXICON else "tier_2"), trigger, text=fragment
                )
            )
        read = True
    return read, target


def _note_currency(reader: _Reader, field_name: str, fragment: str, found: list[Amount]) -> None:
    if any(a.currency != "CNY" for a in found):
        reader.warn(
            field_name,
            fragment,
            "currency",
            _("金额按人民币（元）记入：%(f)s") % {"f": fragment},
        )


def parse(data: dict[str, str]) -> ParseResult:
    """Read the free-text fields of a generate request (already checked for presence)."""
    reader = _Reader()
    facts = reader.facts
    business_parts = fragments(data["business_type"])
    facts.business = business_parts[0] if business_parts else data["business_type"].strip()
    facts.business_kind = next(
        (kind for kind, pattern in BUSINESS_KINDS if pattern.search(data["business_type"])), ""
    )
    for fragment in business_parts[1:]:
        _read_windows(reader, "business_type", fragment)  # anything else is description
    if business_parts:
        _read_windows(reader, "business_type", business_parts[0])

    for fragment in fragments(data["return_policy"]):
        if not _read_windows(reader, "return_policy", fragment):
            reader.unreadable("return_policy", fragment)

    target: str | None = None
    for fragment in fragments(data["team_structure"]):
        if _read_tier(reader, fragment):
            continue
        read, target = _read_escalation(reader, "team_structure", fragment, target)
        if not read:
            reader.unreadable("team_structure", fragment)

    for fragment in fragments(data["common_issues"], lists=True):
        _read_issue(reader, fragment)

    for fragment in fragments(data["service_standards"]):
        if not _read_times(reader, fragment):
            read, target = _read_escalation(reader, "service_standards", fragment, None)
            if not read:
                reader.unreadable("service_standards", fragment)

    target = None
    for fragment in fragments(data.get("escalation_matrix") or ""):
        read, target = _read_escalation(reader, "escalation_matrix", fragment, target)
        if not read and not _read_times(reader, fragment):
            if target and _classify(fragment, dict(TARGETS)):
                continue  # a bare rung name ("Manager") opens the next triggers
            reader.unreadable("escalation_matrix", fragment)
    return ParseResult(facts, build_draft(reader), reader.warnings)


def default_content() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))


def build_draft(reader: _Reader) -> dict[str, Any]:
    """The default playbook with what was read put in, held to the statutory minimums."""
    facts = reader.facts
    draft = default_content()
    draft["name"] = (facts.business or draft["name"])[:120]

    def raise_to(value: int | None, minimum: int, source: str, what: str) -> int | None:
        if value is None or value >= minimum:
            return value
        reader.warn(
            "return_policy",
            facts.sources.get(source, str(value)),
            "statutory_raise",
            _("%(what)s %(old)s 天低于法定最低 %(new)s 天，已提高到 %(new)s 天")
            % {"what": what, "old": value, "new": minimum},
        )
        return minimum

    no_reason = raise_to(
        facts.no_reason_days, statutory.STATUTORY_NO_REASON_DAYS, "no_reason_days", _("无理由退货期")
    )
    if no_reason is not None:
        draft["returns"]["no_reason"]["window_days"] = no_reason
    quality_return = raise_to(
        facts.quality_return_days,
        statutory.STATUTORY_QUALITY_RETURN_DAYS,
        "quality_return_days",
        _("质量问题退货期"),
    )
    if quality_return is not None:
        draft["quality"]["return_days"] = quality_return
    exchange = raise_to(
        facts.exchange_days, statutory.STATUTORY_QUALITY_EXCHANGE_DAYS, "exchange_days", _("质量问题换货期")
    )
    if exchange is not None:
        draft["quality"]["exchange_days"] = exchange
    if facts.any_reason_exchange_days is not None:
        draft["returns"]["any_reason_exchange_days"] = facts.any_reason_exchange_days
    if facts.repair_days is not None:
        if facts.repair_days > statutory.STATUTORY_REPAIR_LIMIT_DAYS:
            reader.warn(
                "return_policy",
                facts.sources.get("repair_days", str(facts.repair_days)),
                "statutory_raise",
                _("维修期限 %(old)s 天超过法定上限 %(new)s 天，已改为 %(new)s 天")
                % {"old": facts.repair_days, "new": statutory.STATUTORY_REPAIR_LIMIT_DAYS},
            )
        draft["quality"]["repair_limit_days"] = min(facts.repair_days, statutory.STATUTORY_REPAIR_LIMIT_DAYS)

    levels = draft["service_levels"]
    if facts.first_response_minutes is not None:
        levels["first_response_minutes"] = max(1, min(facts.first_response_minutes, 10_080))
    if facts.resolution_hours is not None:
        levels["ordinary_close_hours"] = max(1, facts.resolution_hours)
        levels["logistics_resolve_hours"] = max(
            1, min(levels["logistics_resolve_hours"], facts.resolution_hours)
        )
    if facts.plan_hours is not None:
        levels["exception_plan_hours"] = facts.plan_hours
    if facts.attainment_percent is not None:
        levels["attainment_target_percent"] = float(facts.attainment_percent)

    limits = draft["compensation"]["approval_limits"]
    if facts.agent_credit_limit is not None:
        limits["agent"] = float(facts.agent_credit_limit)
        limits["team_lead"] = max(limits["team_lead"], limits["agent"])
    for rule in facts.escalations:
        if rule.trigger == "amount" and rule.target == "manager" and rule.amount is not None:
            limits["team_lead"] = max(float(rule.amount), limits["agent"])
        elif rule.trigger == "overdue" and rule.hours:
            draft["escalation"]["exception_after_hours"] = rule.hours
        for word in TRIGGER_LEXICON.get(rule.trigger, []):
            if word not in draft["lexicon"]["words"]:
                draft["lexicon"]["words"].append(word)

    roles = {t.role for t in facts.tiers}
    if facts.tiers:
        chain = ["agent"]
        if roles & {"specialist", "team_lead"}:
            chain.append("team_lead")
        if "manager" in roles or len(chain) == 1:
            chain.append("operations_manager")
        draft["escalation"]["chain"] = chain
        draft["teams"] = [
            {"name": t.title[:80], "lead": ""} for t in sorted(facts.tiers, key=lambda t: t.level)
        ]

    for issue in facts.issues:
        if issue.category in ("quality_fault", "not_as_described", "transit_damage", "missing_or_wrong_item"):
            if issue.category not in draft["quality"]["fault_categories"]:
                draft["quality"]["fault_categories"].append(issue.category)
    Playbook.model_validate(draft)  # the draft is always a valid playbook
    return draft
