"""The help centre in the portal, the staff's knowledge pages and the case page's script panel."""

from __future__ import annotations

from .conftest import resolve


def test_the_help_centre_is_open_to_visitors_and_shows_only_published_faq(kb, client):
    page = client.get("/portal/help/", {"q": "屏幕碎了"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "屏幕破裂怎么办" in text and "物流破损处理流程" not in text
    assert client.get("/portal/help/cracked-screen/").status_code == 200
    assert client.get("/portal/help/damage-handling/").status_code == 404  # internal
    assert client.get("/portal/help/draft-faq/").status_code == 404  # unpublished
    english = client.get("/portal/help/cracked-screen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What to do if the screen is cracked" in english


def test_staff_reading_the_help_centre_see_what_customers_see(kb, people, as_user):
    assert as_user(people.director).get("/portal/help/damage-handling/").status_code == 404


def test_the_request_page_offers_the_faq_first(kb, people, order, client):
    client.force_login(people.customer_user)
    page = client.get(f"/portal/orders/{order.order_no}/request/", {"category": "transit_damage"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "/portal/help/cracked-screen/" in text and "damage-handling" not in text


def test_the_knowledge_pages_are_for_staff(kb, people, as_user, client):
    assert client.get("/console/knowledge/").status_code == 302
    assert as_user(people.customer_user).get("/console/knowledge/").status_code == 403
    page = as_user(people.agent).get("/console/knowledge/", {"q": "屏幕碎了"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "屏幕破裂怎么办" in text and "物流破损处理流程（内部）" in text and "二组大客户" not in text
    assert (
        as_user(people.agent).get(f"/console/knowledge/articles/{kb.other_team_only.pk}/").status_code == 404
    )
    assert (
        as_user(people.other_agent).get(f"/console/knowledge/articles/{kb.other_team_only.pk}/").status_code
        == 200
    )


def test_the_case_page_loads_the_script_panel_into_the_reply_box(kb, people, case, as_user):
    client = as_user(people.agent)
    page = client.get(f"/console/cases/{case.number}/").content.decode()
    assert f'hx-get="/console/knowledge/cases/{case.number}/scripts/"' in page
    panel = client.get(f"/console/knowledge/cases/{case.number}/scripts/", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    text = panel.content.decode()
    assert "质量问题致歉" in text and "张小明您好" in text and "data-kb-insert" in text
    assert "物流破损" not in text  # another category's script
    assert "knowledge/knowledge.js" in text
    # A member of staff who may not see the case gets nothing.
    case.team, case.assignee = people.team, None
    case.save()
    assert (
        as_user(people.other_agent).get(f"/console/knowledge/cases/{case.number}/scripts/").status_code == 404
    )


def test_marking_a_reference_case_from_the_console(kb, people, case, as_user):
    client = as_user(people.agent)
    refused = client.post(f"/console/knowledge/cases/{case.number}/reference/", {"lesson": "x"})
    assert refused.status_code == 400
    assert "只有已解决或已结案的售后单可以收录为参考案例" in refused.content.decode()
    resolve(case, people.agent)
    panel = client.get(f"/console/knowledge/cases/{case.number}/scripts/").content.decode()
    assert f"/console/knowledge/cases/{case.number}/reference/" in panel
    done = client.post(
        f"/console/knowledge/cases/{case.number}/reference/",
        {"lesson": "异响先排查运输松动", "title": "异响案例"},
    )
    assert done.status_code == 302
    library = client.get("/console/knowledge/references/", {"q": "异响"}).content.decode()
    assert "异响案例" in library and case.number in library
    other = as_user(people.optimizer).get("/console/knowledge/references/").content.decode()
    assert "异响案例" in other


def test_the_console_and_the_portal_link_to_the_knowledge_pages(people, as_user, client):
    assert 'href="/portal/help/"' in client.get("/portal/login/").content.decode()
    assert 'href="/console/knowledge/"' in as_user(people.agent).get("/console/").content.decode()


def test_the_script_panel_reads_a_bounded_number_of_rows(
    kb, people, case, as_user, django_assert_max_num_queries
):
    from aftersale.knowledge.services import ScriptIn, script_create

    for n in range(10):
        script_create(
            actor=people.director,
            data=ScriptIn(title=f"话术{n}", body="{customer_name}", categories=["quality_fault"]),
        )
    client = as_user(people.agent)
    client.get(f"/console/knowledge/cases/{case.number}/scripts/")  # jieba and the session warmed up
    with django_assert_max_num_queries(12):  # 10 today, whatever the number of scripts
        page = client.get(f"/console/knowledge/cases/{case.number}/scripts/")
    assert page.content.decode().count("data-kb-script") == 8


def test_a_department_member_writing_notes_gets_no_reply_scripts(kb, people, case, as_user):
    case.department = "warehouse"
    case.save()
    page = as_user(people.warehouse).get(f"/console/cases/{case.number}/").content.decode()
    assert "/console/knowledge/cases/" not in page
