"""Structured logs: JSON fields, the request id round trip, context of requests and tasks, masking."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aftersale.common.logs import ContextFilter, JsonFormatter, MaskingFilter, log_context
from aftersale.common.masking import mask_text

ROOT = Path(__file__).resolve().parents[2]


class JsonLines:
    """A handler wired like settings.LOGGING with LOG_FORMAT=json, on the root logger."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.handler.addFilter(ContextFilter())
        self.handler.addFilter(MaskingFilter())

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def of(self, logger: str) -> list[dict]:
        return [line for line in self.lines() if line["logger"] == logger]


@pytest.fixture
def logs():
    captured = JsonLines()
    root = logging.getLogger()
    root.addHandler(captured.handler)
    yield captured
    root.removeHandler(captured.handler)


def test_an_access_line_per_request_with_the_callers_request_id(client, logs, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"
    [line] = logs.of("aftersale.access")
    assert line["request_id"] == "lb-7f3a.42"
    assert line["level"] == "INFO"
    assert line["message"].startswith("GET /healthz 200 ")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


@pytest.mark.parametrize("given", ["", "has spaces", 'x"}\n{"level": "ERROR', "x" * 129])
def test_a_missing_or_insane_request_id_is_replaced(client, logs, db, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert logs.of("aftersale.access")[0]["request_id"] == request_id


def test_an_api_request_about_a_case_names_the_user_role_and_case(api, people, case, logs):
    response = api(people.agent).get(f"/cases/{case.number}", HTTP_X_REQUEST_ID="req-case-1")
    assert response.status_code == 200
    [line] = logs.of("aftersale.access")
    assert line["case_number"] == case.number
    assert line["user_id"] == people.agent.pk
    assert line["role"] == "agent"
    assert line["path"] == f"/api/v1/cases/{case.number}"


def test_a_page_request_names_the_signed_in_user(client, people, logs):
    client.force_login(people.team_lead)
    client.get("/console/")
    [line] = logs.of("aftersale.access")
    assert (line["user_id"], line["role"]) == (people.team_lead.pk, "team_lead")


def test_lines_written_during_a_request_carry_its_id(api, people, logs):
    api(people.customer_user).get("/cases/AS-NO-SUCH", HTTP_X_REQUEST_ID="req-404")
    # django.request's warning is written after the middleware has answered: still tied to the request.
    ids = {line["logger"]: line.get("request_id") for line in logs.lines()}
    assert ids["aftersale.access"] == "req-404"
    assert ids["django.request"] == "req-404"


def test_log_context_adds_fields_inside_the_block_only(logs):
    log = logging.getLogger("aftersale.test")
    with log_context(case_number="AS20261130-0001"):
        log.info("inside")
    log.info("outside")
    inside, outside = logs.of("aftersale.test")
    assert inside["case_number"] == "AS20261130-0001"
    assert "case_number" not in outside


def test_task_lines_carry_the_task_id(logs, db):
    from aftersale.common.tasks import heartbeat

    result = heartbeat.delay()
    traced = [line for line in logs.of("celery.app.trace") if "task_id" in line]
    assert traced and {line["task_id"] for line in traced} == {result.id}
    assert traced[0]["task"] == "aftersale.common.heartbeat"
    logging.getLogger("aftersale.test").info("after the task")
    assert "task_id" not in logs.of("aftersale.test")[0]


def test_personal_data_is_masked_in_message_arguments_extra_and_traceback(logs):
    log = logging.getLogger("aftersale.test")
    log.warning(
        "客户 %s 邮箱 zhang.xm@example.com 身份证 11010519491231002X",
        "13812345678",
        extra={
            "contact": {"phone": "+86 13912345678", "emails": ["li.si@example.cn"]},
            "note": "订单 E202611301",
        },
    )
    try:
        raise ValueError("no customer with phone 13700001111")
    except ValueError:
        log.exception("lookup failed")
    warning, error = logs.of("aftersale.test")
    assert warning["message"] == "客户 138****5678 邮箱 z***@example.com 身份证 110***********002X"
    assert warning["contact"] == {"phone": "+86 139****5678", "emails": ["l***@example.cn"]}
    assert warning["note"] == "订单 E202611301"
    assert "137****1111" in error["exc_info"] and "13700001111" not in error["exc_info"]
    raw = logs.stream.getvalue()
    for secret in ("13812345678", "13912345678", "zhang.xm@", "li.si@", "19491231"):
        assert secret not in raw


def test_the_query_string_in_djangos_request_lines_is_masked(client, logs, db):
    client.get("/api/v1/cases/AS1?phone=13812345678")
    raw = logs.stream.getvalue()
    assert "138****5678" in raw and "13812345678" not in raw


def _start(tmp_path: Path, **env: str) -> str:
    """Start Django with the environment given, write one warning, return what reached stderr."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DJANGO_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="aftersale.settings",
        AFTERSALE_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )
    script = "import django, logging; django.setup(); logging.getLogger('probe').warning('call 13812345678')"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return next(line for line in done.stderr.splitlines() if "probe" in line)


def test_log_format_json_from_the_environment(tmp_path):
    line = json.loads(_start(tmp_path, LOG_FORMAT="json"))
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "probe", "call 138****5678")


def test_plain_is_the_default_and_masked_too(tmp_path):
    line = _start(tmp_path)
    assert line.endswith("WARNING probe call 138****5678")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 13812345678 / 86-13912345678", "+86 138****5678 / 86-139****5678"),
        ("id 11010519491231002x.", "id 110***********002x."),
        ("mail Zhang.XM+1@mail.example.com.cn!", "mail Z***@mail.example.com.cn!"),
    ],
)
def test_mask_text(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "order E2026113013812345678, case AS20261130000001",  # longer digit runs: order and case numbers
        "tel 021-00000000, qty 12345678901234",
        "12812345678 has no mobile prefix",
    ],
)
def test_mask_text_leaves_other_numbers_alone(text):
    assert mask_text(text) == text
