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
from .vocabulary import (
    ANY_REASON_WORDS,
    BUSINESS_KINDS,
    CREDIT_RE,
    FILLER_AFTER_NUMBER,
    ISSUE_CATEGORIES,
    LEVEL_WORDS,
    LIMIT_RE,
    NO_RETURNS_RE,
    NOT_OFFERED_RE,
    OVER_RE,
    PEOPLE_RE,
    QUALITY_WORDS,
    ROLE_LEVEL,
    TARGETS,
    TIER_LEVEL_RE,
    TIER_ROLES,
    TIME_WORDS,
    TRIGGER_LEXICON,
    TRIGGERS,
    WINDOW_WORDS,
)

REQUIRED_FIELDS = ("business_type", "return_policy", "team_structure", "common_issues", "service_standards")
OPTIONAL_FIELDS = ("escalation_matrix",)
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
MAX_FIELD_CHARS = 4000


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
    if NO_RETURNS_RE.search(fragment) or (
        NOT_OFFERED_RE.search(fragment) and _classify(fragment, {"return": WINDOW_WORDS["return"]})
    ):
        if durations(fragment):
            # "生鲜不支持七天无理由退货": an exclusion the law already makes; the window itself stays.
            reader.warn(
                field_name,
                fragment,
                "statutory_kept",
                _("无理由退货是法定义务，不能整体取消；定作、鲜活易腐等商品依法自动除外：%(f)s")
                % {"f": fragment},
            )
        else:
            # "No returns": read as 0 days, which the statutory minimum then raises (and says so).
            facts.no_reason_days = 0
            facts.sources["no_reason_days"] = fragment
        return True
    for label, duration in _labelled_durations(fragment, WINDOW_WORDS):
        days = duration.days
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
            if facts.first_response_minutes is not None and facts.first_response_minutes != duration.minutes:
                reader.warn(
                    "service_standards",
                    fragment,
                    "several_targets",
                    _("有多个首次响应时限，采用最严格的 %(m)s 分钟：%(f)s")
                    % {"m": min(facts.first_response_minutes, duration.minutes), "f": fragment},
                )
                facts.first_response_minutes = min(facts.first_response_minutes, duration.minutes)
            else:
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
        level = int(word) if word.isdigit() else LEVEL_WORDS[word]
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
    if count is None and not _plural(fragment, role):
        count = 1
    reader.facts.tiers.append(Tier(level or ROLE_LEVEL[role], role, fragment, count))
    return True


def _plural(fragment: str, role: str) -> bool:
    """Whether the role is named in the plural ("specialists", "团队") rather than as one person."""
    if re.search(r"团队|组员|们|team\b|staff", fragment, re.I):
        return True
    pattern = dict(TIER_ROLES)[role]
    match = pattern.search(fragment)
    if match is None:
        return False
    word = re.match(r"[A-Za-z-]*", fragment[match.start() :]).group(0)
    return word.lower().endswith("s") and not word.lower().endswith("ss")


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
    for fragment in fragments(data["team_structure"], lists=True):
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
        elif rule.trigger == "amount":
            reader.warn(
                "escalation_matrix",
                rule.text,
                "not_enforced",
                _("该金额门槛写入 SOP 文本，系统不据此转派；系统按补偿审批额度执行：%(f)s")
                % {"f": rule.text},
            )
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
