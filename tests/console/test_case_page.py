"""The case page: what it shows, and the htmx forms that change the case."""

from __future__ import annotations

import re

import pytest

from aftersale.cases.evidence import evidence_add
from aftersale.cases.lifecycle import actions_available
from aftersale.cases.services import case_transition, message_add
from aftersale.sla.models import Alert, AlertKind
from tests.conftest import make_case
from tests.helpers import png_bytes

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(client, case) -> str:
    response = client.get(f"/console/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_header_clocks_customer_order_and_identity(as_user, people, case):
    page = _page(as_user(people.agent), case)
    assert f"<h1>{case.number}</h1>" in page
    assert "质量问题" in page and "退货退款" in page and "P2 普通" in page
    assert re.search(r'class="countdown sla-(ok|warn)" data-due="', page)  # running clocks tick
    assert case.order.order_no in page
    assert "身份核验" in page and "✓ 已通过" in page


def test_the_eligibility_panel_explains_each_resolution(as_user, people, case):
    page = _page(as_user(people.agent), case)
    assert re.search(
        r'entitlement ok requested">\s*<div class="ent-head"><span class="ent-mark">✓</span> '
        r"<strong>退货退款",
        page,
    )
    assert "仅退款适用于少发漏发等情形" in page  # why refund only is not offered


def test_actions_are_exactly_those_the_transition_table_offers(as_user, people, case):
    offered = re.findall(r'data-action="(\w+)"', _page(as_user(people.agent), case))
    assert offered == [a.value for a in actions_available("new", "agent") if a.value in offered]
    assert sorted(offered) == sorted(a.value for a in actions_available("new", "agent"))


def test_an_action_posts_with_the_version_and_returns_the_updated_case(as_user, people, case):
    client = as_user(people.agent)
    response = client.post(
        f"/console/cases/{case.number}/transition/",
        {"action": "start_review", "version": case.version},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="case"')
    assert "审核中" in html
    assert 'id="flash"' in html and 'hx-swap-oob="true"' in html
    case.refresh_from_db()
    assert case.status == "under_review"


def test_a_stale_version_is_refused_with_the_conflict_message(as_user, people, case):
    shown = case.version
    case_transition(case=case, actor=people.team_lead, action="start_review", version=case.version)
    response = as_user(people.agent).post(
        f"/console/cases/{case.number}/transition/",
        {"action": "cancel", "version": shown, "reason": "x"},
        **HTMX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#flash"
    assert "售后单已被他人修改，请刷新后重试" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "under_review"


def test_without_javascript_the_refusal_is_shown_on_the_page(as_user, people, case):
    response = as_user(people.agent).post(
        f"/console/cases/{case.number}/transition/", {"action": "cancel", "version": case.version}
    )
    assert response.status_code == 400
    assert "须填写原因" in response.content.decode()
    ok = as_user(people.agent).post(
        f"/console/cases/{case.number}/transition/", {"action": "start_review", "version": case.version}
    )
    assert ok.status_code == 302


def test_reply_and_internal_note(as_user, people, case):
    client = as_user(people.agent)
    url = f"/console/cases/{case.number}/reply/"
    assert client.post(url, {"body": "您好，已收到"}, **HTMX).status_code == 200
    html = client.post(url, {"body": "请仓库核对库存", "internal": "on"}, **HTMX).content.decode()
    public, note = case.messages.order_by("id")
    assert not public.is_internal and note.is_internal
    assert re.search(r'tl-message tl-internal".*?内部备注.*?请仓库核对库存', html, re.S)
    assert client.post(url, {"body": "  "}, **HTMX).status_code == 400


def test_department_members_write_internal_notes_only(as_user, people, order):
    from aftersale.cases.services import case_update

    case = make_case(order, people.agent)
    case_update(case=case, actor=people.agent, version=case.version, department="warehouse")
    client = as_user(people.warehouse)
    assert 'name="internal" value="on"' in _page(client, case)
    client.post(f"/console/cases/{case.number}/reply/", {"body": "库存已核对"}, **HTMX)
    assert case.messages.get().is_internal


def test_sensitive_words_are_highlighted_and_flagged(as_user, people, order):
    case = make_case(order, people.agent, description="不退款我就去媒体曝光")
    page = _page(as_user(people.director), case)
    assert "<mark>媒体</mark>" in page and "<mark>曝光</mark>" in page
    assert "flag-sensitive" in page and "flag-exception" in page


def test_evidence_gallery_shows_thumbnails(as_user, people, case):
    evidence = evidence_add(case=case, actor=people.agent, kind="item_photo", data=png_bytes())
    page = _page(as_user(people.agent), case)
    assert f'<img src="{evidence.file.url}"' in page


def test_timeline_merges_messages_and_events_and_marks_internal_ones(as_user, people, case):
    message_add(case=case, actor=people.agent, body="内部：需要质检", internal=True)
    message_add(case=case, actor=people.customer_user, body="什么时候处理？")
    page = _page(as_user(people.agent), case)
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("创建售后单") < timeline.index("内部：需要质检") < timeline.index("什么时候处理？")
    assert "tl-customer" in timeline


def test_timeline_poll_answers_204_until_something_changes(as_user, people, case):
    client = as_user(people.agent)
    first = client.get(f"/console/cases/{case.number}/timeline/", **HTMX)
    mark = re.search(r"mark=([\w%-]+)&amp;version=(\d+)", first.content.decode())
    poll = f"/console/cases/{case.number}/timeline/?mark={mark.group(1)}&version={mark.group(2)}"
    assert client.get(poll, **HTMX).status_code == 204
    message_add(case=case, actor=people.customer_user, body="有人吗")
    changed = client.get(poll, **HTMX)
    assert changed.status_code == 200
    assert "有人吗" in changed.content.decode()


def test_the_timeline_poll_notices_a_change_made_elsewhere(as_user, people, case):
    shown = case.version
    case_transition(case=case, actor=people.team_lead, action="start_review", version=case.version)
    html = (
        as_user(people.agent)
        .get(f"/console/cases/{case.number}/timeline/?mark=x&version={shown}", **HTMX)
        .content.decode()
    )
    assert "此售后单已被更新" in html


def test_alerts_badge_counts_unread_alerts_and_they_can_be_read(as_user, people, case):
    Alert.objects.create(recipient=people.agent, case=case, kind=AlertKind.DUE_SOON, message="即将超时")
    Alert.objects.create(recipient=people.other_agent, case=case, kind=AlertKind.DUE_SOON, message="x")
    client = as_user(people.agent)
    assert '<span class="count"' in client.get("/console/alerts/badge/", **HTMX).content.decode()
    assert ">1</span>" in client.get("/console/alerts/badge/", **HTMX).content.decode()
    assert "即将超时" in client.get("/console/alerts/").content.decode()
    assert client.post("/console/alerts/read/").status_code == 302
    assert "count" not in client.get("/console/alerts/badge/", **HTMX).content.decode()
    assert Alert.objects.filter(read_at__isnull=True).count() == 1


def test_the_case_page_reads_a_bounded_number_of_rows(as_user, people, case, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(people.agent)
    _page(client, case)  # warm the per-process caches
    for i in range(10):
        message_add(case=case, actor=people.agent, body=f"消息 {i}")
    with django_assert_max_num_queries(30), CaptureQueriesContext(connection) as ten:
        _page(client, case)
    for i in range(30):
        message_add(case=case, actor=people.agent, body=f"更多消息 {i}")
    with CaptureQueriesContext(connection) as forty:
        _page(client, case)
    assert len(forty) == len(ten)  # the timeline is read in one query whatever its length
