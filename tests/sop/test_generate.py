"""POST /api/v1/sop/generate and `aftersale sop generate`: the seed's contract end to end."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document as Docx

from aftersale import cli
from aftersale.policy.models import PlaybookVersion
from aftersale.policy.services import playbook_active
from aftersale.sop.sections import CONTRACT_KEYS

pytestmark = pytest.mark.django_db

# The seed's own example input, word for word.
SEED_INPUT = {
    "business_type": "Consumer electronics, 30-day return policy",
    "return_policy": "30 days unused, 14 days defective exchange",
    "team_structure": "Tier 1: 10 agents, Tier 2: 3 specialists, Manager",
    "common_issues": "Defective products, wrong items, buyer's remorse",
    "service_standards": "First response 2 hours, resolution 24 hours",
}
ZH_INPUT = {
    "business_type": "家用电器旗舰店",
    "return_policy": "七天无理由退货，15天换货",
    "team_structure": "客服专员10人，组长2人，总监1人",
    "common_issues": "质量问题、错发漏发、物流延误",
    "service_standards": "首次响应30分钟，24小时内解决，满意度不低于90%",
    "escalation_matrix": "超过500元转组长；涉及媒体或律师转总监；客服可直接补偿30元以内",
}


def test_seed_example_every_key_present_and_specific(people, api):
    response = api(people.agent).post("/sop/generate", SEED_INPUT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {*CONTRACT_KEYS, "playbook", "warnings"}
    for key in CONTRACT_KEYS:
        assert len(body[key]) > 80, key
        assert "%(" not in body[key] and "None" not in body[key], key

    steps = re.findall(r"^\d+\. ", body["return_process"], re.M)
    assert len(steps) >= 4  # the seed: verify, RMA, receive, refund
    assert "RMA" in body["return_process"]
    assert "30 天内无理由退货" in body["return_process"]
    assert "15 天内可换货" in body["return_process"]  # 14 raised to the statutory 15
    assert "验收" in body["return_process"] and "退款" in body["return_process"]

    complaint = body["complaint_sop"]
    assert "1.5 小时内首次响应" in complaint  # acknowledge
    assert "4 小时内查明事实" in complaint  # investigate
    assert "24 小时内解决" in complaint  # resolve

    escalation = body["escalation_procedures"]
    assert "Tier 2: 3 specialists" in escalation and "Manager" in escalation
    assert "重复投诉" in escalation and "法律威胁" in escalation
    assert "超过 50 元" in escalation and "超过 500 元" in escalation

    assert "50 元以内客服专员可直接给予，无需审批" in body["service_recovery"]

    matrix = body["compensation_matrix"]
    assert "少发错发：补偿 20 元余额" in matrix
    assert "质量问题：全额退款并补偿 10 元余额" in matrix
    assert "无理由退货：不补偿" in matrix

    quality = body["quality_standards"]
    assert "CSAT" in quality and "85%" in quality and "70%" in quality and "2 小时" in quality

    training = body["training_materials"]
    for topic in ("产品知识", "Consumer electronics", "同理心", "降级", "Defective products"):
        assert topic in training

    assert body["playbook"]["quality"]["exchange_days"] == 15
    assert [w["code"] for w in body["warnings"]] == ["statutory_raise"]
    assert body["warnings"][0]["fragment"] == "14 days defective exchange"


def test_seed_example_in_english(people, api):
    body = api(people.agent, language="en").post("/sop/generate", SEED_INPUT).json()
    assert "Issue the return authorisation (RMA)" in body["return_process"]
    assert "no-reason return within 30 days" in body["return_process"]
    assert "(Tier 2: 3 specialists): a repeat complaint" in body["escalation_procedures"]
    assert "agents may give up to CNY 50 on the spot without approval" in body["service_recovery"]
    assert "- Missing or wrong item: CNY 20 store credit (Approved by: Agent)" in body["compensation_matrix"]
    assert (
        "CSAT) > 85%" in body["quality_standards"] and "First response < 2 hours" in body["quality_standards"]
    )
    assert "raised to 15 days" in body["warnings"][0]["message"]
    lexicon = ["12315", "消协", "起诉", "律师", "曝光", "媒体", "记者", "投诉", "假货", "欺诈"]
    for key in CONTRACT_KEYS:
        text = body[key].replace(", ".join(lexicon), "")
        assert not any("\u4e00" <= ch <= "\u9fff" or ch in "：（）；" for ch in text), (key, text)


def test_chinese_request_with_an_escalation_matrix(people, api):
    body = api(people.agent).post("/sop/generate", ZH_INPUT).json()
    assert "升级至二线（组长 / 专家）（组长2人）：涉及金额超过 500 元" in body["escalation_procedures"]
    assert "媒体" in body["escalation_procedures"] and "总监1人" in body["escalation_procedures"]
    assert "30 元以内客服专员可直接给予" in body["service_recovery"]
    assert "90%" in body["quality_standards"]
    assert "30 分钟" in body["quality_standards"]
    assert body["playbook"]["compensation"]["approval_limits"]["agent"] == 30
    assert [(w["code"], w["fragment"]) for w in body["warnings"]] == [("not_enforced", "超过500元转组长")]


@pytest.mark.parametrize(
    "field", ["business_type", "return_policy", "team_structure", "common_issues", "service_standards"]
)
@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_or_empty_required_field_is_named(people, api, field, value):
    data = dict(SEED_INPUT)
    if value is None:
        del data[field]
    else:
        data[field] = value
    response = api(people.agent).post("/sop/generate", data)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_escalation_matrix_is_optional_and_unknown_fields_are_refused(people, api):
    assert api(people.agent).post("/sop/generate", {**SEED_INPUT, "escalation_matrix": ""}).status_code == 200
    response = api(people.agent).post("/sop/generate", {**SEED_INPUT, "budget": "big"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "budget"


def test_control_characters_are_refused_with_the_field(people, api):
    response = api(people.agent).post(
        "/sop/generate", {**SEED_INPUT, "common_issues": "Defective\x01 products"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["common_issues"]


def test_customers_may_not_generate(people, api):
    assert api(people.customer_user).post("/sop/generate", SEED_INPUT).status_code == 403


@pytest.mark.parametrize(
    ("fmt", "content_type", "check"),
    [
        ("md", "text/markdown", lambda b: b.decode().startswith("# 售后服务 SOP：Consumer electronics")),
        ("html", "text/html", lambda b: "<h2>退换货流程</h2>" in b.decode()),
        (
            "docx",
            "officedocument",
            lambda b: "退换货流程" in [p.text for p in Docx(io.BytesIO(b)).paragraphs],
        ),
    ],
)
def test_generate_in_document_formats(people, api, fmt, content_type, check):
    response = api(people.agent).post(f"/sop/generate?format={fmt}", SEED_INPUT)
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert check(response.content)


def test_the_draft_is_published_by_the_director_and_then_enforced(people, api):
    draft = api(people.agent).post("/sop/generate", SEED_INPUT).json()["playbook"]
    draft["service_levels"]["first_response_minutes"] = 90  # reviewed and edited

    refused = api(people.agent).post("/sop/drafts/publish", {"playbook": draft, "reason": "SOP draft"})
    assert refused.status_code == 403 and PlaybookVersion.objects.count() == 1

    response = api(people.director).post(
        "/sop/drafts/publish", {"playbook": draft, "reason": "SOP draft reviewed", "activate": True}
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True
    active = playbook_active().playbook
    assert active.returns.no_reason.window_days == 30
    assert active.quality.exchange_days == 15
    assert active.service_levels.first_response_minutes == 90


def test_an_edited_draft_below_the_statutory_minimum_is_refused(people, api):
    draft = api(people.agent).post("/sop/generate", SEED_INPUT).json()["playbook"]
    draft["returns"]["no_reason"]["window_days"] = 3
    response = api(people.director).post("/sop/drafts/publish", {"playbook": draft, "reason": "too short"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "returns.no_reason.window_days"
    assert PlaybookVersion.objects.count() == 1


def test_cli_generate_json_and_markdown(tmp_path, capsys):
    source = tmp_path / "input.json"
    source.write_text(json.dumps(SEED_INPUT), encoding="utf-8")
    assert cli.main(["sop", "generate", "--input", str(source)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert set(CONTRACT_KEYS) <= set(body) and body["playbook"]["name"] == "Consumer electronics"

    out = tmp_path / "sop.md"
    assert cli.main(["sop", "generate", "--input", str(source), "--format", "md", "--out", str(out)]) == 0
    assert "## 补偿标准与审批权限" in out.read_text(encoding="utf-8")


def test_cli_names_a_missing_field_and_a_bad_file(tmp_path, capsys):
    source = tmp_path / "input.json"
    source.write_text(json.dumps({**SEED_INPUT, "team_structure": ""}), encoding="utf-8")
    assert cli.main(["sop", "generate", "--input", str(source)]) == 2
    assert "team_structure" in capsys.readouterr().err

    source.write_text("{not json", encoding="utf-8")
    assert cli.main(["sop", "generate", "--input", str(source)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert cli.main(["sop", "generate", "--input", str(tmp_path / "missing.json")]) == 2
