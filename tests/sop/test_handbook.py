"""The handbook of a playbook version in four formats and two languages, and the diff of two."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
import yaml
from docx import Document as Docx
from pypdf import PdfReader

from aftersale import cli
from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_publish
from aftersale.sop.document import to_markdown
from aftersale.sop.render import render
from aftersale.sop.services import handbook_diff, handbook_document

pytestmark = pytest.mark.django_db

ZH_TITLES = [
    "概述",
    "角色与考核指标",
    "受理与身份核验",
    "分类与优先级",
    "退换货流程",
    "商品完好标准",
    "凭证要求",
    "补偿标准与审批权限",
    "服务补救",
    "时效标准",
    "投诉处理",
    "升级路径",
    "敏感词处理",
    "异常工单与转派",
    "质量标准",
    "执行清单",
    "培训要点",
    "记录与留存",
]


def _publish(people, **changes) -> int:
    content = yaml.safe_load(DEFAULT_PLAYBOOK.read_text(encoding="utf-8"))
    for path, value in changes.items():
        node = content
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    source = yaml.safe_dump(content, allow_unicode=True)
    return playbook_publish(source=source, reason="test", actor=people.director).number


def test_markdown_of_the_default_playbook_in_chinese(people):
    text = to_markdown(handbook_document())
    titles = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert titles == ZH_TITLES
    assert "售后政策 v1" in text
    assert "7 天内无理由退货" in text and "15 天内可换货" in text
    assert "定作、鲜活易腐" in text  # statutory exclusions
    assert "| 少发错发 | 补偿 20 元余额 | 客服专员 |" in text
    assert "12315、消协、起诉" in text  # the lexicon
    assert "| 质量问题转品控 | 问题分类 = 质量问题 | 品控/研发部 |" in text
    assert "%(" not in text and "None" not in text


def test_markdown_of_the_default_playbook_in_english(people):
    text = to_markdown(handbook_document(lang="en"))
    assert text.startswith("# After-sales Service Standard Operating Handbook")
    assert "## Returns and exchanges" in text
    assert "7-day no-reason return" in text or "7 days" in text
    assert "| Missing or wrong item | CNY 20 store credit | Agent |" in text
    # Nothing left in Chinese but the sensitive words themselves, which are matched literally.
    lexicon = "、".join(["12315", "消协", "起诉", "律师", "曝光", "媒体", "记者", "投诉", "假货", "欺诈"])
    body = text.replace(", ".join(lexicon.split("、")), "")
    leftovers = [line for line in body.splitlines() if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    assert leftovers == []


def test_html_through_the_api(people, api):
    response = api(people.agent).get("/sop/handbook", {"format": "html", "lang": "zh-hans"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and "<h2>退换货流程</h2>" in html
    assert "<th>情形</th>" in html and "Noto Sans CJK SC" in html


def test_docx_has_headings_steps_and_tables(people):
    docx = Docx(io.BytesIO(render(handbook_document(), "docx")))
    headings = [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]
    assert headings == ZH_TITLES
    cells = {cell.text for table in docx.tables for row in table.rows for cell in row.cells}
    assert {"少发错发", "补偿 20 元余额", "品控/研发部"} <= cells
    assert any(p.style.name == "List Number" and "RMA" in p.text for p in docx.paragraphs)


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [("zh-hans", ["售后服务标准作业手册", "退换货流程", "无理由退货"]), ("en", ["Returns and exchanges"])],
)
def test_pdf_text_extracts(people, lang, phrases):
    pdf = render(handbook_document(lang=lang), "pdf")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = text.replace(" ", "").replace("\n", "")
    for phrase in phrases:
        assert phrase.replace(" ", "") in compact, phrase
    if lang == "zh-hans":
        assert "7天内无理由退货" in compact  # Chinese glyphs are real text, not boxes


def test_api_pdf_and_docx_downloads(people, api):
    client = api(people.optimizer)
    pdf = client.get("/sop/handbook", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert 'filename="handbook-zh-hans.pdf"' in pdf["Content-Disposition"]
    docx = client.get("/sop/handbook", {"format": "docx", "lang": "en"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_unknown_version_and_roles(people, api):
    missing = api(people.agent).get("/sop/handbook", {"version": 99})
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "number"
    assert api(people.customer_user).get("/sop/handbook").status_code == 403
    assert api(people.agent).get("/sop/handbook", {"format": "odt"}).status_code == 422


def test_the_handbook_follows_the_playbook_and_the_diff_shows_the_change(people, api):
    number = _publish(people, returns__no_reason__window_days=15, compensation__approval_limits__agent=80)
    text = to_markdown(handbook_document(number=number))
    assert "15 天内无理由退货" in text and "80 元以内客服专员可直接给予" in text

    diff = handbook_diff(old=1, new=number)
    keys = [s["key"] for s in diff["sections"]]
    assert "return_process" in keys and "compensation_matrix" in keys
    assert "intake" not in keys and "sensitive_words" not in keys  # unchanged sections are left out
    section = next(s for s in diff["sections"] if s["key"] == "return_process")
    assert "-1. 核验资格：签收次日零点起算，7 天内无理由退货" in section["diff"]
    assert "+1. 核验资格：签收次日零点起算，15 天内无理由退货" in section["diff"]

    response = api(people.agent).get("/sop/handbook/diff", {"from": 1, "to": number, "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == 1 and body["to"] == number
    assert any("15 days" in s["diff"] for s in body["sections"])


def test_cli_handbook_and_diff(people, tmp_path, capsys):
    out = tmp_path / "handbook.pdf"
    assert cli.main(["sop", "handbook", "--format", "pdf", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert cli.main(["sop", "handbook", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("# After-sales Service Standard Operating Handbook")
    number = _publish(people, service_levels__first_response_minutes=20)
    assert cli.main(["sop", "diff", "--from", "1", "--to", str(number)]) == 0
    assert "+- 首次响应：20 分钟。" in capsys.readouterr().out
    assert cli.main(["sop", "handbook", "--version", "42"]) == 2


def test_weasyprint_is_imported_only_for_a_pdf():
    code = (
        "import sys, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'aftersale.settings'; django.setup();"
        "import aftersale.urls, aftersale.sop.render, aftersale.sop.api;"
        "sys.exit(1 if 'weasyprint' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_retention_section_states_the_playbook_period_and_warns_below_the_statute(people):
    text = to_markdown(handbook_document())
    assert "结案后保存 3 年" in text and "电子商务法第三十一条要求" not in text

    number = _publish(people, retention__case_years=2)
    text = to_markdown(handbook_document(number=number))
    assert "结案后保存 2 年" in text and "电子商务法第三十一条要求" in text
    english = to_markdown(handbook_document(number=number, lang="en"))
    assert "kept 2 years after closing" in english and "E-commerce Law art. 31" in english
