"""Queue tabs, their counts (one query each), filters, search, masking and keyset paging."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aftersale.cases.services import case_assign, case_update
from aftersale.console.queues import queue_counts, viewer_for
from aftersale.sla.models import CaseRisk, Clock, ClockState
from tests.conftest import make_case
from tests.helpers import force_status

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _rows(html: str) -> list[str]:
    return re.findall(r'class="case-no" href="/console/cases/(\w+)/"', html)


def _tab_counts(html: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'data-queue="(\w+)">\s*[^<]*<span class="count">(\d+)', html)}


@pytest.fixture
def queues(people, order):
    """One case in each interesting state, seen by `people.agent`."""
    c = {}
    c["mine"] = make_case(order, people.agent)
    case_assign(case=c["mine"], actor=people.team_lead, version=c["mine"].version, assignee=people.agent)
    c["unassigned"] = make_case(order, people.agent)
    c["waiting"] = force_status(make_case(order, people.agent), "waiting_customer")
    c["closed"] = force_status(make_case(order, people.agent), "closed")
    c["sensitive"] = make_case(order, people.agent, description="再不处理我就找媒体曝光")
    c["red"] = make_case(order, people.agent)
    CaseRisk.objects.create(case=c["red"], is_red_ticket=True)
    now = timezone.now()
    Clock.objects.filter(state=ClockState.RUNNING).update(due_at=now + timedelta(hours=5))
    c["due"] = make_case(order, people.agent)
    c["due"].clocks.filter(state=ClockState.RUNNING).update(
        due_at=now + timedelta(minutes=30), next_action_at=now + timedelta(minutes=10)
    )
    c["late"] = make_case(order, people.agent)
    c["late"].clocks.filter(state=ClockState.RUNNING).update(due_at=now - timedelta(minutes=5))
    return c


def test_counts_per_queue(people, queues):
    counts = queue_counts(viewer_for(people.agent))
    assert counts["mine"] == 1
    assert counts["team"] == 1  # the assigned case went to the agent's team
    assert counts["waiting"] == 1
    assert counts["sensitive"] == 1
    assert counts["escalated"] >= 2  # the red ticket, and the sensitive case became an exception
    assert counts["due_soon"] == 1
    assert counts["breached"] == 1
    # Open cases only (the closed one is in no queue); the sensitive one went to the expert.
    assert counts["unassigned"] == 5


def test_each_queue_count_is_one_query_whatever_the_number_of_cases(
    people, queues, order, django_assert_num_queries
):
    viewer = viewer_for(people.agent)
    with django_assert_num_queries(len(viewer.queues)):
        queue_counts(viewer)
    for _ in range(5):
        make_case(order, people.agent)
    with django_assert_num_queries(len(viewer.queues)):
        queue_counts(viewer)


def test_a_team_lead_reads_their_teams_once(people, queues, django_assert_num_queries):
    with django_assert_num_queries(2):  # led teams: once for visibility, once for the team queue
        viewer = viewer_for(people.team_lead)
    with django_assert_num_queries(len(viewer.queues)):
        queue_counts(viewer)


def test_the_queue_page_query_count_does_not_grow_with_the_page(
    as_user, people, order, queues, django_assert_max_num_queries
):
    client = as_user(people.agent)
    client.get("/console/")
    for _ in range(10):
        make_case(order, people.agent)
    with django_assert_max_num_queries(16):
        response = client.get("/console/?queue=unassigned")
    assert len(_rows(response.content.decode())) == 15


def test_tabs_show_the_counts_and_each_queue_lists_its_cases(as_user, people, queues):
    client = as_user(people.agent)
    page = client.get("/console/").content.decode()
    assert _tab_counts(page)["mine"] == 1
    assert _rows(page) == [queues["mine"].number]
    assert _rows(client.get("/console/?queue=waiting").content.decode()) == [queues["waiting"].number]
    assert _rows(client.get("/console/?queue=due_soon").content.decode()) == [queues["due"].number]
    assert _rows(client.get("/console/?queue=breached").content.decode()) == [queues["late"].number]
    assert _rows(client.get("/console/?queue=sensitive").content.decode()) == [queues["sensitive"].number]
    assert queues["red"].number in _rows(client.get("/console/?queue=escalated").content.decode())


def test_filters_by_status_type_and_priority(as_user, people, queues):
    client = as_user(people.agent)
    closed = client.get("/console/?queue=unassigned&status=closed").content.decode()
    assert _rows(closed) == [queues["closed"].number]
    assert _rows(client.get("/console/?queue=unassigned&case_type=complaint").content.decode()) == []
    p0 = _rows(client.get("/console/?queue=sensitive&priority=P0").content.decode())
    assert p0 == [queues["sensitive"].number]  # sensitive words raise the priority
    assert _rows(client.get("/console/?queue=sensitive&priority=P3").content.decode()) == []
    # Nonsense in the query string is ignored, not an error.
    assert client.get("/console/?queue=nope&status=nope&after=x").status_code == 200


def test_filter_changes_swap_only_the_results(as_user, people, queues):
    response = as_user(people.agent).get(
        "/console/?queue=unassigned&status=closed", HTTP_HX_TARGET="queue-results", **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="queue-results"')
    assert 'id="queue-tabs"' not in html


def _search(client, text: str) -> str:
    """Searches are posted and kept in the session: the text never appears in a URL."""
    response = client.post("/console/search/", {"q": text})
    assert response["Location"] == "/console/?search=1"
    return client.get(response["Location"]).content.decode()


def test_search_by_case_number_order_number_and_exact_phone(as_user, people, queues, order):
    client = as_user(people.agent)
    number = queues["closed"].number
    assert _rows(_search(client, number)) == [number]
    by_order = _rows(_search(client, order.order_no))
    assert len(by_order) == 8  # closed ones too: a search looks at every case
    assert len(_rows(_search(client, "138 1234 5678"))) == 8
    assert _rows(_search(client, "1381234")) == []  # exact match only
    assert _rows(client.get("/console/?q=138 1234 5678").content.decode()) != by_order  # GET ignores q


def test_lists_mask_phone_numbers_and_names_for_roles_that_do_not_need_them(as_user, people, queues, order):
    agent_page = _search(as_user(people.agent), order.order_no)
    assert "138****5678" in agent_page
    assert "13812345678" not in agent_page
    assert "张小明" in agent_page
    optimizer_page = as_user(people.optimizer).get("/console/?queue=unassigned").content.decode()
    assert "张**" in optimizer_page
    assert "张小明" not in optimizer_page
    assert "13812345678" not in optimizer_page


def test_the_case_page_reveals_the_phone_only_to_roles_that_need_it(as_user, people, queues):
    number = queues["mine"].number
    assert "13812345678" in as_user(people.agent).get(f"/console/cases/{number}/").content.decode()
    page = as_user(people.optimizer).get(f"/console/cases/{number}/").content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page


def test_keyset_paging_with_more(as_user, people, order):
    cases = [make_case(order, people.agent) for _ in range(27)]
    client = as_user(people.agent)
    first = client.get("/console/?queue=unassigned").content.decode()
    assert _rows(first) == [c.number for c in reversed(cases)][:25]
    cursor = re.search(r'hx-get="/console/\?queue=unassigned&amp;after=(\d+)"', first).group(1)
    more = client.get(f"/console/?queue=unassigned&after={cursor}", **HTMX).content.decode()
    assert _rows(more) == [cases[1].number, cases[0].number]
    assert "<li" in more and "queue-tabs" not in more
    assert 'id="more-row"' not in more


def test_department_queue_counts(people, order):
    routed = make_case(order, people.agent, category_code="transit_damage")
    case_update(case=routed, actor=people.agent, version=routed.version, department="warehouse")
    assert queue_counts(viewer_for(people.warehouse)) == {"department": 1}
    assert queue_counts(viewer_for(people.qc)) == {"department": 0}


def test_a_queue_page_makes_the_same_queries_for_5_rows_as_for_50(as_user, people, order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(people.agent)
    client.get("/console/?queue=unassigned&size=50")  # warm the per-process caches (playbook, lexicon)

    def measured(expected_rows: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/console/?queue=unassigned&size=50")
        assert len(_rows(response.content.decode())) == expected_rows
        return len(queries)

    for _ in range(5):
        make_case(order, people.agent)
    five = measured(5)
    for _ in range(45):
        make_case(order, people.agent)
    assert measured(50) == five


def test_the_polled_tabs_light_up_a_new_breach(as_user, people, order):
    """The tabs poll every 30 s (hx-trigger); a clock running past due shows at the next poll."""
    fresh = make_case(order, people.agent)
    client = as_user(people.agent)
    page = client.get("/console/").content.decode()
    assert 'hx-trigger="every 30s"' in page
    before = client.get("/console/tabs/", **HTMX).content.decode()
    assert _tab_counts(before)["breached"] == 0
    fresh.clocks.filter(state=ClockState.RUNNING).update(due_at=timezone.now() - timedelta(minutes=1))
    after = client.get("/console/tabs/", **HTMX).content.decode()
    assert _tab_counts(after)["breached"] == 1
    assert re.search(r'class="tab hot"\s+data-queue="breached"', after)
