"""QA sampling: stratified per agent, reproducible with a seed; the scorecard's data items are
pre-filled and marked, the reviewer completes the rest; scores per agent and team."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersale.cases.models import Case, Evidence
from aftersale.cases.services import message_add
from aftersale.common.errors import Conflict, DomainError, PermissionDenied
from aftersale.quality.models import QaReview
from aftersale.quality.sampling import qa_review_complete, qa_sample_draw, qa_scores, stratified_sample
from tests.conftest import make_case
from tests.factories import OrderFactory, OrderLineFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
OCT = date(2026, 10, 1)


def _closed_case(people, agent, team, created: datetime, *, evidence: bool = False, quick: bool = False):
    order = OrderFactory(customer=people.customer)
    OrderLineFactory(order=order, line_no=1)
    with time_machine.travel(created, tick=False):
        case = make_case(order, agent)
    if quick:
        with time_machine.travel(created + timedelta(minutes=10), tick=False):
            message_add(case=case, actor=agent, body="您好，正在处理")
    if evidence:
        for kind in ("item_photo", "box_photo", "waybill_photo"):
            Evidence.objects.create(
                case=case,
                kind=kind,
                file=f"evidence/{kind}.jpg",
                content_type="image/jpeg",
                size=1,
                sha256="0" * 64,
            )
    Case.objects.filter(pk=case.pk).update(
        status="closed",
        assignee=agent,
        team=team,
        outcome_note="已退款",
        closed_at=created + timedelta(hours=5),
        resolved_at=created + timedelta(hours=4),
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def october(people):
    third = UserFactory(username="agent3", role="agent", team=people.team)
    counts = {people.agent: 20, people.other_agent: 5, third: 1}
    cases = {}
    for agent, n in counts.items():
        team = agent.team
        cases[agent.pk] = [
            _closed_case(
                people, agent, team, datetime(2026, 10, 1 + i, 10, tzinfo=TZ), evidence=i == 0, quick=i == 0
            )
            for i in range(n)
        ]
    # Closed in November: not October's.
    _closed_case(people, people.agent, people.team, datetime(2026, 11, 3, 10, tzinfo=TZ))
    return cases


def test_every_agent_is_sampled_at_the_rate(october, people):
    with time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        sample = qa_sample_draw(month=OCT, actor=people.director, rate=0.1, seed=42)
    per_agent = {}
    for review in sample.reviews.all():
        per_agent[review.agent_id] = per_agent.get(review.agent_id, 0) + 1
        assert review.case_id in {c.pk for c in october[review.agent_id]}
    assert sorted(per_agent.values()) == [1, 1, 2]  # ceil(10 % of 20), and at least one of 5 and of 1
    assert per_agent[people.agent.pk] == 2


def test_the_same_seed_draws_the_same_sample(october):
    ids = {agent: [c.pk for c in cases] for agent, cases in october.items()}
    first = stratified_sample(ids, rate=0.2, seed=7)
    assert stratified_sample(ids, rate=0.2, seed=7) == first
    assert any(stratified_sample(ids, rate=0.2, seed=s) != first for s in range(8, 14))


def test_the_sample_is_what_the_seed_gives(october, people):
    with time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        sample = qa_sample_draw(month=date(2026, 10, 15), actor=people.director, rate=0.25, seed=2026)
    ids = {agent: [c.pk for c in cases] for agent, cases in october.items()}
    expected = sorted(i for chosen in stratified_sample(ids, rate=0.25, seed=2026).values() for i in chosen)
    assert sorted(sample.reviews.values_list("case_id", flat=True)) == expected
    assert sample.month == OCT
    with pytest.raises(Conflict), time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        qa_sample_draw(month=OCT, actor=people.director, rate=0.25, seed=1)


def test_data_items_are_prefilled_and_marked(october, people):
    with time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        sample = qa_sample_draw(month=OCT, actor=people.director, rate=1.0, seed=1)
    best = sample.reviews.get(case=october[people.agent.pk][0])
    assert best.items == {
        "identity": {"value": True, "source": "data"},
        "evidence": {"value": True, "source": "data"},
        "first_contact": {"value": True, "source": "data"},
        "closed_with_cause": {"value": True, "source": "data"},
        "wording": {"value": None, "source": "reviewer"},
        "plan_accepted": {"value": None, "source": "reviewer"},
    }
    other = sample.reviews.get(case=october[people.agent.pk][1])
    assert other.items["evidence"]["value"] is False and other.items["first_contact"]["value"] is False


def test_the_reviewer_completes_the_rest_and_scores_roll_up(october, people):
    with time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        sample = qa_sample_draw(month=OCT, actor=people.director, rate=1.0, seed=1)
    best = sample.reviews.get(case=october[people.agent.pk][0])
    with pytest.raises(DomainError) as refused:
        qa_review_complete(review=best, answers={"identity": False, "wording": True}, actor=people.director)
    assert {e.field for e in refused.value.errors} == {"answers.identity", "answers.plan_accepted"}
    with pytest.raises(PermissionDenied):
        qa_review_complete(review=best, answers={"wording": True, "plan_accepted": True}, actor=people.agent)

    done = qa_review_complete(
        review=best, answers={"wording": True, "plan_accepted": True}, actor=people.team_lead
    )
    assert done.score == 100.0 and done.items["wording"] == {"value": True, "source": "reviewer"}
    with pytest.raises(Conflict):
        qa_review_complete(
            review=best, answers={"wording": True, "plan_accepted": True}, actor=people.director
        )
    second = sample.reviews.get(case=october[people.agent.pk][1])
    assert (
        qa_review_complete(
            review=second, answers={"wording": True, "plan_accepted": False}, actor=people.director
        ).score
        == 50.0
    )  # identity, wording, closed: 3 of 6

    scores = qa_scores(sample)
    agent = next(row for row in scores["agents"] if row["agent_id"] == people.agent.pk)
    assert (agent["sampled"], agent["reviewed"], agent["score"]) == (20, 2, 75.0)
    team = next(row for row in scores["teams"] if row["team_id"] == people.team.pk)
    assert (team["sampled"], team["reviewed"], team["score"]) == (21, 2, 75.0)
    assert QaReview.objects.filter(sample=sample).count() == 26


def test_bad_input_is_refused_with_the_field(people):
    with pytest.raises(DomainError) as refused:
        qa_sample_draw(month=date(2099, 1, 1), actor=people.director, rate=1.5, seed=1)
    assert {e.field for e in refused.value.errors} == {"rate", "month"}
    with pytest.raises(PermissionDenied):
        qa_sample_draw(month=OCT, actor=people.agent, rate=0.1, seed=1)


def test_the_qa_api(october, people, api):
    director = api(people.director)
    with time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        drawn = director.post("/qa/samples", {"month": "2026-10", "rate": 0.1, "seed": 42})
    assert drawn.status_code == 201, drawn.json()
    reviews = drawn.json()["reviews"]
    assert len(reviews) == 4 and drawn.json()["seed"] == 42
    items = {i["key"]: i for i in reviews[0]["items"]}
    assert items["identity"]["source"] == "data" and items["wording"]["source"] == "reviewer"
    assert items["wording"]["label"] == "沟通话术"
    bad = director.post(f"/qa/reviews/{reviews[0]['id']}", {"answers": {"wording": True}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "answers.plan_accepted"
    ok = director.post(
        f"/qa/reviews/{reviews[0]['id']}", {"answers": {"wording": True, "plan_accepted": True}}
    )
    assert ok.status_code == 200 and ok.json()["score"] is not None
    scores = director.get("/qa/samples/2026-10/scores").json()
    assert sum(row["reviewed"] for row in scores["agents"]) == 1
    assert api(people.agent).get("/qa/samples/2026-10").status_code == 403
    assert director.get("/qa/samples/2026-09").status_code == 404
    assert director.post("/qa/samples", {"month": "2026-13", "rate": 0.1}).status_code == 422


def test_the_qa_page(october, people, client):
    client.force_login(people.director)
    with time_machine.travel(datetime(2026, 11, 20, tzinfo=TZ)):
        empty = client.get("/console/quality/qa/?month=2026-10")
        assert empty.status_code == 200 and empty.context["sample"] is None
        bad = client.post("/console/quality/qa/", {"action": "draw", "month": "2026-10", "rate": "2"})
        assert bad.status_code == 400 and bad.context["errors"][0].field == "rate"
        drawn = client.post(
            "/console/quality/qa/", {"action": "draw", "month": "2026-10", "rate": "0.1", "seed": "42"}
        )
        assert drawn.status_code == 302
        page = client.get("/console/quality/qa/?month=2026-10")
    rows = page.context["reviews"]
    assert len(rows) == 4 and "系统判定" in page.content.decode()
    review = rows[0]["review"]
    missing = client.post("/console/quality/qa/", {"review": review.pk, "month": "2026-10", "wording": "yes"})
    assert missing.status_code == 400 and missing.context["errors"][0].field == "answers.plan_accepted"
    done = client.post(
        "/console/quality/qa/",
        {"review": review.pk, "month": "2026-10", "wording": "yes", "plan_accepted": "no"},
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert (
        review.items["plan_accepted"] == {"value": False, "source": "reviewer"} and review.score is not None
    )
    client.force_login(people.agent)
    assert client.get("/console/quality/qa/?month=2026-10").status_code == 403
