"""Training materials per role, and a quiz whose key is the eligibility engine's judgement."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import yaml
from docx import Document as Docx
from pypdf import PdfReader

from aftersale import cli
from aftersale.policy.engine import CaseFacts, LineFacts, evaluate
from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_active, playbook_publish
from aftersale.sop.document import to_markdown
from aftersale.sop.quiz import SCENARIOS
from aftersale.sop.services import training_document, training_quiz

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 30, 12, 0, tzinfo=SHANGHAI)


def _publish(people, **changes) -> int:
    content = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    for path, value in changes.items():
        node = content
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return playbook_publish(
        source=yaml.safe_dump(content, allow_unicode=True), reason="t", actor=people.director
    ).number


def _key(number=None, lang="zh-hans") -> dict[str, str]:
    return {q.key: q.answer for q in training_quiz(number=number, lang=lang, at=AT)}


@pytest.mark.parametrize(
    ("role", "titles"),
    [
        ("agent", ["学习模块", "执行清单", "话术：安抚与致歉", "演练：来自真实场景", "测验", "测验答案"]),
        ("team_lead", ["学习模块", "执行清单", "话术：安抚与致歉", "演练：来自真实场景", "测验", "测验答案"]),
        ("director", ["学习模块", "执行清单", "演练：来自真实场景", "测验", "测验答案"]),
        ("optimizer", ["学习模块", "执行清单", "演练：来自真实场景", "测验", "测验答案"]),
    ],
)
def test_materials_per_role(people, role, titles):
    document = training_document(role=role, at=AT)
    assert [s.title for s in document.sections] == titles
    text = to_markdown(document)
    assert "%(" not in text and "None" not in text
    assert "家电运输破损" in text and "2000 元的电器" in text  # the seed's damaged-appliance case
    assert len([s for s in document.sections if s.key == "quiz"][0].steps) == len(SCENARIOS)


def test_agent_scripts_and_drills_carry_the_playbook_numbers(people):
    text = to_markdown(training_document(role="agent", at=AT))
    assert "15 天内都可以" in text  # apology script: the exchange window
    assert "补偿 5 元余额" in text  # late-delivery script: the matrix
    assert "或按补偿标准补偿 200 元，需由客服组长审批" in text  # 10 % of 2000, judged by the engine
    assert "系统判断：退货退款、换货、维修、补偿" in text  # repaired twice


def test_quiz_key_agrees_with_the_engine(people):
    compiled = playbook_active()
    questions = {q.key: q for q in training_quiz(at=AT)}

    def signed(days_ago: int) -> datetime:
        return datetime.combine((AT - timedelta(days=days_ago)).date(), time(10), tzinfo=SHANGHAI)

    # "Signed off 9 days ago, unopened, no reason given: can it be returned?"
    line = LineFacts(
        category="electronics",
        unit_price=Decimal("199"),
        paid_at=signed(11),
        shipped_at=signed(10),
        signed_at=signed(9),
    )
    judged = evaluate(compiled, line, CaseFacts(), at=AT).entitlements["return_refund"]
    assert judged.eligible is False
    assert questions["no_reason_9_days"].answer == "不可以"
    assert questions["no_reason_9_days"].explanation == "；".join(r.render() for r in judged.reasons)

    line = LineFacts(
        category="electronics",
        unit_price=Decimal("199"),
        paid_at=signed(14),
        shipped_at=signed(13),
        signed_at=signed(12),
    )
    judged = evaluate(compiled, line, CaseFacts(category="quality_fault"), at=AT).entitlements["exchange"]
    assert judged.eligible is True and questions["quality_exchange_12_days"].answer == "可以"

    line = LineFacts(
        category="electronics",
        unit_price=Decimal("300"),
        paid_at=signed(5),
        shipped_at=signed(4),
        signed_at=signed(3),
    )
    judged = evaluate(compiled, line, CaseFacts(category="transit_damage"), at=AT).entitlements[
        "compensation"
    ]
    assert questions["transit_damage_amount"].answer == f"{judged.amount:.0f} 元" == "30 元"

    case = CaseFacts(category="missing_or_wrong_item", requested_compensation=Decimal("120"))
    judged = evaluate(compiled, line, case, at=AT).entitlements["compensation"]
    assert judged.approval == "team_lead" and questions["missing_item_approval"].answer == "客服组长"

    assert _key() == {
        "no_reason_9_days": "不可以",
        "no_reason_5_days": "可以",
        "no_reason_freight": "买家",
        "no_reason_20_days": "不可以",
        "quality_return_10_days": "不可以",
        "quality_exchange_12_days": "可以",
        "quality_exchange_20_days": "不可以",
        "repair_in_warranty": "可以",
        "repair_out_of_warranty": "不可以",
        "repeated_fault": "可以",
        "custom_made": "不可以",
        "perishable": "不可以",
        "unshipped_refund": "可以",
        "size_exchange": "不可以",
        "transit_damage_amount": "30 元",
        "missing_item_approval": "客服组长",
        "large_approval": "售后总监",
        "speedy_gold": "可以",
        "speedy_regular": "不可以",
    }


def test_the_key_changes_when_the_playbook_changes(people):
    before = _key()
    number = _publish(
        people,
        returns__no_reason__window_days=15,
        returns__no_reason__freight_payer="seller",
        returns__any_reason_exchange_days=10,
        quality__exchange_days=30,
        compensation__approval_limits__agent=150,
    )
    after = _key(number)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {
        "no_reason_9_days",  # 9 days < 15
        "no_reason_freight",  # the seller pays now
        "quality_return_10_days",  # no-reason return still open at day 10
        "quality_exchange_20_days",  # 20 days < 30
        "size_exchange",  # any-reason exchange within 10 days
        "missing_item_approval",  # 120 is within the agent's new limit
    }
    assert after["no_reason_9_days"] == "可以" and after["no_reason_freight"] == "商家"
    assert after["missing_item_approval"] == "客服专员"
    assert _key(1) == before  # an older version keeps its own key


def test_english_materials(people):
    text = to_markdown(training_document(role="agent", lang="en", at=AT))
    assert text.startswith("# Training: Agent")
    assert "## Reply scripts: de-escalation and apology" in text
    assert [q.answer for q in training_quiz(lang="en", at=AT)][:3] == ["No", "Yes", "Buyer"]
    assert [line for line in text.splitlines() if any("\u4e00" <= ch <= "\u9fff" for ch in line)] == []


def test_api_training_formats_and_quiz(people, api):
    client = api(people.team_lead)
    md = client.get("/sop/training", {"role": "team_lead"})
    assert md.status_code == 200 and md.content.decode().startswith("# 培训材料：客服组长")
    docx = client.get("/sop/training", {"role": "director", "format": "docx"})
    assert "学习模块" in [p.text for p in Docx(io.BytesIO(docx.content)).paragraphs]
    pdf = client.get("/sop/training", {"role": "optimizer", "format": "pdf"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(" ", "")
    assert "培训材料：流程优化师" in text

    quiz = client.get("/sop/training/quiz", {"lang": "en"})
    assert quiz.status_code == 200
    first = quiz.json()[0]
    assert first["key"] == "no_reason_9_days" and first["choices"] == ["Yes", "No"]
    assert first["answer"] in first["choices"] and first["explanation"]

    assert client.get("/sop/training", {"role": "ceo"}).status_code == 422
    assert api(people.customer_user).get("/sop/training/quiz").status_code == 403


def test_cli_training(people, tmp_path):
    out = tmp_path / "agent.md"
    assert cli.main(["sop", "training", "--role", "agent", "--at", "2026-11-30", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "签收于 2026-11-21 10:00" in text  # question 1's key, counted back from --at
    assert cli.main(["sop", "training", "--role", "agent", "--at", "30/11/2026"]) == 2
