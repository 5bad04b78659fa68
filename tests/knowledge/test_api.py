"""The knowledge endpoints: search, writing with field errors, filling scripts, the case library."""

from __future__ import annotations

from .conftest import resolve


def test_a_customer_searches_the_faq_in_chinese_and_never_gets_internal_articles(kb, people, api):
    answer = api(people.customer_user).get("/knowledge/articles", {"q": "屏幕碎了"})
    assert answer.status_code == 200
    assert [a["slug"] for a in answer.json()] == ["cracked-screen"]
    assert answer.json()[0]["matches"] == 2
    assert api(people.customer_user).get("/knowledge/articles", {"kind": "internal"}).json() == []
    assert api(people.customer_user).get(f"/knowledge/articles/{kb.internal.pk}").status_code == 404
    staff = api(people.agent).get("/knowledge/articles", {"q": "屏幕碎了"}).json()
    assert {a["slug"] for a in staff} == {"cracked-screen", "damage-handling"}


def test_writing_an_article_and_its_field_errors(people, api):
    director = api(people.director)
    made = director.post(
        "/knowledge/articles",
        {
            "kind": "faq",
            "slug": "invoice",
            "title": "如何开具发票",
            "body": "在订单详情页申请电子发票。",
            "categories": ["invoice"],
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["categories"] == ["invoice"]
    again = director.post(
        "/knowledge/articles", {"kind": "faq", "slug": "invoice", "title": "x", "body": "y"}
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "slug"
    bad = director.post(
        "/knowledge/articles", {"kind": "faq", "slug": "z", "title": "x", "body": "y", "categories": ["nope"]}
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "categories"
    changed = director.patch(f"/knowledge/articles/{made.json()['id']}", {"title": "电子发票怎么开"})
    assert changed.json()["title"] == "电子发票怎么开" and changed.json()["categories"] == ["invoice"]
    found = api(people.customer_user).get("/knowledge/articles", {"q": "电子发票"}).json()
    assert [a["slug"] for a in found] == ["invoice"]
    assert (
        api(people.agent)
        .post("/knowledge/articles", {"kind": "faq", "slug": "a", "title": "x", "body": "y"})
        .status_code
        == 403
    )


def test_an_unknown_variable_is_a_field_error_in_the_callers_language(people, api):
    for language, phrase in (("zh-hans", "未知变量"), ("en", "Unknown variable")):
        answer = api(people.director, language).post(
            "/knowledge/scripts", {"title": "t", "body": "您好 {name}"}
        )
        assert answer.status_code == 400
        error = answer.json()["errors"][0]
        assert (error["field"], error["code"]) == ("body", "unknown_variable")
        assert phrase in error["message"] and "{name}" in error["message"]


def test_reply_scripts_for_a_case_and_rendering_one(kb, people, case, api):
    agent = api(people.agent)
    suggested = agent.get(f"/cases/{case.number}/reply-scripts")
    assert suggested.status_code == 200
    assert [s["title"] for s in suggested.json()] == ["质量问题致歉", "通用问候"]
    assert suggested.json()[0]["text"].startswith("张小明您好")
    one = agent.get(f"/knowledge/scripts/{kb.general_script.pk}/render", {"case": case.number})
    assert one.json()["text"] == "您好，我是客服agent，很高兴为您服务。"
    english = api(people.agent, "en").get(f"/cases/{case.number}/reply-scripts").json()
    assert english[0]["title"] == "Apology for a fault"
    case.team, case.assignee = people.team, None
    case.save()
    assert api(people.other_agent).get(f"/cases/{case.number}/reply-scripts").status_code == 404
    assert (
        api(people.other_agent)
        .get(f"/knowledge/scripts/{kb.general_script.pk}/render", {"case": case.number})
        .status_code
        == 404
    )
    assert agent.get(f"/knowledge/scripts/{kb.other_team_script.pk}").status_code == 404
    assert api(people.customer_user).get("/knowledge/scripts").json() == []


def test_the_case_library_through_the_api(kb, people, order, case, api):
    agent = api(people.agent)
    refused = agent.post(f"/cases/{case.number}/reference", {"lesson": "x"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "not_resolved"
    resolve(case, people.agent)
    made = agent.post(f"/cases/{case.number}/reference", {"lesson": "异响多为运输松动，先指导复位。"})
    assert made.status_code == 201, made.content
    assert made.json()["case"] == case.number
    assert agent.post(f"/cases/{case.number}/reference", {"lesson": "y"}).status_code == 409
    found = api(people.optimizer).get("/knowledge/reference-cases", {"q": "异响"}).json()
    assert [r["id"] for r in found] == [made.json()["id"]]
    from tests.conftest import make_case

    new = make_case(order, people.agent, description="开机有异响")
    similar = agent.get(f"/cases/{new.number}/similar-reference-cases").json()
    assert [r["case"] for r in similar] == [case.number]
    assert api(people.customer_user).get(f"/knowledge/reference-cases/{made.json()['id']}").status_code == 404
