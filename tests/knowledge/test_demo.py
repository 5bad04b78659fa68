"""The demo loads a knowledge base that answers the help centre's example question."""

from __future__ import annotations

import pytest

from aftersale.demo import demo_load
from aftersale.knowledge.models import Article, ReferenceCase, ReplyScript
from aftersale.knowledge.selectors import article_search, reference_similar, scripts_for_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_knowledge_base(django_user_model):
    assert demo_load() is True
    counts = (Article.objects.count(), ReplyScript.objects.count(), ReferenceCase.objects.count())
    assert counts[0] >= 9 and counts[1] >= 6 and counts[2] == 3
    assert Article.objects.exclude(title_en="").count() == counts[0]
    assert [h.obj.slug for h in article_search(user=None, query="屏幕碎了")][0] == "cracked-screen"
    agent = django_user_model.objects.get(username="agent1")
    ref = ReferenceCase.objects.filter(category__code="quality_fault").first()
    assert ref is not None and ref.case.events.filter(kind="case.referenced").exists()
    from aftersale.cases.models import Case

    new = Case.objects.filter(category__code="quality_fault").exclude(pk=ref.case_id).order_by("-id").first()
    director = django_user_model.objects.get(username="director")
    assert ref.pk in [h.obj.pk for h in reference_similar(user=director, case=new)]
    assert any(s.title == "质量问题致歉" for s in scripts_for_case(user=director, case=new))
    assert agent.role == "agent"
    demo_load(force=True)  # loading again adds no knowledge twice
    assert (Article.objects.count(), ReplyScript.objects.count(), ReferenceCase.objects.count()) == counts
