"""GET /api/v1/cases: filters, keyset pagination and a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersale.cases.models import Case
from tests.conftest import make_case
from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def varied(order, people):
    """Six cases that differ in every filterable field; created one day apart from T0."""
    other_order = OrderLineFactory(order=OrderFactory(customer=people.customer, channel="own_store")).order
    specs = [
        dict(status="new", case_type="after_sales", priority="P2", channel="platform"),
        dict(
            status="under_review",
            case_type="after_sales",
            priority="P0",
            channel="phone",
            assignee=people.agent,
            team=people.team,
        ),
        dict(
            status="under_review",
            case_type="complaint",
            priority="P1",
            channel="platform",
            assignee=people.other_agent,
            team=people.other_team,
            department="qc",
        ),
        dict(
            status="resolved", case_type="after_sales", priority="P2", channel="email", department="warehouse"
        ),
        dict(status="closed", case_type="inquiry", priority="P3", channel="platform", team=people.team),
        dict(status="new", case_type="after_sales", priority="P2", channel="portal", order=other_order),
    ]
    cases = []
    for day, spec in enumerate(specs):
        case = make_case(spec.pop("order", order), people.agent)
        fields = {"department": "", "assignee": None, "team": None, **spec}
        Case.objects.filter(pk=case.pk).update(created_at=T0 + timedelta(days=day), **fields)
        cases.append(case.number)
    return cases


def _numbers(api, user, **params):
    response = api(user).get("/cases", params)
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [5, 4, 3, 2, 1, 0]),
        ({"status": "under_review"}, [2, 1]),
        ({"status": "new"}, [5, 0]),
        ({"case_type": "complaint"}, [2]),
        ({"case_type": "inquiry"}, [4]),
        ({"priority": "P2"}, [5, 3, 0]),
        ({"channel": "platform"}, [4, 2, 0]),
        ({"department": "warehouse"}, [3]),
        ({"department": "qc"}, [2]),
        ({"status": "under_review", "priority": "P0"}, [1]),
        ({"status": "resolved", "case_type": "complaint"}, []),
        ({"created_from": "2026-11-03T00:00:00Z"}, [5, 4, 3, 2]),
        ({"created_to": "2026-11-03T00:00:00Z"}, [1, 0]),
        ({"created_from": "2026-11-02T00:00:00Z", "created_to": "2026-11-04T00:00:00Z"}, [2, 1]),
        ({"created_from": "2026-11-02T08:00:00+08:00", "created_to": "2026-11-02T08:00:01+08:00"}, [1]),
    ],
)
def test_filters(api, people, varied, params, expected):
    assert _numbers(api, people.director, **params) == [varied[i] for i in expected]


def test_filter_by_assignee_team_and_order(api, people, varied, order):
    assert _numbers(api, people.director, assignee=people.agent.pk) == [varied[1]]
    assert _numbers(api, people.director, team=people.team.pk) == [varied[4], varied[1]]
    assert _numbers(api, people.director, team=people.other_team.pk) == [varied[2]]
    other_order_no = Case.objects.get(number=varied[5]).order.order_no
    assert _numbers(api, people.director, order_no=other_order_no) == [varied[5]]
    assert _numbers(api, people.director, order_no=order.order_no) == varied[:5][::-1]
    assert _numbers(api, people.director, order_no="NOSUCHORDER") == []
    assert _numbers(api, people.director, assignee=999999) == []


def test_filters_never_widen_what_a_persona_may_see(api, people, varied):
    # The agent of 一组 sees cases without a team, their team's and their own: never 二组's.
    assert _numbers(api, people.agent, department="qc") == []
    assert _numbers(api, people.agent, team=people.other_team.pk) == []
    assert _numbers(api, people.warehouse, status="resolved") == [varied[3]]
    assert _numbers(api, people.other_customer_user) == []


def test_list_item_shape(api, people, varied):
    item = api(people.agent).get("/cases", {"status": "under_review"}).json()["items"][0]
    assert item == {
        "number": varied[1],
        "status": "under_review",
        "case_type": "after_sales",
        "category": "quality_fault",
        "resolution": "return_refund",
        "priority": "P0",
        "channel": "phone",
        "customer_name": "张小明",
        "customer_phone": "138****5678",
        "order_no": item["order_no"],
        "assignee": {"id": people.agent.pk, "name": "agent"},
        "created_at": "2026-11-02T00:00:00Z",
        "version": 1,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"case_type": "x"}, "case_type"),
        ({"priority": "P9"}, "priority"),
        ({"channel": "fax"}, "channel"),
        ({"department": "hr"}, "department"),
        ({"assignee": "me"}, "assignee"),
        ({"assignee": "0"}, "assignee"),
        ({"team": str(2**70)}, "team"),
        ({"order_no": "bad no"}, "order_no"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"created_to": "2026-13-01"}, "created_to"),
        ({"after": "abc"}, "after"),
        ({"after": "-1"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "1e3"}, "limit"),
    ],
)
def test_bad_filters_are_refused_with_the_field(api, people, params, field):
    response = api(people.director).get("/cases", params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"],
)
@pytest.mark.parametrize("name", ["created_from", "created_to"])
def test_extreme_dates_are_refused_not_a_server_error(api, people, name, value):
    response = api(people.director).get("/cases", {name: value})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == name
    assert response.json()["errors"][0]["message"] == "不是有效的日期时间（示例：2026-11-22 14:30:00）"


def test_a_date_without_a_time_zone_is_local_time(api, people, varied):
    # 2026-11-02 00:00 UTC is 08:00 in Shanghai.
    assert _numbers(
        api, people.director, created_from="2026-11-02T08:00:00", created_to="2026-11-02T08:00:01"
    ) == [varied[1]]


def test_keyset_pagination_walks_every_case_once(api, people, order):
    numbers = [make_case(order, people.agent).number for _ in range(7)]
    client = api(people.agent)
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"after": after} if after else {})}
        body = client.get("/cases", params).json()
        pages += 1
        seen += [item["number"] for item in body["items"]]
        after = body["next_cursor"]
        if after is None:
            break
        assert pages < 10
    assert seen == numbers[::-1]
    assert pages == 3


def test_a_page_is_not_disturbed_by_cases_created_meanwhile(api, people, order):
    numbers = [make_case(order, people.agent).number for _ in range(4)]
    client = api(people.agent)
    first = client.get("/cases", {"limit": 2}).json()
    newer = make_case(order, people.agent).number
    second = client.get("/cases", {"limit": 2, "after": first["next_cursor"]}).json()
    assert [i["number"] for i in first["items"]] == numbers[:1:-1]
    assert [i["number"] for i in second["items"]] == numbers[1::-1]
    assert newer not in [i["number"] for i in second["items"]]


def test_the_last_full_page_points_to_an_empty_one(api, people, order):
    for _ in range(2):
        make_case(order, people.agent)
    client = api(people.agent)
    first = client.get("/cases", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"] is not None
    assert client.get("/cases", {"limit": 2, "after": first["next_cursor"]}).json() == {
        "items": [],
        "next_cursor": None,
    }


def test_default_page_size_is_50(api, people, order):
    for _ in range(51):
        make_case(order, people.agent)
    body = api(people.director).get("/cases").json()
    assert len(body["items"]) == 50 and body["next_cursor"] is not None


@pytest.fixture
def many_cases(people):
    """25 cases, each with its own customer, order, assignee and team: what would show N+1 queries."""
    for n in range(25):
        buyer = CustomerFactory()
        order = OrderLineFactory(order=OrderFactory(customer=buyer), line_no=1, quantity=3).order
        case = make_case(order, people.agent, claim=_claim(order))
        assignee = people.agent if n % 2 else people.other_agent
        Case.objects.filter(pk=case.pk).update(assignee=assignee, team=assignee.team, department="warehouse")


def _claim(order):
    from aftersale.cases.identity import IdentityClaim

    return IdentityClaim(order_no=order.order_no, phone=order.customer.phone)


@pytest.mark.parametrize("who", ["director", "team_lead", "agent", "warehouse", "customer_user"])
def test_the_number_of_queries_does_not_grow_with_the_page(api, people, many_cases, who):
    client = api(getattr(people, who))
    client.get("/cases", {"limit": 1})  # warms the token cache

    counts = {}
    for limit in (1, 5, 25):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases", {"limit": limit})
        assert response.status_code == 200
        counts[limit] = len(queries)
    assert counts[1] == counts[5] == counts[25], counts
    assert counts[25] <= 3, counts


def test_query_count_with_pytest_django_helper(api, people, many_cases, django_assert_max_num_queries):
    client = api(people.director)
    client.get("/cases", {"limit": 1})
    with django_assert_max_num_queries(2):
        body = client.get("/cases", {"limit": 200}).json()
    assert len(body["items"]) == 25


def test_an_offset_postgresql_cannot_parse_is_still_understood(api, people, varied):
    # Python accepts offsets up to ±23:59, PostgreSQL only up to ±15:59: the filter works in UTC.
    # 2026-11-02 00:00 UTC is 2026-11-01 04:43 at -19:17.
    assert _numbers(
        api, people.director, created_from="2026-11-01T04:43:00-19:17", created_to="2026-11-02T00:00:01Z"
    ) == [varied[1]]
