"""Who reads what: customers only published FAQ, staff by team, editors also drafts."""

from __future__ import annotations

import pytest

from aftersale.common.errors import NotFound, PermissionDenied
from aftersale.knowledge.selectors import article_get, article_search, scripts_visible
from aftersale.knowledge.services import ArticleIn, ScriptIn, article_create, script_create


def slugs(hits):
    return {h.obj.slug for h in hits}


def test_a_customer_never_sees_internal_articles(kb, people):
    for user in (people.customer_user, people.other_customer_user, None):
        assert slugs(article_search(user=user, query="屏幕碎裂")) == {"cracked-screen"}
        assert slugs(article_search(user=user)) == {"cracked-screen", "refund-time"}
        with pytest.raises(NotFound):
            article_get(user=user, pk=kb.internal.pk)
        with pytest.raises(NotFound):
            article_get(user=user, slug="draft-faq")


def test_team_restricted_content_shows_only_to_that_team_and_to_all_seeing_roles(kb, people):
    assert "team2-notes" not in slugs(article_search(user=people.agent, query="屏幕"))
    assert "team2-notes" in slugs(article_search(user=people.other_agent, query="屏幕"))
    assert "team2-notes" in slugs(article_search(user=people.director, query="屏幕"))
    assert kb.other_team_script not in scripts_visible(people.agent)
    assert kb.other_team_script in scripts_visible(people.other_agent)
    with pytest.raises(NotFound):
        article_get(user=people.agent, pk=kb.other_team_only.pk)
    # A department member reads the articles for all staff, not a team's.
    assert slugs(article_search(user=people.warehouse, kind="internal")) == {"damage-handling"}


def test_drafts_are_for_editors(kb, people):
    assert "draft-faq" not in slugs(article_search(user=people.agent, query="屏幕"))
    assert "draft-faq" in slugs(article_search(user=people.director, query="屏幕"))


def test_only_editors_write_and_a_team_lead_only_for_the_teams_they_lead(kb, people):
    data = ArticleIn(kind="internal", slug="x", title="标题", body="正文")
    for user in (people.agent, people.optimizer, people.warehouse, people.customer_user):
        with pytest.raises(PermissionDenied):
            article_create(actor=user, data=data)
    with pytest.raises(PermissionDenied) as refused:
        article_create(actor=people.team_lead, data=data)
    assert refused.value.errors[0].field == "team"
    with pytest.raises(PermissionDenied):
        script_create(actor=people.team_lead, data=ScriptIn(title="t", body="b", team=people.other_team.pk))
    mine = article_create(
        actor=people.team_lead,
        data=ArticleIn(kind="internal", slug="x", title="标题", body="正文", team=people.team.pk),
    )
    assert mine.team == people.team


def test_an_faq_cannot_be_limited_to_a_team(people):
    with pytest.raises(Exception) as refused:
        article_create(
            actor=people.director,
            data=ArticleIn(kind="faq", slug="y", title="t", body="b", team=people.team.pk),
        )
    assert refused.value.errors[0].field == "team"
