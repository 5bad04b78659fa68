"""The monthly report (XLSX, PDF; zh-hans and en) and the public statistics page, on the hand-built
week (all of it in November 2026)."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from openpyxl import load_workbook

from aftersale.common.errors import DomainError
from aftersale.quality.reports import public_statistics, report_build, report_pdf, report_xlsx

from .dataset import at, build

NOV = date(2026, 11, 1)


@pytest.fixture
def week(people):
    return build(people)


def build_report(language="zh-hans"):
    with time_machine.travel(at(5, 12, month=12), tick=False):
        return report_build(month=NOV, language=language)


def test_the_report_holds_the_months_numbers_and_suggestions(week):
    report = build_report()
    kpi = {row["name"]: row for row in report.kpis}
    assert kpi["cases"]["value"] == 5 and kpi["cases"]["previous"] == "0"
    assert kpi["sla_attainment"]["shown"] == "25.0%" and kpi["sla_attainment"]["met"] is False
    assert kpi["csat"]["met"] is False and kpi["total_cost"]["shown"] == "120.00"
    assert {r["label"]: r["n"] for r in report.by_type} == {"售后": 4, "投诉": 1}
    assert [(r["code"], r["n"]) for r in report.categories] == [("quality_fault", 4), ("service_attitude", 1)]
    assert [(r["sku"], r["n"]) for r in report.skus] == [("SKU-FRYER", 4), ("SKU-KETTLE", 1)]
    assert {r["label"]: str(r["amount"]) for r in report.cost} == {"退款": "100.00", "补偿": "20.00"}
    assert report.qa is None
    assert report.suggestions[0] == (
        "SKU SKU-FRYER 的批次 B2310 造成了 75% 的质量问题单（3 / 4），建议品控排查该批次。"
    )
    assert any(
        s.startswith("24 小时结案达成率为 25.0%，低于目标 95.0%；耗时最多的环节是“审核中”")
        for s in report.suggestions
    )
    assert any(s.startswith("满意度为 50.0%") for s in report.suggestions)
    assert any(s.startswith("二次解决率为 50.0%") for s in report.suggestions)


def test_the_report_in_english(week):
    report = build_report("en")
    assert report.suggestions[0] == (
        "Batch B2310 of SKU SKU-FRYER caused 75% of the quality cases (3 / 4); QC should look into the batch."
    )
    assert {r["label"] for r in report.by_type} == {"After-sales", "Complaint"}
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))
    assert sheet.sheetnames[0] == "Monthly report 2026-11"


def test_xlsx(week):
    book = load_workbook(io.BytesIO(report_xlsx(build_report())))
    assert book.sheetnames == ["月度报告 2026-11", "类型与渠道", "问题分类", "SKU", "成本", "质检", "建议"]
    summary = book.active
    rows = {row[0].value: [c.value for c in row[1:]] for row in summary.iter_rows(min_row=2)}
    assert rows["售后单数"][0] == 5
    assert rows["满意度（CSAT）"][0] == 0.5 and rows["满意度（CSAT）"][2:] == ["85.0%", "未达标"]
    assert book["建议"]["A2"].value.startswith("SKU SKU-FRYER 的批次 B2310")


def test_pdf(week):
    pypdf = pytest.importorskip("pypdf")
    try:
        data = report_pdf(build_report())
    except DomainError:
        pytest.skip("WeasyPrint's system libraries are not installed")
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "B2310" in text and "2026-11" in text


def test_report_download_is_for_directors(week, people, client):
    with time_machine.travel(at(5, 12, month=12), tick=False):
        client.force_login(people.director)  # inside: a session lasts 12 hours
        response = client.get("/console/quality/report/?month=2026-11&format=xlsx&lang=en")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('2026-11-en.xlsx"')
    assert client.get("/console/quality/report/?month=2026-13").status_code == 400
    client.force_login(people.agent)
    assert client.get("/console/quality/report/?month=2026-11").status_code == 403


def test_public_statistics(week, client):
    rows = public_statistics(months=2, today=date(2026, 12, 5))
    assert [r["month"] for r in rows] == [date(2026, 11, 1), date(2026, 10, 1)]
    assert rows[0] == {
        "month": date(2026, 11, 1),
        "orders": 4,
        "return_rate": 0.5,  # A's and E's orders (D was cancelled)
        "complaints_per_10k_orders": 2500.0,
    }
    assert rows[1]["orders"] == 1 and rows[1]["return_rate"] == 0.0
    cache.clear()
    with time_machine.travel(at(5, 12, month=12), tick=False):
        page = client.get("/stats/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "售后服务公开数据" in body and "50.0%" in body and "2500.0" in body
    cache.clear()
