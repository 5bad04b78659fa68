"""Full-text search in Chinese and English, on the database's own token index."""

from __future__ import annotations

import pytest

from aftersale.knowledge.models import DocKind, SearchToken
from aftersale.knowledge.selectors import article_search, script_search
from aftersale.knowledge.services import ArticleIn, article_update


def titles(hits):
    return [h.obj.title for h in hits]


@pytest.mark.parametrize(
    "query",
    [
        "屏幕碎了",
        "手机屏幕碎了怎么办",
        "碎屏",
        "屏幕裂开了",
        "手機螢幕碎了",
        "cracked screen",
        "Screen CRACKED?",
    ],
)
def test_a_customer_question_finds_the_cracked_screen_article_first(kb, people, query):
    hits = article_search(user=people.customer_user, query=query)
    assert titles(hits)[0] == "屏幕破裂怎么办"


def test_ranking_counts_distinct_words_matched_then_title_weight(kb, people):
    hits = article_search(user=people.director, query="屏幕碎裂 补发")
    # The internal article holds 屏幕, 碎 and 补发: three words beat the FAQ's two.
    assert titles(hits)[:2] == ["物流破损处理流程（内部）", "屏幕破裂怎么办"]
    assert hits[0].hits == 3 and hits[1].hits == 2


def test_english_queries_find_english_text(kb, people):
    assert (
        titles(article_search(user=people.customer_user, query="how long does a refund take"))[0]
        == "退款多久到账"
    )
    assert titles(article_search(user=people.customer_user, query="退款到账")) == ["退款多久到账"]


def test_words_nobody_wrote_find_nothing_and_stop_words_alone_search_nothing(kb, people):
    assert article_search(user=people.director, query="发票抬头") == []
    assert article_search(user=people.director, query="怎么办 的 了") == []


def test_the_index_follows_an_edit(kb, people):
    assert article_search(user=people.customer_user, query="保价") == []
    article_update(
        actor=people.director,
        article=kb.refund,
        data=ArticleIn(
            kind="faq", slug="refund-time", title="退款多久到账", body="保价商品的退款同样 1-7 个工作日到账。"
        ),
    )
    assert titles(article_search(user=people.customer_user, query="保价")) == ["退款多久到账"]
    # The old body's words are gone from the index.
    assert not SearchToken.objects.filter(
        doc_kind=DocKind.ARTICLE, doc_id=kb.refund.pk, token="原路"
    ).exists()


def test_scripts_are_searchable_too(kb, people):
    assert titles(script_search(user=people.agent, query="破损 照片")) == ["物流破损"]
