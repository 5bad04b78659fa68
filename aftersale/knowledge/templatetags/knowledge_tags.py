from __future__ import annotations

from django import template
from django.db.models import Q

from aftersale.knowledge.models import Article, ArticleKind

register = template.Library()


@register.simple_tag
def faq_for(category_code: str | None = None, limit: int = 5) -> list[Article]:
    """Published FAQ for a category (those for every category after), for the portal's request page."""
    qs = Article.objects.filter(kind=ArticleKind.FAQ, is_published=True)
    articles = (
        list(qs.filter(categories__code=category_code).order_by("sort_order", "id")[:limit])
        if category_code
        else []
    )
    if len(articles) < limit:
        seen = [a.pk for a in articles]
        more = qs.filter(~Q(pk__in=seen)).order_by("sort_order", "id")[: limit - len(articles)]
        articles += list(more)
    return articles


@register.simple_tag
def title_in(obj, language: str) -> str:
    return obj.title_for(language or "")


@register.simple_tag
def body_in(obj, language: str) -> str:
    return obj.body_for(language or "")
